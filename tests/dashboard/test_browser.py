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
from browser_support import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def dashboard_url(case_warehouse: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "MEDPAROLE_DATA_DIR": str(case_warehouse)}
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


def _case_count(data_dir: Path) -> int:
    import duckdb

    con = duckdb.connect(str(data_dir / "published.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM case_summary").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def test_dashboard_pages_render_and_a_row_opens_its_case_in_chromium(
    dashboard_url: str, case_warehouse: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    shots = Path(os.environ.get("MEDPAROLE_SCREENSHOTS", str(tmp_path)))
    shots.mkdir(parents=True, exist_ok=True)
    cases = _case_count(case_warehouse)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(dashboard_url)
            page.get_by_role("heading", name="Patterns").wait_for(timeout=60_000)
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
            page.get_by_text(f"{cases} cases", exact=True).first.wait_for(timeout=30_000)
            body = page.inner_text("body")
            assert "Traceback" not in body and "Grant rate" in body
            page.screenshot(path=str(shots / "patterns.png"))

            page.get_by_role("link", name="Cases", exact=True).click()
            page.get_by_role("heading", name="Cases").wait_for(timeout=30_000)
            page.get_by_role("button", name="CSV", exact=True).wait_for(timeout=30_000)
            grid = page.locator('[data-testid="stDataFrame"]').first
            grid.wait_for(timeout=30_000)
            page.screenshot(path=str(shots / "cases.png"))
            # The grid draws on a canvas: click the first row's selection box.
            box = grid.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
            page.get_by_role("heading", name="Timeline").wait_for(timeout=30_000)
            assert "case=case-" in page.url
            page.locator("mark").first.wait_for(timeout=30_000)
            page.screenshot(path=str(shots / "case.png"))

            for name in ("Deadlines", "Review", "Documents", "Pipeline"):
                page.get_by_role("link", name=name, exact=True).click()
                # exact, and the first: while Streamlit swaps pages the old page's headings linger a moment
                page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=30_000)
                page.wait_for_timeout(1500)
                assert "Traceback" not in page.inner_text("body")
                page.screenshot(path=str(shots / f"{name.lower()}.png"))
            # Everything the pages load, the favicon included, comes from the dashboard: it works offline, and no
            # other host learns who opens it.
            foreign = sorted({u for u in requested if not u.startswith((dashboard_url, "data:", "blob:"))})
            assert not foreign, f"requests to other hosts: {foreign}"
            icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href") or ""
            assert icon.startswith(("/", dashboard_url)) and "gstatic" not in icon
        finally:
            browser.close()
    assert (shots / "case.png").stat().st_size > 10_000
