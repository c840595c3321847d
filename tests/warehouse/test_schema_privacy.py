"""Schema upgrade from 0001, pseudonym keys, filters that bind values, de-identified and suppressed exports."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from corpus_support import KEY, gold_documents, gold_load_item, true_cases

from warehouse import cases, db, export, filters, load, pseudonym
from warehouse.filters import CaseFilter

CASE_TABLES = {"cases", "case_documents", "case_links", "corrections"}
CASE_VIEWS = {"case_facts", "case_summary", "deadlines", "review_queue", "case_conflicts", "corrected_facts"}


def test_a_0001_warehouse_upgrades_to_cases_and_corrections(tmp_path: Path) -> None:
    schema = (Path(db.__file__).parent / "schema.sql").read_text(encoding="utf-8")
    initial = schema.split("-- Cases: one person's parole matter.")[0]
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(initial)
    con.execute("INSERT INTO applied_migrations (version, name) VALUES (1, 'initial')")
    con.close()
    con = db.connect_writer(path)
    applied = [r[0] for r in con.execute("SELECT version FROM applied_migrations ORDER BY 1").fetchall()]
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert applied == [v for v, _, _ in db.migrations()] and 2 in applied
    assert names >= CASE_TABLES | CASE_VIEWS | {"file_stats"}
    assert con.execute("SELECT count(*) FROM case_summary").fetchall() == [(0,)]
    con.close()


def test_fresh_schema_has_the_case_tables_and_views() -> None:
    con = db.connect_memory()
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert names >= CASE_TABLES | CASE_VIEWS


def test_key_file_is_created_once_with_0600_and_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "cfg" / "pseudonym.key"
    key = pseudonym.load_key(None, path)
    assert "created a new pseudonym key" in caplog.text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert pseudonym.load_key("", path) == key and len(key) == 32
    assert pseudonym.load_key("ab" * 16, path) == bytes.fromhex("ab" * 16)
    with pytest.raises(pseudonym.PseudonymKeyError):
        pseudonym.load_key("short", path)


def test_pseudonyms_are_keyed_hashes_not_plain_ones() -> None:
    import hashlib

    value = "A123456789"
    p = pseudonym.pseudonymize(KEY, value)
    assert re.fullmatch(r"case-[0-9a-f]{6}", p)
    assert p[5:] != hashlib.sha256(value.encode()).hexdigest()[:6]
    assert p != pseudonym.pseudonymize(b"another-key-0123456789", value)


def test_filter_sql_holds_no_values_and_says_them_in_words() -> None:
    evil = "x'; DROP TABLE cases; --"
    flt = CaseFilter(
        outcomes=("terminated",),
        diagnoses=("short bowel syndrome", evil),
        age_groups=("0-4",),
        date_from=dt.date(2024, 1, 1),
        languages=("es",),
        needs_review=True,
        text="50%_off",
    )
    where, params = flt.where_clause()
    for value in ("terminated", "short bowel", "DROP", "2024", "50%", "es'"):
        assert value not in where
    assert where.count("?") == len(params)
    assert flt.human_clause(42).startswith("42 cases where decision date is on or after 2024-01-01 and outcome is ")
    assert "outcome is terminated and diagnosis is short bowel syndrome or" in flt.human_clause(42)
    assert re.fullmatch(r"[a-z0-9-]+", flt.file_stem(42))
    con = db.connect_memory()
    assert con.execute(f"SELECT count(*) FROM case_summary AS cs WHERE {where}", params).fetchall() == [(0,)]


def test_filter_round_trips_through_query_params() -> None:
    flt = CaseFilter(
        date_field=filters.DateField.parole_end,
        date_to=dt.date(2026, 12, 31),
        countries=("MX", "HN"),
        icd10_chapters=(2, 17),
        treatment_unavailable=False,
        text="diálisis",
    )
    params = flt.to_query_params()
    assert CaseFilter.from_query_params(params) == flt
    assert CaseFilter.from_query_params({"icd10_chapters": "x", "needs_review": "maybe", "nope": "1"}) == CaseFilter()


@pytest.fixture(scope="module")
def gold_cases() -> duckdb.DuckDBPyConnection:
    con = db.connect_memory()
    load.load_documents(con, [gold_load_item(k, v) for k, v in gold_documents().items()])
    cases.link_cases(con, KEY)
    return con


def _identities() -> set[str]:
    """Every patient name (and its unaccented upper form), A-number, receipt number and birth date in the gold."""
    found: set[str] = set()
    other_dates: set[str] = set()  # a birth date that is also another case's decision date proves nothing
    for gold in gold_documents().values():
        for fact in gold["facts"]:
            kind = fact["attributes"].get("kind")
            if fact["field"] == "patient_name" or kind in ("a_number", "receipt_number"):
                found.add(str(fact["value"]))
            if fact["field"] == "date":
                birth = fact["attributes"].get("role") == "birth"
                (found if birth else other_dates).add(str(fact["value"]))
    return {v for v in found - other_dates if len(v) >= 6}


@pytest.mark.parametrize("fmt", list(export.ExportFormat))
def test_default_export_holds_no_names_identifiers_or_birth_dates(
    gold_cases: duckdb.DuckDBPyConnection, tmp_path: Path, fmt: export.ExportFormat
) -> None:
    result = export.export(gold_cases, CaseFilter(), fmt, tmp_path)
    assert result.cases >= len(set(true_cases().values())) and result.path.name.startswith("medparole-")
    payload = result.path.read_bytes() + (result.notes_path.read_bytes() if result.notes_path else b"")
    if fmt is export.ExportFormat.xlsx:
        book = openpyxl.load_workbook(result.path)
        assert book.sheetnames == ["cases", "notes"]
        payload = "\n".join(
            str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
        ).encode()
    elif fmt is export.ExportFormat.parquet:
        payload = pd.read_parquet(result.path).to_csv().encode() + payload
    text = payload.decode("utf-8", errors="replace")
    leaked = [v for v in _identities() if v in text]
    assert not leaked, leaked[:5]
    assert "case-" in text


def test_identified_export_adds_names_and_identifiers(gold_cases: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = export.export(gold_cases, CaseFilter(), export.ExportFormat.csv, tmp_path / "x.csv", identified=True)
    text = result.path.read_text(encoding="utf-8")
    identities = _identities()
    assert sum(1 for v in identities if v in text) > len(identities) // 2
    assert "IDENTIFIED" in result.notes_path.read_text(encoding="utf-8")  # type: ignore[union-attr]


def test_shared_export_suppresses_every_count_from_1_to_10(
    gold_cases: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    result = export.export(
        gold_cases, CaseFilter(), export.ExportFormat.csv, tmp_path / "shared.csv", shared=True, identified=True
    )
    table = pd.read_csv(result.path)
    assert list(table.columns[-2:]) == ["cases", "note"]
    shown = table["cases"].dropna()
    assert not shown.between(1, 10).any()
    assert table["cases"].isna().sum() != 1
    text = result.path.read_text(encoding="utf-8")
    assert "case-" not in text and not [v for v in _identities() if v in text]
    outcomes = table.groupby("latest_outcome")["cases"].sum()
    rare = gold_cases.execute(
        "SELECT latest_outcome FROM case_summary WHERE latest_outcome IS NOT NULL "
        "GROUP BY 1 HAVING count(*) BETWEEN 1 AND 10 LIMIT 1"
    ).fetchall()
    if rare:
        small = export.export(
            gold_cases, CaseFilter(outcomes=(rare[0][0],)), export.ExportFormat.csv, tmp_path, shared=True
        )
        assert small.sentence.startswith("fewer than 11 cases") and "-few-cases-" in small.path.name
    assert len(outcomes)


def test_cli_exports_the_published_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    writer = db.connect_writer(tmp_path / "warehouse.duckdb")
    load.load_documents(writer, [gold_load_item(k, v) for k, v in gold_documents().items()])
    cases.refresh(writer, KEY, tmp_path / "corrections.sqlite")
    db.publish(writer, tmp_path / "published.duckdb")
    writer.close()
    monkeypatch.setenv("MEDPAROLE_DATA_DIR", str(tmp_path))
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(app, ["export", "--format", "xlsx", "--outcome", "granted", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = list(out.glob("medparole-*-cases-where-outcome-is-granted.xlsx"))
    assert len(written) == 1
    assert openpyxl.load_workbook(written[0]).sheetnames == ["cases", "notes"]
