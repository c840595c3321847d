"""Issue 7's load target: 10 concurrent browser sessions while ingests run, and no lock error or traceback reaches
a user.

A data dir gets a first slice of the corpus ingested (so a published copy exists), the dashboard is started over
it, and 10 Chromium sessions open the filter pages and change filters over and over; some also open the Case page
(choosing a case), others the Pipeline and Documents pages (reading how many documents are published). Meanwhile
a sequence of real `medparole` runs goes on over further slices of the corpus, each in its own process as an
analyst would start it: `ingest` of a new slice (each one publishes: an atomic replacement of published.duckdb),
`publish` after some of them, an upload through the Pipeline page followed by its "Ingest the inbox now" button
(the dashboard's own run), and that button clicked once more while a command-line ingest holds the warehouse.
When the sequence ends every session reads the Documents page once more: it must show every published document.

Recorded: each rerun after a filter change (from the browser's clock, as bench/dashboard_bench.py times them),
each page opened, every error a user could see (exception boxes, alerts or text mentioning a lock, an IO Error, a
traceback or a busy or damaged warehouse, page errors, the app's console errors), sessions that stopped, the
dashboard server's log tracebacks, each run's time and exit code and when published.duckdb was replaced.

    .venv/bin/python bench/load_bench.py [--first 300] [--slices 2] [--slice-size 120] [--collide-size 240] \\
        [--publish-after 2] [--sessions 10] [--think 0.5]

The runs' output goes to bench/out/load/logs/, the server's log to bench/out/load/dashboard_server.log; results to
bench/out/load.json and printed as Markdown. The pseudonym key is a fixed test value (the corpus is synthetic).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, PYTHON, ROOT, published_rows
from dashboard_bench import (
    _OBSERVE,
    _RERUN_DONE,
    _RERUN_END,
    _RERUN_STARTED,
    CHROMIUM,
    CHROMIUM_ARGS,
    FILTER_PAGES,
    IDLE,
    PAGES,
    CpuMeter,
    Session,
    _pick_option,
    change_filter,
    page_url,
    record_console,
    rendered_script,
    serve,
    summary,
)
from playwright.async_api import TimeoutError as PlaywrightTimeout

TEST_KEY = "6d65647061726f6c652d6c6f61642d31"  # 32 hex digits: a test key for the synthetic corpus, not a secret
WORK = OUT / "load"

# What a user must never see: anywhere on the page, these; in an alert (st.info/warning/error), also any mention of
# a lock and the warehouse's own refusals (a read that failed after its retries); in a run's log shown on the
# Pipeline page, a traceback (rich's boxes show the failing line with ❱).
_ON_PAGE = re.compile(r"Traceback|Conflicting lock|IO Error|IOException|_duckdb\.|duckdb\.\w*(Error|Exception)|❱")
_IN_ALERT = re.compile(
    r"\block|in use by another medparole process|cannot be read: the file is damaged|No published warehouse", re.I
)
_IN_RUN_LOG = re.compile(r"Traceback|❱|^\s*(\w+\.)*\w+(Error|Exception):|Conflicting lock|IO Error", re.M)

# Everything a check needs in one round trip: exception boxes, alerts, code blocks and the page's text.
_SCAN = """() => ({
    exceptions: [...document.querySelectorAll('[data-testid="stException"]')].map(e => e.innerText),
    alerts: [...document.querySelectorAll('[data-testid="stAlert"]')].map(e => e.innerText),
    codes: [...document.querySelectorAll('[data-testid="stCode"]')].map(e => e.innerText),
    body: document.body.innerText,
})"""
_DOCUMENTS_METRIC = """() => {
    const metric = [...document.querySelectorAll('[data-testid="stMetric"]')].find(
        m => (m.querySelector('[data-testid="stMetricLabel"]') || {}).innerText?.trim() === 'Documents');
    return metric ? metric.querySelector('[data-testid="stMetricValue"]').innerText : null;
}"""


def arrived_script(name: str) -> str:
    """Streamlit idle and the page's title on screen (its content may be empty for the current filter)."""
    return (
        "() => !!document.querySelector('" + IDLE + "')"
        " && [...document.querySelectorAll('h1')].some(h => h.textContent.trim() === '" + name + "')"
    )


