"""Roll-ups stored at publish: the published copy reads the same rows as the live views, pending corrections
included, and a scope to a few cases reads those cases as the whole warehouse would."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
from corpus_support import KEY

from pipeline.flows import to_load_item
from warehouse import case_queries, cases, corrections, db, load, rollups, runs
from warehouse.corrections import Action, Correction

VIEWS = ("case_summary", "review_queue", "deadlines", "case_identities", "case_conflicts", "document_list")


def _rows(con: duckdb.DuckDBPyConnection, view: str) -> list[str]:
    return sorted(map(repr, con.execute(f"SELECT * FROM {view}").fetchall()))


def _published(extracted_corpus, tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, Path]:  # type: ignore[no-untyped-def]
    writer = db.connect_writer(tmp_path / "warehouse.duckdb")
    load.load_documents(writer, [to_load_item(e, None) for e in extracted_corpus.values()])
    # A doubtful diagnosis, so the review queue surely holds a low-confidence fact.
    writer.execute(
        "UPDATE facts SET confidence = 0.3 WHERE (sha256, fact_index) = "
        "(SELECT (sha256, fact_index) FROM facts WHERE field = 'diagnosis' ORDER BY sha256, fact_index LIMIT 1)"
    )
    cases.refresh(writer, KEY, tmp_path / "corrections.sqlite")
    db.publish(writer, tmp_path / "published.duckdb")
    return writer, tmp_path / "published.duckdb"


def test_the_published_copy_stores_roll_ups_that_match_the_live_views(extracted_corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    writer, published = _published(extracted_corpus, tmp_path)
    with db.open_published(published) as reader:
        assert rollups.is_materialized(reader) and not rollups.is_materialized(writer)
        tables = "SELECT table_name FROM information_schema.tables WHERE table_name = 'file_stats'"
        assert writer.execute(tables).fetchall() and not reader.execute(tables).fetchall()  # staging's own
        for view in VIEWS:
            assert _rows(reader, view) == _rows(writer, view), view
    writer.close()


def test_a_pending_correction_shows_in_the_stored_roll_ups_at_once(extracted_corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    writer, published = _published(extracted_corpus, tmp_path)
    store = tmp_path / "corrections.sqlite"
    sha, field, key = writer.execute(
        "SELECT sha256, field, fact_key FROM review_queue WHERE kind = 'low_confidence' ORDER BY fact_key LIMIT 1"
    ).fetchall()[0]
    _, _, start, end = key.rsplit(":", 3)
    corrections.record_correction(store, Correction("ana", sha, field, Action.reject, int(start), int(end)))
    corrections.record_correction(store, Correction("ana", sha, "legal_org", Action.add, new_value="Public Counsel"))
    corrections.overlay_pending(writer, store)  # the live views, for reference
    with db.open_published(published) as reader:
        assert corrections.overlay_pending(reader, store) == 2
        assert rollups.pending_cases(reader)
        for view in VIEWS:
            assert _rows(reader, view) == _rows(writer, view), view
        assert key not in {r[0] for r in reader.execute("SELECT fact_key FROM review_queue").fetchall()}
    writer.close()


def test_reading_one_case_in_its_scope_gives_what_the_whole_warehouse_gives(extracted_corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    writer, published = _published(extracted_corpus, tmp_path)
    writer.close()
    reads = (case_queries.case_documents, case_queries.case_timeline, case_queries.case_facts)
    with db.open_published(published) as reader:
        for (case_id,) in reader.execute("SELECT case_id FROM cases ORDER BY case_id").fetchall():
            whole = [read(reader, case_id) for read in reads]
            with rollups.only_cases(reader, [case_id]):
                scoped = [read(reader, case_id) for read in reads]
            for a, b in zip(whole, scoped, strict=True):
                assert a.equals(b)


def test_an_unchanged_warehouse_publishes_the_stored_roll_ups_again_a_changed_one_computes_them(  # type: ignore[no-untyped-def]
    extracted_corpus, tmp_path: Path, caplog
) -> None:
    writer, published = _published(extracted_corpus, tmp_path)
    reused = "copied them from the published copy"
    runs.finish_run(writer, runs.start_run(writer, "ingest", "test"), runs.RunCounts())  # the ledger is no input
    with caplog.at_level(logging.INFO, logger="warehouse.db"):
        db.publish(writer, published)
    assert reused in caplog.text
    with db.open_published(published) as reader:
        for view in VIEWS:
            assert _rows(reader, view) == _rows(writer, view), view
        assert reader.execute("SELECT count(*) FROM runs").fetchall() == [(1,)]

    # A second doubtful diagnosis: the review queue must show it, so the roll-ups are computed again.
    writer.execute(
        "UPDATE facts SET confidence = 0.3 WHERE (sha256, fact_index) = (SELECT (sha256, fact_index) FROM facts "
        "WHERE field = 'diagnosis' AND confidence > 0.6 ORDER BY sha256 DESC, fact_index LIMIT 1)"
    )
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="warehouse.db"):
        db.publish(writer, published)
    assert reused not in caplog.text
    with db.open_published(published) as reader:
        for view in VIEWS:
            assert _rows(reader, view) == _rows(writer, view), view
    writer.close()


def test_the_inputs_fingerprint_changes_with_any_row_the_roll_ups_may_read_and_not_with_the_run_ledger(  # type: ignore[no-untyped-def]
    extracted_corpus, tmp_path: Path
) -> None:
    writer, _ = _published(extracted_corpus, tmp_path)
    before = rollups.inputs_fingerprint(writer)
    runs.start_run(writer, "ingest", "test")
    assert rollups.inputs_fingerprint(writer) == before
    sha = writer.execute("SELECT min(sha256) FROM documents").fetchall()[0][0]
    changes = (
        ("INSERT INTO document_sources (sha256, source_path, file_name) VALUES (?, '/moved/a.pdf', 'a.pdf')", [sha]),
        ("UPDATE facts SET value = value || ' ' WHERE sha256 = ? AND fact_index = 0", [sha]),
        ("UPDATE documents SET language = 'xx' WHERE sha256 = ?", [sha]),
        ("DELETE FROM case_links WHERE rowid = (SELECT min(rowid) FROM case_links)", []),
    )
    seen = {before}
    for sql, params in changes:
        writer.execute(sql, params)
        after = rollups.inputs_fingerprint(writer)
        assert after not in seen, sql
        seen.add(after)
    writer.close()


def test_a_damaged_published_copy_is_replaced_by_the_next_publish_with_roll_ups_computed(  # type: ignore[no-untyped-def]
    extracted_corpus, tmp_path: Path
) -> None:
    """The message of a damaged copy says to publish again: that publish cannot copy roll-ups from it, so it
    computes them."""
    writer, published = _published(extracted_corpus, tmp_path)
    published.write_bytes(b"%PDF-1.7 not a warehouse\n" * 200)
    db.publish(writer, published)
    with db.open_published(published) as reader:
        assert rollups.is_materialized(reader)
        for view in VIEWS:
            assert _rows(reader, view) == _rows(writer, view), view
    writer.close()
