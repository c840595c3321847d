"""What every extractor receives and returns.

An extractor is a function `extract(ctx: TextContext) -> list[Fact]`. It reads `ctx.text` (the whole document's
text, pages joined by form feeds) and, if it needs tokens, `ctx.tokens()` (the same text as a spaCy Doc with
sentences), and returns facts whose `start`/`end` index `ctx.text`. Page numbers are filled in afterwards by the
core, from the offsets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.models import DocType, Fact

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class TextContext:
    """One document's text, language and type, ready for the extractors.

    `doc` is a spaCy Doc of the text when the caller already has one; extractors that need tokens call
    `tokens()`, which builds it once on demand (most rules work on the text, and tokenizing costs time).
    """

    text: str
    language: str
    doc_type: DocType
    doc: Doc | None = None

    def tokens(self) -> Doc:
        """The spaCy Doc of the text (with sentences), built on first use."""
        if self.doc is None:
            from pipeline.nlp import make_nlp

            nlp = make_nlp(self.language)
            nlp.max_length = max(nlp.max_length, len(self.text) + 1)
            doc = nlp.make_doc(self.text)
            for name, component in nlp.pipeline:
                if name != "medspacy_context":
                    doc = component(doc)
            object.__setattr__(self, "doc", doc)
        assert self.doc is not None
        return self.doc


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
