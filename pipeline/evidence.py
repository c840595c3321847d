"""Where a fact sits on its page: boxes around its characters, and the page as an image with the boxes drawn.

A fact's `start`/`end` index the document's text; per page, that text is what the reader produced. For a PDF
with a text layer it is PDFium's text after `clean_text`, so `clean_text_mapped` maps each character back to
PDFium's character index and PDFium gives the rectangles. For a page read by OCR (a scan, a photo) Tesseract is
run again for its word boxes (TSV); its words come in the order of the text it printed, so a fact's words are
found by position, not by searching for their spelling.

Boxes are fractions of the page's width and height, origin top-left, so any rendering size can draw them. This is
done on demand (the dashboard asks for one page when a user opens a fact's evidence), never during ingest.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import DocumentError
from pipeline.readers import JPEG, PDF, PNG, TIFF, ReadLimits, sniff_media_type
from pipeline.readers.clean import clean_text_mapped

if TYPE_CHECKING:
    from PIL.Image import Image

# Rendering width for the dashboard: sharp enough to read a line, small enough to send at once.
DEFAULT_WIDTH_PX = 1100
_WORD = re.compile(r"\S+")


class NoPageImage(DocumentError):
    """The file has no page image to show (a Word file, text or e-mail) or not that page."""

    default_message = "This document has no page image (Word, text and e-mail files are shown as text only)."


@dataclass(frozen=True)
class Box:
    """A rectangle on the page as fractions of its width and height, origin top-left."""

    x0: float
    y0: float
    x1: float
    y1: float

    def to_record(self) -> dict[str, float]:
        return {"x0": round(self.x0, 5), "y0": round(self.y0, 5), "x1": round(self.x1, 5), "y1": round(self.y1, 5)}


@dataclass(frozen=True)
class PageEvidence:
    """One page rendered, with the fact's boxes on it (empty when the span could not be placed)."""

    image: Image
    boxes: tuple[Box, ...]
    ocr: bool


def page_evidence(
    path: Path,
    page: int,
    start: int,
    end: int,
    page_text: str | None = None,
    limits: ReadLimits | None = None,
) -> PageEvidence:
    """The page `page` (1-based) of the file at `path`, with boxes around page-text characters [start, end).

    `page_text` is the page's text as stored (needed only for pages read by OCR; without it OCR runs again)."""
    limits = limits or ReadLimits()
    with path.open("rb") as handle:
        head = handle.read(8192)
    media_type = sniff_media_type(path, head)
    span = _Span(start, end, page_text)
    if media_type == PDF:
        return _pdf_page(path, page, span, limits)
    if media_type in (PNG, JPEG, TIFF):
        return _image_page(path, page, span, limits)
    raise NoPageImage()


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    page_text: str | None


def _pdf_page(path: Path, page_number: int, span: _Span, limits: ReadLimits) -> PageEvidence:
    import pypdfium2 as pdfium

    from pipeline.readers.pdf import MIN_TEXT_CHARS, bounded_scale, check_inflation, render_for_ocr

    check_inflation(path, limits)
    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page_number <= len(pdf):
            raise NoPageImage(f"The PDF has no page {page_number}.")
        page = pdf[page_number - 1]
        try:
            width, height = page.get_size()
            scale = bounded_scale(width, height, DEFAULT_WIDTH_PX / max(width, 1.0))
            image = page.render(scale=scale).to_pil()
            textpage = page.get_textpage()
            try:
                text, index = clean_text_mapped(textpage.get_text_range())
                if len("".join(text.split())) >= MIN_TEXT_CHARS:
                    boxes = _pdf_boxes(textpage, index, span.start, span.end, width, height)
                    return PageEvidence(image, boxes, ocr=False)
            finally:
                textpage.close()
            # A scanned page: the reader read it by OCR, so the boxes come from OCR of the same rendering.
            scan = render_for_ocr(page, limits.ocr_dpi)
        finally:
            page.close()
    finally:
        pdf.close()
    return PageEvidence(image, _ocr_boxes(scan, span, limits), ocr=True)


