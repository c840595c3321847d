"""Read queries behind the dashboard's case pages: filter choices, one case with its evidence, deadlines, the
review queue and the headline figures. Every query binds its values; a CaseFilter adds its own WHERE clause over
`case_summary AS cs` (values bound too).

Connections passed in may carry `corrections.overlay_pending`: call it before these queries, not between a query
and the fetch of its result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from warehouse import db
from warehouse.filters import CaseFilter

PAGE_SEPARATOR = "\f"  # how the pipeline joins page texts; fact offsets count it


@dataclass(frozen=True)
class FilterChoices:
    """The values each sidebar filter can take, as found in the warehouse."""

    outcomes: list[str]
    diagnoses: list[str]
    icd10_chapters: dict[int, str]
    facilities: list[str]
    states: list[str]
    countries: list[str]
    legal_orgs: list[str]
    languages: list[str]
    first_date: dt.date | None
    last_date: dt.date | None


def _distinct(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    # `column` is one of this module's literal column names, never user input.
    rows = con.execute(
        f"SELECT DISTINCT {column} FROM case_summary WHERE {column} IS NOT NULL ORDER BY 1"  # noqa: S608
    ).fetchall()
    return [str(r[0]) for r in rows]


def filter_choices(con: duckdb.DuckDBPyConnection) -> FilterChoices:
    """Distinct values of every filterable column, sorted."""
    chapters = con.execute(
        "SELECT DISTINCT icd10_chapter, icd10_chapter_name FROM case_summary WHERE icd10_chapter IS NOT NULL ORDER BY 1"
    ).fetchall()
    languages = con.execute("SELECT DISTINCT language FROM documents WHERE language IS NOT NULL ORDER BY 1").fetchall()
    span = db.first_row(
        con.execute(
            "SELECT least(min(filed_date), min(decision_date)), greatest(max(decision_date), max(parole_end)) "
            "FROM case_summary"
        )
    )
    return FilterChoices(
        outcomes=_distinct(con, "latest_outcome"),
        diagnoses=_distinct(con, "primary_diagnosis"),
        icd10_chapters={int(c): str(n) for c, n in chapters},
        facilities=_distinct(con, "facility"),
        states=_distinct(con, "facility_state"),
        countries=_distinct(con, "country"),
        legal_orgs=_distinct(con, "legal_org"),
        languages=[str(r[0]) for r in languages],
        first_date=span[0] if span else None,
        last_date=span[1] if span else None,
    )


def headline(con: duckdb.DuckDBPyConnection, flt: CaseFilter) -> dict[str, Any]:
    """Cases, their documents, decided cases and grants, medians (with how many cases each rests on) and
    paroles expiring within 90 days."""
    where, params = flt.where_clause()
    row = db.first_row(
        con.execute(
            f"""
        SELECT count(*),
               coalesce(sum(cs.documents), 0),
               count(*) FILTER (WHERE cs.latest_outcome IN ('granted', 'extended', 'denied')),
               count(*) FILTER (WHERE cs.latest_outcome IN ('granted', 'extended')),
               median(cs.days_to_decision),
               median(cs.home_care_monthly_usd),
               median(cs.inpatient_monthly_usd),
               count(*) FILTER (WHERE cs.latest_outcome IN ('granted', 'extended')
                                AND cs.days_to_expiry BETWEEN 0 AND 90),
               count(cs.days_to_decision),
               count(cs.home_care_monthly_usd),
               count(cs.inpatient_monthly_usd)
        FROM case_summary AS cs WHERE {where}
        """,  # noqa: S608 - `where` holds placeholders only
            params,
        )
    )
    assert row is not None
    keys = (
        "cases", "documents", "decided", "granted", "median_days_to_decision", "median_home_care_monthly_usd",
        "median_inpatient_monthly_usd", "expiring_90", "with_days_to_decision", "with_home_care", "with_inpatient",
    )  # fmt: skip
    return dict(zip(keys, row, strict=True))


def pseudonyms(con: duckdb.DuckDBPyConnection, flt: CaseFilter) -> list[str]:
    """The filtered cases' pseudonyms, in order (what a case picker offers)."""
    where, params = flt.where_clause()
    rows = con.execute(
        f"SELECT cs.pseudonym FROM case_summary AS cs WHERE {where} ORDER BY cs.pseudonym",  # noqa: S608 - placeholders
        params,
    ).fetchall()
    return [str(row[0]) for row in rows]


