"""The ingest flow end to end, under one temporary Prefect server for the whole module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from warehouse import db, queries

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def test_ingest_extracts_loads_publishes_and_skips_what_it_knows(
    prefect_harness: None, tmp_path: Path, data_dir: Path
) -> None:
    from pipeline.flows import ingest

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("letter.pdf", "decision.pdf", "letter.txt", "termination.eml"):
        shutil.copy(data_dir / name, inbox / name)
    (inbox / "notes.xyz").write_bytes(b"\x00\x01binary")
    data = tmp_path / "data"

    first = ingest([str(inbox)], data_dir=str(data), workers=2, batch_size=2)
    assert first == {"seen": 5, "new": 5, "skipped": 0, "failed": 1}
    with db.open_published(data / "published.duckdb") as con:
        docs = queries.list_documents(con)
        runs = con.execute("SELECT flow, status, seen, new, skipped, failed FROM runs").fetchall()
        facts = con.execute("SELECT count(*) FROM facts").fetchone()
    assert len(docs) == 5
    assert set(docs.loc[docs.status == "failed", "error_code"]) == {"unsupported_type"}
    assert runs == [("ingest", "completed", 5, 5, 0, 1)]
    assert facts is not None and facts[0] > 0
    # Every file is kept in the content-addressed store, so the inbox can be emptied.
    assert len(list((data / "store").rglob("*"))) >= 5 + 1

    # A renamed copy is the same document; nothing is read again.
    (inbox / "letter.pdf").rename(inbox / "renamed-letter.pdf")
    second = ingest([str(inbox)], data_dir=str(data), workers=2)
    assert second == {"seen": 5, "new": 0, "skipped": 5, "failed": 0}
    with db.open_published(data / "published.duckdb") as con:
        assert queries.counts(con)["documents"] == 5
        sources = con.execute("SELECT count(*) FROM document_sources").fetchone()
        assert sources is not None and sources[0] == 6