@dataclass
class LoadSession(Session):
    """A Session (reruns, errors, console errors not the app's, lost changes) plus the pages it opened, the
    notices it saw (alerts that are not errors) and each Documents count it read (browser-independent clock)."""

    opened: dict[str, list[float]] = field(default_factory=dict)
    notices: Counter[str] = field(default_factory=Counter)
    documents_seen: list[tuple[float, int]] = field(default_factory=list)


@dataclass
class Run:
    """One `medparole` command of the sequence."""

    what: str
    started: float
    seconds: float = 0.0
    returncode: int | None = None
    log: str = ""


@dataclass
class Upload:
    """A file for session 0 to upload on the Pipeline page before clicking "Ingest the inbox now" once `go` is
    set; what the page showed of the run is set on `answer`."""

    file: Path
    answer: asyncio.Future[dict[str, Any]]
    go: asyncio.Event


@dataclass
class Shared:
    """What the sessions and the run sequence share."""

    url: str
    pseudonym: str
    data_dir: Path
    opened: asyncio.Event = field(default_factory=asyncio.Event)  # every session has its first page
    done: asyncio.Event = field(default_factory=asyncio.Event)  # the sequence has ended
    tasks: asyncio.Queue[Upload] = field(default_factory=asyncio.Queue)
    sessions: int = 0
    ready: int = 0
    uploader_gone: bool = False  # session 0 has ended: nobody takes an upload any more


# --- what a user sees ------------------------------------------------------------------------------------------


async def scan(page: Any, session: LoadSession, where: str) -> dict[str, Any]:
    """Record every error on screen now (once per distinct text), and notices apart; returns what was read."""
    seen = await page.evaluate(_SCAN)
    for text in seen["exceptions"]:
        session.errors.append(f"exception box on {where}: {text.strip().splitlines()[0][:200] if text else ''}")
    for text in seen["alerts"]:
        if _IN_ALERT.search(text) or _ON_PAGE.search(text):
            session.errors.append(f"alert on {where}: {text.strip()[:200]}")
        else:
            session.notices[re.sub(r"case-\w+", "case-…", text.strip().splitlines()[0])[:120]] += 1
    for text in seen["codes"]:
        if match := _IN_RUN_LOG.search(text):
            line = next((x for x in text.splitlines() if match.group(0).strip() in x), match.group(0))
            session.errors.append(f"traceback in a code block on {where}: {line.strip()[:200]}")
    outside = seen["body"]
    for text in seen["alerts"] + seen["codes"] + seen["exceptions"]:
        outside = outside.replace(text, "")
    if match := _ON_PAGE.search(outside):
        line = next(x for x in outside.splitlines() if match.group(0) in x)
        session.errors.append(f"text on {where}: {line.strip()[:200]}")
    return dict(seen)


async def timed_change(page: Any, rng: random.Random, step: int, session: LoadSession) -> None:
    """One filter change (bench/dashboard_bench.py's), its rerun timed from the browser's clock, then a scan."""
    t0, what = await change_filter(page, rng, step)
    try:
        await page.wait_for_function(_RERUN_STARTED, arg=t0, timeout=30_000, polling=20)
    except PlaywrightTimeout:  # the driver's click went astray (a list still open): not a rerun
        session.lost.append(what)
        await page.keyboard.press("Escape")
        return
    await page.wait_for_function(_RERUN_DONE, arg=t0, timeout=120_000, polling=20)
    session.reruns.append(float(await page.evaluate(_RERUN_END, t0)) - t0)
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await scan(page, session, f"{session.page} after a {what} change")


async def open_by_link(page: Any, name: str, session: LoadSession) -> None:
    """Click page `name` in the navigation (the session and its filters stay) and wait until it has run."""
    started = time.perf_counter()
    await page.get_by_role("link", name=name, exact=True).click()
    path = PAGES[name][0]
    await page.wait_for_url(re.compile(rf"/{path}(\?|$)") if path else re.compile(r":\d+/?(\?|$)"), timeout=60_000)
    await page.wait_for_function(arrived_script(name), timeout=120_000, polling=50)
    session.opened.setdefault(name, []).append(1000 * (time.perf_counter() - started))
    await scan(page, session, name)


async def choose_case(page: Any, rng: random.Random, session: LoadSession) -> None:
    """On the Case page, choose a case in its selector and wait for its evidence (or the page's notice)."""
    widget = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first
    if not await widget.count():
        return
    t0 = await _pick_option(page, widget, rng)
    await page.keyboard.press("Escape")
    if t0 is None:
        return
    with contextlib.suppress(PlaywrightTimeout):
        await page.wait_for_function(_RERUN_STARTED, arg=t0, timeout=30_000, polling=20)
        await page.wait_for_function(_RERUN_DONE, arg=t0, timeout=120_000, polling=20)
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await scan(page, session, "Case (a case chosen)")


