"""Issue 7 in small: browser sessions change filters while real ingests publish a new warehouse under them, and no
lock error or traceback reaches a user; after the publishes the sessions show the new documents.

Three Chromium sessions (Patterns, Cases and a case on the Case page) change filters over and over while two
`python -m pipeline.cli ingest` runs, one after the other, each add a few sample documents and publish (an atomic
replacement of published.duckdb). The full-size version is bench/load_bench.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, wait_for_dashboard
from playwright.async_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.browser, pytest.mark.flow]

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "sample_docs" / "corpus"
APP = ROOT / "dashboard" / "app.py"
TEST_KEY = "00112233445566778899aabbccddeeff"  # 32 hex digits: a test key, not a secret (the corpus is synthetic)
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

# Every change of Streamlit's script state with the browser's clock, so a rerun is never missed.
OBSERVE = """() => {
    window.__runs = [];
    const record = () => {
        const app = document.querySelector('[data-testid="stApp"]');
        const state = app && app.getAttribute('data-test-script-state');
        const last = window.__runs[window.__runs.length - 1];
        if (state && (!last || last[0] !== state)) window.__runs.push([state, performance.now()]);
    };
    new MutationObserver(record).observe(document, {
        subtree: true, childList: true, attributes: true, attributeFilter: ['data-test-script-state'],
    });
    setInterval(record, 10);
}"""
RERUN_STARTED = "t0 => window.__runs.some(r => r[1] >= t0 && r[0] === 'running')"
RERUN_DONE = """t0 => window.__runs.some(r => r[1] >= t0 && r[0] === 'running')
    && document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state') === 'notRunning'"""
LAST_RUNS = "() => JSON.stringify((window.__runs || []).slice(-4))"
IMAGES_LOADED = "() => [...document.images].every(i => i.complete)"
SCAN = """() => ({
    exceptions: [...document.querySelectorAll('[data-testid="stException"]')].map(e => e.innerText),
    alerts: [...document.querySelectorAll('[data-testid="stAlert"]')].map(e => e.innerText),
    body: document.body.innerText,
})"""
DOCUMENTS_METRIC = """() => {
    const metric = [...document.querySelectorAll('[data-testid="stMetric"]')].find(
        m => (m.querySelector('[data-testid="stMetricLabel"]') || {}).innerText?.trim() === 'Documents');
    return metric ? metric.querySelector('[data-testid="stMetricValue"]').innerText : null;
}"""
# What a user must never see: anywhere, a traceback or DuckDB's lock and IO errors; in an alert, also the
# warehouse's own refusals (a read that failed after its retries).
ON_PAGE = re.compile(r"Traceback|Conflicting lock|IO Error|IOException|_duckdb\.|❱")
IN_ALERT = re.compile(r"\block|in use by another medparole process|cannot be read|No published warehouse", re.I)
# Console errors that are not the app's: the health and host-config probes Streamlit's frontend makes under a
# page's own path first.
NOT_THE_APP = re.compile(r"/[a-z]+/_stcore/(health|host-config)$")
WORDS = ("parole", "hospital", "diagnosis", "treatment", "médico", "USCIS")


def slices() -> list[list[Path]]:
    """Whole cases of text-layer sample documents: two for the first ingest, then one for each of two more."""
    documents = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]
    by_case: dict[str, list[Path]] = {}
    for doc in documents:
        if doc["format"] in ("pdf", "docx", "txt", "eml") and not doc["scanned"]:
            by_case.setdefault(doc["case_key"], []).append(CORPUS / doc["path"])
    cases = [paths for _, paths in sorted(by_case.items()) if 2 <= len(paths) <= 4]
    return [cases[0] + cases[1], cases[2], cases[3]]


