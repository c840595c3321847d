"""The warehouse: built from schema.sql, loads idempotently, publishes a read-only copy atomically."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.flows import to_load_item
from warehouse import db, load, queries


def _table_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    row = con.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM pages), (SELECT count(*) FROM facts)"
    ).fetchone()
    assert row is not None
    return row


def test_schema_builds_in_memory_with_every_migration_marked() -> None:
    con = db.connect_memory()
    applied = [r[0] for r in con.execute("SELECT version FROM applied_migrations ORDER BY 1").fetchall()]
    assert applied == [v for v, _, _ in db.migrations()]
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"documents", "pages", "facts", "runs", "document_sources", "document_list", "fact_list"} <= tables


def test_load_twice_leaves_identical_tables(fixture_extractions) -> None:  # type: ignore[no-untyped-def]
    con = db.connect_memory()
    items = [to_load_item(e, None) for e in fixture_extractions.values()]
    load.load_documents(con, items)
    first = _table_counts(con)
    facts_before = con.execute("SELECT * EXCLUDE (extractor_version) FROM facts ORDER BY ALL").fetchall()
    load.load_documents(con, items)
    assert _table_counts(con) == first
    assert con.execute("SELECT * EXCLUDE (extractor_version) FROM facts ORDER BY ALL").fetchall() == facts_before
    assert first[0] == len(fixture_extractions)


def test_loaded_facts_keep_their_offsets_into_the_page_text(fixture_extractions) -> None:  # type: ignore[no-untyped-def]
    con = db.connect_memory()
    load.load_documents(con, [to_load_item(e, None) for e in fixture_extractions.values()])
    rows = con.execute(
        """
        SELECT f.text, substr(p.text, f.start_offset - p.start_offset + 1, f.end_offset - f.start_offset)
        FROM facts f JOIN pages p ON p.sha256 = f.sha256 AND p.page_number = f.page
        """
    ).fetchall()
    assert rows
    assert all(fact_text == page_slice for fact_text, page_slice in rows)


def test_publish_makes_a_read_only_copy_the_writer_does_not_block(published_warehouse: Path) -> None:
    published = published_warehouse / "published.duckdb"
    writer = db.connect_writer(published_warehouse / "warehouse.duckdb")
    try:
        with db.open_published(published) as reader:
            assert queries.counts(reader)["documents"] == 6
            with pytest.raises(duckdb.Error):
                reader.execute("DELETE FROM documents")
        db.publish(writer, published)
    finally:
        writer.close()
    with db.open_published(published) as reader:
        assert queries.counts(reader)["documents"] == 6


def test_open_published_says_what_to_do_when_nothing_is_published(tmp_path: Path) -> None:
    with pytest.raises(db.NotPublished, match="medparole ingest"), db.open_published(tmp_path / "none.duckdb"):
        pass


def test_fact_filter_binds_values_and_says_them_in_words() -> None:
    flt = queries.FactFilter(fields=("diagnosis", "date"), text="50%_off'; DROP TABLE facts; --")
    where, params = flt.where_clause()
    assert "DROP" not in where and "?" in where
    assert params[:2] == ["diagnosis", "date"]
    assert flt.human_clause(3).startswith("3 facts where field is diagnosis or date")
    assert flt.file_stem(3).startswith("medparole-3-facts-where-field-is-diagnosis-or-date")
    con = db.connect_memory()
    assert queries.list_facts(con, flt).empty


def test_a_damaged_published_copy_says_so_at_once_instead_of_busy(tmp_path: Path) -> None:
    import time

    damaged = tmp_path / "published.duckdb"
    damaged.write_bytes(b"%PDF-1.7 not a warehouse\n" * 200)
    started = time.monotonic()
    with pytest.raises(db.WarehouseDamaged, match="medparole publish"), db.open_published(damaged):
        pass
    assert time.monotonic() - started < 1.0  # no retries: waiting does not mend a damaged file


def test_document_and_fact_lists_are_searched_counted_and_capped(published_warehouse: Path) -> None:
    with db.open_published(published_warehouse / "published.duckdb") as con:
        every = queries.list_documents(con)
        assert queries.count_documents(con) == len(every) == 6
        assert len(queries.list_documents(con, limit=2)) == 2
        name = str(every["file_name"].iloc[0])
        part = name[1:-1].upper()
        found = queries.list_documents(con, part)
        assert name in set(found["file_name"]) and queries.count_documents(con, part) == len(found)
        assert all(part.lower() in n.lower() for n in found["file_name"])
        assert queries.count_documents(con, "100%_no_such") == 0  # LIKE wildcards are taken literally

        everything = queries.FactFilter()
        total = queries.count_facts(con, everything)
        assert total == len(queries.list_facts(con, everything)) > 3
        assert len(queries.list_facts(con, everything, limit=3)) == 3
        by_name = queries.FactFilter(file_name=part)
        assert queries.count_facts(con, by_name) == len(queries.list_facts(con, by_name)) > 0
        assert set(queries.list_facts(con, by_name)["file_name"]) <= set(found["file_name"])
        assert by_name.human_clause(2).endswith(f'document name contains "{part}"')
        choices = queries.document_choices(con, part)
        assert {n for _, n in choices} == set(found["file_name"])
        assert len(queries.document_choices(con, limit=4)) == 4
