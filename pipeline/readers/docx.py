"""Word (.docx) through python-docx, after checking the package is not a bomb or a tampered XML."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import IO

from pipeline.errors import CorruptDocument, DocumentTooLarge, NoTextFound
from pipeline.models import Page, build_pages
from pipeline.readers import ReadLimits
from pipeline.readers.clean import clean_text

# Real Word files compress XML about 5-20 times; far beyond that is a zip bomb.
MAX_COMPRESSION_RATIO = 150
# A letter has a few dozen parts, a long report with images a few hundred; tens of thousands is a directory bomb.
MAX_MEMBERS = 5_000

TAMPERED_MESSAGE = (
    "The Word file contains a document type declaration, which Word never writes (it may have been tampered "
    "with): open it in Word, save it as a new .docx or PDF, and upload that."
)


def check_package(path: Path, limits: ReadLimits) -> None:
    """Refuse zip bombs and XML with a DTD (entity expansion, external entities) before any XML parser reads
    them for their content."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
            if (
                len(infos) > MAX_MEMBERS
                or total > limits.max_unzipped_mb * 1024 * 1024
                or total / packed > MAX_COMPRESSION_RATIO
            ):
                raise DocumentTooLarge(
                    "The Word file expands to far more data than a letter holds (it may be a zip bomb): "
                    "open it in Word, save it as a new .docx or PDF, and upload that."
                )
            # Every part, whatever its name: the content types can make word/anything.bin the main document.
            for info in infos:
                with archive.open(info) as member:
                    if _declares_dtd(member):
                        raise CorruptDocument(TAMPERED_MESSAGE)
    # Also a member whose size or CRC-32 lies, or whose offset points before the file's start (OSError).
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise CorruptDocument() from exc
    except (RuntimeError, NotImplementedError) as exc:  # encrypted members, compression methods Word never uses
        raise CorruptDocument() from exc


class _Doctype(Exception):
    pass


class _Root(Exception):
    pass


class _Prologue:
    """An lxml parser target that stops at the root element and raises at a DOCTYPE before it."""

    def doctype(self, *_: object) -> None:
        raise _Doctype()

    def start(self, *_: object) -> None:
        raise _Root()

    def close(self) -> None:
        return None


def _declares_dtd(member: IO[bytes]) -> bool:
    """Whether an XML part declares a DOCTYPE before its root element. libxml2 reads the prologue itself, so no
    encoding (UTF-16, UTF-7), comment or padding hides one; a part that is not XML declares none."""
    from lxml import etree

    parser = etree.XMLParser(target=_Prologue(), resolve_entities=False, no_network=True, load_dtd=False)
    try:
        for chunk in iter(lambda: member.read(16384), b""):
            parser.feed(chunk)
        parser.close()
    except _Doctype:
        return True
    except (_Root, etree.LxmlError):
        return False
    return False


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