def ingest(paths: list[Path], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A real `python -m pipeline.cli ingest` of `paths` (copied into a folder of their own), output to `log`."""
    folder = log.with_suffix("")
    folder.mkdir(parents=True)
    for path in paths:
        (folder / path.name).write_bytes(path.read_bytes())
    with log.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "ingest", str(folder)],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip


def published_facts(data: Path) -> tuple[int, str]:
    import duckdb

    con = duckdb.connect(str(data / "published.duckdb"), read_only=True)
    try:
        ((documents, pseudonym),) = con.execute(
            "SELECT (SELECT count(*) FROM documents), "
            "(SELECT pseudonym FROM case_summary ORDER BY documents DESC, pseudonym LIMIT 1)"
        ).fetchall()
        return int(documents), str(pseudonym)
    finally:
        con.close()


@dataclass
class Dashboard:
    url: str
    data: Path
    env: dict[str, str]
    log: Path
    first_documents: int
    pseudonym: str


@pytest.fixture()
def dashboard(tmp_path: Path) -> Iterator[Dashboard]:
    """A data dir with a first slice ingested (published), and `streamlit run` over it on a free port."""
    data = tmp_path / "data"
    env = {
        **os.environ, "MEDPAROLE_DATA_DIR": str(data), "MEDPAROLE_PSEUDONYM_KEY": TEST_KEY,
        "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90", "LOGURU_LEVEL": "INFO",
        "MEDPAROLE_WORKERS": "1",  # a few documents: one worker process starting is enough
    }  # fmt: skip
    first = ingest(slices()[0], env, tmp_path / "ingest-0.log")
    assert first.wait(timeout=180) == 0, (tmp_path / "ingest-0.log").read_text(errors="replace")[-3000:]
    documents, pseudonym = published_facts(data)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log = tmp_path / "dashboard.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
                "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
            ],
            env=env, cwd=APP.parent, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_dashboard(url, process, log)
        yield Dashboard(url, data, env, log, documents, pseudonym)
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Seen:
    """What one session saw: its reruns, errors, and the Documents count at the end."""

    page: str
    reruns: int = 0
    lost: int = 0  # changes that started no rerun: the driver's key or click went astray
    errors: list[str] = field(default_factory=list)
    documents: int | None = None


async def scan(page: Any, seen: Seen, where: str) -> None:
    found = await page.evaluate(SCAN)
    seen.errors += [f"exception box on {where}: {e.strip()[:200]}" for e in found["exceptions"]]
    seen.errors += [f"alert on {where}: {a[:200]}" for a in found["alerts"] if IN_ALERT.search(a) or ON_PAGE.search(a)]
    if match := ON_PAGE.search(found["body"]):
        seen.errors.append(f"{match.group(0)!r} on {where}")


async def change_filter(page: Any, step: int) -> float:
    """A new word to search twice, then every filter cleared (each differs from the filter before); returns the
    browser's clock just before the change."""
    bar = page.get_by_test_id("stSidebar")
    if step % 3 == 2:
        t0 = float(await page.evaluate("performance.now()"))
        await bar.get_by_role("button", name="Clear filters").click()
        return t0
    box = bar.get_by_label("Documents mention")
    await box.fill(WORDS[step % len(WORDS)])
    t0 = float(await page.evaluate("performance.now()"))
    await box.press("Enter")
    return t0


async def session(browser: Any, app: Dashboard, name: str, path: str, ingests_done: asyncio.Event) -> Seen:
    seen = Seen(name)
    context = await browser.new_context(viewport={"width": 1400, "height": 1400})
    page = await context.new_page()
    page.on("pageerror", lambda e: seen.errors.append(f"page error: {e}"))

    def console(message: Any) -> None:
        where = message.location.get("url", "")
        if message.type == "error" and not NOT_THE_APP.search(where):
            seen.errors.append(f"console: {message.text} ({where})")

    page.on("console", console)
    what = "opening the page"
    try:
        await page.goto(f"{app.url}/{path}")
        await page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=60_000)
        await page.wait_for_selector(IDLE, timeout=60_000)
        await page.evaluate(OBSERVE)
        step = 0
        while seen.reruns < 3 or not ingests_done.is_set():
            what = f"filter change {step + 1} ({('search', 'search', 'clear')[step % 3]})"
            t0 = await change_filter(page, step)
            step += 1
            try:
                await page.wait_for_function(RERUN_STARTED, arg=t0, timeout=15_000, polling=20)
            except PlaywrightTimeout:  # the key or click went astray (the driver's, not the app's): again
                seen.lost += 1
                continue
            await page.wait_for_function(RERUN_DONE, arg=t0, timeout=120_000, polling=20)
            await page.evaluate("() => document.activeElement && document.activeElement.blur()")
            # As a user would, look at the result before the next change: its images loaded (a rerun started
            # sooner replaces them, and the browser's request for one no longer shown fails).
            with contextlib.suppress(PlaywrightTimeout):
                await page.wait_for_function(IMAGES_LOADED, timeout=20_000, polling=50)
            seen.reruns += 1
            await scan(page, seen, f"{name} after filter change {step}")
            await asyncio.sleep(0.5)  # a user looks at the result before the next change
        for other in ("Pipeline", "Documents"):  # after the publishes: the runs, and how many documents
            what = f"opening {other}"
            await page.get_by_role("link", name=other, exact=True).click()
            await page.wait_for_function(
                "name => !!document.querySelector('" + IDLE + "') && [...document.querySelectorAll('h1')]"
                ".some(h => h.textContent.trim() === name)",
                arg=other, timeout=60_000, polling=50,
            )  # fmt: skip
            await scan(page, seen, other)
        await page.wait_for_function(f"() => ({DOCUMENTS_METRIC})() !== null", timeout=30_000, polling=50)
        seen.documents = int(re.sub(r"\D", "", await page.evaluate(DOCUMENTS_METRIC)))
    except Exception as exc:
        runs = ""
        with contextlib.suppress(Exception):
            runs = "; last script states " + await page.evaluate(LAST_RUNS)
        seen.errors.append(f"session {name} stopped at {what}: {type(exc).__name__}: {str(exc).splitlines()[0]}{runs}")
    finally:
        await context.close()
    return seen


