"""Readers turn each kind of file into page texts with offsets, and bad files into narrow errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import CorruptDocument, EmptyDocument, UnsupportedDocument
from pipeline.models import PAGE_SEPARATOR
from pipeline.readers import DOCX, EMAIL, PDF, TEXT, ReadLimits, read_document


@pytest.mark.parametrize(
    ("name", "media_type", "ocr_pages", "expected"),
    [
        ("letter.pdf", PDF, 0, "short bowel syndrome (ICD-10 K90.829)"),
        ("decision.pdf", PDF, 0, "Receipt Number: IOE0912345678"),
        ("letter.docx", DOCX, 0, "home parenteral nutrition infused over 14 hours daily"),
        ("termination.eml", EMAIL, 0, "Your parole will terminate 7 days"),
        ("letter.txt", TEXT, 0, "This treatment is not available in Honduras."),
    ],
)
def test_readers_read_text_formats(data_dir: Path, name: str, media_type: str, ocr_pages: int, expected: str) -> None:
    document = read_document(data_dir / name, ReadLimits())
    assert document.media_type == media_type
    assert document.ocr_pages == ocr_pages
    assert expected in document.text
    assert len(document.sha256) == 64


def test_readers_ocr_a_scanned_pdf(data_dir: Path) -> None:
    document = read_document(data_dir / "scanned_decision.pdf", ReadLimits(ocr_dpi=200))
    assert document.ocr_pages == 1
    # OCR is noisy (IOE comes out as 10E or |OE); the digits and the decision sentence must come through.
    assert "0912345678" in document.text
    assert "Your request for parole has been approved" in document.text


def test_readers_page_offsets_index_the_joined_text(data_dir: Path) -> None:
    document = read_document(data_dir / "letter.pdf", ReadLimits())
    for page in document.pages:
        assert document.text[page.start : page.end] == page.text
    assert PAGE_SEPARATOR not in document.pages[0].text


def test_readers_email_keeps_subject_and_body(data_dir: Path) -> None:
    text = read_document(data_dir / "termination.eml", ReadLimits()).text
    assert text.startswith("From: Notices")
    assert "Subject: Notice of termination of parole" in text
    assert "DHS is exercising its discretion" in text


def test_readers_refuse_zero_byte_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyDocument):
        read_document(empty, ReadLimits())


def test_readers_report_random_bytes_named_pdf_as_corrupt(tmp_path: Path) -> None:
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(CorruptDocument, match="holds no PDF"):
        read_document(fake, ReadLimits())


def test_readers_report_truncated_pdf_as_corrupt(tmp_path: Path, data_dir: Path) -> None:
    truncated = tmp_path / "cut.pdf"
    truncated.write_bytes((data_dir / "letter.pdf").read_bytes()[:300])
    with pytest.raises(CorruptDocument):
        read_document(truncated, ReadLimits())


def test_readers_refuse_unsupported_type(tmp_path: Path) -> None:
    other = tmp_path / "archive.7z"
    other.write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(200))
    with pytest.raises(UnsupportedDocument):
        read_document(other, ReadLimits())


def test_readers_trust_content_over_suffix(tmp_path: Path, data_dir: Path) -> None:
    renamed = tmp_path / "letter.pdf"
    renamed.write_bytes((data_dir / "letter.docx").read_bytes())
    assert read_document(renamed, ReadLimits()).media_type == DOCX
