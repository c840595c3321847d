"""The pseudonym key: HMAC-SHA256 keys case ids and pseudonyms, so nobody without the key can go from an
A-number to a case (a plain hash of a 9-digit number is reversed by trying them all).

The key comes from MEDPAROLE_PSEUDONYM_KEY (hex, or any text of at least 16 characters), else from a key file
(MEDPAROLE_KEY_FILE, default ~/.config/medparole/pseudonym.key): outside the repository, the data dir and
DuckDB. The file is created on first use, with permissions 0600 and a warning: back it up, since a new key
gives new cases new ids (existing cases keep theirs).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_KEY_FILE = "~/.config/medparole/pseudonym.key"
_MIN_TEXT_KEY = 16


class PseudonymKeyError(ValueError):
    """A key that cannot be used; the message says how to fix it."""


def parse_key(raw: str) -> bytes:
    """Hex of at least 16 bytes is decoded; other text of at least 16 characters is used as UTF-8."""
    text = raw.strip()
    try:
        key = bytes.fromhex(text)
        if len(key) >= _MIN_TEXT_KEY:
            return key
    except ValueError:
        pass
    if len(text) < _MIN_TEXT_KEY:
        raise PseudonymKeyError(
            "The pseudonym key is too short: use at least 16 characters (or 32 hex digits), "
            "e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    return text.encode("utf-8")


def key_file_path(configured: str | None = None) -> Path:
    """Where the key file lives: MEDPAROLE_KEY_FILE, else the default under ~/.config."""
    return Path(configured or DEFAULT_KEY_FILE).expanduser().resolve()


def load_key(env_key: str | None = None, key_file: Path | None = None) -> bytes:
    """The key from the environment value if given, else from the key file, creating it on first use."""
    if env_key and env_key.strip():
        return parse_key(env_key)
    path = key_file or key_file_path()
    if path.exists():
        return parse_key(path.read_text(encoding="utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    log.warning(
        "created a new pseudonym key at %s (permissions 0600): back it up and keep it out of the repository; "
        "with another key, new cases get other ids",
        path,
    )
    return parse_key(path.read_text(encoding="utf-8"))


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256 of a value, in hex."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymize(key: bytes, value: str, length: int = 6) -> str:
    """A short pseudonym such as case-7f3a9c for any identity string (never a plain hash)."""
    return f"case-{keyed_hash(key, value)[:length]}"
