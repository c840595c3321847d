"""Issue 6's dashboard targets, measured against the big synthetic warehouse (20,000 cases, 1,000,000+ facts):

1. a filter change has its data in at most 300 ms (p95): the reads each page makes when the filter changes, through
   dashboard/data.py (the functions the pages call), every Streamlit cache cleared first, over random filter
   combinations; then again with one correction recorded since the publish (what a reviewer works with);
2. a page's first render in Chromium in at most 3 s: each page opened in a new Streamlit session with a filter not
   seen before, until Streamlit is idle and the page's main content shows; in a fresh browser profile (nothing
   cached) and in a new tab of a browser that has shown the dashboard before;
3. 10 concurrent browser sessions changing filters over and over: p95 of a rerun at most 1 s, no errors. Each
   session pauses 3-10 s before a change, as a coordinator reading the page would (`--think 0` makes ten tabs
   that never pause: a stress test, which two cores cannot serve in 1 s, see the README). The ten sessions open
   their pages at once; the filter changes start when all ten pages are open (opening a page is part 2's
   measure, and ten opened in the same second load the two cores for about 20 s).

    .venv/bin/python bench/big_warehouse.py        # once: writes bench/out/big (about a minute)
    .venv/bin/python bench/dashboard_bench.py [--data bench/out/big] [--filters 60] [--rounds 3] \\
        [--sessions 10] [--changes 15] [--think MIN,MAX] [--skip-browser | --skip-reads]

A rerun is timed in the browser, from the change's pointer or key press (the option clicked, Enter in the
search box, the Clear button) until the app's `data-test-script-state` is `notRunning` again (the attribute
Streamlit sets on `stApp` while a script runs); the time from the driver's call, which adds Playwright's own wait
for the element to be ready (up to a second under load), is printed too. An error is any exception box
(`stException`), any console error or page error of the app (Streamlit's own path probes are counted apart), or
a session that stops. The app runs in its default mode (identified, sign-in not configured): the heaviest, since
identified reads are never cached. The browser runs on the same cores as the server; the CPU each used is
printed. Results go to bench/out/dashboard.json (dashboard-no-pause.json for --think 0) and are printed as
Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import psutil
from playwright.async_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, report

from pipeline.serve import dashboard_command, wait_for
from warehouse.settings import load_settings

CHROMIUM = os.environ.get("MEDPAROLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Each page's URL path and what shows its main content has been drawn.
PAGES: dict[str, tuple[str, str]] = {
    "Patterns": ("", '[data-testid="stVegaLiteChart"]'),
    "Cases": ("cases", '[data-testid="stDataFrame"]'),
    "Case": ("case", '[data-testid="stVegaLiteChart"]'),
    "Deadlines": ("deadlines", '[data-testid="stDataFrame"]'),
    "Review": ("review", '[data-testid="stDataFrame"]'),
    "Documents": ("documents", '[data-testid="stDataFrame"]'),
    "Pipeline": ("pipeline", '[data-testid="stDataFrame"]'),
}
FILTER_PAGES = ("Patterns", "Cases", "Case", "Deadlines", "Review")
SEARCH_WORDS = ("hydrocephalus", "transplant", "Tegucigalpa", "sepsis", "RAICES", "dialysis", "años")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1),
    }


# --- 1. the data a filter change needs ---------------------------------------------------------------------------


def random_filter(rng: random.Random, choices: Any) -> Any:
    """One to three filters at random, as a coordinator would combine them in the sidebar; sometimes a date range
    (a third of the whole span)."""
    from warehouse.filters import AGE_GROUPS, CaseFilter, DateField

    options: dict[str, Callable[[], Any]] = {
        "outcomes": lambda: tuple(rng.sample(choices.outcomes, rng.randint(1, 2))),
        "diagnoses": lambda: tuple(rng.sample(choices.diagnoses, rng.randint(1, 3))),
        "icd10_chapters": lambda: tuple(rng.sample(list(choices.icd10_chapters), 1)),
        "facilities": lambda: tuple(rng.sample(choices.facilities, rng.randint(1, 2))),
        "states": lambda: tuple(rng.sample(choices.states, rng.randint(1, 3))),
        "countries": lambda: tuple(rng.sample(choices.countries, 1)),
        "legal_orgs": lambda: tuple(rng.sample(choices.legal_orgs, 1)),
        "age_groups": lambda: tuple(rng.sample(list(AGE_GROUPS), rng.randint(1, 2))),
        "languages": lambda: tuple(rng.sample(choices.languages, 1)),
        "treatment_unavailable": lambda: rng.choice([True, False]),
        "needs_review": lambda: rng.choice([True, False]),
        "text": lambda: rng.choice(SEARCH_WORDS),
    }
    chosen = {name: options[name]() for name in rng.sample(sorted(options), rng.randint(1, 3))}
    if rng.random() < 0.3 and choices.first_date and choices.last_date:
        span = choices.last_date - choices.first_date
        start = choices.first_date + span * rng.random()
        chosen |= {"date_field": rng.choice(list(DateField)), "date_from": start, "date_to": start + span / 3}
    return CaseFilter(**chosen)


def page_reads(pseudonym: str) -> dict[str, Callable[[Any], object]]:
    """What each filter-dependent page reads on a rerun, in identified mode, through dashboard/data.py."""
    from dashboard import data

    def version() -> Any:
        return data.published_version()

    return {
        "Patterns": lambda flt: (data.cases(version(), flt), data.headline(version(), flt)),
        "Cases": lambda flt: data.identified_cases(flt),
        "Case": lambda flt: (data.pseudonyms(version(), flt), data.case_evidence(pseudonym, identified=True)),
        "Deadlines": lambda flt: (data.deadlines(version(), flt), data.patient_names(flt)),
        "Review": lambda flt: (data.review_queue(flt), data.failed_documents(), data.document_choices("")),
    }


def time_filter_changes(n_filters: int, seed: int, pseudonym: str) -> dict[str, list[float]]:
    """Milliseconds each page's reads take for `n_filters` random filters, Streamlit's caches cleared each time
    (the Case page showing case `pseudonym`)."""
    import streamlit as st

    from dashboard import data
    from warehouse import case_queries

    # Outside `streamlit run` every cached call warns that there is no runtime: say it once, not a thousand times.
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    choices = data.read(case_queries.filter_choices)
    reads = page_reads(pseudonym)
    rng = random.Random(seed)
    filters = [random_filter(rng, choices) for _ in range(n_filters)]
    timings: dict[str, list[float]] = {page: [] for page in reads}
    for flt in filters:
        for page, read in reads.items():
            st.cache_data.clear()
            started = time.perf_counter()
            read(flt)
            timings[page].append(1000 * (time.perf_counter() - started))
    return timings


# --- 2. first render of each page in Chromium --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(data_dir: Path) -> Iterator[tuple[str, int]]:
    """`streamlit run dashboard/app.py` on a free port over `data_dir`, as tests/dashboard/test_browser.py does;
    yields its URL and process id. Its log goes to bench/out/dashboard_server.log."""
    port = free_port()
    env = {
        **os.environ, "MEDPAROLE_DATA_DIR": str(data_dir.resolve()), "LOGURU_LEVEL": "INFO",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }  # fmt: skip
    log = (OUT / "dashboard_server.log").open("wb")
    command, folder = dashboard_command(load_settings(), host="127.0.0.1", port=port)
    process = subprocess.Popen(command, env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_for(f"{url}/_stcore/health", 60, process)
        except RuntimeError as exc:
            raise RuntimeError(f"the dashboard did not start ({exc}): see bench/out/dashboard_server.log") from None
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def rendered_script(name: str, content: str) -> str:
    """A JavaScript predicate: Streamlit idle, the page's title and its main content on screen."""
    return (
        "() => !!document.querySelector('" + IDLE + "')"
        " && [...document.querySelectorAll('h1')].some(h => h.textContent.trim() === '" + name + "')"
        " && !!document.querySelector('" + content + "')"
    )


