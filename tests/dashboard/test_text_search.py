"""The documents' text search runs once per search: its cases are found in one scan (cached) and every read then
tests membership. The results are exactly those of the filter's own SQL, which scans the pages each time."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import streamlit as st

from dashboard import data
from warehouse import case_queries, export
from warehouse.filters import CaseFilter


def _words(data_dir: Path) -> list[str]:
    """Words of the warehouse's own pages that some cases mention and others do not; a capitalised form, an
    accented Spanish word if any, LIKE's own characters, and a word nobody wrote."""
    con = duckdb.connect(str(data_dir / "published.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT fd.case_id, fp.text FROM case_documents fd JOIN pages fp USING (sha256) ORDER BY fd.case_id"
        ).fetchall()
    finally:
        con.close()
    by_case: dict[str, set[str]] = {}
    for case_id, text in rows:
        by_case.setdefault(case_id, set()).update(w.strip(".,;:()\"'").lower() for w in text.split())
    counts: dict[str, int] = {}
    for words in by_case.values():
        for word in words:
            if len(word) > 5 and word.isalpha():
                counts[word] = counts.get(word, 0) + 1
    some = sorted(w for w, n in counts.items() if 1 < n < len(by_case))
    accented = [w for w in some if any(c in w for c in "áéíóúñ")]
    assert len(some) > 10
    return [some[0], some[len(some) // 2].upper(), *accented[:1], "50%_off", "zzzz-nobody-wrote-this"]


def test_text_search_reads_match_the_scanning_sql_and_scan_once(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDPAROLE_DATA_DIR", str(case_warehouse))
    scans: list[str] = []
    pattern = data.text_pattern
    monkeypatch.setattr(data, "text_pattern", lambda words: scans.append(words) or pattern(words))
    outcome = data.choices(data.published_version()).outcomes[0]
    st.cache_data.clear()
    found: dict[tuple[str, tuple[str, ...]], int] = {}
    searches = _words(case_warehouse)
    for words in searches:
        for flt in (CaseFilter(text=words), CaseFilter(text=f" {words} ", outcomes=(outcome,))):
            resolved = data.matched(flt)
            assert resolved != flt and "ILIKE" not in resolved.where_clause()[0]
            assert (
                resolved.human_clause(3) == flt.human_clause(3) and resolved.to_query_params() == flt.to_query_params()
            )
            with data.connection() as con:
                scanned = export.case_table(con, flt, identified=True)
                deidentified = export.case_table(con, flt)
                assert "ILIKE" in flt.where_clause()[0]
                expected_queue = case_queries.review_queue(con, flt)
                expected_deadlines = case_queries.deadlines(con, flt)
                expected_headline = case_queries.headline(con, flt)
            assert data.identified_cases(flt).equals(scanned)
            assert data.cases(data.published_version(), flt).equals(deidentified)
            assert data.pseudonyms(data.published_version(), flt) == list(scanned["pseudonym"])
            assert data.review_queue(flt).equals(expected_queue)
            assert data.deadlines(data.published_version(), flt)[list(expected_deadlines)].equals(expected_deadlines)
            assert data.headline(data.published_version(), flt) == expected_headline
            assert set(data.patient_names(flt)["pseudonym"]) == set(scanned["pseudonym"])
            found[(words, flt.outcomes)] = len(scanned)
    # Every read of every filter above shared one scan per search (the second filter's words are stripped).
    assert sorted(scans) == sorted(w.strip() for w in searches)
    total = len(data.pseudonyms(data.published_version(), CaseFilter()))
    first, *_, nobody = searches
    assert 0 < found[(first, ())] < total and found[(nobody, ())] == 0  # the comparisons above were not vacuous
