"""The core's data: documents as read, facts as extracted, one extraction per file.

Everything here is a frozen dataclass so a fact, once grounded, cannot drift from its text.
`Extraction.to_record()` is the contract of `medparole extract` (schema version 1).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = 1

# Pages are joined with a form feed so offsets stay unambiguous and a page never runs into the next.
PAGE_SEPARATOR = "\f"


class Status(StrEnum):
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"


class DocType(StrEnum):
    PAROLE_DECISION = "parole_decision"
    MEDICAL_LETTER = "medical_letter"
    OTHER = "other"


class ErrorCode(StrEnum):
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    EMPTY = "empty"
    UNSUPPORTED_TYPE = "unsupported_type"
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"
    NO_TEXT = "no_text"
    INTERNAL = "internal"


FIELDS: tuple[str, ...] = (
    "identifier",
    "patient_name",
    "age_years",
    "country_of_origin",
    "diagnosis",
    "treatment",
    "treatment_unavailable_in_home_country",
    "facility",
    "physician",
    "legal_org",
    "decision_authority",
    "outcome",
    "parole_duration_months",
    "date",
    "cost",
)


@dataclass(frozen=True)
class Page:
    """One page of a document's text; `start` is its offset in the document's text."""

    number: int
    text: str
    start: int = 0
    ocr: bool = False

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Document:
    """A file as read: its identity and its text, page by page."""

    source: str
    sha256: str
    media_type: str
    pages: tuple[Page, ...]
    # Pages a reader could not read (partial documents), with the reason.
    unreadable_pages: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        return PAGE_SEPARATOR.join(page.text for page in self.pages)

    @property
    def ocr_pages(self) -> int:
        return sum(1 for page in self.pages if page.ocr)

    def page_at(self, offset: int) -> int | None:
        """The page number holding character `offset`, or None for an empty document."""
        for page in self.pages:
            if offset <= page.end:
                return page.number
        return self.pages[-1].number if self.pages else None


def build_pages(texts: list[str], ocr: list[bool] | None = None) -> tuple[Page, ...]:
    """Pages with their offsets into the joined document text."""
    pages: list[Page] = []
    offset = 0
    for number, text in enumerate(texts, start=1):
        pages.append(Page(number, text, offset, bool(ocr[number - 1]) if ocr else False))
        offset += len(text) + len(PAGE_SEPARATOR)
    return tuple(pages)


@dataclass(frozen=True)
class Fact:
    """One extracted fact, grounded: `text == document_text[start:end]`."""

    field: str
    value: str | float | int | bool
    text: str
    start: int
    end: int
    page: int | None = None
    confidence: float = 0.9
    attributes: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "value": self.value,
            "text": self.text,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "confidence": round(self.confidence, 3),
            "attributes": dict(self.attributes),
        }


@dataclass(frozen=True)
class ExtractionError:
    code: ErrorCode
    message: str


@dataclass(frozen=True)
class Extraction:
    """What the core makes of one file: the contract's record, plus the text it was read from."""

    source: str
    sha256: str
    media_type: str
    status: Status
    doc_type: DocType
    language: str
    pages: tuple[Page, ...] = ()
    facts: tuple[Fact, ...] = ()
    error: ExtractionError | None = None
    doc_type_confidence: float = 0.0
    extractor_version: str = ""

    @property
    def ocr_pages(self) -> int:
        return sum(1 for page in self.pages if page.ocr)

    def to_record(self) -> dict[str, Any]:
        """The record `medparole extract --format jsonl` prints (extraction.schema.json v1)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "status": self.status.value,
            "error": ({"code": self.error.code.value, "message": self.error.message} if self.error else None),
            "doc_type": self.doc_type.value,
            "doc_type_confidence": round(self.doc_type_confidence, 3),
            "language": self.language,
            "pages": len(self.pages),
            "ocr_pages": self.ocr_pages,
            "facts": [fact.to_record() for fact in self.facts],
        }
