"""A fact's page as an image with its span boxed, drawn by the pipeline (`medparole evidence-image`) in a child
process: the dashboard never parses PDFs itself. Only pages of PDFs and photos have an image."""

from __future__ import annotations

import bisect
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

IMAGE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/tiff"}
TIMEOUT_S = 60  # a scanned page runs OCR again for its word boxes (a few seconds)


@dataclass(frozen=True)
class PageImage:
    png: bytes
    boxes: int  # how many boxes were drawn (0: the page is shown, the span could not be placed)
    ocr: bool


class PageImageError(Exception):
    """The page image could not be made; the message says why, for the user."""


def page_span(pages: Sequence[tuple[int, str]], start: int, end: int) -> tuple[int, int, int, str] | None:
    """(page number, start, end, page text) of a document-level span, offsets made relative to its page."""
    if not pages:
        return None
    starts = [page_start for page_start, _ in pages]
    index = bisect.bisect_right(starts, start) - 1
    if index < 0:
        return None
    page_start, text = pages[index]
    if end - page_start > len(text):
        end = page_start + len(text)  # a span running over a page break is boxed on its first page
    return index + 1, start - page_start, end - page_start, text


def render(stored: Path, page: int, start: int, end: int, page_text: str) -> PageImage:
    """Run `medparole evidence-image` on the stored original; its PNG and how many boxes it drew."""
    with tempfile.TemporaryDirectory(prefix="medparole-page-") as folder:
        out = Path(folder) / "page.png"
        command = [sys.executable, "-m", "pipeline.cli", "evidence-image", str(stored), "--page", str(page)]
        command += ["--start", str(start), "--end", str(end), "--out", str(out), "--page-text", "-"]
        try:
            result = subprocess.run(
                command, input=page_text, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PageImageError(f"Drawing the page took longer than {TIMEOUT_S} s; try again later.") from exc
        if result.returncode != 0 or not out.is_file():
            reason = " ".join(result.stderr.split())[-300:] or "the page could not be drawn"
            raise PageImageError(reason)
        record = json.loads(result.stdout.strip().splitlines()[-1])
        return PageImage(out.read_bytes(), len(record["boxes"]), bool(record["ocr"]))
