"""Read queries over the published warehouse; every page of the dashboard and every export goes through here.

Filters compile to a WHERE clause with bound parameters plus the sentence a person reads (datasette's
filters.py): values never enter SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from warehouse import db
from warehouse.filters import count_phrase, escape_like, file_stem_of


@dataclass(frozen=True)
class FactFilter:
    """Which facts to show: by field (empty means all) and by document type."""

    fields: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    min_confidence: float = 0.0
    text: str = ""
    file_name: str = ""

    def where_clause(self) -> tuple[str, list[Any]]:
        """SQL (with ? placeholders) and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.fields:
            clauses.append(f"field IN ({', '.join('?' for _ in self.fields)})")
            params.extend(self.fields)
        if self.doc_types:
            clauses.append(f"doc_type IN ({', '.join('?' for _ in self.doc_types)})")
            params.extend(self.doc_types)
        if self.min_confidence > 0:
            clauses.append("confidence >= ?")
            params.append(self.min_confidence)
        if self.text.strip():
            clauses.append("(value ILIKE ? OR text ILIKE ?)")
            like = f"%{escape_like(self.text.strip())}%"
            params.extend([like, like])
        if self.file_name.strip():
            clauses.append("file_name ILIKE ?")
            params.append(f"%{escape_like(self.file_name.strip())}%")
        return (" AND ".join(clauses) or "TRUE"), params

    def human_clause(self, count: int) -> str:
        """'12 facts where field is diagnosis or date' — the caption and the export's name."""
        parts: list[str] = []
        if self.fields:
            parts.append("field is " + " or ".join(f.replace("_", " ") for f in self.fields))
        if self.doc_types:
            parts.append("document is a " + " or ".join(d.replace("_", " ") for d in self.doc_types))
        if self.min_confidence > 0:
            parts.append(f"confidence is at least {self.min_confidence:.2f}")
        if self.text.strip():
            parts.append(f'value or text contains "{self.text.strip()}"')
        if self.file_name.strip():
            parts.append(f'document name contains "{self.file_name.strip()}"')
        return count_phrase(count, "fact") + (" where " + " and ".join(parts) if parts else "")

    def file_stem(self, count: int) -> str:
        """A safe file name from the sentence: 'medparole-12-facts-where-field-is-diagnosis'."""
        return file_stem_of(self.human_clause(count))


def list_documents(con: duckdb.DuckDBPyConnection, search: str = "", limit: int | None = None) -> pd.DataFrame:
    """Documents (those whose file name holds `search`, any case) with type, language, status and fact count,
    newest first; at most `limit` of them."""
    like = f"%{escape_like(search.strip())}%"
    return con.execute(
        """
        SELECT file_name, doc_type, language, status, error_code, error_message, pages, ocr_pages, facts,
               sha256
        FROM document_list WHERE file_name ILIKE ? ORDER BY extracted_at DESC, file_name
        LIMIT ?
        """,
        [like, limit],
    ).df()


def count_documents(con: duckdb.DuckDBPyConnection, search: str = "") -> int:
    """How many documents list_documents(search) would give without a limit."""
    like = f"%{escape_like(search.strip())}%"
    row = db.first_row(con.execute("SELECT count(*) FROM document_list WHERE file_name ILIKE ?", [like]))
    return int(row[0]) if row else 0


def document_choices(con: duckdb.DuckDBPyConnection, search: str = "", limit: int = 50) -> list[tuple[str, str]]:
    """(sha256, file name) of at most `limit` documents, most recently read first: those whose file name holds
    `search` (any case), or whose case's pseudonym starts with it; every document when `search` is blank. A form
    offers these to pick from: a list of every document (70,000 at scale) costs seconds on each rerun."""
    needle = search.strip().lower()
    rows = con.execute(
        """
        SELECT l.sha256, l.file_name FROM document_list l
        LEFT JOIN case_documents cd USING (sha256) LEFT JOIN cases c USING (case_id)
        WHERE ? = '' OR contains(lower(l.file_name), ?) OR starts_with(lower(c.pseudonym), ?)
        ORDER BY l.extracted_at DESC, l.file_name
        LIMIT ?
        """,
        [needle, needle, needle, limit],
    ).fetchall()
    return [(str(sha), str(name)) for sha, name in rows]


def list_facts(con: duckdb.DuckDBPyConnection, flt: FactFilter, limit: int = 100_000) -> pd.DataFrame:
    """Facts matching the filter, in document order."""
    where, params = flt.where_clause()
    # `where` holds only placeholders; the values are bound.
    sql = f"""
        SELECT file_name, doc_type, field, value, text, page, start_offset, end_offset, confidence, attributes,
               sha256
        FROM fact_list WHERE {where}
        ORDER BY file_name, start_offset
        LIMIT ?
    """  # noqa: S608
    return con.execute(sql, [*params, limit]).df()


def count_facts(con: duckdb.DuckDBPyConnection, flt: FactFilter) -> int:
    """How many facts match the filter (list_facts shows at most its limit)."""
    where, params = flt.where_clause()
    row = db.first_row(con.execute(f"SELECT count(*) FROM fact_list WHERE {where}", params))  # noqa: S608
    return int(row[0]) if row else 0


def fact_fields(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The fields that occur in the warehouse, most frequent first."""
    rows = con.execute("SELECT field FROM facts GROUP BY field ORDER BY count(*) DESC, field").fetchall()
    return [row[0] for row in rows]


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Documents, failed documents and facts: the headline numbers."""
    row = db.first_row(
        con.execute(
            """
            SELECT (SELECT count(*) FROM documents),
                   (SELECT count(*) FROM documents WHERE status = 'failed'),
                   (SELECT count(*) FROM facts)
            """
        )
    )
    assert row is not None
    return {"documents": row[0], "failed": row[1], "facts": row[2]}


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pd.DataFrame:
    """The run ledger, newest first: flow, state, counts and duration."""
    return con.execute(
        """
        SELECT started_at, flow, status, seen, new, skipped, failed, pages, round(duration_s, 1) AS duration_s,
               extractor_version
        FROM runs ORDER BY started_at DESC LIMIT ?
        """,
        [limit],
    ).df()


def unreadable_documents(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Documents that failed or were read only in part, with the error and what to do."""
    return con.execute(
        """
        SELECT dn.file_name, d.status, d.error_code, d.error_message, d.media_type, d.extracted_at, d.sha256
        FROM documents d JOIN document_names dn USING (sha256)
        WHERE d.status <> 'ok' ORDER BY d.extracted_at DESC, dn.file_name
        """
    ).df()
