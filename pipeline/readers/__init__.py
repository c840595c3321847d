"""Readers: a file in, a Document (text per page, with offsets) out.

The type is decided by the file's content, never by its name alone: a Word file renamed .pdf is read as
Word, and random bytes named .pdf are reported as damaged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import CorruptDocument, DocumentTooLarge, EmptyDocument, UnsupportedDocument
from pipeline.models import Document

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
TEXT = "text/plain"
EMAIL = "message/rfc822"

TEXT_SUFFIXES = {".txt", ".text", ".md", ".csv", ""}
EMAIL_SUFFIXES = {".eml", ".msg.txt"}
# PDF syntax in a file's first kilobytes.
_PDF_SYNTAX = re.compile(rb"%PDF-|\d+[ \t\r\n]+\d+[ \t\r\n]+obj\b|\bendobj\b|\bstartxref\b")
DAMAGED_WORD = (
    "The file is named .docx but holds no readable Word document (its bytes are damaged or something else): "
    "download or save it again, or save it as PDF, and upload that."
)
_EMAIL_HEADERS = (b"from:", b"to:", b"subject:", b"date:", b"received:", b"mime-version:", b"return-path:")


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what one document may cost; a document beyond them fails as too_large."""

    max_file_mb: float = 100.0
    max_pages: int = 500
    max_image_megapixels: float = 80.0
    max_unzipped_mb: float = 200.0
    ocr_languages: str = "eng+spa"
    ocr_dpi: int = 300
    ocr_timeout_s: float = 120.0


def sha256_file(path: Path) -> str:
    """SHA-256 of the file's bytes: a document's identity, whatever its name or folder."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sniff_media_type(path: Path, head: bytes, name: str | None = None) -> str:
    """The media type the content says, whatever the suffix; raises for what we cannot read.

    `name` is the file's name as the user knows it (the stored copy has none); its suffix only breaks ties
    between text and e-mail and words the error for a damaged .pdf or .docx.
    """
    suffix = Path(name if name is not None else path.name).suffix.lower()
    # Zip first: a zip that stores a PDF uncompressed shows "%PDF-" in its first kilobyte too.
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path, suffix)
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if _looks_like_text(head):
        first = head.lstrip().lower()
        if first.startswith((b"<!doctype html", b"<html")) or b"<html" in first[:512]:
            raise UnsupportedDocument(
                f"The file{' (named ' + suffix + ')' if suffix else ''} is a web page, not a document "
                "(often a download error page): download the real document again, or print the page to PDF "
                "if the page itself is the document."
            )
        if suffix in EMAIL_SUFFIXES or first.startswith(_EMAIL_HEADERS):
            return EMAIL
        if suffix in TEXT_SUFFIXES or suffix in EMAIL_SUFFIXES:
            return TEXT
    if _PDF_SYNTAX.search(head):  # a PDF whose header was cut off or pushed away: PDFium cannot open it either
        raise CorruptDocument(
            "The file holds PDF data but its beginning is damaged: download, save or scan it again as a real PDF."
        )
    if suffix == ".pdf" and not _looks_like_text(head):
        raise CorruptDocument(
            "The file is named .pdf but holds no PDF (its bytes are damaged or something else): "
            "download, save or scan it again as a real PDF."
        )
    if suffix == ".docx" and not _looks_like_text(head):
        raise CorruptDocument(DAMAGED_WORD)
    raise UnsupportedDocument()


def _sniff_zip(path: Path, suffix: str) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise CorruptDocument() from exc
    if "word/document.xml" in names:
        return DOCX
    # A Word package that lost its main part, or a zip named .docx whose directory no longer names it.
    if suffix == ".docx" or any(name.startswith("word/") for name in names):
        raise CorruptDocument(DAMAGED_WORD)
    raise UnsupportedDocument()


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            decoded = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in decoded if ord(ch) < 32 and ch not in "\r\n\t\f")
        return controls <= len(decoded) * 0.01
    return False


def read_document(path: Path, limits: ReadLimits, source: str | None = None, sha256: str | None = None) -> Document:
    """Read any supported file into a Document; raises a DocumentError subclass when it cannot."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyDocument()
    if size > limits.max_file_mb * 1024 * 1024:
        raise DocumentTooLarge(
            f"The file is larger than the {limits.max_file_mb:g} MB limit: split it into smaller files "
            "(for example one per letter) and upload those."
        )
    with path.open("rb") as handle:
        head = handle.read(8192)
    name = source if source is not None else str(path)
    media_type = sniff_media_type(path, head, name)
    sha = sha256 or sha256_file(path)  # the flow hashed it already when it staged the file
    unreadable: tuple[int, ...] = ()
    if media_type == PDF:
        from pipeline.readers.pdf import read_pdf

        pages, unreadable = read_pdf(path, limits)
    elif media_type == DOCX:
        from pipeline.readers.docx import read_docx

        pages = read_docx(path, limits)
    elif media_type in (PNG, JPEG, TIFF):
        from pipeline.readers.ocr import read_image

        pages = read_image(path, limits)
    elif media_type == EMAIL:
        from pipeline.readers.text import read_email

        pages = read_email(path)
    else:
        from pipeline.readers.text import read_text

        pages = read_text(path)
    return Document(source=name, sha256=sha, media_type=media_type, pages=pages, unreadable_pages=unreadable)
