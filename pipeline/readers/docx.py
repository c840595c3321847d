"""Word (.docx) through python-docx, after checking the package is not a bomb or a tampered XML."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.errors import CorruptDocument, DocumentTooLarge, NoTextFound
from pipeline.models import Page, build_pages
from pipeline.readers import ReadLimits
from pipeline.readers.clean import clean_text

# Real Word files compress XML about 5-20 times; far beyond that is a zip bomb.
MAX_COMPRESSION_RATIO = 150


def check_package(path: Path, limits: ReadLimits) -> None:
    """Refuse zip bombs and XML with a DTD (entity expansion) before any XML parser sees them."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
            if total > limits.max_unzipped_mb * 1024 * 1024 or total / packed > MAX_COMPRESSION_RATIO:
                raise DocumentTooLarge(
                    "The Word file expands to far more data than a letter holds (it may be a zip bomb): "
                    "open it in Word, save it as a new .docx or PDF, and upload that."
                )
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as member:
                        head = member.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise CorruptDocument(
                            "The Word file contains a document type declaration, which Word never writes "
                            "(it may have been tampered with): open it in Word, save it as a new .docx or "
                            "PDF, and upload that."
                        )
    except zipfile.BadZipFile as exc:
        raise CorruptDocument() from exc


def read_docx(path: Path, limits: ReadLimits) -> tuple[Page, ...]:
    """Paragraphs and tables in document order, with headers and footers; Word has no pages, so one page."""
    check_package(path, limits)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many types for a damaged package
        raise CorruptDocument() from exc
    lines: list[str] = []
    for section in document.sections:
        lines.extend(p.text for p in section.header.paragraphs if p.text.strip())
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    if cell.text not in cells:  # merged cells repeat their text
                        cells.append(cell.text)
                lines.append("\t".join(cells))
    for section in document.sections:
        lines.extend(p.text for p in section.footer.paragraphs if p.text.strip())
    text = clean_text("\n".join(lines))
    if not text.strip():
        raise NoTextFound("The Word file has no text: check it is the right file and upload it again.")
    return build_pages([text])
