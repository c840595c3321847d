"""Every setting in one table: name, default, help. Read from the environment only when asked.

It lives in the warehouse package because it is the one layer that the flows, the CLI and the dashboard may
all import (the extraction core takes its limits as arguments and reads no settings itself).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "MEDPAROLE_DATA_DIR",
        "./data",
        "Everything medparole writes: working warehouse, published copy, document store, corrections. "
        "Two runs with different data dirs never touch each other.",
    ),
    Setting("MEDPAROLE_WORKERS", "0", "Extraction worker processes; 0 means one per CPU core."),
    Setting("MEDPAROLE_BATCH_SIZE", "1000", "Documents per Prefect task; larger batches mean less Prefect overhead."),
    Setting(
        "MEDPAROLE_DOC_TIMEOUT_S",
        "180",
        "Wall-clock limit for reading one document (OCR included); past it the document is reported as "
        "timeout and its worker is replaced.",
    ),
    Setting(
        "MEDPAROLE_DOC_MEMORY_MB",
        "2048",
        "Address-space limit (RLIMIT_AS) of a worker process; a document that needs more is too_large.",
    ),
    Setting("MEDPAROLE_MAX_FILE_MB", "100", "Files larger than this are refused as too_large before reading."),
    Setting("MEDPAROLE_MAX_PAGES", "500", "PDFs with more pages are refused as too_large."),
    Setting("MEDPAROLE_OCR_LANGUAGES", "eng+spa", "Tesseract languages for scanned pages and photos."),
    Setting("MEDPAROLE_OCR_DPI", "300", "Resolution at which scanned PDF pages are rendered for OCR."),
    Setting(
        "MEDPAROLE_PSEUDONYM_KEY",
        "",
        "Key of the HMAC-SHA256 behind case ids and pseudonyms (hex, or text of 16+ characters). Empty: read "
        "MEDPAROLE_KEY_FILE. Keep it secret and out of the repository, the data dir and logs.",
    ),
    Setting(
        "MEDPAROLE_KEY_FILE",
        "~/.config/medparole/pseudonym.key",
        "File holding the pseudonym key when MEDPAROLE_PSEUDONYM_KEY is empty; created (0600, with a warning) on "
        "first use. Back it up: with a new key, new cases get other ids.",
    ),
    Setting("MEDPAROLE_HOST", "127.0.0.1", "Address the dashboard listens on."),
    Setting("MEDPAROLE_PORT", "8501", "Port of the dashboard (http://127.0.0.1:8501)."),
)

_DEFAULTS = {s.name: s.default for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings; paths are absolute."""

    data_dir: Path
    workers: int
    batch_size: int
    doc_timeout_s: float
    doc_memory_mb: int
    max_file_mb: float
    max_pages: int
    ocr_languages: str
    ocr_dpi: int
    host: str
    port: int
    pseudonym_key: str = field(default="", repr=False)
    key_file: Path = field(default_factory=lambda: Path(_DEFAULTS["MEDPAROLE_KEY_FILE"]).expanduser())

    def key(self) -> bytes:
        """The pseudonym key (from the environment or the key file, created on first use)."""
        from warehouse.pseudonym import load_key

        return load_key(self.pseudonym_key, self.key_file)

    @property
    def working_db(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def published_db(self) -> Path:
        return self.data_dir / "published.duckdb"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def corrections_db(self) -> Path:
        return self.data_dir / "corrections.sqlite"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from `environ` (default: the process environment), falling back to the table's defaults."""
    env = os.environ if environ is None else environ

    def get(name: str) -> str:
        value = env.get(name, "").strip()
        return value or _DEFAULTS[name]

    def number(name: str, kind: type[int] | type[float]) -> int | float:
        raw = get(name)
        try:
            return kind(raw)
        except ValueError:
            raise ValueError(f"{name}={raw!r} is not a number; unset it or give a number.") from None

    workers = int(number("MEDPAROLE_WORKERS", int)) or (os.cpu_count() or 1)
    return Settings(
        data_dir=Path(get("MEDPAROLE_DATA_DIR")).expanduser().resolve(),
        workers=workers,
        batch_size=max(1, int(number("MEDPAROLE_BATCH_SIZE", int))),
        doc_timeout_s=float(number("MEDPAROLE_DOC_TIMEOUT_S", float)),
        doc_memory_mb=int(number("MEDPAROLE_DOC_MEMORY_MB", int)),
        max_file_mb=float(number("MEDPAROLE_MAX_FILE_MB", float)),
        max_pages=int(number("MEDPAROLE_MAX_PAGES", int)),
        ocr_languages=get("MEDPAROLE_OCR_LANGUAGES"),
        ocr_dpi=int(number("MEDPAROLE_OCR_DPI", int)),
        host=get("MEDPAROLE_HOST"),
        port=int(number("MEDPAROLE_PORT", int)),
        pseudonym_key=env.get("MEDPAROLE_PSEUDONYM_KEY", ""),
        key_file=Path(get("MEDPAROLE_KEY_FILE")).expanduser().resolve(),
    )
