"""Text clean-up shared by readers: one newline convention, no control characters, nothing else changed."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Normalize newlines and Unicode (NFC), drop control characters; offsets are taken after this."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # PDFium marks a soft hyphen at a line break with \x02.
    text = text.replace("\x02", "-")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def clean_text_mapped(raw: str) -> tuple[str, list[int]]:
    """`clean_text(raw)` and, for each of its characters, the index in `raw` it came from (the first character of
    a "\r\n" or of a sequence NFC composed into one). Where the two could disagree the map is built the slow way
    and checked; an empty map means: no reliable mapping."""
    chars: list[str] = []
    index: list[int] = []
    position = 0
    while position < len(raw):
        ch = raw[position]
        if ch == "\r":
            chars.append("\n")
            index.append(position)
            position += 2 if raw[position + 1 : position + 2] == "\n" else 1
            continue
        if ch == "\x02":
            ch = "-"
        elif _CONTROL.match(ch):
            position += 1
            continue
        chars.append(ch)
        index.append(position)
        position += 1
    text = "".join(chars)
    if not unicodedata.is_normalized("NFC", text):
        text, index = _compose(text, index)
    return (text, index) if text == clean_text(raw) else (clean_text(raw), [])


def _compose(text: str, index: list[int]) -> tuple[str, list[int]]:
    """NFC one base character and its combining marks at a time, each output character mapped to the base's."""
    out: list[str] = []
    mapped: list[int] = []
    start = 0
    for position in range(1, len(text) + 1):
        if position < len(text) and unicodedata.combining(text[position]):
            continue
        cluster = unicodedata.normalize("NFC", text[start:position])
        out.append(cluster)
        mapped.extend([index[start]] * len(cluster))
        start = position
    return "".join(out), mapped