async def read_documents(page: Any, session: LoadSession) -> None:
    """Open the Documents page and note how many documents it says are published."""
    await open_by_link(page, "Documents", session)
    with contextlib.suppress(PlaywrightTimeout):
        await page.wait_for_function(f"() => ({_DOCUMENTS_METRIC})() !== null", timeout=60_000, polling=50)
    value = await page.evaluate(_DOCUMENTS_METRIC)
    if value is not None and re.sub(r"\D", "", value):
        session.documents_seen.append((time.monotonic(), int(re.sub(r"\D", "", value))))


async def upload_and_ingest(page: Any, shared: Shared, upload: Upload, session: LoadSession) -> dict[str, Any]:
    """On the Pipeline page: upload the file, click "Ingest the inbox now" when told to, follow the run by
    reloading the page as its note says until it ends, and return what the page showed of it."""
    from dashboard import uploads

    await open_by_link(page, "Pipeline", session)
    await page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload.file))
    await page.get_by_text("kept as", exact=False).first.wait_for(timeout=60_000)
    await page.wait_for_function(arrived_script("Pipeline"), timeout=120_000, polling=50)
    await asyncio.wait_for(upload.go.wait(), timeout=300)
    marker = shared.data_dir / "runs" / "dashboard-run.pid"
    before = marker.stat().st_mtime_ns if marker.exists() else 0
    started = time.monotonic()
    await page.get_by_role("button", name="Ingest the inbox now").click()
    outcome: dict[str, Any] = {"file": upload.file.name, "clicked": started}
    while time.monotonic() - started < 60 and (marker.stat().st_mtime_ns if marker.exists() else 0) == before:
        await asyncio.sleep(0.2)  # the server starts the run when it handles the click
    outcome["run_started"] = marker.exists() and marker.stat().st_mtime_ns != before
    while uploads.running_flow(shared.data_dir) is not None and time.monotonic() - started < 600:
        await asyncio.sleep(1)
    outcome["run_s"] = round(time.monotonic() - started, 1)
    await page.goto(page_url(shared.url, "Pipeline", "", shared.pseudonym))  # "Reload to follow it"
    await page.wait_for_function(rendered_script("Pipeline", PAGES["Pipeline"][1]), timeout=120_000, polling=50)
    seen = await scan(page, session, "Pipeline (after its run)")
    outcome["run_log_shows_a_traceback"] = any(_IN_RUN_LOG.search(c) for c in seen["codes"])
    log = shared.data_dir / "runs" / "dashboard-run.log"  # each run from the page writes it anew: keep a copy
    shutil.copyfile(log, WORK / "logs" / f"dashboard-run-{upload.file.stem}.log")
    outcome["run_log_tail_last_line"] = (uploads.log_tail(log).splitlines() or [""])[-1]
    whole = log.read_text(encoding="utf-8", errors="replace")
    outcome["refused_busy"] = "in use by another medparole process" in whole
    outcome["whole_log_has_a_traceback"] = "Traceback" in whole
    return outcome


# --- one session ---------------------------------------------------------------------------------------------------


