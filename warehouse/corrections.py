"""Corrections: what a person confirmed, edited, rejected or added, in their own store.

The store is SQLite in WAL mode (one writer and many readers across processes), so the dashboard can record a
correction while a flow holds the DuckDB warehouse. Corrections are appended, never updated: the latest for a
fact key wins and the history stays. A fact is keyed by sha256:field:start:end, not by its index, so a correction
survives re-extraction of the same document. Every publish copies the store into the warehouse's `corrections`
table (`apply_corrections`), where the `corrected_facts` and `case_facts` views apply them; between publishes
`overlay_pending` shows the store's corrections on the published copy at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from warehouse import db, rollups


class Action(StrEnum):
    """What a person did to a fact; the values are the SQL values."""

    confirm = "confirm"
    edit = "edit"
    reject = "reject"
    add = "add"


COLUMNS = (
    "correction_id",
    "created_at",
    "author",
    "sha256",
    "field",
    "start_offset",
    "end_offset",
    "fact_key",
    "action",
    "old_value",
    "new_value",
    "new_attributes",
    "reason",
)

_STORE_SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    correction_id   TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    author          TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    field           TEXT NOT NULL,
    start_offset    INTEGER,
    end_offset      INTEGER,
    fact_key        TEXT NOT NULL,
    action          TEXT NOT NULL CHECK (action IN ('confirm', 'edit', 'reject', 'add')),
    old_value       TEXT,
    new_value       TEXT,
    new_attributes  TEXT,
    reason          TEXT
);
CREATE INDEX IF NOT EXISTS corrections_by_document ON corrections (sha256);
"""


class CorrectionError(ValueError):
    """A correction that cannot be recorded as given; the message says what to change."""


def fact_key(sha256: str, field: str, start: int, end: int) -> str:
    """The key of an extracted fact: stable across re-extraction of the same file."""
    return f"{sha256}:{field}:{start}:{end}"


@dataclass(frozen=True)
class Correction:
    """One correction, as the dashboard records it."""

    author: str
    sha256: str
    field: str
    action: Action
    start_offset: int | None = None
    end_offset: int | None = None
    old_value: str | None = None
    new_value: str | None = None
    new_attributes: Mapping[str, Any] | None = None
    reason: str = ""
    target_key: str | None = None  # to correct an added fact: the fact_key its add returned


@contextlib.contextmanager
def open_store(path: Path) -> Iterator[sqlite3.Connection]:
    """A short connection to the store, created (WAL mode) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10.0)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA busy_timeout=10000")
        con.executescript(_STORE_SCHEMA)
        yield con
        con.commit()
    finally:
        con.close()


def record_correction(store: Path, correction: Correction) -> str:
    """Append a correction to the store and return its fact key (for an add: the new fact's key)."""
    c = correction
    if not c.author.strip():
        raise CorrectionError("Say who made the correction (author is empty).")
    if c.action in (Action.edit, Action.add) and c.new_value is None:
        raise CorrectionError(f"An {c.action.value} needs the new value.")
    correction_id = uuid.uuid4().hex
    if c.target_key:
        key = c.target_key
    elif c.action is Action.add:
        key = f"{c.sha256}:{c.field}:add:{correction_id}"
    elif c.start_offset is None or c.end_offset is None:
        raise CorrectionError("To confirm, edit or reject a fact, give its start and end offsets (or target_key).")
    else:
        key = fact_key(c.sha256, c.field, c.start_offset, c.end_offset)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    attributes = json.dumps(dict(c.new_attributes), sort_keys=True) if c.new_attributes is not None else None
    row = (
        correction_id, now, c.author.strip(), c.sha256, c.field, c.start_offset, c.end_offset, key, c.action.value,
        c.old_value, c.new_value, attributes, c.reason.strip(),
    )  # fmt: skip
    with open_store(store) as con:
        con.execute(f"INSERT INTO corrections ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})", row)  # noqa: S608
    return key


def read_corrections(store: Path) -> pd.DataFrame:
    """Every correction in the store, oldest first, typed like the warehouse's corrections table."""
    if not store.exists():
        frame = pd.DataFrame({name: pd.Series(dtype="object") for name in COLUMNS})
    else:
        with open_store(store) as con:
            frame = pd.read_sql_query(
                f"SELECT {', '.join(COLUMNS)} FROM corrections ORDER BY created_at, correction_id",  # noqa: S608
                con,
            )
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    for name in ("start_offset", "end_offset"):
        frame[name] = frame[name].astype("Int32")
    return frame


def apply_corrections(con: duckdb.DuckDBPyConnection, store: Path) -> int:
    """Copy the store into the working warehouse's `corrections` table (replacing it); returns the row count."""
    frame = read_corrections(store)
    with db.transaction(con, incoming_corrections=frame):
        con.execute("DELETE FROM corrections")
        con.execute(
            f"INSERT INTO corrections ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} FROM incoming_corrections"  # noqa: S608
        )
    return len(frame)


def overlay_pending(con: duckdb.DuckDBPyConnection, store: Path) -> int:
    """Show the store's corrections on a (read-only) published connection at once, before the next publish.

    Registers the store's rows under the name `corrections` for this connection only: a registered relation
    shadows the warehouse table, so corrected_facts, case_facts, case_summary and review_queue all reflect
    them (the case roll-ups a published copy stores are recomputed for the cases they touch: rollups.py). The
    store holds every correction ever made (the published table is a copy of it), so nothing is lost. When the
    store holds just what was published (as many rows, the same latest one: it only ever grows), there is
    nothing to overlay and the store is not read. Returns how many corrections the connection sees.
    """
    count, latest = _store_extent(store)
    published = db.first_row(con.execute("SELECT count(*), max(created_at) FROM corrections"))
    if published is not None and (published[0], published[1]) == (count, latest):
        return count
    frame = read_corrections(store)
    con.register("corrections", frame)
    rollups.patch_pending(con)
    return len(frame)


def _store_extent(store: Path) -> tuple[int, dt.datetime | None]:
    """How many corrections the store holds and when the latest was made."""
    if not store.exists():
        return 0, None
    with open_store(store) as con:
        count, latest = con.execute("SELECT count(*), max(created_at) FROM corrections").fetchone()
    return int(count), dt.datetime.fromisoformat(latest) if latest else None


def history(store: Path, sha256: str) -> pd.DataFrame:
    """The corrections of one document, newest first: who, when, what and why."""
    frame = read_corrections(store)
    return frame[frame["sha256"] == sha256].sort_values("created_at", ascending=False).reset_index(drop=True)