def page_url(url: str, name: str, query: str, pseudonym: str) -> str:
    path = PAGES[name][0]
    query = "&".join(q for q in (query, f"case={pseudonym}" if name == "Case" else "") if q)
    return f"{url}/{path}" + (f"?{query}" if query else "")


def render_once(context: Any, url: str, name: str) -> float:
    """Milliseconds from opening `url` in a new tab of `context` (a new Streamlit session) until page `name` is
    rendered."""
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(rendered_script(name, PAGES[name][1]), timeout=120_000, polling=20)
        elapsed = 1000 * (time.perf_counter() - started)
        if page.locator('[data-testid="stException"]').count():
            raise RuntimeError(f"{name} shows an exception: see bench/out/dashboard_server.log")
        return elapsed
    finally:
        page.close()


def first_renders(
    url: str, rounds: int, queries: list[str], pseudonym: str
) -> tuple[float, dict[str, list[float]], dict[str, list[float]]]:
    """The first render after the server started (its imports, the filter choices); then each page's first render
    in a fresh browser profile (nothing cached: Streamlit's scripts are fetched and compiled again), and in a new
    tab of a browser that has shown the dashboard before (its scripts cached, as for a returning coordinator).
    Every render carries a filter in the URL not used before, so the page's filtered reads are not cached yet."""
    from playwright.sync_api import sync_playwright

    fresh: dict[str, list[float]] = {name: [] for name in PAGES}
    returning: dict[str, list[float]] = {name: [] for name in PAGES}
    viewport = {"width": 1400, "height": 1600}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=viewport)
            cold = render_once(context, page_url(url, "Pipeline", "", pseudonym), "Pipeline")
            for query in queries[rounds : 2 * rounds]:
                for name in PAGES:
                    returning[name].append(render_once(context, page_url(url, name, query, pseudonym), name))
            context.close()
            for query in queries[:rounds]:
                for name in PAGES:
                    context = browser.new_context(viewport=viewport)
                    fresh[name].append(render_once(context, page_url(url, name, query, pseudonym), name))
                    context.close()
        finally:
            browser.close()
    return cold, fresh, returning