async def run_load_session(
    browser: Any, shared: Shared, index: int, min_changes: int, every: int, think_s: float
) -> LoadSession:
    """Open a filter page, then change filters until the sequence has ended (at least `min_changes` times), looking
    at each result for `think_s` as a user would; every `every` changes visit the Case page (even sessions) or the
    Pipeline and Documents pages (odd ones); session 0 also does the uploads the sequence asks for. At the end,
    read the Documents page once more."""
    home = FILTER_PAGES[index % len(FILTER_PAGES)]
    result = LoadSession(home)
    context = await browser.new_context(viewport={"width": 1400, "height": 1600})
    page = await context.new_page()
    page.on("console", lambda m: record_console(result, m.type, m.text, m.location.get("url", "")))
    page.on("pageerror", lambda e: result.errors.append(f"page: {e}"))
    rng = random.Random(700 + index)
    what = "opening the page"
    try:
        try:
            await page.goto(page_url(shared.url, home, "", shared.pseudonym))
            await page.wait_for_function(rendered_script(home, PAGES[home][1]), timeout=240_000, polling=50)
            await page.evaluate(_OBSERVE)
            await scan(page, result, home)
        finally:
            shared.ready += 1
            if shared.ready >= shared.sessions:
                shared.opened.set()
        step = 0
        while step < min_changes or not shared.done.is_set():
            what = f"filter change {step + 1}"
            await timed_change(page, rng, step, result)
            step += 1
            await asyncio.sleep(think_s)
            if index == 0 and not shared.tasks.empty():
                upload = shared.tasks.get_nowait()
                what = "an upload through the Pipeline page"
                try:
                    upload.answer.set_result(await upload_and_ingest(page, shared, upload, result))
                except BaseException as exc:
                    upload.answer.set_exception(exc)
                    raise
                await page.goto(page_url(shared.url, home, "", shared.pseudonym))
                await page.wait_for_function(arrived_script(home), timeout=120_000, polling=50)
                await page.evaluate(_OBSERVE)
            elif step % every == 0:
                what = "visiting other pages"
                if index % 2 == 0:
                    if home != "Case":
                        await open_by_link(page, "Case", result)
                    await choose_case(page, rng, result)
                else:
                    await open_by_link(page, "Pipeline", result)
                    await read_documents(page, result)
                if home != "Case" or index % 2:
                    await open_by_link(page, home, result)
        what = "the last Documents read"
        await read_documents(page, result)
    except Exception as exc:  # a session that fails is an error to report, not a crash of the benchmark
        first = str(exc).splitlines()[0] if str(exc) else ""
        result.errors.append(f"session: {home} #{index}, {what}: {type(exc).__name__}: {first}")
    finally:
        if index == 0:
            shared.uploader_gone = True
        await context.close()
    return result


# --- the sequence of runs ------------------------------------------------------------------------------------------


def cli(arguments: list[str], log: Path) -> subprocess.Popen[bytes]:
    """`python -m pipeline.cli <arguments>` in its own process, its output in `log` (never an unread pipe)."""
    with log.open("wb") as handle:
        return subprocess.Popen(
            [PYTHON, "-m", "pipeline.cli", *arguments], cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
        )


async def finish(process: subprocess.Popen[bytes], run: Run, runs: list[Run]) -> Run:
    while process.poll() is None:
        await asyncio.sleep(0.2)
    run.seconds, run.returncode = round(time.monotonic() - run.started, 1), process.returncode
    runs.append(run)
    return run


async def run_cli(what: str, arguments: list[str], runs: list[Run]) -> Run:
    log = WORK / "logs" / f"{len(runs):02d}-{what.replace(' ', '-')}.log"
    run = Run(what, time.monotonic(), log=str(log.relative_to(ROOT)))
    return await finish(cli(arguments, log), run, runs)


async def holds_the_warehouse(log: Path, process: subprocess.Popen[bytes], timeout_s: float = 180) -> bool:
    """Wait until the ingest writing `log` has the working warehouse open (its find-files task has logged)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        if "found " in log.read_text(encoding="utf-8", errors="replace"):
            return True
        await asyncio.sleep(0.2)
    return False


async def sequence(shared: Shared, slices: list[Path], uploads: list[Path], args: argparse.Namespace) -> dict[str, Any]:
    """The runs, one after another, while the sessions go on: each slice ingested; `medparole publish` after every
    slice in `--publish-after`; after the first slice an upload through the Pipeline page and its run; during the second
    slice's ingest the same button clicked again (it must be refused cleanly, the warehouse being busy)."""
    runs: list[Run] = []
    clicks: list[dict[str, Any]] = []
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(shared.opened.wait(), timeout=300)
    for number, folder in enumerate(slices, 1):
        what = f"ingest slice {number}"
        if number == 2 and args.upload and len(uploads) > 1:
            upload = Upload(uploads[1], asyncio.get_running_loop().create_future(), asyncio.Event())
            await shared.tasks.put(upload)  # session 0 uploads the file and waits with the button
            log = WORK / "logs" / f"{len(runs):02d}-{what.replace(' ', '-')}.log"
            run = Run(what, time.monotonic(), log=str(log.relative_to(ROOT)))
            process = cli(["ingest", str(folder)], log)
            await holds_the_warehouse(log, process)
            upload.go.set()
            await finish(process, run, runs)
            outcome = await answered(shared, upload.answer)
            running = outcome.get("clicked", float("inf")) < run.started + run.seconds
            outcome["while"] = f"{what} held the warehouse" if running else f"{what} had just ended"
            clicks.append(outcome)
        else:
            await run_cli(what, ["ingest", str(folder)], runs)
        if number in args.publish_after:
            await run_cli("publish", ["publish"], runs)
        if number == 1 and args.upload and uploads:
            upload = Upload(uploads[0], asyncio.get_running_loop().create_future(), asyncio.Event())
            upload.go.set()
            await shared.tasks.put(upload)
            outcome = await answered(shared, upload.answer)
            outcome["while"] = "no other run"
            clicks.append(outcome)
    shared.done.set()
    return {"runs": runs, "clicks": clicks}


