"""Corrections: stored apart, keyed by span, surviving re-extraction, applied at publish, shown at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from corpus_support import KEY

from pipeline.flows import to_load_item
from warehouse import cases, corrections, db, load
from warehouse.corrections import Action, Correction


def _loaded(extracted_corpus):  # type: ignore[no-untyped-def]
    con = db.connect_memory()
    load.load_documents(con, [to_load_item(e, None) for e in extracted_corpus.values()])
    return con


def _a_fact(con, field: str):  # type: ignore[no-untyped-def]
    return con.execute(
        "SELECT sha256, start_offset, end_offset, value FROM facts WHERE field = ? ORDER BY sha256, start_offset",
        [field],
    ).fetchall()[0]


def test_store_is_sqlite_in_wal_mode_with_who_when_and_why(tmp_path: Path) -> None:
    store = tmp_path / "c.sqlite"
    corrections.record_correction(store, Correction("ana", "abc", "diagnosis", Action.reject, 1, 5, reason="parent"))
    with sqlite3.connect(store) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    history = corrections.history(store, "abc")
    assert history.loc[0, "author"] == "ana" and history.loc[0, "reason"] == "parent"
    assert history.loc[0, "created_at"] is not None
    with pytest.raises(corrections.CorrectionError):
        corrections.record_correction(store, Correction("ana", "abc", "diagnosis", Action.edit, 1, 5))


def test_corrections_survive_reloading_the_same_documents(extracted_corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    con = _loaded(extracted_corpus)
    store = tmp_path / "corrections.sqlite"
    sha, start, end, value = _a_fact(con, "diagnosis")
    d_sha, d_start, d_end, _ = _a_fact(con, "facility")
    corrections.record_correction(store, Correction("ana", sha, "diagnosis", Action.reject, start, end, value))
    corrections.record_correction(
        store, Correction("ana", d_sha, "facility", Action.edit, d_start, d_end, new_value="Corrected Hospital")
    )
    added = corrections.record_correction(
        store, Correction("ana", sha, "legal_org", Action.add, new_value="Public Counsel", reason="in the cover")
    )
    cases.refresh(con, KEY, store)

    def visible() -> tuple[set[str], set[str], set[str]]:
        rows = con.execute("SELECT fact_key, value, correction FROM case_facts").fetchall()
        return {k for k, _, _ in rows}, {v for _, v, _ in rows}, {c for _, _, c in rows if c}

    keys, values, actions = visible()
    assert corrections.fact_key(sha, "diagnosis", start, end) not in keys
    assert "Corrected Hospital" in values and "Public Counsel" in values and added in keys
    assert actions == {"edit", "add"}
    # Re-extraction: the same documents loaded again (facts replaced, indexes renumbered), then refresh.
    load.load_documents(con, [to_load_item(e, None) for e in reversed(list(extracted_corpus.values()))])
    cases.refresh(con, KEY, store)
    assert visible() == (keys, values, actions)


def test_a_new_correction_shows_at_once_on_the_published_copy(extracted_corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    writer = db.connect_writer(tmp_path / "warehouse.duckdb")
    load.load_documents(writer, [to_load_item(e, None) for e in extracted_corpus.values()])
    store = tmp_path / "corrections.sqlite"
    cases.refresh(writer, KEY, store)
    db.publish(writer, tmp_path / "published.duckdb")
    sha, start, end, _ = _a_fact(writer, "diagnosis")
    writer.close()
    corrections.record_correction(store, Correction("ana", sha, "diagnosis", Action.edit, start, end, new_value="x"))
    with db.open_published(tmp_path / "published.duckdb") as reader:
        key = corrections.fact_key(sha, "diagnosis", start, end)
        before = reader.execute("SELECT value FROM case_facts WHERE fact_key = ?", [key]).fetchall()
        assert corrections.overlay_pending(reader, store) == 1
        after = reader.execute("SELECT value, correction FROM case_facts WHERE fact_key = ?", [key]).fetchall()
    assert before and before[0][0] != "x"
    assert after == [("x", "edit")]


def test_confirmed_low_confidence_facts_leave_the_review_queue(extracted_corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    con = _loaded(extracted_corpus)
    # Make one diagnosis doubtful, so the queue surely holds a low-confidence fact.
    con.execute(
        """
        UPDATE facts SET confidence = 0.3
        WHERE (sha256, fact_index) = (SELECT (sha256, fact_index) FROM facts WHERE field = 'diagnosis'
                                      ORDER BY sha256, fact_index LIMIT 1)
        """
    )
    store = tmp_path / "corrections.sqlite"
    cases.refresh(con, KEY, store)
    waiting = con.execute(
        "SELECT sha256, field, fact_key FROM review_queue WHERE kind = 'low_confidence' ORDER BY fact_key"
    ).fetchall()
    assert waiting, "the doubtful diagnosis waits for review"
    sha, field, key = waiting[0]
    _, _, start, end = key.rsplit(":", 3)
    corrections.record_correction(store, Correction("ana", sha, field, Action.confirm, int(start), int(end)))
    cases.refresh(con, KEY, store)
    assert key not in {r[0] for r in con.execute("SELECT fact_key FROM review_queue").fetchall()}
