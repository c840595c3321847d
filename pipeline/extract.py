"""extract_document(path) -> Extraction: the whole core in one call (read, classify, extract, ground)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
from importlib import resources
from pathlib import Path

from pipeline import __version__
from pipeline.classify import Classification, classify
from pipeline.errors import DocumentError
from pipeline.extractors import REGISTRY, TextContext
from pipeline.models import (
    DocType,
    Document,
    ErrorCode,
    Extraction,
    ExtractionError,
    Fact,
    Page,
    Status,
)
from pipeline.readers import ReadLimits, read_document, sha256_file

log = logging.getLogger(__name__)

UNKNOWN_LANGUAGE = "und"
INTERNAL_MESSAGE = (
    "medparole hit an internal error on this file; the file is kept and nothing else is affected: "
    "report it to the analyst with the file's SHA-256 so the reader can be fixed, then re-run."
)


@functools.cache
def extractor_version() -> str:
    """A short hash of the code and rules that make facts: a change to either re-extracts stored text."""
    digest = hashlib.sha256(__version__.encode())
    package = resources.files("pipeline")
    for folder in ("extractors", "rules"):
        for item in sorted(package.joinpath(folder).iterdir(), key=lambda t: t.name):
            if item.is_file() and not item.name.endswith(".pyc"):
                digest.update(item.name.encode())
                digest.update(item.read_bytes())
    for name in ("classify.py", "nlp.py", "extract.py"):
        digest.update(package.joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


def failed(
    source: str, sha256: str, code: ErrorCode, message: str, media_type: str = "application/octet-stream"
) -> Extraction:
    """The record of a document that could not be read at all."""
    return Extraction(
        source=source,
        sha256=sha256,
        media_type=media_type,
        status=Status.FAILED,
        doc_type=DocType.OTHER,
        language=UNKNOWN_LANGUAGE,
        error=ExtractionError(code, message),
        extractor_version=extractor_version(),
    )


def extract_document(
    path: Path, limits: ReadLimits | None = None, source: str | None = None, sha256: str | None = None
) -> Extraction:
    """Read and extract one file; never raises for a bad document, returns a failed Extraction instead."""
    limits = limits or ReadLimits()
    name = source if source is not None else str(path)
    try:
        document = read_document(path, limits, source=name, sha256=sha256)
    except DocumentError as exc:
        return failed(name, sha256 or _safe_sha(path), exc.code, exc.message)
    except MemoryError:
        from pipeline.errors import DocumentTooLarge

        return failed(name, sha256 or _safe_sha(path), ErrorCode.TOO_LARGE, DocumentTooLarge.default_message)
    return extract_text(document)


def extract_text(document: Document) -> Extraction:
    """Classify and extract facts from a document already read (also how stored text is re-extracted)."""
    text = document.text
    try:
        facts, classification = _facts(text, document)
    except MemoryError:
        raise
    except Exception as exc:  # a bug in a rule must not lose the document: record it as internal
        log.warning("extractor failed on a document: %s", type(exc).__name__)
        return dataclasses.replace(
            failed(document.source, document.sha256, ErrorCode.INTERNAL, INTERNAL_MESSAGE, document.media_type),
            pages=document.pages,
        )
    status = Status.PARTIAL if document.unreadable_pages else Status.OK
    return Extraction(
        source=document.source,
        sha256=document.sha256,
        media_type=document.media_type,
        status=status,
        doc_type=classification.doc_type,
        doc_type_confidence=classification.confidence,
        language=classification.language,
        pages=document.pages,
        facts=tuple(facts),
        extractor_version=extractor_version(),
    )


def extract_pages(source: str, sha256: str, media_type: str, pages: tuple[Page, ...]) -> Extraction:
    """Re-run classification and extraction over stored page text (no file, no OCR)."""
    return extract_text(Document(source=source, sha256=sha256, media_type=media_type, pages=pages))


def _facts(text: str, document: Document) -> tuple[list[Fact], Classification]:
    classification = classify(text)
    ctx = TextContext(text=text, language=classification.language, doc_type=classification.doc_type)
    facts: list[Fact] = []
    seen: set[tuple[str, str, int, int]] = set()
    for extractor in REGISTRY.values():
        for fact in extractor(ctx):
            key = (fact.field, str(fact.value), fact.start, fact.end)
            if key in seen:
                continue
            seen.add(key)
            facts.append(dataclasses.replace(fact, page=document.page_at(fact.start)))
    facts.sort(key=lambda f: (f.start, f.end, f.field))
    return facts, classification


def _safe_sha(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError:
        return "0" * 64


def warm_up() -> None:
    """Load everything extraction needs (every reader's libraries, both NLP pipelines, the rules and lexicons) so
    that a worker can do it before its address space is capped: under the cap, a library that fails to map its
    code mid-document would kill the worker instead of reporting the document."""
    import docx  # noqa: F401
    import pypdfium2  # noqa: F401
    from PIL import Image, ImageOps  # noqa: F401

    from pipeline.nlp import make_nlp

    for language in ("en", "es"):
        make_nlp(language)
    text = "Patient: Ana López, 4 years old. Diagnosis: short bowel syndrome. No tiene cardiopatía. $1,000 per month."
    extract_pages("warm-up", "0" * 64, "text/plain", (Page(1, text, 0, False),))