async def answered(shared: Shared, answer: asyncio.Future[dict[str, Any]]) -> dict[str, Any]:
    """What session 0 reports of an upload it was asked for (or why there is nothing)."""
    deadline = time.monotonic() + 900
    while not answer.done() and not shared.uploader_gone and time.monotonic() < deadline:
        await asyncio.wait([answer], timeout=1)
    try:
        return answer.result()
    except Exception as exc:  # the session stopped or timed out: its error is reported with the sessions'
        return {"error": f"{type(exc).__name__}: {exc}", "run_s": 0, "run_log_tail_last_line": ""} | {
            "run_log_shows_a_traceback": False
        }


async def watch(published: Path, stop: asyncio.Event, every_s: float = 0.05) -> dict[str, list[float]]:
    """When published.duckdb was replaced (a new inode), and the 1-minute load average every 5 s."""
    replaced: list[float] = []
    load: list[float] = []
    last = published.stat().st_ino if published.exists() else None
    next_load = 0.0
    while not stop.is_set():
        with contextlib.suppress(FileNotFoundError):
            inode = published.stat().st_ino
            if inode != last:
                replaced.append(time.monotonic())
                last = inode
        if time.monotonic() >= next_load:
            load.append(os.getloadavg()[0])
            next_load = time.monotonic() + 5
        await asyncio.sleep(every_s)
    return {"replaced": replaced, "load": load}


async def load_test(
    shared: Shared, args: argparse.Namespace, slices: list[Path], uploads: list[Path], server_pid: int
) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    stop = asyncio.Event()
    watcher = asyncio.create_task(watch(shared.data_dir / "published.duckdb", stop))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            meter = CpuMeter(server_pid)
            sessions_task = asyncio.gather(
                *(
                    run_load_session(browser, shared, i, args.min_changes, args.every, args.think)
                    for i in range(args.sessions)
                )
            )
            started = time.monotonic()
            ran = await sequence(shared, slices, uploads, args)
            sessions = list(await sessions_task)
            ended = time.monotonic()
            used = meter.used()
        finally:
            await browser.close()
            stop.set()
    watched = await watcher
    return {"sessions": sessions, **ran, "watched": watched, "started": started, "ended": ended, "cpu": used}


