"""A fact's boxes on its page image: the characters under each box of a text PDF are the fact's own, an OCR'd
page gets one box per word, and the page renders as PNG with the boxes drawn."""

from __future__ import annotations

import io
import json
import random
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evidence import NoPageImage, page_evidence
from pipeline.readers.clean import clean_text, clean_text_mapped


def _page_facts(extraction, page_number: int):  # type: ignore[no-untyped-def]
    page = extraction.pages[page_number - 1]
    return page, [f for f in extraction.facts if f.page == page_number]


def test_every_fact_of_a_text_pdf_is_boxed_over_its_own_characters(fixture_extractions, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    extraction = fixture_extractions["letter.pdf"]
    page, facts = _page_facts(extraction, 1)
    assert len(facts) >= 8
    pdf = pdfium.PdfDocument(str(data_dir / "letter.pdf"))
    textpage = pdf[0].get_textpage()
    width, height = pdf[0].get_size()
    for fact in facts:
        evidence = page_evidence(data_dir / "letter.pdf", 1, fact.start - page.start, fact.end - page.start)
        assert evidence.boxes and not evidence.ocr, fact
        under = ""
        for box in evidence.boxes:
            assert 0 <= box.x0 < box.x1 <= 1 and 0 <= box.y0 < box.y1 <= 1
            under += textpage.get_text_bounded(
                box.x0 * width, (1 - box.y1) * height, box.x1 * width, (1 - box.y0) * height
            )
        assert "".join(fact.text.split()) in "".join(under.split()), (fact.text, under)
    pdf.close()


def test_a_scanned_page_is_boxed_word_by_word_from_ocr(fixture_extractions, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    extraction = fixture_extractions["scanned_decision.pdf"]
    assert extraction.ocr_pages == 1
    page, facts = _page_facts(extraction, 1)
    fact = max(facts, key=lambda f: len(f.text.split()))
    evidence = page_evidence(
        data_dir / "scanned_decision.pdf", 1, fact.start - page.start, fact.end - page.start, page_text=page.text
    )
    assert evidence.ocr
    assert len(evidence.boxes) == len(fact.text.split())
    # The words run left to right on the page.
    assert all(a.x0 < b.x0 for a, b in zip(evidence.boxes, evidence.boxes[1:], strict=False) if abs(a.y0 - b.y0) < 0.01)


def test_word_and_text_files_have_no_page_image(data_dir: Path) -> None:
    with pytest.raises(NoPageImage):
        page_evidence(data_dir / "letter.docx", 1, 0, 5)
    with pytest.raises(NoPageImage, match="no page 9"):
        page_evidence(data_dir / "letter.pdf", 9, 0, 5)


def test_the_cli_writes_the_boxed_page_and_prints_the_boxes(
    tmp_path: Path, data_dir: Path, fixture_extractions
) -> None:  # type: ignore[no-untyped-def]
    extraction = fixture_extractions["decision.pdf"]
    page, facts = _page_facts(extraction, 1)
    fact = next(f for f in facts if f.field == "identifier")
    out = tmp_path / "page.png"
    arguments = ["evidence-image", str(data_dir / "decision.pdf"), "--page", "1", "--out", str(out)]
    arguments += ["--start", str(fact.start - page.start), "--end", str(fact.end - page.start)]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["ocr"] is False and len(record["boxes"]) == 1
    image = Image.open(io.BytesIO(out.read_bytes()))
    assert image.format == "PNG" and image.width == 1100
    box = record["boxes"][0]
    # The box is drawn: its outline is red where the page was white.
    x, y = int(box["x0"] * image.width) - 2, int((box["y0"] + box["y1"]) / 2 * image.height)
    red, green, blue = image.convert("RGB").getpixel((x, y))
    assert red > 150 and green < 100 and blue < 100
    missing = CliRunner().invoke(
        app,
        ["evidence-image", str(tmp_path / "nope.pdf"), "--page", "1", "--start", "0", "--end", "1", "--out", str(out)],
    )
    assert missing.exit_code == 2


def test_clean_text_mapped_maps_every_character_back() -> None:
    pieces = ["abc", "\r\n", "\r", "\n", "\x02", "\x0c", "\x07", "e\u0301", "ñ", "n\u0303", " ", "Ä", "x"]
    rng = random.Random(7)
    for _ in range(300):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        text, index = clean_text_mapped(raw)
        assert text == clean_text(raw)
        assert len(index) == len(text)
        assert index == sorted(index)
        for ch, position in zip(text, index, strict=True):
            source = raw[position]
            expected = {"\r": "\n", "\x02": "-"}.get(source, source)
            assert unicodedata.normalize("NFD", ch)[0] == unicodedata.normalize("NFD", expected)[0]


@pytest.mark.parametrize("name", ["mediabox_1e9.pdf", "mediabox_sliver.pdf"])
def test_a_page_of_absurd_size_is_drawn_within_the_render_budget(tmp_path: Path, name: str) -> None:
    # The page image was sized from the width alone: a page 10 points wide and a billion high asked for an image
    # 10^11 pixels high and died of MemoryError.
    from pipeline.readers.pdf import MAX_RENDER_PIXELS, MAX_RENDER_SIDE
    from sample_docs.hostile_pdf import with_media_box

    box = b"[0 0 1000000000 1000000000]" if name == "mediabox_1e9.pdf" else b"[0 0 10 1000000000]"
    path = tmp_path / name
    path.write_bytes(with_media_box(box)())
    evidence = page_evidence(path, 1, 0, 5)
    assert evidence.image.width * evidence.image.height <= MAX_RENDER_PIXELS
    assert max(evidence.image.size) <= MAX_RENDER_SIDE
