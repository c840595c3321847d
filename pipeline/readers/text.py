"""Plain text and e-mail (.eml): the text as written, headers kept, one page."""

from __future__ import annotations

import email
import email.policy
import html
import re
from pathlib import Path

from pipeline.errors import NoTextFound
from pipeline.models import Page, build_pages
from pipeline.readers.clean import clean_text

_KEPT_HEADERS = ("From", "To", "Cc", "Date", "Subject")
_TAG = re.compile(r"<[^>]+>")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which every byte decodes in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text(path: Path) -> tuple[Page, ...]:
    """A text file as one page."""
    text = clean_text(decode(path.read_bytes()))
    if not text.strip():
        raise NoTextFound("The text file is blank: check it is the right file and upload it again.")
    return build_pages([text])


def read_email(path: Path) -> tuple[Page, ...]:
    """The headers a reader sees (From, To, Date, Subject) and the plain-text body (HTML stripped if none)."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    lines = [f"{name}: {message[name]}" for name in _KEPT_HEADERS if message[name]]
    body = message.get_body(preferencelist=("plain", "html")) if message.is_multipart() else message
    content = ""
    if body is not None:
        try:
            content = body.get_content()  # type: ignore[attr-defined]
        except (LookupError, AttributeError):
            payload = body.get_payload(decode=True)
            content = decode(payload) if isinstance(payload, bytes) else str(payload or "")
        if body.get_content_type() == "text/html":
            content = html.unescape(_TAG.sub(" ", content))
    text = clean_text("\n".join(lines) + "\n\n" + content)
    if not content.strip():
        raise NoTextFound("The e-mail has no text body: forward the message again with its text, not only attachments.")
    return build_pages([text])
