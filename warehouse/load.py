"""Loading extraction records (the contract's dicts) into the working warehouse, idempotently.

The warehouse never imports the pipeline: it loads what `Extraction.to_record()` produces plus the page
texts, so the contract is the only thing the two share.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import duckdb
import pyarrow as pa

from warehouse import db


@dataclass(frozen=True)
class PageRow:
    number: int
    start: int
    text: str
    ocr: bool


@dataclass(frozen=True)
class LoadItem:
    """One document to load: its contract record, its pages, and where it was seen."""

    record: dict[str, Any]
    pages: Sequence[PageRow]
    extractor_version: str
    byte_size: int | None = None
    source_path: str | None = None


# One encoder for every fact: json.dumps with options builds a new one on each call.
_ATTRIBUTES_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _value_columns(value: Any) -> tuple[str, str, float | None]:
    if isinstance(value, bool):
        return ("true" if value else "false"), "boolean", None
    if isinstance(value, int | float):
        return repr(value), "number", float(value)
    return str(value), "string", None


def known_documents(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """sha256 -> extractor_version of every document in the warehouse."""
    return {sha: version for sha, version in con.execute("SELECT sha256, extractor_version FROM documents").fetchall()}


def _from_lists(*types: str) -> str:
    """`unnest($1::T1[]), unnest($2::T2[]), ...`: the rows of columns passed as list parameters. Rows go in that
    way, not as an Arrow table: building one from Python values makes pyarrow import pandas, about a second of a
    re-run that has nothing else to load."""
    return ", ".join(f"unnest(${index}::{kind}[])" for index, kind in enumerate(types, 1))


def record_sources(con: duckdb.DuckDBPyConnection, sources: Sequence[tuple[str, str]]) -> None:
    """Remember where each (sha256, path) was seen; the same content under a new name keeps its identity."""
    if not sources:
        return
    con.execute(
        f"""
        INSERT INTO document_sources (sha256, source_path, file_name)
        SELECT DISTINCT * FROM (SELECT {_from_lists("VARCHAR", "VARCHAR", "VARCHAR")})
        ON CONFLICT DO NOTHING
        """,  # noqa: S608 - column types only
        [
            [sha for sha, _ in sources],
            [path for _, path in sources],
            [PurePath(path).name for _, path in sources],
        ],
    )


_FILE_STAT_COLUMNS = ("path", "device", "inode", "byte_size", "mtime_ns", "ctime_ns", "sha256", "hashed_at_ns")


def file_stats(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Any, ...]]:
    """path -> (device, inode, byte_size, mtime_ns, ctime_ns, sha256, hashed_at_ns) of every file hashed before."""
    rows = con.execute(f"SELECT {', '.join(_FILE_STAT_COLUMNS)} FROM file_stats").fetchall()  # noqa: S608
    return {row[0]: tuple(row[1:]) for row in rows}


def record_file_stats(con: duckdb.DuckDBPyConnection, stats: Sequence[tuple[Any, ...]]) -> None:
    """Keep what each file looked like when it was hashed (rows in `_FILE_STAT_COLUMNS` order), replacing what
    was kept for its path."""
    if not stats:
        return
    columns = list(zip(*{row[0]: row for row in stats}.values(), strict=True))  # one row a path
    types = ("VARCHAR", "UBIGINT", "UBIGINT", "BIGINT", "BIGINT", "BIGINT", "VARCHAR", "BIGINT")
    con.execute(
        f"INSERT OR REPLACE INTO file_stats ({', '.join(_FILE_STAT_COLUMNS)}) SELECT {_from_lists(*types)}",
        [list(column) for column in columns],
    )


def load_documents(con: duckdb.DuckDBPyConnection, items: Sequence[LoadItem]) -> int:
    """Replace each document's row, pages and facts in one transaction; returns how many were loaded."""
    if not items:
        return 0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    docs: dict[str, list[Any]] = {k: [] for k in _DOC_COLUMNS}
    pages: dict[str, list[Any]] = {k: [] for k in ("sha256", "page_number", "start_offset", "text", "ocr")}
    facts: dict[str, list[Any]] = {k: [] for k in _FACT_COLUMNS}
    for item in items:
        r = item.record
        error = r.get("error") or {}
        for key, value in (
            ("sha256", r["sha256"]),
            ("media_type", r.get("media_type") or "application/octet-stream"),
            ("byte_size", item.byte_size),
            ("status", r["status"]),
            ("error_code", error.get("code")),
            ("error_message", error.get("message")),
            ("doc_type", r["doc_type"]),
            ("doc_type_confidence", r.get("doc_type_confidence")),
            ("language", r.get("language")),
            ("pages", r.get("pages", 0)),
            ("ocr_pages", r.get("ocr_pages", 0)),
            ("extractor_version", item.extractor_version),
            ("extracted_at", now),
        ):
            docs[key].append(value)
        for page in item.pages:
            pages["sha256"].append(r["sha256"])
            pages["page_number"].append(page.number)
            pages["start_offset"].append(page.start)
            pages["text"].append(page.text)
            pages["ocr"].append(page.ocr)
        record_facts = r.get("facts", [])
        count = len(record_facts)
        facts["sha256"] += [r["sha256"]] * count
        facts["fact_index"] += range(count)
        facts["extractor_version"] += [item.extractor_version] * count
        for fact in record_facts:
            value, value_type, number = _value_columns(fact["value"])
            facts["field"].append(fact["field"])
            facts["value"].append(value)
            facts["value_type"].append(value_type)
            facts["value_number"].append(number)
            facts["text"].append(fact["text"])
            facts["page"].append(fact.get("page"))
            facts["start_offset"].append(fact["start"])
            facts["end_offset"].append(fact["end"])
            facts["confidence"].append(fact.get("confidence"))
            facts["attributes"].append(_ATTRIBUTES_JSON.encode(fact.get("attributes") or {}))
    shas = pa.table({"sha256": sorted({item.record["sha256"] for item in items})})
    with db.transaction(
        con,
        incoming_shas=shas,
        incoming_docs=pa.table(docs),
        incoming_pages=pa.table(pages, schema=_PAGE_SCHEMA),
        incoming_facts=pa.table(facts, schema=_FACT_SCHEMA),
    ):
        con.execute("DELETE FROM facts WHERE sha256 IN (SELECT sha256 FROM incoming_shas)")
        con.execute("DELETE FROM pages WHERE sha256 IN (SELECT sha256 FROM incoming_shas)")
        con.execute(_UPSERT_DOCUMENTS)
        con.execute("INSERT INTO pages SELECT sha256, page_number, start_offset, text, ocr FROM incoming_pages")
        con.execute(_INSERT_FACTS)
    return len(items)