# --- 3. concurrent sessions changing filters ---------------------------------------------------------------------

# Every change of Streamlit's script state, with the browser's clock: observed on the whole document (the app's
# root can be replaced), and polled every 100 ms as well, so a change is never missed. (Polled every 10 ms, the
# ten tabs' timers alone took a fifth of a core: measured with the tabs idle.)
_OBSERVE = """() => {
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
    setInterval(record, 100);
    window.__inputs = [];
    for (const kind of ['pointerdown', 'keydown']) {
        document.addEventListener(kind, () => window.__inputs.push(performance.now()), true);
    }
}"""
_RERUN_STARTED = "t0 => window.__runs.some(r => r[1] >= t0 && r[0] === 'running')"
_RERUN_DONE = """t0 => window.__runs.some(r => r[1] >= t0 && r[0] === 'running')
    && document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state') === 'notRunning'"""
_RERUN_END = "t0 => Math.max(...window.__runs.filter(r => r[1] >= t0 && r[0] === 'notRunning').map(r => r[1]))"
# The change itself: the first pointer press or key press the page received after the driver was told to make it.
_INPUT_AT = "t0 => Math.min(...window.__inputs.filter(t => t >= t0))"
MULTISELECTS = ("Outcome", "Diagnosis", "State", "Country of origin", "Legal organisation", "Age group")


@dataclass
class Session:
    """One browser session's reruns (milliseconds from the change's pointer or key press in the page; and from
    the driver's call that made it, which adds Playwright's own wait for the element), the kind of each change,
    the errors it saw, console errors that are not the app's (see `record_console`), and filter changes that
    started no rerun within 30 s (the driver's click went astray)."""

    page: str
    reruns: list[float] = field(default_factory=list)
    from_driver: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)


# Console errors that are not the dashboard's: the health and host-config probes Streamlit's frontend makes under
# a page's own path (/cases/_stcore/health) before it tries the root.
_NOT_THE_APP = re.compile(r"/[a-z]+/_stcore/(health|host-config)$")


