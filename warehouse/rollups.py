"""Tables computed once at publish instead of on every read.

case_summary, review_queue and the case page's conflicts aggregate every fact of every case, document_list counts
every document's facts: with a million facts that takes seconds, on every filter change. So the published copy
stores the roll-ups they rest on as tables, computed from their `_live` views (views.sql) when the copy is made;
working and in-memory warehouses keep them as views over the live ones.

Corrections recorded in the dashboard since the last publish must still show at once. `patch_pending`, run
by `corrections.overlay_pending`, recomputes the rows of just the cases those corrections touch (the live views
over those cases' documents only: `only_cases`) and shadows each stored table, for that connection only, with a
temporary view of the same name: the stored rows of the other cases and the recomputed ones. The recomputed rows
are kept (in this process, the latest set only) until the next correction or publish, so a reviewer's following
reads do not recompute them.

A published copy made before these tables existed has none of them: publish once after upgrading.

Computing them takes seconds on a large warehouse; a publish with nothing changed (a re-run of the same inbox)
copies them from the previous published copy instead. Each copy stores a fingerprint of everything they are
computed from (`inputs_fingerprint`); they are copied only when the working warehouse's is the same.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

# Stored in the published copy, computed from `<name>_live`. Case roll-ups depend on corrections (each has a
# case_id column, by which pending corrections are patched); document tables do not.
MATERIALIZED = ("case_conflicts", "case_rollup", "case_identities", "review_items")
DOCUMENT_TABLES = ("document_names", "document_list")
# Views over the case tables that `only_cases` computes once for the cases it scopes to.
DERIVED = ("case_facts", "case_document_dates")
# Which corrections (id, document) the stored tables reflect: the published corrections table at publish time.
SNAPSHOT = "rollup_corrections"
# One row: an id of this publication, so rows recomputed for it are never taken for another's.
PUBLICATION = "rollup_publication"
# One row: the fingerprint of the inputs the stored tables were computed from.
INPUTS = "rollup_inputs"
# Tables no roll-up reads (the run ledger changes on every run, even one that changes nothing else; file_stats
# whenever an input file is touched).
NOT_INPUTS = frozenset({"runs", "file_stats"})

# The latest recomputed rows, keyed by publication, the corrections seen (they only ever grow: their count and
# latest time say which) and the cases: a reviewer's next reads (every page, every rerun) reuse them until the
# next correction or publish instead of recomputing them on each connection.
_patches: dict[tuple[Any, ...], dict[str, pa.Table]] = {}
_patches_lock = threading.Lock()


def materialize(con: duckdb.DuckDBPyConnection, catalog: str, previous: str | None = None) -> bool:
    """In the attached copy `catalog` (a name this package chose, never user input), replace each roll-up view
    by a table of its live rows, computed on `con`'s own (identical) data; or, when the attached copy `previous`
    (the last published one) was made from the same inputs, copied from it. Returns whether they were copied."""
    inputs = inputs_fingerprint(con)
    reuse = previous is not None and stored_inputs(con, previous) == inputs
    # Every name here is this module's constant or the caller's literal catalog name.
    for name in DOCUMENT_TABLES + MATERIALIZED:
        origin = f"{previous}.main.{name}" if reuse else f"{name}_live"
        con.execute(f"DROP VIEW {catalog}.main.{name}")
        con.execute(f"CREATE TABLE {catalog}.main.{name} AS SELECT * FROM {origin}")  # noqa: S608
    con.execute(f"CREATE TABLE {catalog}.main.{SNAPSHOT} AS SELECT correction_id, sha256 FROM corrections")  # noqa: S608
    con.execute(f"CREATE TABLE {catalog}.main.{PUBLICATION} AS SELECT CAST(uuid() AS VARCHAR) AS publication_id")
    con.execute(f"CREATE TABLE {catalog}.main.{INPUTS} AS SELECT CAST(? AS VARCHAR) AS inputs", [inputs])
    return reuse


def inputs_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of every row of every table the roll-ups may read (all but the run ledger), of the SQL and code
    that compute them, and of the DuckDB version (whose `hash` it uses): about 40 ms for 10,000 documents."""
    digest = hashlib.sha256(duckdb.__version__.encode())
    for source in ("schema.sql", "views.sql", "rollups.py"):
        digest.update(resources.files("warehouse").joinpath(source).read_bytes())
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    for (name,) in tables:
        if name in NOT_INPUTS:
            continue
        quoted = '"' + name.replace('"', '""') + '"'  # a table name DuckDB reported
        # The sum of a row hash per row: any changed, added or removed row changes it, whatever the row order.
        row = con.execute(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {quoted} t").fetchall()[0]  # noqa: S608
        digest.update(repr((name, row)).encode())
    return digest.hexdigest()


def stored_inputs(con: duckdb.DuckDBPyConnection, catalog: str) -> str | None:
    """The inputs fingerprint the attached copy `catalog` was made from; None for a copy that has none."""
    try:
        rows = con.execute(f"SELECT inputs FROM {catalog}.main.{INPUTS}").fetchall()  # noqa: S608
    except duckdb.CatalogException:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def is_materialized(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this warehouse stores the roll-ups (a published copy made by this version)."""
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = 'main' AND table_name = ? AND table_type = 'BASE TABLE'",
        [PUBLICATION],
    ).fetchall()
    return bool(rows[0][0])


def pending_cases(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Cases with a correction the stored roll-ups do not reflect (recorded, or gone, since the publish)."""
    changed = con.execute(
        f"""
        SELECT DISTINCT sha256 FROM (
            (SELECT correction_id, sha256 FROM corrections EXCEPT SELECT correction_id, sha256 FROM {SNAPSHOT})
            UNION ALL
            (SELECT correction_id, sha256 FROM {SNAPSHOT} EXCEPT SELECT correction_id, sha256 FROM corrections)
        )
        """  # noqa: S608 - SNAPSHOT is this module's constant
    ).fetchall()
    if not changed:  # the usual case: skip the pass over case_documents
        return []
    rows = con.execute(
        "SELECT DISTINCT case_id FROM case_documents WHERE sha256 IN (SELECT unnest(?)) ORDER BY 1",
        [[row[0] for row in changed]],
    ).fetchall()
    return [row[0] for row in rows]


def patch_pending(con: duckdb.DuckDBPyConnection) -> int:
    """Shadow the stored roll-ups with views that reflect the corrections `con` sees now: the stored rows of the
    other cases, and rows recomputed live for the cases with pending corrections. Returns how many cases were
    recomputed; a no-op on a warehouse that does not store roll-ups, or when nothing is pending."""
    if not is_materialized(con):
        return 0
    cases = pending_cases(con)
    if not cases:
        return 0
    patches = _patch_rows(con, cases)
    catalog = _current_catalog(con)
    con.register("rollup_patched_cases", pa.table({"case_id": pa.array(cases, pa.string())}))
    for name, rows in patches.items():
        con.register(f"rollup_patch_{name}", rows)
        # Names are this module's constants and the catalog DuckDB itself reported, quoted.
        con.execute(
            f"""
            CREATE OR REPLACE TEMP VIEW {name} AS
            SELECT * FROM {catalog}.main.{name} WHERE case_id NOT IN (SELECT case_id FROM rollup_patched_cases)
            UNION ALL BY NAME SELECT * FROM rollup_patch_{name}
            """  # noqa: S608
        )
    return len(cases)


def _patch_rows(con: duckdb.DuckDBPyConnection, cases: list[str]) -> dict[str, pa.Table]:
    """The live roll-ups of `cases`, computed once for this publication and these corrections."""
    publication, count, latest = con.execute(
        f"SELECT (SELECT publication_id FROM {PUBLICATION}), count(*), max(created_at) FROM corrections"  # noqa: S608
    ).fetchall()[0]
    key = (publication, count, latest, tuple(cases))
    with _patches_lock:
        if key in _patches:
            return _patches[key]
    with only_cases(con, cases):
        rows = {name: con.sql(f"SELECT * FROM {name}_live").to_arrow_table() for name in MATERIALIZED}  # noqa: S608
    with _patches_lock:
        _patches.clear()
        _patches[key] = rows
    return rows


def _current_catalog(con: duckdb.DuckDBPyConnection) -> str:
    """This connection's database as a quoted identifier (temporary views of the same names shadow its tables)."""
    name = str(con.execute("SELECT current_database()").fetchall()[0][0])
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def only_cases(con: duckdb.DuckDBPyConnection, cases: list[str]) -> Iterator[None]:
    """While the block runs, cases, case_documents, documents and facts show `con` only the rows of `cases`
    (shadowed, as the correction overlay is), so the views over them join a few documents instead of all of
    them. Read nothing in the block but those cases."""
    linked = _rows(con, "SELECT * FROM case_documents WHERE case_id IN (SELECT unnest(?))", cases)
    shas = linked.column("sha256").to_pylist()
    tables = {
        "case_documents": linked,
        "cases": _rows(con, "SELECT * FROM cases WHERE case_id IN (SELECT unnest(?))", cases),
        "documents": _rows(con, "SELECT * FROM documents WHERE sha256 IN (SELECT unnest(?))", shas),
        "facts": _rows(con, "SELECT * FROM facts WHERE sha256 IN (SELECT unnest(?))", shas),
    }
    for name, table in tables.items():
        con.register(name, table)
    # The views every case view is built on, computed once over those few rows: planning the big views over
    # them (which inline these again and again) then costs a fraction of it.
    for name in DERIVED:
        tables[name] = con.sql(f"SELECT * FROM {name}").to_arrow_table()  # noqa: S608 - names are constants
        con.register(name, tables[name])
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, values: list[str]) -> pa.Table:
    return con.sql(sql, params=[values]).to_arrow_table()