# --- set-up, server log, report ------------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> tuple[Path, list[Path], list[Path]]:
    """The work dir: the data dir, the first slice and the further slices (copies of corpus files), the files to
    upload, and the environment every run and the dashboard get (test key, Prefect's home in the work dir)."""
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "logs").mkdir(parents=True)
    corpus = sorted(p for p in args.corpus.iterdir() if p.is_file())
    rng = random.Random(args.seed)
    rng.shuffle(corpus)
    # The second slice is larger: its ingest holds the warehouse while the Pipeline page's button is clicked, for
    # longer than a run started then takes to start Prefect (up to 30 s on a loaded machine).
    sizes = [args.first, *(args.collide_size if n == 2 else args.slice_size for n in range(1, args.slices + 1))]
    needed = sum(sizes) + 2
    if len(corpus) < needed:
        raise SystemExit(f"{args.corpus} has {len(corpus)} files; these sizes need {needed}.")
    folders = []
    for number, size in enumerate(sizes):
        folder = WORK / "slices" / f"{number}"
        folder.mkdir(parents=True)
        start = sum(sizes[:number])
        for path in corpus[start : start + size]:
            shutil.copy(path, folder / path.name)
        folders.append(folder)
    uploads = corpus[needed - 2 : needed]
    data = WORK / "data"
    os.environ.update(
        {
            "MEDPAROLE_DATA_DIR": str(data),
            "MEDPAROLE_PSEUDONYM_KEY": TEST_KEY,
            "PREFECT_HOME": str(WORK / "prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
            "LOGURU_LEVEL": "INFO",
        }
    )
    return data, folders, uploads


def server_tracebacks(log: Path) -> list[str]:
    """The last line (the exception) of every traceback in the server's log."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    found = []
    for number, line in enumerate(lines):
        if "Traceback (most recent call last)" in line:
            rest = lines[number + 1 :]
            last = next((x for x in rest if x and not x.startswith((" ", "Traceback", "│", "╭", "╰"))), "?")
            found.append(last.strip()[:200])
    return found


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    s = summary(values)
    return f"p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms, max {s['max_ms']:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description="Browser sessions on the dashboard while ingests publish.")
    parser.add_argument("--corpus", type=Path, default=OUT / "corpus10k" / "docs")
    parser.add_argument("--first", type=int, default=300, help="documents ingested before the dashboard starts")
    parser.add_argument("--slices", type=int, default=2, help="ingests during the sessions")
    parser.add_argument("--slice-size", type=int, default=120, help="documents in each of them")
    parser.add_argument("--collide-size", type=int, default=240, help="documents in the second (see prepare())")
    parser.add_argument(
        "--publish-after",
        type=lambda text: {int(n) for n in text.split(",") if n},
        default={2},
        help="`medparole publish` after these ingests (comma-separated numbers)",
    )
    parser.add_argument("--think", type=float, default=0.5, help="seconds a session looks at a result")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--min-changes", type=int, default=8, help="filter changes per session at least")
    parser.add_argument("--every", type=int, default=4, help="filter changes between visits to other pages")
    parser.add_argument("--no-upload", dest="upload", action="store_false", help="no uploads through the page")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    began = time.monotonic()
    data, folders, upload_files = prepare(args)
    with (WORK / "logs" / "first-ingest.log").open("wb") as handle:
        first = subprocess.run(
            [PYTHON, "-m", "pipeline.cli", "ingest", str(folders[0])], cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
        )
    if first.returncode != 0:
        raise SystemExit(f"the first ingest failed: see {WORK / 'logs' / 'first-ingest.log'}")
    published = data / "published.duckdb"
    ((pseudonym, documents_before),) = published_rows(
        published,
        "SELECT (SELECT pseudonym FROM case_summary ORDER BY documents DESC, pseudonym LIMIT 1), "
        "(SELECT count(*) FROM documents)",
    )
    with serve(data) as (url, server_pid):
        shared = Shared(url, str(pseudonym), data, sessions=args.sessions)
        result = asyncio.run(load_test(shared, args, folders[1:], upload_files, server_pid))
    log = WORK / "dashboard_server.log"
    shutil.copyfile(OUT / "dashboard_server.log", log)
    ((documents_after,),) = published_rows(published, "SELECT count(*) FROM documents")
    print(summarise(args, result, int(str(documents_before)), int(str(documents_after)), log, began))


def summarise(
    args: argparse.Namespace, result: dict[str, Any], before: int, after: int, log: Path, began: float
) -> str:
    """The Markdown table, and bench/out/load.json."""
    sessions: list[LoadSession] = result["sessions"]
    runs: list[Run] = result["runs"]
    clicks: list[dict[str, Any]] = result["clicks"]
    replaced = [t for t in result["watched"]["replaced"] if result["started"] <= t <= result["ended"]]
    reruns = [ms for s in sessions for ms in s.reruns]
    errors = [e for s in sessions for e in s.errors]
    kinds = Counter(re.sub(r" on .*|:.*", "", e) for e in errors)
    opened: dict[str, list[float]] = {}
    for s in sessions:
        for name, times in s.opened.items():
            opened.setdefault(name, []).extend(times)
    last_reads = [s.documents_seen[-1][1] for s in sessions if s.documents_seen]
    tracebacks = server_tracebacks(log)
    ingests = [r for r in runs if r.what.startswith("ingest")]
    publishes = [r for r in runs if r.what == "publish"]
    load = result["watched"]["load"]
    stopped = sum(any(e.startswith("session:") for e in s.errors) for s in sessions)

    def runs_held(group: list[Run]) -> str:
        codes = Counter(r.returncode for r in group)
        times = ", ".join(f"{r.seconds:.0f}" for r in group)
        return f"exit codes {dict(codes)}; seconds: {times}"

    rows = [
        ("browser sessions at once", len(sessions), f"{len(sessions) - stopped} ran to the end, {stopped} stopped"),
        ("filter changes (reruns timed)", len(reruns), percentiles(reruns)),
        ("filter changes that started no rerun (a click went astray)", sum(len(s.lost) for s in sessions), "-"),
        *[(f"{name} page opened from the navigation", len(ms), percentiles(ms)) for name, ms in sorted(opened.items())],
        ("`medparole ingest` of a new slice during the sessions", len(ingests), runs_held(ingests)),
        ("`medparole publish` during the sessions", len(publishes), runs_held(publishes)),
        ("published.duckdb replaced while the sessions ran", len(replaced), "every replacement atomic (os.replace)"),
        *[
            (
                f"upload + 'Ingest the inbox now' on the Pipeline page ({c['while']})",
                1,
                f"run {c['run_s']} s; refused as busy: {'yes' if c.get('refused_busy') else 'no'}; "
                f"its log's last line: {c['run_log_tail_last_line'][:110]!r}; "
                f"traceback shown: {'yes' if c['run_log_shows_a_traceback'] else 'no'}",
            )
            for c in clicks
        ],
        (
            "Documents page read after the last publish",
            len(last_reads),
            f"counts seen {sorted(set(last_reads))}; published {after} (was {before} when the sessions began)",
        ),
        ("errors a user saw (all kinds)", len(errors), ", ".join(f"{k}: {n}" for k, n in kinds.items()) or "none"),
        ("exception boxes", sum(k.startswith("exception box") for k in errors), "-"),
        ("lock / IO Error / Traceback / busy text on a page", sum(not e.startswith(("exception box", "page:", "console:", "session:")) for e in errors), "-"),  # noqa: E501
        ("page errors", sum(e.startswith("page:") for e in errors), "-"),
        ("the app's console errors", sum(e.startswith("console:") for e in errors), "-"),
        ("console errors not the app's (offline font, path probes)", sum(len(s.ignored) for s in sessions), "-"),
        ("tracebacks in the dashboard server's log", len(tracebacks), ", ".join(sorted(set(tracebacks)))[:200] or "none"),  # noqa: E501
        ("load average (1 min) during the sessions", len(load), f"mean {sum(load) / max(1, len(load)):.1f}, max {max(load, default=0):.1f} on {os.cpu_count()} cores"),  # noqa: E501
    ]  # fmt: skip
    notices = Counter[str]()
    for s in sessions:
        notices.update(s.notices)
    table = ["| what was tried | times | what held |", "|---|---|---|"]
    table += [f"| {what} | {times} | {held} |" for what, times, held in rows]
    figures: dict[str, Any] = {
        "sizes": {k: sorted(v) if isinstance(v, set) else v for k, v in vars(args).items() if k != "corpus"},
        "rerun_ms": summary(reruns) if reruns else {},
        "opened_ms": {name: summary(ms) for name, ms in opened.items()},
        "runs": [vars(r) | {"started": round(r.started - result["started"], 1)} for r in runs],
        "pipeline_page_runs": clicks,
        "published_replacements_during_sessions": len(replaced),
        "documents_published_before_after": [before, after],
        "documents_seen_last_by_each_session": last_reads,
        "errors": len(errors),
        "errors_seen": sorted(set(errors))[:40],
        "console_errors_not_the_app_seen": sorted({e for s in sessions for e in s.ignored})[:5],
        "notices_seen": dict(notices.most_common(15)),
        "server_log_tracebacks": tracebacks,
        "cpu": result["cpu"],
        "load_average_1min": {"mean": round(sum(load) / max(1, len(load)), 2), "max": max(load, default=0)},
        "cores": os.cpu_count(),
        "memory_available_mb_at_end": round(psutil.virtual_memory().available / 2**20),
        "total_s": round(time.monotonic() - began, 1),
    }
    WORK.mkdir(parents=True, exist_ok=True)
    report_path = OUT / "load.json"
    import json

    report_path.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
    detail = "\n".join(f"  {e}" for e in sorted(set(errors))[:20])
    return (
        "\n".join(table)
        + f"\n\nerrors: {len(errors)}"
        + (f"\n{detail}" if detail else "")
        + f"\nnotices (not errors): {dict(notices.most_common(8))}"
        + f"\nCPU during the sessions: {result['cpu']}; whole benchmark {figures['total_s']} s; "
        + f"results in {report_path.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