async def drive(app: Dashboard, tmp_path: Path) -> tuple[list[Seen], list[int], list[int]]:
    """Three sessions, and meanwhile two ingests one after the other; returns what each session saw, the ingests'
    exit codes and the published file's inode after each."""
    from playwright.async_api import async_playwright

    done = asyncio.Event()
    codes: list[int] = []
    inodes = [(app.data / "published.duckdb").stat().st_ino]

    async def ingests() -> None:
        await asyncio.sleep(3)  # the sessions have their first page
        try:
            for number, paths in enumerate(slices()[1:], 1):
                started = time.monotonic()
                process = ingest(paths, app.env, tmp_path / f"ingest-{number}.log")
                while process.poll() is None:
                    await asyncio.sleep(0.2)
                codes.append(process.returncode)
                print(f"ingest {number}: {len(paths)} documents, {time.monotonic() - started:.1f} s")
                inodes.append((app.data / "published.duckdb").stat().st_ino)
        finally:
            done.set()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = [("Patterns", ""), ("Cases", "cases"), ("Case", f"case?case={app.pseudonym}")]
            seen, _ = await asyncio.gather(
                asyncio.gather(*(session(browser, app, name, path, done) for name, path in pages)), ingests()
            )
        finally:
            await browser.close()
    return list(seen), codes, inodes


def test_sessions_changing_filters_while_ingests_publish_see_no_lock_error_and_the_new_documents(
    dashboard: Dashboard, tmp_path: Path
) -> None:
    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    seen, codes, inodes = asyncio.run(drive(dashboard, tmp_path))
    logs = {n: (tmp_path / f"ingest-{n}.log").read_text(errors="replace")[-3000:] for n in (1, 2)}
    assert codes == [0, 0], logs
    assert len(set(inodes)) == 3, "each ingest replaces the published copy while the sessions run"
    expected, _ = published_facts(dashboard.data)
    assert expected == dashboard.first_documents + sum(len(s) for s in slices()[1:]) > dashboard.first_documents
    errors = [e for s in seen for e in s.errors]
    assert not errors, "\n".join(errors)
    assert all(s.reruns >= 3 and s.lost <= s.reruns for s in seen), [(s.page, s.reruns, s.lost) for s in seen]
    assert [s.documents for s in seen] == [expected] * len(seen), "every session shows the published documents"
    server_log = dashboard.log.read_text(errors="replace")
    assert "Traceback" not in server_log, server_log[-3000:]