def _pdf_boxes(textpage: Any, index: list[int], start: int, end: int, width: float, height: float) -> tuple[Box, ...]:
    if not 0 <= start < end <= len(index):
        return ()
    first, last = index[start], index[end - 1]
    boxes = []
    for number in range(textpage.count_rects(first, last - first + 1)):
        left, bottom, right, top = textpage.get_rect(number)
        boxes.append(Box(left / width, 1 - top / height, right / width, 1 - bottom / height))
    return tuple(boxes)


def _image_page(path: Path, page_number: int, span: _Span, limits: ReadLimits) -> PageEvidence:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = int(limits.max_image_megapixels * 1_000_000)
    with Image.open(path) as opened:
        if not 1 <= page_number <= getattr(opened, "n_frames", 1):
            raise NoPageImage(f"The image has no page {page_number}.")
        opened.seek(page_number - 1)
        frame = ImageOps.exif_transpose(opened.convert("L"))
    boxes = _ocr_boxes(frame, span, limits)
    scale = DEFAULT_WIDTH_PX / max(frame.width, 1)
    shown = frame.resize((DEFAULT_WIDTH_PX, max(1, round(frame.height * scale)))) if scale < 1 else frame
    return PageEvidence(shown.convert("RGB"), boxes, ocr=True)


def _ocr_words(image: Image, limits: ReadLimits) -> list[tuple[str, Box]]:
    """Tesseract's words in reading order with their boxes, from the same settings the reader uses."""
    binary = shutil.which("tesseract")
    if binary is None:
        return []
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    result = subprocess.run(
        [binary, "stdin", "stdout", "-l", limits.ocr_languages, "--psm", "3", "tsv"],
        input=buffer.getvalue(),
        capture_output=True,
        timeout=limits.ocr_timeout_s,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        check=False,
    )
    if result.returncode != 0:
        return []
    words: list[tuple[str, Box]] = []
    for line in result.stdout.decode("utf-8", errors="replace").splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, w, h = (int(cells[i]) for i in (6, 7, 8, 9))
        box = Box(left / image.width, top / image.height, (left + w) / image.width, (top + h) / image.height)
        words.extend((word, box) for word in cells[11].split())
    return words


def _ocr_boxes(image: Image, span: _Span, limits: ReadLimits) -> tuple[Box, ...]:
    """Boxes of the OCR words that overlap page-text characters [start, end): the k-th word of the page text is
    the k-th word Tesseract reports, as long as both readings agree word for word."""
    from pipeline.readers.ocr import ocr_image

    text = span.page_text if span.page_text is not None else ocr_image(image, limits)
    words = _ocr_words(image, limits)
    start, end = span.start, span.end
    spans = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    if len(spans) != len(words) or any(a != b for (_, _, a), (b, _) in zip(spans, words, strict=True)):
        return ()
    return tuple(box for (s, e, _), (_, box) in zip(spans, words, strict=True) if s < end and start < e)


def draw_boxes(image: Image, boxes: tuple[Box, ...]) -> bytes:
    """The image as PNG with each box outlined (and lightly filled) so the span stands out."""
    from PIL import ImageDraw

    canvas = image.convert("RGB")
    overlay = ImageDraw.Draw(canvas, "RGBA")  # an RGBA pen on an RGB image blends: the text stays readable
    pad = max(2, canvas.width // 400)
    for box in boxes:
        rect = (
            box.x0 * canvas.width - pad,
            box.y0 * canvas.height - pad,
            box.x1 * canvas.width + pad,
            box.y1 * canvas.height + pad,
        )
        overlay.rectangle(rect, fill=(255, 214, 0, 70), outline=(214, 40, 40, 255), width=max(2, pad))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()
