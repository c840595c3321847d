"""The document model shared by the writers (who fill it) and the renderers (who lay it out).

A paragraph is a list of segments: plain strings and :class:`Span` objects. A span carrying facts is never split
across lines by any renderer, so each fact's ``text`` survives text extraction on one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Value = str | int | float | bool


@dataclass(frozen=True)
class Fact:
    """One gold fact: the contract's field, normalized value, exact text and attributes."""

    field: str
    value: Value
    text: str
    attributes: tuple[tuple[str, Value], ...] = ()

    def to_json(self, page: int | None) -> dict[str, object]:
        """The gold-file form of this fact."""
        return {
            "field": self.field,
            "value": self.value,
            "text": self.text,
            "attributes": dict(self.attributes),
            "page": page,
        }


@dataclass(frozen=True)
class Span:
    """Text that is kept on one line; it may carry facts (whose text lies inside it) or be a labelled distractor."""

    text: str
    facts: tuple[Fact, ...] = ()
    distractor: str | None = None


Seg = str | Span


def fact(field_name: str, value: Value, text: str, **attributes: Value | None) -> Span:
    """A span whose whole text is one fact."""
    attrs = tuple(sorted((k, v) for k, v in attributes.items() if v is not None))
    return Span(text, (Fact(field_name, value, text, attrs),))


def wrap_span(prefix: str, inner: Span, suffix: str = "") -> Span:
    """Glue words around a fact span so the whole phrase stays on one line."""
    return Span(prefix + inner.text + suffix, inner.facts, inner.distractor)


def distractor(kind: str, text: str) -> Span:
    """A span that looks like a fact but is not one of the patient's (phone, fax, invoice, parent's age...)."""
    return Span(text, (), kind)


def seg_text(segs: list[Seg]) -> str:
    """The plain text of a list of segments."""
    return "".join(s if isinstance(s, str) else s.text for s in segs)


@dataclass
class Para:
    """A paragraph; style is one of body, bold, heading, title, small, center, right, sign."""

    segs: list[Seg]
    style: str = "body"


@dataclass
class KV:
    """Label/value rows: a header block, the boxes of a notice, or ``Label: value`` lines."""

    rows: list[tuple[str, list[Seg]]]


@dataclass
class Table:
    """A table of cells; each cell is a list of segments. The last rows may be totals."""

    header: list[str]
    rows: list[list[list[Seg]]]
    widths: list[float] = field(default_factory=list)


@dataclass
class Gap:
    """Vertical space in points."""

    size: float = 8.0


Block = Para | KV | Table | Gap


@dataclass
class Doc:
    """One document before rendering: what it says, in which language, for which layouts."""

    kind: str
    doc_type: str
    language: str
    letterhead: list[Para]
    meta: KV | None
    body: list[Block]
    running: str = ""
    footer: str = ""
    layouts: tuple[str, ...] = ("letterhead",)
    email: dict[str, str] | None = None
    title: str = ""
    extra_facts: list[Fact] = field(default_factory=list)