def case_names(con: duckdb.DuckDBPyConnection, flt: CaseFilter) -> pd.DataFrame:
    """Pseudonym and patient names ('A; B') of the filtered cases (identified mode only)."""
    where, params = flt.where_clause()
    return con.execute(
        f"""
        SELECT cs.pseudonym, ci.patient_names
        FROM case_summary AS cs LEFT JOIN case_identities AS ci USING (case_id)
        WHERE {where}
        """,  # noqa: S608 - `where` holds placeholders only
        params,
    ).df()


def find_case(con: duckdb.DuckDBPyConnection, pseudonym: str) -> dict[str, Any] | None:
    """One case's summary row by its pseudonym (what links and the URL carry), or None."""
    cursor = con.execute("SELECT * FROM case_summary WHERE pseudonym = ?", [pseudonym])
    row = db.first_row(cursor)
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def case_identity(con: duckdb.DuckDBPyConnection, case_id: str) -> dict[str, Any]:
    """Names, A-numbers, receipt numbers and dates of birth of one case (identified mode only)."""
    cursor = con.execute("SELECT * EXCLUDE (case_id) FROM case_identities WHERE case_id = ?", [case_id])
    row = db.first_row(cursor)
    names = [d[0] for d in cursor.description]
    return dict(zip(names, row, strict=True)) if row else dict.fromkeys(names)


def case_documents(con: duckdb.DuckDBPyConnection, case_id: str) -> pd.DataFrame:
    """A case's documents with their dates by role and how each joined the case, oldest first."""
    return con.execute(
        """
        SELECT dd.sha256, dn.file_name, dd.doc_type, d.language, d.media_type, d.status, d.error_message,
               d.pages, cd.link_reason, dd.dated, dd.filed, dd.decision, dd.document, dd.parole_start,
               dd.parole_end, dd.termination_effective
        FROM case_document_dates dd
        JOIN documents d USING (sha256)
        JOIN document_names dn USING (sha256)
        JOIN case_documents cd USING (case_id, sha256)
        WHERE dd.case_id = ?
        ORDER BY dd.dated NULLS LAST, dn.file_name
        """,
        [case_id],
    ).df()


def case_timeline(con: duckdb.DuckDBPyConnection, case_id: str) -> pd.DataFrame:
    """Every role-bearing date stated in a case's documents: one row per (date, role, document)."""
    return con.execute(
        """
        SELECT DISTINCT TRY_CAST(f.value AS DATE) AS date, f.attributes ->> 'role' AS role, dn.file_name,
               f.doc_type, f.sha256
        FROM case_facts f JOIN document_names dn USING (sha256)
        WHERE f.case_id = ? AND f.field = 'date' AND TRY_CAST(f.value AS DATE) IS NOT NULL
          AND coalesce(f.attributes ->> 'role', 'other') NOT IN ('other', 'birth')
        ORDER BY date, role, file_name
        """,
        [case_id],
    ).df()


def case_facts(con: duckdb.DuckDBPyConnection, case_id: str) -> pd.DataFrame:
    """A case's facts (corrections applied) with their spans, page and document, in document order."""
    return con.execute(
        """
        SELECT f.sha256, dn.file_name, f.doc_type, f.field, f.value, f.text, f.page, f.start_offset,
               f.end_offset, f.confidence, CAST(f.attributes AS VARCHAR) AS attributes, f.fact_key,
               f.extracted_value, f.correction
        FROM case_facts f JOIN document_names dn USING (sha256)
        WHERE f.case_id = ?
        ORDER BY dn.file_name, f.start_offset NULLS LAST, f.field
        """,
        [case_id],
    ).df()


