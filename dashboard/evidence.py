"""Evidence for a fact: the sentence it was read from, with the span marked (HTML, escaped first)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

# A sentence ends at . ! ? followed by white space, at a blank line, or at a page break.
_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\f")
_MAX_CONTEXT = 300  # characters either side when no boundary is near (tables, lists)


@dataclass(frozen=True)
class Evidence:
    """A sentence and where the fact's span sits in it."""

    sentence: str
    start: int
    end: int

    @property
    def span(self) -> str:
        return self.sentence[self.start : self.end]


def document_text(pages: Sequence[tuple[int, str]]) -> str:
    """The document's text rebuilt from its pages (start offset, text): offsets match the facts'."""
    parts: list[str] = []
    position = 0
    for start, text in pages:
        if start > position:  # the separator (a form feed) between pages, or a gap
            parts.append("\f" * (start - position))
            position = start
        parts.append(text)
        position += len(text)
    return "".join(parts)


def sentence_around(text: str, start: int, end: int) -> Evidence | None:
    """The sentence holding text[start:end] (widened to whole sentences when the span crosses one)."""
    if not (0 <= start <= end <= len(text)):
        return None
    left = max(0, start - _MAX_CONTEXT)
    right = min(len(text), end + _MAX_CONTEXT)
    for match in _BOUNDARY.finditer(text, left, start):
        left = match.end()
    after = _BOUNDARY.search(text, end, right)
    if after:
        right = after.start()
    raw = text[left:right]
    stripped = raw.lstrip()
    offset = left + (len(raw) - len(stripped))
    sentence = stripped.rstrip()
    return Evidence(sentence=sentence, start=start - offset, end=min(end - offset, len(sentence)))


def highlight_html(text: str, start: int, end: int) -> str:
    """`text` as HTML with text[start:end] in <mark>: every part escaped, so document text cannot inject markup."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    before, span, after = text[:start], text[start:end], text[end:]
    marked = f"<mark>{html.escape(span)}</mark>" if span else ""
    body = html.escape(before) + marked + html.escape(after)
    return " ".join(body.split())  # line breaks of the page layout mean nothing inside a sentence
