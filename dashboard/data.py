"""Reads of the published warehouse for the pages. Connections are opened per read, read-only, and closed at
once; they are cursors on a DuckDB instance that has the file attached, so a publish (which puts a new file in its
place) is never blocked and is seen on the next read. Pending corrections from the dashboard's own store are
overlaid on every read, so a correction shows at once.

Cached (shared by every session): de-identified reads only, keyed by the published copy's and the correction
store's modification times. Identified columns, document text and exports are read per request, never cached.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboard import deadline_items
from warehouse import case_queries, corrections, db, export, queries, rollups
from warehouse.filters import TEXT_CASES_SQL, CaseFilter, text_pattern
from warehouse.settings import Settings, load_settings


def settings() -> Settings:
    return load_settings()


def published_path() -> Path:
    return settings().published_db


def published_version() -> tuple[str, float, float]:
    """Changes whenever a new copy is published or a correction is recorded (the cache key of every read)."""
    s = settings()
    published = s.published_db.stat().st_mtime if s.published_db.exists() else 0.0
    store = s.corrections_db
    wal = store.with_name(store.name + "-wal")
    pending = max((p.stat().st_mtime_ns / 1e9 for p in (store, wal) if p.exists()), default=0.0)
    return str(s.published_db), published, pending


# The published copy as this process reads it: (path, file identity, instance with the file attached).
_reader: tuple[Path, tuple[int, int, int], duckdb.DuckDBPyConnection] | None = None
_reader_lock = threading.Lock()


def _cursor(path: Path) -> duckdb.DuckDBPyConnection:
    """A new read-only connection (a cursor) on the instance that has the published file attached, attached
    again when a publish has put a new file in its place (the old instance goes once its last read ends)."""
    global _reader
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise db.NotPublished(path) from None
    identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _reader_lock:
        if _reader is None or _reader[:2] != (path, identity):
            _reader = (path, identity, db.attach_published(path))
        con = _reader[2].cursor()
    con.execute("USE published")
    return con


@contextmanager
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published copy with pending corrections overlaid, closed after the read.
    Connections are cursors on one DuckDB instance per published file (`db.attach_published`), so opening one
    costs nothing and a publish is seen at the next read."""
    s = settings()
    con = _cursor(s.published_db)
    try:
        if s.corrections_db.exists():
            corrections.overlay_pending(con, s.corrections_db)
        yield con
    finally:
        con.close()