_DOC_COLUMNS = (
    "sha256",
    "media_type",
    "byte_size",
    "status",
    "error_code",
    "error_message",
    "doc_type",
    "doc_type_confidence",
    "language",
    "pages",
    "ocr_pages",
    "extractor_version",
    "extracted_at",
)
_FACT_COLUMNS = (
    "sha256",
    "fact_index",
    "field",
    "value",
    "value_type",
    "value_number",
    "text",
    "page",
    "start_offset",
    "end_offset",
    "confidence",
    "attributes",
    "extractor_version",
)
_PAGE_SCHEMA = pa.schema(
    [
        ("sha256", pa.string()),
        ("page_number", pa.int32()),
        ("start_offset", pa.int64()),
        ("text", pa.string()),
        ("ocr", pa.bool_()),
    ]
)
_FACT_SCHEMA = pa.schema(
    [
        ("sha256", pa.string()),
        ("fact_index", pa.int32()),
        ("field", pa.string()),
        ("value", pa.string()),
        ("value_type", pa.string()),
        ("value_number", pa.float64()),
        ("text", pa.string()),
        ("page", pa.int32()),
        ("start_offset", pa.int64()),
        ("end_offset", pa.int64()),
        ("confidence", pa.float64()),
        ("attributes", pa.string()),
        ("extractor_version", pa.string()),
    ]
)

# Built once from this module's column constants; values only ever come through the registered tables.
_UPSERT_DOCUMENTS = f"""
    INSERT INTO documents ({", ".join(_DOC_COLUMNS)})
    SELECT {", ".join(_DOC_COLUMNS)} FROM incoming_docs
    ON CONFLICT (sha256) DO UPDATE SET
        {", ".join(f"{c} = excluded.{c}" for c in _DOC_COLUMNS if c not in ("sha256", "byte_size"))},
        byte_size = coalesce(excluded.byte_size, documents.byte_size)
"""  # noqa: S608
_INSERT_FACTS = f"INSERT INTO facts ({', '.join(_FACT_COLUMNS)}) SELECT {', '.join(_FACT_COLUMNS)} FROM incoming_facts"  # noqa: S608


def stale_documents(con: duckdb.DuckDBPyConnection, extractor_version: str, force: bool = False) -> list[str]:
    """Documents with stored text whose facts were made by another extractor version (all of them if `force`)."""
    rows = con.execute(
        """
        SELECT d.sha256 FROM documents d
        WHERE (? OR d.extractor_version <> ?)
          AND EXISTS (SELECT 1 FROM pages p WHERE p.sha256 = d.sha256)
        ORDER BY d.sha256
        """,
        [force, extractor_version],
    ).fetchall()
    return [row[0] for row in rows]


def stored_pages(con: duckdb.DuckDBPyConnection, shas: Sequence[str]) -> dict[str, tuple[str, list[PageRow]]]:
    """sha256 -> (media_type, pages) of stored documents, pages in order."""
    if not shas:
        return {}
    con.register("wanted_shas", pa.table({"sha256": list(shas)}))
    try:
        rows = con.execute(
            """
            SELECT p.sha256, d.media_type, p.page_number, p.start_offset, p.text, p.ocr
            FROM pages p JOIN documents d USING (sha256)
            WHERE p.sha256 IN (SELECT sha256 FROM wanted_shas)
            ORDER BY p.sha256, p.page_number
            """
        ).fetchall()
    finally:
        con.unregister("wanted_shas")
    result: dict[str, tuple[str, list[PageRow]]] = {}
    for sha, media_type, number, start, text, ocr in rows:
        result.setdefault(sha, (media_type, []))[1].append(PageRow(number, start, text, ocr))
    return result


def source_names(con: duckdb.DuckDBPyConnection, shas: Sequence[str]) -> dict[str, str]:
    """sha256 -> one file name the document was seen under (for records; never logged)."""
    rows = con.execute("SELECT sha256, min(file_name) FROM document_sources GROUP BY sha256").fetchall()
    wanted = set(shas)
    return {sha: name for sha, name in rows if sha in wanted}
