"""Case linking: one person's documents in one case, different people never merged, ids stable across runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from corpus_support import KEY, gold_documents, gold_load_item, pairwise, true_cases

from pipeline.flows import to_load_item
from warehouse import cases, corrections, db, load


def _gold_warehouse(doc_ids: list[str] | None = None) -> duckdb.DuckDBPyConnection:
    gold = gold_documents()
    con = db.connect_memory()
    load.load_documents(con, [gold_load_item(k, v) for k, v in gold.items() if doc_ids is None or k in doc_ids])
    return con


def _assignment(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT sha256, case_id FROM case_documents").fetchall())


def _tables(con: duckdb.DuckDBPyConnection) -> list[list[Any]]:
    return [
        con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("cases", "case_documents", "case_links", "corrections")
    ]


def test_names_match_ignoring_accents_case_order_and_a_missing_second_surname() -> None:
    a = cases.name_tokens("CASTRO ZELAYA, ÓSCAR")
    assert a == cases.name_tokens("Óscar Castro Zelaya") == cases.name_tokens("oscar castro-zelaya")
    assert cases.names_compatible(a, cases.name_tokens("Oscar Castro"))
    assert not cases.names_compatible(a, cases.name_tokens("Ana Castro Zelaya"))
    assert not cases.names_compatible(a, cases.name_tokens("Castro"))


def test_gold_corpus_links_without_merging_different_people() -> None:
    con = _gold_warehouse()
    stats = cases.link_cases(con, KEY)
    precision, recall, _tp, fp, _fn = pairwise(_assignment(con), true_cases())
    assert fp == 0 and precision == 1.0
    assert recall >= 0.95, recall
    assert stats.documents == len(gold_documents()) and stats.cases >= len(set(true_cases().values()))


def test_extracted_documents_link_into_their_true_cases(extracted_corpus, doc_ids_by_sha) -> None:  # type: ignore[no-untyped-def]
    con = db.connect_memory()
    load.load_documents(con, [to_load_item(e, None) for e in extracted_corpus.values()])
    cases.link_cases(con, KEY)
    predicted = {doc_ids_by_sha[sha]: case for sha, case in _assignment(con).items()}
    precision, recall, *_ = pairwise(predicted, true_cases())
    assert precision == 1.0
    assert recall >= 0.6, recall


def test_linking_twice_leaves_identical_tables_and_refresh_is_idempotent(tmp_path: Path) -> None:
    con = _gold_warehouse()
    cases.refresh(con, KEY, tmp_path / "corrections.sqlite")
    first = _tables(con)
    again = cases.refresh(con, KEY, tmp_path / "corrections.sqlite")
    assert _tables(con) == first
    assert again["new_cases"] == 0 and again["retired_cases"] == 0


def test_case_ids_survive_more_documents_renames_and_a_rebuild() -> None:
    gold = gold_documents()
    truth = true_cases()
    first_half = sorted(gold)[::2]
    con = _gold_warehouse(first_half)
    cases.link_cases(con, KEY)
    before = _assignment(con)
    pseudonyms = dict(con.execute("SELECT case_id, pseudonym FROM cases").fetchall())
    load.record_sources(con, [(sha, f"/moved/{sha}.pdf") for sha in first_half])
    load.load_documents(con, [gold_load_item(k, v) for k, v in gold.items() if k not in first_half])
    stats = cases.link_cases(con, KEY)
    after = _assignment(con)
    # Documents of one true case that were together stay in their case, under the same id and pseudonym.
    for sha, case_id in before.items():
        together = [s for s, c in before.items() if c == case_id]
        if all(truth[s] == truth[sha] for s in together) and len(together) > 1:
            assert after[sha] == case_id
    kept = set(after.values()) & set(before.values())
    assert kept and stats.kept_cases == len(kept)
    assert {c: pseudonyms[c] for c in kept} == dict(
        con.execute("SELECT case_id, pseudonym FROM cases WHERE case_id IN (SELECT unnest(?))", [list(kept)]).fetchall()
    )
    rebuilt = _gold_warehouse()
    cases.link_cases(rebuilt, KEY)
    again = _gold_warehouse()
    cases.link_cases(again, KEY)
    assert _assignment(rebuilt) == _assignment(again)


def test_pseudonyms_are_short_keyed_and_unique() -> None:
    con = _gold_warehouse()
    cases.link_cases(con, KEY)
    rows = con.execute("SELECT case_id, pseudonym FROM cases").fetchall()
    assert len({p for _, p in rows}) == len(rows)
    assert all(p.startswith("case-") and len(p) >= 11 for _, p in rows)
    other = _gold_warehouse()
    cases.link_cases(other, b"another-key-0123456789abcdef")
    assert {p for _, p in rows}.isdisjoint({r[0] for r in other.execute("SELECT pseudonym FROM cases").fetchall()})


def test_two_dates_of_birth_show_as_a_conflict_not_a_choice(tmp_path: Path) -> None:
    """Documents held together by an MRN that disagree on the birth date: the case lists the conflict."""
    con = _gold_warehouse()
    store = tmp_path / "corrections.sqlite"
    cases.refresh(con, KEY, store)
    sha, start, end, value = con.execute(
        """
        -- a document with a birth date that shares an A-number or MRN with another one that has a birth date:
        -- the shared identifier keeps them together whatever the birth dates say
        WITH births AS (
            SELECT sha256, start_offset, end_offset, value FROM facts
            WHERE field = 'date' AND attributes ->> 'role' = 'birth'
        ), ids AS (
            SELECT sha256, value FROM facts
            WHERE field = 'identifier' AND attributes ->> 'kind' IN ('a_number', 'mrn')
        )
        SELECT b.* FROM births b JOIN ids i USING (sha256)
        JOIN ids j ON j.value = i.value AND j.sha256 <> i.sha256
        WHERE j.sha256 IN (SELECT sha256 FROM births)
        ORDER BY b.sha256 LIMIT 1
        """
    ).fetchall()[0]
    corrections.record_correction(
        store,
        corrections.Correction(
            "tester", sha, "date", corrections.Action.edit, start, end, old_value=value, new_value="1901-02-03"
        ),
    )
    cases.refresh(con, KEY, store)
    case_id = con.execute("SELECT case_id FROM case_documents WHERE sha256 = ?", [sha]).fetchall()[0][0]
    conflicts = con.execute('SELECT field, "values" FROM case_conflicts WHERE case_id = ?', [case_id]).fetchall()
    assert ("date_of_birth", sorted([value, "1901-02-03"])) in [(f, sorted(v)) for f, v in conflicts]
    summary = con.execute("SELECT conflicts, needs_review FROM case_summary WHERE case_id = ?", [case_id]).fetchall()[0]
    assert "date_of_birth" in summary[0] and summary[1] is True
    queue = con.execute("SELECT kind FROM review_queue WHERE case_id = ? AND kind = 'conflict'", [case_id]).fetchall()
    assert queue


def test_decided_cases_have_a_decision_date_and_pending_ones_none() -> None:
    con = _gold_warehouse()
    cases.link_cases(con, KEY)
    rows = con.execute(
        "SELECT latest_outcome, decision_date, days_to_decision FROM case_summary WHERE latest_outcome IS NOT NULL"
    ).fetchall()
    decided = [r for r in rows if r[0] in ("granted", "denied", "extended", "terminated")]
    assert decided and all(r[1] is not None for r in decided)
    assert all(r[2] is None or r[2] >= 0 for r in decided)
    assert all(r[1] is None for r in rows if r[0] == "pending")