def record_console(session: Session, kind: str, text: str, url: str) -> None:
    if kind != "error":
        return
    (session.ignored if _NOT_THE_APP.search(url) else session.errors).append(f"console: {text} ({url})")


async def _pick_option(page: Any, widget: Any, rng: random.Random) -> float | None:
    """Open a selectbox or multiselect and click an option not selected yet; returns the browser clock (ms) just
    before the click, which starts the rerun, or None (and closes it) when every option is selected already."""
    await widget.locator("input").click()
    options = page.locator('[role="option"][aria-selected="false"]')
    try:
        await options.first.wait_for(timeout=30_000)
    except PlaywrightTimeout:
        await page.keyboard.press("Escape")
        return None
    count = await options.count()
    t0 = await page.evaluate("performance.now()")
    await options.nth(rng.randrange(count)).click()
    return float(t0)


async def _clear(page: Any) -> float:
    t0 = await page.evaluate("performance.now()")
    await page.get_by_test_id("stSidebar").get_by_role("button", name="Clear filters").click()
    return float(t0)


async def change_filter(page: Any, rng: random.Random, step: int) -> tuple[float, str]:
    """One filter change in the sidebar (every fifth clears them all); returns the browser clock (ms) just
    before the change was made, and what the change was."""
    bar = page.get_by_test_id("stSidebar")
    kind = "clear" if step % 5 == 4 else rng.choice(("multiselect", "multiselect", "needs_review", "text"))
    if kind == "text":
        box = bar.get_by_label("Documents mention")
        current = await box.input_value()
        await box.fill(rng.choice([w for w in SEARCH_WORDS if w != current]))
        t0 = await page.evaluate("performance.now()")
        await box.press("Enter")
        return float(t0), "text"
    picked: float | None = None
    label = "Needs review"
    if kind == "needs_review":
        widget = bar.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Needs review", exact=True))
        picked = await _pick_option(page, widget, rng)
    elif kind == "multiselect":
        label = rng.choice(MULTISELECTS)
        widget = bar.get_by_test_id("stMultiSelect").filter(has=page.get_by_text(label, exact=True))
        picked = await _pick_option(page, widget, rng)
        await page.keyboard.press("Escape")
    return (picked, label) if picked is not None else (await _clear(page), "clear")


