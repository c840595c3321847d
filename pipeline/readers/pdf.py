"""PDF with a text layer through PDFium (about 70 times faster than pdfminer); pages without text go to OCR."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import CorruptDocument, DocumentTooLarge, EncryptedDocument, NoTextFound
from pipeline.models import Page, build_pages
from pipeline.readers import ReadLimits
from pipeline.readers.clean import clean_text
from pipeline.readers.inflation import check_inflation as check_inflation  # evidence.py uses it from here

if TYPE_CHECKING:
    from PIL.Image import Image

# PDFium's load error codes (fpdfview.h).
_ERR_PASSWORD = 4
_ERR_SECURITY = 5
# A page with fewer visible characters than this is treated as scanned and sent to OCR.
MIN_TEXT_CHARS = 25
# Never render more pixels than this per page, nor more on one side, whatever the MediaBox says (Tesseract takes
# at most 32,767 pixels a side).
MAX_RENDER_PIXELS = 40_000_000
MAX_RENDER_SIDE = 16_000


def read_pdf(path: Path, limits: ReadLimits) -> tuple[tuple[Page, ...], tuple[int, ...]]:
    """Text per page, and the numbers of the pages PDFium could not load or render (their text is empty); pages
    with no text layer are rendered and read by Tesseract."""
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
        unreadable: list[int] = []
        for index in range(count):
            try:
                text, was_ocr = _read_page(pdf, index, limits)
            except pdfium.PdfiumError:  # a page PDFium cannot load or render (a page tree holding itself, say)
                text, was_ocr = "", False
                unreadable.append(index + 1)
            texts.append(text)
            ocr_flags.append(was_ocr)
    finally:
        pdf.close()
    if len(unreadable) == count:
        raise CorruptDocument()
    if not any(text.strip() for text in texts):
        raise NoTextFound()
    return build_pages(texts, ocr_flags), tuple(unreadable)


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
    image: Image = page.render(scale=bounded_scale(width, height, dpi / 72), grayscale=True).to_pil()
    return image


def bounded_scale(width: float, height: float, scale: float) -> float:
    """`scale`, lowered so that a page of width x height points renders within MAX_RENDER_PIXELS and no side
    longer than MAX_RENDER_SIDE, whatever its MediaBox says."""
    pixels = width * scale * height * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
    return min(scale, MAX_RENDER_SIDE / max(width, height, 1.0))  # a sliver: within the budget, not on one side
