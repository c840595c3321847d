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
