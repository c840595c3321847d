"""One real browser: Debian's Chromium, driven by Playwright, against `streamlit run` on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def dashboard_url(published_warehouse: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "MEDPAROLE_DATA_DIR": str(published_warehouse)}
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
        ],
        env=env,
        cwd=APP.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the dashboard did not start") from None
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_dashboard_renders_facts_in_chromium(dashboard_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(dashboard_url)
            page.get_by_role("heading", name="Documents and facts").wait_for(timeout=60_000)
            page.get_by_role("button", name="Download CSV").wait_for(timeout=30_000)
            page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
            # The grid draws on a canvas; its accessible table still carries each cell's text.
            page.locator("td", has_text="A212345678").first.wait_for(state="attached", timeout=30_000)
            body = page.inner_text("body")
            assert "Traceback" not in body and "Error" not in body.split("Documents and facts")[0]
            page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
            if os.environ.get("MEDPAROLE_SCREENSHOT"):
                page.screenshot(path=os.environ["MEDPAROLE_SCREENSHOT"], full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
