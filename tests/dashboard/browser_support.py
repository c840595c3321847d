"""What the browser tests share: Debian's Chromium (never a downloaded browser) and its headless flags, and the
wait for a dashboard child to answer, with its log when it does not."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pipeline.serve import wait_for

CHROMIUM = os.environ.get("MEDPAROLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def wait_for_dashboard(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 60) -> None:
    """Return once the dashboard at `url` is healthy; otherwise fail with its output."""
    try:
        wait_for(f"{url}/_stcore/health", timeout_s, process)
    except RuntimeError as exc:
        raise RuntimeError(f"the dashboard did not start ({exc}):\n{log.read_text(errors='replace')}") from None
