"""What every extractor receives and returns.

An extractor is a function `extract(ctx: TextContext) -> list[Fact]`. It reads `ctx.text` (the whole document's
text, pages joined by form feeds) and `ctx.doc` (the same text as a spaCy Doc with sentences), and returns facts
whose `start`/`end` index `ctx.text`. Page numbers are filled in afterwards by the core, from the offsets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.models import DocType, Fact

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class TextContext:
    """One document's text, language and type, ready for the extractors."""

    text: str
    language: str
    doc_type: DocType
    doc: Doc


class Extractor(Protocol):
    def __call__(self, ctx: TextContext) -> list[Fact]: ...


def make_fact(
    ctx: TextContext,
    field: str,
    value: str | float | int | bool,
    start: int,
    end: int,
    confidence: float = 0.9,
    **attributes: Any,
) -> Fact:
    """A fact grounded in `ctx.text[start:end]`, with surrounding whitespace trimmed from the span."""
    while start < end and ctx.text[start].isspace():
        start += 1
    while end > start and ctx.text[end - 1].isspace():
        end -= 1
    clean = {key: val for key, val in attributes.items() if val is not None}
    return Fact(field, value, ctx.text[start:end], start, end, None, confidence, clean)