async def run_session(
    browser: Any,
    url: str,
    name: str,
    pseudonym: str,
    changes: int,
    seed: int,
    think: tuple[float, float],
    ready: asyncio.Barrier,
) -> Session:
    """Open `name`, wait until every session has opened its page (`ready`), then change filters `changes` times,
    timing each rerun and collecting errors; before each change the session pauses between think[0] and think[1]
    seconds, as a reader looking at the page would. A session that fails leaves a screenshot and the page's state
    in bench/out/ for the error to be looked at."""
    result = Session(name)
    context = await browser.new_context(viewport={"width": 1400, "height": 1600})
    page = await context.new_page()
    page.on("console", lambda m: record_console(result, m.type, m.text, m.location.get("url", "")))
    page.on("pageerror", lambda e: result.errors.append(f"page: {e}"))
    rng = random.Random(seed)
    what = "opening the page"
    waiting = True
    try:
        await page.goto(page_url(url, name, "", pseudonym))
        await page.wait_for_function(rendered_script(name, PAGES[name][1]), timeout=180_000, polling=50)
        await page.evaluate(_OBSERVE)
        waiting = False
        await ready.wait()
        for step in range(changes):
            if think[1] > 0:
                await asyncio.sleep(rng.uniform(*think))
            t0, what = await change_filter(page, rng, step)
            try:
                await page.wait_for_function(_RERUN_STARTED, arg=t0, timeout=30_000, polling=50)
            except PlaywrightTimeout:  # the driver's click or key went astray (a list still open): not a rerun
                result.lost.append(what)
                await page.keyboard.press("Escape")
                continue
            await page.wait_for_function(_RERUN_DONE, arg=t0, timeout=120_000, polling=50)
            end, pressed = await page.evaluate(f"t0 => [({_RERUN_END})(t0), ({_INPUT_AT})(t0)]", t0)
            pressed = float(pressed) if math.isfinite(pressed) and pressed <= end else t0  # no press seen: the call
            result.reruns.append(float(end) - pressed)
            result.from_driver.append(float(end) - t0)
            result.kinds.append("clear" if what == "clear" else "filter")
            # A widget keeping the focus can reopen its list and swallow the next click: let go of it.
            await page.evaluate("() => document.activeElement && document.activeElement.blur()")
            shown = await page.locator('[data-testid="stException"]').count()
            result.errors.extend(["exception box"] * shown)
    except Exception as exc:  # a session that fails is an error to report, not a crash of the benchmark
        where = f"{name}, change {len(result.reruns) + 1} ({what})"
        result.errors.append(f"session: {where}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        with contextlib.suppress(Exception):
            shot = OUT / f"dashboard-failed-{name}-{seed}.png"
            await page.screenshot(path=str(shot), full_page=True)
            state = await page.evaluate(
                "() => [document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state'),"
                " document.body.innerText.slice(0, 400)]"
            )
            result.errors.append(f"  (script state {state[0]}; screenshot {shot.name}; page text {state[1]!r})")
    finally:
        if waiting:  # a session that could not open its page still lets the others start
            await ready.wait()
        await context.close()
    return result


def _tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


class CpuMeter:
    """CPU seconds of the dashboard server and of the browser (this process's other descendants), and wall
    seconds, from its creation to `used()`: on this machine they share the same cores. While `run()` is awaited
    every process is sampled twice a second, so the CPU of tabs that close before the end is counted too;
    without it (bench/load_bench.py, whose ingests would count as the browser's) only what still runs at the end."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[bool, float]] = {}
        self.started = time.monotonic()
        self.sample()

    def sample(self) -> None:
        """Each descendant's CPU so far; a process first seen after the start counts from zero."""
        initial = not self.last
        server = {p.pid for p in _tree(self.server_pid)}
        for process in _tree(os.getpid())[1:]:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                used = times.user + times.system
                self.first.setdefault(process.pid, used if initial else 0.0)
                self.last[process.pid] = (process.pid in server, used)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(0.5)
            self.sample()

    def used(self) -> dict[str, float]:
        self.sample()
        spent = {True: 0.0, False: 0.0}
        for pid, (is_server, used) in self.last.items():
            spent[is_server] += used - self.first[pid]
        return {
            "server_cpu_s": round(spent[True], 1),
            "browser_cpu_s": round(spent[False], 1),
            "wall_s": round(time.monotonic() - self.started, 1),
        }


async def concurrent_sessions(
    url: str, sessions: int, changes: int, pseudonym: str, server_pid: int, think: tuple[float, float]
) -> tuple[list[Session], dict[str, float]]:
    """`sessions` browser sessions at once in one Chromium, spread over the filter-dependent pages; also the CPU
    seconds the dashboard server and the browser spent meanwhile (on this machine they share the same cores)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            meter = CpuMeter(server_pid)
            sampler = asyncio.create_task(meter.run())
            ready = asyncio.Barrier(sessions)
            results = list(
                await asyncio.gather(
                    *(
                        run_session(
                            browser,
                            url,
                            FILTER_PAGES[i % len(FILTER_PAGES)],
                            pseudonym,
                            changes,
                            100 + i,
                            think,
                            ready,
                        )
                        for i in range(sessions)
                    )
                )
            )
            used = meter.used()
            sampler.cancel()
        finally:
            await browser.close()
    return results, used


# --- report ------------------------------------------------------------------------------------------------------


def markdown(title: str, rows: dict[str, dict[str, float]], target: str) -> str:
    lines = [f"{title} (target: {target})", "", "| page | n | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|"]
    lines += [f"| {p} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | {s['max_ms']} |" for p, s in rows.items()]
    return "\n".join(lines) + "\n"


def with_a_pending_correction(data_dir: Path, pseudonym: str, into: Path) -> Path:
    """A data dir beside `data_dir` (its published copy linked, not copied) whose correction store holds one more
    correction than was published: a fact of case `pseudonym` confirmed, as a reviewer would between publishes."""
    from warehouse import corrections
    from warehouse.corrections import Action, Correction

    into.mkdir(parents=True, exist_ok=True)
    (into / "published.duckdb").unlink(missing_ok=True)
    (into / "published.duckdb").symlink_to((data_dir / "published.duckdb").resolve())
    shutil.copyfile(data_dir / "corrections.sqlite", into / "corrections.sqlite")
    con = duckdb.connect(str(data_dir / "published.duckdb"), read_only=True)
    try:
        sha, field, start, end = con.execute(
            "SELECT f.sha256, f.field, f.start_offset, f.end_offset FROM case_facts f "
            "WHERE f.pseudonym = ? AND f.field = 'diagnosis' ORDER BY f.sha256, f.start_offset LIMIT 1",
            [pseudonym],
        ).fetchall()[0]
    finally:
        con.close()
    confirmed = Correction("bench", sha, field, Action.confirm, start, end, reason="benchmark: pending")
    corrections.record_correction(into / "corrections.sqlite", confirmed)
    return into


def measure_reads(args: argparse.Namespace, pseudonym: str) -> dict[str, Any]:
    """Part 1, with nothing pending and with one correction pending (the roll-ups of its case recomputed)."""
    reads = {page: summary(ms) for page, ms in time_filter_changes(args.filters, args.seed, pseudonym).items()}
    print(markdown("Data a filter change reads, uncached", reads, "p95 <= 300 ms"))
    pending_dir = with_a_pending_correction(args.data, pseudonym, OUT / "big-pending")
    os.environ["MEDPAROLE_DATA_DIR"] = str(pending_dir)
    pending = {
        page: summary(ms) for page, ms in time_filter_changes(max(10, args.filters // 3), args.seed, pseudonym).items()
    }
    os.environ["MEDPAROLE_DATA_DIR"] = str(args.data.resolve())
    print(markdown("The same with one correction recorded since the publish", pending, "p95 <= 300 ms"))
    return {"filter_change_reads": reads, "filter_change_reads_with_a_pending_correction": pending}


def measure_browser(args: argparse.Namespace, pseudonym: str) -> dict[str, Any]:
    """Parts 2 and 3 against one `streamlit run` of the dashboard."""
    rng = random.Random(args.seed)
    queries = [
        f"{key}={value}" for key, value in rng.sample(
            [("outcomes", "granted"), ("outcomes", "denied"), ("states", "TX"), ("countries", "HN"),
             ("diagnoses", "epilepsy"), ("age_groups", "0-4"), ("needs_review", "true")], 2 * args.rounds)
    ]  # fmt: skip
    think = args.think
    with serve(args.data) as (url, server_pid):
        cold, fresh, returning = first_renders(url, args.rounds, queries, pseudonym) if args.rounds else (0.0, {}, {})
        sessions, cpu = asyncio.run(concurrent_sessions(url, args.sessions, args.changes, pseudonym, server_pid, think))
    renders = {page: summary(ms) for page, ms in fresh.items()}
    warm = {page: summary(ms) for page, ms in returning.items()}
    if args.rounds:
        print(f"First render after the server started (Pipeline page): {cold:.0f} ms\n")
        print(markdown("First render in Chromium, fresh browser profile", renders, "<= 3000 ms"))
        print(
            markdown("First render in Chromium, new tab of a browser that has shown the dashboard", warm, "<= 3000 ms")
        )
    by_page = {p: [ms for s in sessions if s.page == p for ms in s.reruns] for p in FILTER_PAGES}
    reruns = {p: summary(ms) for p, ms in by_page.items() if ms}
    reruns["all"] = summary([ms for s in sessions for ms in s.reruns])
    for kind in ("filter", "clear"):
        timed = [ms for s in sessions for ms, k in zip(s.reruns, s.kinds, strict=True) if k == kind]
        if timed:
            reruns[f"all, {kind} changes"] = summary(timed)
    reruns["all, from the driver's call"] = summary([ms for s in sessions for ms in s.from_driver])
    errors = sorted(e for s in sessions for e in s.errors)
    ignored = sorted(e for s in sessions for e in s.ignored)
    lost = sum(len(s.lost) for s in sessions)
    pause = f", each pausing {think[0]:g}-{think[1]:g} s before a change" if think[1] > 0 else ", no pause"
    print(markdown(f"Reruns with {args.sessions} concurrent sessions{pause}", reruns, "p95 <= 1000 ms, no errors"))
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in sorted(set(errors))[:20]))
    print(f"filter changes that started no rerun (the driver's click went astray; not timed): {lost}")
    print(f"CPU meanwhile: {cpu} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    first = {"first_render_after_server_start_ms": round(cold), "first_render": renders} if args.rounds else {}
    return {
        **first,
        **({"first_render_returning_browser": warm} if args.rounds else {}),
        "concurrent_reruns": {
            "sessions": args.sessions, "think_s": f"{think[0]:g}-{think[1]:g}", **reruns, "errors": len(errors),
            "console_errors_not_the_app": len(ignored),
            "changes_that_started_no_rerun": lost, **cpu, "load_average_1min": round(os.getloadavg()[0], 1),
        },
        "errors_seen": sorted(set(errors))[:20],
        "console_errors_not_the_app_seen": sorted(set(ignored))[:5],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the dashboard against the big synthetic warehouse.")
    parser.add_argument("--data", type=Path, default=OUT / "big", help="data dir holding published.duckdb")
    parser.add_argument("--filters", type=int, default=60, help="random filter combinations for the data reads")
    parser.add_argument(
        "--rounds", type=int, default=3, choices=(0, 1, 2, 3), help="first renders of each page (0: none)"
    )
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--changes", type=int, default=15, help="filter changes per concurrent session")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--skip-browser", action="store_true", help="only time the data reads")
    parser.add_argument("--skip-reads", action="store_true", help="only the browser parts")
    parser.add_argument(
        "--think", type=_seconds_range, default=(3.0, 10.0), metavar="MIN,MAX",
        help="seconds each concurrent session pauses before a change, drawn uniformly (default 3,10: a person "
        "reading the page; 0: tabs that never pause, a stress test)",
    )  # fmt: skip
    args = parser.parse_args()
    if not (args.data / "published.duckdb").exists():
        raise SystemExit(f"No {args.data / 'published.duckdb'}: run bench/big_warehouse.py first.")
    os.environ["MEDPAROLE_DATA_DIR"] = str(args.data.resolve())
    from dashboard import data

    facts, cases, pseudonym = data.read(
        lambda con: con.execute(
            "SELECT (SELECT count(*) FROM facts), (SELECT count(*) FROM cases), "
            "(SELECT pseudonym FROM case_summary ORDER BY documents DESC, pseudonym LIMIT 1)"
        ).fetchall()[0]
    )
    results: dict[str, Any] = {"cases": cases, "facts": facts}
    if not args.skip_reads:
        results |= measure_reads(args, pseudonym)
    if not args.skip_browser:
        results |= measure_browser(args, pseudonym)
    results["load_average_1min_at_end"] = round(os.getloadavg()[0], 1)
    report("dashboard" + ("" if args.think[1] > 0 else "-no-pause"), flatten(results))


def _seconds_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition(",")
    pair = (float(low), float(high or low))
    if not 0 <= pair[0] <= pair[1]:
        raise argparse.ArgumentTypeError("MIN,MAX with 0 <= MIN <= MAX")
    return pair


def flatten(results: dict[str, Any], prefix: str = "") -> dict[str, object]:
    """{'first_render': {'Cases': {'p95_ms': 1}}} -> {'first_render Cases p95_ms': 1}: report()'s flat table."""
    flat: dict[str, object] = {}
    for key, value in results.items():
        name = f"{prefix} {key}".strip()
        flat |= flatten(value, name) if isinstance(value, dict) else {name: value}
    return flat


if __name__ == "__main__":
    main()
