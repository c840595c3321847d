"""Connections: the single writer (the flows) and the published read-only copy (the dashboard).

DuckDB lets one process write or many read, never both: a reader in another process blocks the writer too. So
the flows own the working file and, at the end of each run, copy it into a new file and `os.replace` that over
the published one. Readers only ever open the published file, read-only, briefly, with bounded retries.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from warehouse import rollups

log = logging.getLogger(__name__)

_MIGRATION = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class WarehouseError(Exception):
    """A warehouse problem a user can act on; the message says how."""


class NotPublished(WarehouseError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"No published warehouse at {path}: run `medparole ingest <folder>` first "
            "(or check MEDPAROLE_DATA_DIR points at the data folder you meant)."
        )


class WarehouseBusy(WarehouseError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The warehouse {path} is in use by another medparole process (an ingest or reextract is running): "
            "wait for it to finish, then try again."
        )


class WarehouseDamaged(WarehouseError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The warehouse {path} cannot be read: the file is damaged or is not a medparole warehouse. Run "
            "`medparole publish` to write the published copy again from the working warehouse."
        )


def _sql(name: str) -> str:
    return resources.files("warehouse").joinpath(name).read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every numbered migration, in order."""
    found = []
    for item in resources.files("warehouse").joinpath("migrations").iterdir():
        match = _MIGRATION.match(item.name)
        if match:
            found.append((int(match.group(1)), match.group(2), item.read_text(encoding="utf-8")))
    return sorted(found)


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Build a fresh warehouse from schema.sql, or bring an existing one up to date; then (re)create views."""
    existing = first_row(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'applied_migrations'")
    )
    fresh = not existing or existing[0] == 0
    con.execute(_sql("schema.sql"))
    applied = {row[0] for row in con.execute("SELECT version FROM applied_migrations").fetchall()}
    for version, name, sql in migrations():
        if version in applied:
            continue
        if not fresh:
            log.info("applying warehouse migration %04d %s", version, name)
            with transaction(con):
                con.execute(sql)
                con.execute("INSERT INTO applied_migrations (version, name) VALUES (?, ?)", [version, name])
        else:
            con.execute("INSERT INTO applied_migrations (version, name) VALUES (?, ?)", [version, name])
    con.execute(_sql("views.sql"))


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection, **tables: Any) -> Iterator[None]:
    """One transaction, with the given Arrow or pandas tables registered under their names for its statements:
    committed when the block ends, rolled back on any error, the names unregistered either way."""
    for name, table in tables.items():
        con.register(name, table)
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in tables:
            con.unregister(name)


def connect_writer(path: Path) -> duckdb.DuckDBPyConnection:
    """The working warehouse, read-write, schema applied. Only the flows call this."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(path) from exc
        raise
    apply_schema(con)
    return con


def connect_memory() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse built from the same SQL files (tests, dry runs)."""
    con = duckdb.connect(":memory:")
    apply_schema(con)
    return con


def publish(con: duckdb.DuckDBPyConnection, published: Path) -> Path:
    """Copy the working warehouse into a new file, store the case roll-ups in it (warehouse/rollups.py: copied
    from the current published copy when nothing they rest on changed), and atomically put it in place of the
    published copy."""
    published.parent.mkdir(parents=True, exist_ok=True)
    # Copies left by a publish that was killed half-way are never read; remove them.
    for stale in published.parent.glob(f".{published.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    tmp = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    con.execute("CHECKPOINT")
    source = first_row(con.execute("SELECT current_database()"))
    assert source is not None
    previous = _attach_previous(con, published)
    con.execute("ATTACH ? AS medparole_publish", [str(tmp)])
    try:
        name = str(source[0]).replace('"', '""')  # an identifier DuckDB gave us, quoted
        con.execute(f'COPY FROM DATABASE "{name}" TO medparole_publish')
        # Only staging reads the input files' stats (their paths, often a patient's name): readers never see them.
        con.execute("DROP TABLE medparole_publish.main.file_stats")
        if rollups.materialize(con, "medparole_publish", previous):
            log.info("nothing the case roll-ups rest on changed: copied them from the published copy")
    finally:
        con.execute("DETACH medparole_publish")
        if previous:
            con.execute(f"DETACH {previous}")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return published


def _attach_previous(con: duckdb.DuckDBPyConnection, published: Path) -> str | None:
    """The current published copy, attached read-only to reuse its roll-ups; None when there is none or it
    cannot be opened (then they are computed, as on a first publish)."""
    if not published.exists():
        return None
    try:
        con.execute("ATTACH ? AS medparole_previous (READ_ONLY)", [str(published)])
    except duckdb.Error as exc:
        log.info("the published copy cannot be read (%s): computing the case roll-ups", type(exc).__name__)
        return None
    return "medparole_previous"


@contextlib.contextmanager
def open_published(path: Path, retries: int = 5, delay_s: float = 0.2) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection to the published copy, retried a few times if the file is busy."""
    con = _retry_busy(path, lambda: duckdb.connect(str(path), read_only=True), retries, delay_s)
    try:
        yield con
    finally:
        con.close()


def attach_published(path: Path, retries: int = 5, delay_s: float = 0.2) -> duckdb.DuckDBPyConnection:
    """A DuckDB instance of its own (in memory) with the published copy attached read-only as `published` and in
    use, for a long-lived reader that takes a cursor a read: a cursor costs nothing to open where a connection
    starts DuckDB (about 20 ms), and the instance keeps the file's blocks it has read. It keeps reading the file
    it attached: after a publish (a new file in its place), attach again."""

    def attach() -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:")
        try:
            con.execute("ATTACH ? AS published (READ_ONLY)", [str(path)])
        except BaseException:
            con.close()
            raise
        return con

    return _retry_busy(path, attach, retries, delay_s)


def _retry_busy(
    path: Path, opener: Callable[[], duckdb.DuckDBPyConnection], retries: int, delay_s: float
) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise NotPublished(path)
    attempt = 0
    while True:
        try:
            return opener()
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():  # only a lock passes with time; a damaged file does not
                raise WarehouseDamaged(path) from exc
            attempt += 1
            if attempt > retries:
                raise WarehouseBusy(path) from exc
            time.sleep(delay_s * attempt)


def first_row(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """The first row of a result, read to the end: DuckDB 2.0 keeps the connection busy (no register(), no
    transaction) while a result is only partly fetched, which `fetchone()` leaves it."""
    rows = result.fetchall()
    return rows[0] if rows else None
