"""Uploads and runs from the Pipeline page: files are checked by content and size, kept in the inbox under
MEDPAROLE_DATA_DIR, and ingested by the same `medparole ingest` an analyst runs, as a child process (the
dashboard never imports the pipeline and never writes the warehouse)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"II*\x00", ".tif"),
    (b"MM\x00*", ".tif"),
)
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRejected(ValueError):
    """An upload that is not kept; the message says why and what to do."""


@dataclass(frozen=True)
class Run:
    """A flow started from the dashboard: its process id and log."""

    pid: int
    log: Path


def content_suffix(name: str, data: bytes) -> str:
    """The suffix the content says (PDF, PNG, JPEG, TIFF, Word, e-mail or text), whatever the file is called."""
    for signature, suffix in _SIGNATURES:
        if data.startswith(signature):
            return suffix
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return ".docx"
        except zipfile.BadZipFile:
            pass
        raise UploadRejected(f"{name}: a zip archive, not a Word document: upload the documents inside it.")
    head = data[:4096]
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\r\n\t\f")
    if head and controls <= len(head) // 100:
        lower = head.lstrip().lower()
        if lower.startswith((b"from:", b"received:", b"return-path:", b"mime-version:", b"date:", b"subject:")):
            return ".eml"
        if not lower.startswith((b"<!doctype", b"<html")):
            return ".txt"
    raise UploadRejected(
        f"{name}: not a document medparole reads (PDF, Word .docx, PNG/JPEG/TIFF photo, text or e-mail): "
        "save it in one of those formats and upload it again."
    )


def accept_upload(name: str, data: bytes, inbox: Path, max_mb: float) -> Path:
    """Keep one uploaded file in the inbox under a name that cannot collide or escape; returns its path."""
    if not data:
        raise UploadRejected(f"{name}: the file is empty: upload the document again from its original source.")
    if len(data) > max_mb * 1024 * 1024:
        raise UploadRejected(f"{name}: larger than {max_mb:g} MB: split it into smaller files and upload those.")
    suffix = content_suffix(name, data)
    stem = _SAFE.sub("_", Path(name).stem).strip("._")[:80] or "document"
    digest = hashlib.sha256(data).hexdigest()[:12]
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / f"{stem}-{digest}{suffix}"
    if not target.exists():
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return target


def start_flow(arguments: list[str], data_dir: Path, log: Path) -> Run:
    """Start `medparole <arguments>` in the background with this data dir, its output in `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MEDPAROLE_DATA_DIR": str(data_dir), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", *arguments],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (log.parent / "dashboard-run.pid").write_text(str(process.pid), encoding="utf-8")
    return Run(process.pid, log)


def running_flow(data_dir: Path) -> int | None:
    """The pid of a flow this dashboard started that is still running, else None."""
    marker = data_dir / "runs" / "dashboard-run.pid"
    if not marker.exists():
        return None
    try:
        pid = int(marker.read_text(encoding="utf-8"))
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError, PermissionError):
        return None
    # A finished child not yet reaped still answers kill(0): check it is not a zombie.
    status = Path(f"/proc/{pid}/status")
    if status.exists() and "\nState:\tZ" in status.read_text(encoding="utf-8", errors="replace"):
        return None
    return pid


def log_tail(log: Path, lines: int = 12) -> str:
    """The last lines of a run's log, progress bars reduced to their last state."""
    if not log.exists():
        return ""
    text = log.read_text(encoding="utf-8", errors="replace").replace("\r", "\n")
    kept = [line for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])
