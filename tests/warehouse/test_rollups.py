"""Roll-ups stored at publish: the published copy reads the same rows as the live views, pending corrections
included, and a scope to a few cases reads those cases as the whole warehouse would."""

from __future__ import annotations

from pathlib import Path

import duckdb
from corpus_support import KEY

from pipeline.flows import to_load_item
from warehouse import case_queries, cases, corrections, db, load, rollups
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