def read[T](query: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run one query function on a fresh connection (uncached)."""
    with connection() as con:
        return query(con)


# --- cached, de-identified -------------------------------------------------------------------------------------


@st.cache_data(ttl=600, show_spinner=False)
def headline_counts(version: Any) -> dict[str, int]:
    return read(queries.counts)


@st.cache_data(ttl=600, show_spinner=False)
def fields(version: Any) -> list[str]:
    return read(queries.fact_fields)


@st.cache_data(ttl=600, show_spinner=False)
def choices(version: Any) -> case_queries.FilterChoices:
    return read(case_queries.filter_choices)


@st.cache_data(ttl=600, show_spinner=False)
def text_cases(version: Any, words: str) -> tuple[str, ...]:
    """The cases whose documents mention `words`: one scan of every page's text per search and published version,
    shared by the reads of every page and session (case ids only, no text)."""
    return tuple(str(r[0]) for r in read(lambda con: con.execute(TEXT_CASES_SQL, [text_pattern(words)]).fetchall()))


def matched(flt: CaseFilter) -> CaseFilter:
    """`flt` with its text search run once (cached), so the reads that use it scan no page text again."""
    words = flt.text.strip()
    return flt.with_text_cases(text_cases(published_version(), words)) if words else flt


@st.cache_data(ttl=600, show_spinner=False)
def cases(version: Any, flt: CaseFilter) -> pd.DataFrame:
    """The filtered case table, de-identified (pseudonyms, no names or identifiers)."""
    resolved = matched(flt)
    return read(lambda con: export.case_table(con, resolved))


@st.cache_data(ttl=600, show_spinner=False)
def pseudonyms(version: Any, flt: CaseFilter) -> list[str]:
    """The filtered cases' pseudonyms, in the case table's order (de-identified)."""
    resolved = matched(flt)
    return read(lambda con: case_queries.pseudonyms(con, resolved))


@st.cache_data(ttl=600, show_spinner=False)
def headline(version: Any, flt: CaseFilter) -> dict[str, Any]:
    resolved = matched(flt)
    return read(lambda con: case_queries.headline(con, resolved))


@st.cache_data(ttl=600, show_spinner=False)
def deadlines(version: Any, flt: CaseFilter) -> pd.DataFrame:
    """The filtered cases' deadlines, with what each asks in words (made once per filter: thousands of rows)."""
    resolved = matched(flt)
    return deadline_items.readable(read(lambda con: case_queries.deadlines(con, resolved)))


# --- per request: identified data, document text, exports ------------------------------------------------------


def documents(search: str = "", limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """Documents whose file name holds `search` (at most `limit`, newest first) and how many there are in all
    (names can identify a person: not cached)."""
    return read(lambda con: (queries.list_documents(con, search, limit), queries.count_documents(con, search)))


def document_choices(search: str = "", limit: int = 50) -> list[tuple[str, str]]:
    """Sha256 and file name of the most recent documents matching `search` (file name or case pseudonym), for a
    form to pick one (names: not cached)."""
    return read(lambda con: queries.document_choices(con, search, limit))


def facts(flt: queries.FactFilter, limit: int = 100_000) -> pd.DataFrame:
    """Facts with their source text (which holds names: not cached)."""
    return read(lambda con: queries.list_facts(con, flt, limit))


def fact_count(flt: queries.FactFilter) -> int:
    return read(lambda con: queries.count_facts(con, flt))


def patient_names(flt: CaseFilter) -> pd.DataFrame:
    """Pseudonym and patient names of the filtered cases. Never cached."""
    resolved = matched(flt)
    return read(lambda con: case_queries.case_names(con, resolved))


def identified_cases(flt: CaseFilter, limit: int | None = None) -> pd.DataFrame:
    """The filtered case table with names, A-numbers, receipt numbers and dates of birth (its first `limit` rows
    when given). Never cached."""
    resolved = matched(flt)
    return read(lambda con: export.case_table(con, resolved, identified=True, limit=limit))


def review_queue(flt: CaseFilter) -> pd.DataFrame:
    """What waits for a person among the filtered cases (facts' words and file names: not cached)."""
    resolved = matched(flt)
    return read(lambda con: case_queries.review_queue(con, resolved))


def failed_documents() -> pd.DataFrame:
    """Documents that could not be read, with what to do (file names: not cached)."""
    return read(case_queries.failed_documents)


@dataclass(frozen=True)
class CaseEvidence:
    """Everything the Case page shows of one case."""

    case: dict[str, Any]
    identity: dict[str, Any]
    documents: pd.DataFrame
    timeline: pd.DataFrame
    facts: pd.DataFrame
    conflicts: pd.DataFrame
    pages: dict[str, list[tuple[int, str]]]


def case_evidence(pseudonym: str, identified: bool) -> CaseEvidence | None:
    """One case, its documents, timeline, facts and conflicts (names and page text only when `identified`), on
    one connection; None when no such case is published. Holds document text: never cached."""
    with connection() as con:
        case = case_queries.find_case(con, pseudonym)
        if case is None:
            return None
        case_id = case["case_id"]
        with rollups.only_cases(con, [case_id]):  # the views join this case's documents only: fast
            identity = case_queries.case_identity(con, case_id) if identified else {}
            documents = case_queries.case_documents(con, case_id)
            timeline = case_queries.case_timeline(con, case_id)
            facts = case_queries.case_facts(con, case_id)
            conflicts = case_queries.case_conflicts(con, case_id)
        pages = case_queries.document_pages(con, list(documents["sha256"])) if identified else {}
    return CaseEvidence(case, identity, documents, timeline, facts, conflicts, pages)


def session_case_evidence(pseudonym: str, identified: bool) -> CaseEvidence | None:
    """`case_evidence`, kept in this session's state while it shows the same case and nothing new is published
    or corrected: a filter change on the Case page reads nothing again. Only the last case is kept, and only for
    the session that shows it (identified data never enters the cache shared by sessions)."""
    key = (pseudonym, identified, published_version())
    held = st.session_state.get("case_evidence")
    if not (isinstance(held, tuple) and held[0] == key):
        held = (key, case_evidence(pseudonym, identified))
        st.session_state["case_evidence"] = held
    return held[1]  # type: ignore[no-any-return]


def export_file(flt: CaseFilter, fmt: export.ExportFormat, identified: bool, shared: bool) -> bytes:
    """The bytes of one export of exactly the filtered case table, made by warehouse.export."""
    with tempfile.TemporaryDirectory(prefix="medparole-export-") as folder:
        with connection() as con:
            result = export.export(con, flt, fmt, Path(folder), identified=identified, shared=shared)
        return result.path.read_bytes()


def export_notes(flt: CaseFilter, identified: bool, shared: bool) -> bytes:
    """The notes of the CSV export (columns, the filter sentence, counting and suppression)."""
    with tempfile.TemporaryDirectory(prefix="medparole-export-") as folder:
        with connection() as con:
            result = export.export(con, flt, export.ExportFormat.csv, Path(folder), identified, shared)
        assert result.notes_path is not None
        return result.notes_path.read_bytes()


def stored_file(sha256: str) -> Path | None:
    """The original file in the content-addressed store (store_dir/sha[:2]/sha), if it is there."""
    path = settings().store_dir / sha256[:2] / sha256
    return path if path.is_file() else None


def recent_runs(version: Any) -> pd.DataFrame:
    """The run ledger (not cached: an analyst watches it change)."""
    return read(queries.recent_runs)


def unreadable_documents(version: Any) -> pd.DataFrame:
    """Failed and partial documents; file names can hold names, so read per request, never cached."""
    return read(queries.unreadable_documents)
