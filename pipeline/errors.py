"""One root error, narrow subclasses: each carries the contract's error code and an actionable sentence."""

from __future__ import annotations

from pipeline.models import ErrorCode


class DocumentError(Exception):
    """A document that cannot be read; `message` tells a coordinator what to do."""

    code: ErrorCode = ErrorCode.INTERNAL
    default_message = "medparole could not read this file; report it to the analyst with the file's SHA-256."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class EncryptedDocument(DocumentError):
    code = ErrorCode.ENCRYPTED
    default_message = (
        "The PDF is password-protected: ask the sender for an unlocked copy, or open it, "
        "print it to a new PDF and upload that."
    )


class CorruptDocument(DocumentError):
    code = ErrorCode.CORRUPT
    default_message = (
        "The file is damaged or incomplete (it may have been cut off while downloading): "
        "download or scan it again and upload the new copy."
    )


class EmptyDocument(DocumentError):
    code = ErrorCode.EMPTY
    default_message = "The file is empty (0 bytes): upload the document again from its original source."


class UnsupportedDocument(DocumentError):
    code = ErrorCode.UNSUPPORTED_TYPE
    default_message = (
        "This file type is not supported: save it as PDF, Word (.docx), a photo (PNG/JPG/TIFF), "
        "plain text or e-mail (.eml) and upload it again."
    )


class DocumentTooLarge(DocumentError):
    code = ErrorCode.TOO_LARGE
    default_message = (
        "The file is too large to read safely: split it into smaller PDFs "
        "(for example one per letter) and upload those."
    )


class DocumentTimeout(DocumentError):
    code = ErrorCode.TIMEOUT
    default_message = (
        "Reading the file took too long and was stopped: if it is a long scan, split it into smaller "
        "files; otherwise print it to a new PDF and upload that."
    )


class NoTextFound(DocumentError):
    code = ErrorCode.NO_TEXT
    default_message = (
        "No text could be read, not even by OCR: check the pages are not blank, "
        "or scan them again at 300 dpi with better light."
    )
