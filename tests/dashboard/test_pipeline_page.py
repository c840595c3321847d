"""The Pipeline page and its upload checks: runs and unreadable documents shown, uploads kept only when they
are documents, and a run started as `medparole` in the background."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import uploads
from pipeline.extract import extract_document
from pipeline.flows import to_load_item
from warehouse import db, load, runs

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture()
def pipeline_data(tmp_path: Path, data_dir: Path) -> Path:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    extractions = [extract_document(data_dir / "letter.txt", source="letter.txt"), extract_document(empty)]
    con = db.connect_writer(tmp_path / "warehouse.duckdb")
    run_id = runs.start_run(con, "ingest", "test")
    load.record_sources(con, [(e.sha256, f"/inbox/{Path(e.source).name}") for e in extractions])
    load.load_documents(con, [to_load_item(e, None) for e in extractions])
    runs.finish_run(con, run_id, runs.RunCounts(seen=2, new=2, failed=1, pages=1))
    db.publish(con, tmp_path / "published.duckdb")
    con.close()
    return tmp_path


def test_pipeline_page_shows_runs_and_unreadable_documents(
    pipeline_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDPAROLE_DATA_DIR", str(pipeline_data))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/pipeline.py")
    at.run()
    assert not at.exception
    assert at.title[0].value == "Pipeline"
    runs_table = at.dataframe[0].value
    assert list(runs_table["flow"]) == ["ingest"] and list(runs_table["failed"]) == [1]
    unreadable = at.dataframe[1].value
    assert list(unreadable["error_code"]) == ["empty"]
    assert "upload the document again" in unreadable["error_message"].iloc[0]
    assert {"Ingest the inbox now", "Re-extract after a rule change"} <= {b.label for b in at.button}


def test_pipeline_page_in_shared_mode_hides_small_counts_and_the_run_log(
    pipeline_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDPAROLE_DATA_DIR", str(pipeline_data))
    log = pipeline_data / "runs" / "dashboard-run.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("medparole: find_files failed: /inbox/Rosa Ejemplo Paz.pdf\n", encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/pipeline.py")
    at.run()
    at.radio(key="privacy_mode").set_value("shared").run()
    assert not at.exception
    runs_table = at.dataframe[0].value
    assert list(runs_table["seen"]) == ["≤10"] and list(runs_table["failed"]) == ["≤10"]
    assert "Documents that could not be read (≤10)" in [s.value for s in at.subheader]
    unreadable = at.dataframe[1].value
    assert list(unreadable["documents"]) == ["≤10"]  # counted by error, not listed one per document
    assert list(unreadable["error_code"]) == ["empty"] and "file_name" not in unreadable
    assert not any("Rosa" in c.value for c in at.code)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "suffix"),
    [
        ("scan.PDF", b"%PDF-1.7\n...", ".pdf"),
        ("photo", b"\x89PNG\r\n\x1a\n....", ".png"),
        ("carta.docx", None, ".docx"),
        ("aviso.eml", b"From: DHS <noreply@example.gov>\nSubject: Parole\n\nYour parole...", ".eml"),
        ("notes.txt", b"Fecha: 3 de marzo de 2025\n", ".txt"),
    ],
)
def test_uploads_are_kept_by_content_with_a_safe_name(
    tmp_path: Path, name: str, content: bytes | None, suffix: str
) -> None:
    data = content if content is not None else _docx()
    kept = uploads.accept_upload(name, data, tmp_path / "inbox", max_mb=5)
    assert kept.parent == tmp_path / "inbox" and kept.suffix == suffix
    assert kept.read_bytes() == data
    assert uploads.accept_upload(name, data, tmp_path / "inbox", max_mb=5) == kept  # the same file once


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("empty.pdf", b"", "empty"),
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "not a document"),
        ("page.pdf", b"<!DOCTYPE html><html><body>Error 404</body></html>", "not a document"),
        ("bundle.zip", b"PK\x03\x04" + b"\x00" * 40, "zip archive"),
        ("big.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024), "larger than 1 MB"),
    ],
)
def test_uploads_that_are_not_documents_are_refused_with_a_reason(
    tmp_path: Path, name: str, content: bytes, why: str
) -> None:
    with pytest.raises(uploads.UploadRejected, match=why):
        uploads.accept_upload(name, content, tmp_path / "inbox", max_mb=1)
    assert not (tmp_path / "inbox").exists() or not any((tmp_path / "inbox").iterdir())


def test_an_upload_name_cannot_escape_the_inbox(tmp_path: Path) -> None:
    kept = uploads.accept_upload("../../etc/passwd.pdf", b"%PDF-1.4", tmp_path / "inbox", max_mb=1)
    assert kept.parent == tmp_path / "inbox" and ".." not in kept.name


def test_a_started_run_writes_its_log_and_is_followed(tmp_path: Path) -> None:
    run = uploads.start_flow(["settings"], tmp_path, tmp_path / "runs" / "dashboard-run.log")
    import os
    import time

    deadline = time.monotonic() + 60
    while uploads.running_flow(tmp_path) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    os.waitpid(run.pid, 0)
    assert uploads.running_flow(tmp_path) is None
    assert "medparole settings" in uploads.log_tail(run.log, lines=200)
