"""PDF with a text layer through PDFium (about 70 times faster than pdfminer); pages without text go to OCR."""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import CorruptDocument, DocumentTooLarge, EncryptedDocument, NoTextFound
from pipeline.models import Page, build_pages
from pipeline.readers import ReadLimits
from pipeline.readers.clean import clean_text

if TYPE_CHECKING:
    from PIL.Image import Image

# PDFium's load error codes (fpdfview.h).
_ERR_PASSWORD = 4
_ERR_SECURITY = 5
# A page with fewer visible characters than this is treated as scanned and sent to OCR.
MIN_TEXT_CHARS = 25
# Never render more pixels than this per page, whatever the MediaBox says.
MAX_RENDER_PIXELS = 40_000_000


_STREAM = re.compile(rb"stream\r?\n")
# A colour letter page at 300 dpi is about 25 MB raw (a legal page 32 MB); one stream beyond this is a bomb.
MAX_STREAM_MB = 48


def check_inflation(path: Path, limits: ReadLimits) -> None:
    """Refuse decompression bombs before PDFium inflates them: every Flate stream is inflated here in
    bounded chunks, and the file fails as too_large when one stream or all of them pass the limits."""
    data = path.read_bytes()
    total = 0
    max_total = int(limits.max_unzipped_mb * 1024 * 1024)
    max_stream = MAX_STREAM_MB * 1024 * 1024
    for match in _STREAM.finditer(data):
        if b"FlateDecode" not in data[max(0, match.start() - 400) : match.start()]:
            continue
        inflater = zlib.decompressobj()
        position = match.end()
        size = 0
        try:
            while not inflater.eof and size <= max_stream and position < len(data):
                tail = data[position : position + 65536]
                position += 65536
                while tail and not inflater.eof and size <= max_stream:
                    size += len(inflater.decompress(tail, 1 << 22))
                    tail = inflater.unconsumed_tail
        except zlib.error:
            continue  # encrypted or damaged streams are PDFium's to judge
        total += size
        if size > max_stream or total > max_total:
            raise DocumentTooLarge(
                "The PDF holds compressed data that expands to far more than any letter needs (it may be a "
                "decompression bomb): ask the sender for the document again, or print it to a new PDF."
            )


def read_pdf(path: Path, limits: ReadLimits) -> tuple[Page, ...]:
    """Text per page; pages with no text layer are rendered and read by Tesseract."""
    import pypdfium2 as pdfium

    check_inflation(path, limits)

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code in (_ERR_PASSWORD, _ERR_SECURITY):
            raise EncryptedDocument() from exc
        raise CorruptDocument() from exc
    try:
        count = len(pdf)
        if count == 0:
            raise CorruptDocument("The PDF has no pages: download or scan it again and upload the new copy.")
        if count > limits.max_pages:
            raise DocumentTooLarge(
                f"The PDF has {count:,} pages, more than the {limits.max_pages:,}-page limit: "
                "split it into the separate letters and notices it holds and upload those."
            )
        texts: list[str] = []
        ocr_flags: list[bool] = []
        for index in range(count):
            text, was_ocr = _read_page(pdf, index, limits)
            texts.append(text)
            ocr_flags.append(was_ocr)
    finally:
        pdf.close()
    if not any(text.strip() for text in texts):
        raise NoTextFound()
    return build_pages(texts, ocr_flags)


def _read_page(pdf: object, index: int, limits: ReadLimits) -> tuple[str, bool]:
    import pypdfium2 as pdfium

    assert isinstance(pdf, pdfium.PdfDocument)
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            text = clean_text(textpage.get_text_range())
        finally:
            textpage.close()
        if len("".join(text.split())) >= MIN_TEXT_CHARS:
            return text, False
        image = render_for_ocr(page, limits.ocr_dpi)
    finally:
        page.close()
    from pipeline.readers.ocr import ocr_image

    ocr_text = ocr_image(image, limits)
    # Keep whatever text layer there was when OCR finds less (a page with a short stamp, say).
    if len(ocr_text.strip()) <= len(text.strip()):
        return text, False
    return ocr_text, True


def render_for_ocr(page: object, dpi: int) -> Image:
    """The page as a grayscale image for Tesseract (bounded in pixels, whatever the MediaBox says)."""
    import pypdfium2 as pdfium

    assert isinstance(page, pdfium.PdfPage)
    width, height = page.get_size()
    scale = dpi / 72
    pixels = width * scale * height * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
    image: Image = page.render(scale=scale, grayscale=True).to_pil()
    return image