def case_conflicts(con: duckdb.DuckDBPyConnection, case_id: str) -> pd.DataFrame:
    """For each field the case's documents disagree on: which document says which value, and the words."""
    return con.execute(
        """
        WITH conflicting AS (SELECT field, unnest("values") AS value FROM case_conflicts WHERE case_id = ?)
        SELECT c.field, c.value, dn.file_name, f.text, f.page, f.sha256
        FROM conflicting c
        JOIN case_facts f ON f.case_id = ? AND f.value = c.value AND (
               (c.field = 'date_of_birth' AND f.field = 'date' AND f.attributes ->> 'role' = 'birth')
            OR (c.field = 'a_number' AND f.field = 'identifier' AND f.attributes ->> 'kind' = 'a_number')
            OR (c.field = f.field))
        JOIN document_names dn USING (sha256)
        ORDER BY c.field, c.value, dn.file_name
        """,
        [case_id, case_id],
    ).df()


def document_pages(con: duckdb.DuckDBPyConnection, shas: list[str]) -> dict[str, list[tuple[int, str]]]:
    """sha256 -> [(start_offset, text)] of each page, in order: enough to find any fact's sentence."""
    if not shas:
        return {}
    rows = con.execute(
        "SELECT sha256, start_offset, text FROM pages WHERE sha256 IN (SELECT unnest(?)) ORDER BY sha256, page_number",
        [shas],
    ).fetchall()
    out: dict[str, list[tuple[int, str]]] = {}
    for sha, start, text in rows:
        out.setdefault(sha, []).append((int(start), str(text)))
    return out


def deadlines(con: duckdb.DuckDBPyConnection, flt: CaseFilter) -> pd.DataFrame:
    """Deadlines (parole expiry, re-parole window, termination) of the filtered cases: coming ones soonest
    first, then past ones (terminations already in effect) most recent first."""
    where, params = flt.where_clause()
    return con.execute(
        f"""
        SELECT d.kind, d.due_date, d.days_left, d.within_days, d.window_opens, d.window_closes, d.pseudonym,
               cs.primary_diagnosis, cs.facility, cs.legal_org, cs.latest_outcome, d.case_id
        FROM deadlines d JOIN case_summary AS cs USING (case_id)
        WHERE {where}
        ORDER BY d.days_left < 0, abs(d.days_left), d.kind, d.pseudonym
        """,  # noqa: S608 - `where` holds placeholders only
        params,
    ).df()


def review_queue(con: duckdb.DuckDBPyConnection, flt: CaseFilter) -> pd.DataFrame:
    """What waits for a person among the filtered cases (and unread documents of no case), by kind."""
    where, params = flt.where_clause()
    return con.execute(
        f"""
        SELECT q.kind, q.pseudonym, dn.file_name, q.field, q.value, q.text, q.confidence, q.detail, q.sha256,
               q.fact_key, q.case_id
        FROM review_queue q LEFT JOIN document_names dn USING (sha256)
        WHERE q.case_id IS NULL OR q.case_id IN (SELECT cs.case_id FROM case_summary AS cs WHERE {where})
        ORDER BY q.kind, q.confidence NULLS LAST, q.pseudonym, dn.file_name
        """,  # noqa: S608 - `where` holds placeholders only
        params,
    ).df()


def failed_documents(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Documents that could not be read (or only partly), with the reason and what to do."""
    return con.execute(
        """
        SELECT dn.file_name, d.status, d.error_code, d.error_message, d.media_type, d.extracted_at, d.sha256
        FROM documents d JOIN document_names dn USING (sha256)
        WHERE d.status <> 'ok' ORDER BY d.status, dn.file_name
        """
    ).df()


def document_file_name(con: duckdb.DuckDBPyConnection, sha256: str) -> str | None:
    """The name a document was first seen under."""
    row = db.first_row(con.execute("SELECT file_name FROM document_names WHERE sha256 = ?", [sha256]))
    return str(row[0]) if row else None
