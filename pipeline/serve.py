"""`medparole serve`: the long-running mode. A Prefect server (or the one PREFECT_API_URL names), a deployment
that ingests an inbox folder on a schedule, and the dashboard, all stopped together with Ctrl+C.

Every process serve starts runs in a session of its own, so Ctrl+C in the terminal reaches serve alone, and serve
stops them in order, each within a bound: the scheduled ingests first, then the dashboard, then the Prefect server
(stopped under a running flow, it would leave the flow retrying for a minute). The scheduled ingests run in a
Prefect runner, itself a child process: its flow runs, their extraction workers and OCR are its process group, kept
from the terminal's Ctrl+C (a flow run taking it printed tracebacks and took its extraction pool 10 to 25 s to
wind down, which the runner waited for without bound) and killed together when serve stops. A killed ingest loses
nothing: the published copy is only ever replaced whole, and documents are keyed by their SHA-256, so the next run
picks up where it stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from warehouse.settings import Settings

if TYPE_CHECKING:
    from uuid import UUID

    from prefect.runner import Runner

# Bounds on each stop, past which serve kills the child's whole process group; 15 s in all at worst. The runner's
# stop (its flow runs killed at once, the schedule paused, the runs recorded as cancelled) takes 1 to 4 s; the
# dashboard, asked to stop with the runner, and then the Prefect server take well under a second, or a few seconds
# on a loaded machine (the server flushes its logs and events: it is given the longest).
RUNNER_STOP_S = 8.0
DASHBOARD_STOP_S = 2.0
CHILD_STOP_S = 5.0
# Within the runner's stop: the Prefect runner's own teardown, and recording the stopped runs in the API.
_TEARDOWN_S = 3.0
_SETTLE_S = 3.0

STOPPED_MESSAGE = "medparole serve was stopped; the next ingest picks up the files this one had not finished"
LEFTOVER_MESSAGE = "left unfinished by a medparole serve that was killed; the next ingest picks up its files"


def wait_for(url: str, timeout_s: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Return once `url` answers 200; raise if it does not within `timeout_s` or `process` exits first."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own localhost URL)
                if response.status == 200:
                    return
        except OSError:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process serving {url} exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout_s:.0f} s")
        time.sleep(0.5)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to SIGTERM this child when serve dies, even by kill -9 (elsewhere: stopped on the way out only)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(process: subprocess.Popen[bytes], within_s: float) -> None:
    """SIGTERM `process`; once it exits, or after `within_s`, SIGKILL whatever is left of its process group (it
    leads its own session: the group is what it started, such as the runner's flow runs and their workers)."""
    with contextlib.suppress(OSError):
        process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=within_s)
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


@contextlib.contextmanager
def _child(
    command: list[str],
    health_url: str | None,
    timeout_s: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stop_s: float = CHILD_STOP_S,
    quiet: bool = True,
) -> Iterator[subprocess.Popen[bytes]]:
    """A child process, ready once `health_url` answers (if given); stopped (politely, then by force, within
    `stop_s`) on the way out. A quiet child's output goes nowhere: a pipe nobody reads would stall it once full.
    It runs in a session of its own, so Ctrl+C in the terminal reaches serve alone, which stops its children
    in order."""
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **(env or {})}
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=output, stderr=output,
        start_new_session=True, preexec_fn=_die_with_parent,
    )  # fmt: skip
    try:
        if health_url:
            wait_for(health_url, timeout_s, process)
        yield process
    finally:
        _stop(process, stop_s)


@contextlib.contextmanager
def prefect_server(port: int) -> Iterator[str]:
    """The API URL of a Prefect server: PREFECT_API_URL's if set, else one started here on `port`."""
    existing = os.environ.get("PREFECT_API_URL")
    if existing:
        yield existing
        return
    api = f"http://127.0.0.1:{port}/api"
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with _child(command, f"{api}/health", 120):
        yield api


def dashboard_command(settings: Settings, host: str = "", port: int = 0) -> tuple[list[str], Path]:
    """`streamlit run` of the dashboard app, and the folder to run it from (its hardened .streamlit/config)."""
    app = Path(str(resources.files("dashboard").joinpath("app.py")))
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port or settings.port), "--server.address", host or settings.host,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    return command, app.parent


@contextlib.contextmanager
def dashboard_process(settings: Settings) -> Iterator[str]:
    """The Streamlit dashboard over the published copy, as a child process."""
    with _dashboard(settings) as (url, _):
        yield url


@contextlib.contextmanager
def _dashboard(settings: Settings) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    command, folder = dashboard_command(settings)
    url = f"http://{settings.host}:{settings.port}"
    env = {"MEDPAROLE_DATA_DIR": str(settings.data_dir)}
    with _child(command, f"{url}/_stcore/health", 60, cwd=folder, env=env, stop_s=DASHBOARD_STOP_S) as process:
        yield url, process


def runner_command(inbox: Path, data_dir: Path, every_minutes: float) -> list[str]:
    """The runner process: `run_inbox_deployment` of this module. The inbox folder is the deployment's parameter,
    as it always was; no file name ever is."""
    code = "import sys; from pipeline.serve import run_inbox_deployment; run_inbox_deployment(*sys.argv[1:])"
    return [sys.executable, "-c", code, str(inbox), str(data_dir), repr(float(every_minutes))]


@contextlib.contextmanager
def _stopping_on_signals() -> Iterator[None]:
    """Ctrl+C (SIGINT) and SIGTERM raise KeyboardInterrupt, once: the stop that follows is bounded, and a second
    Ctrl+C would only cut it short (leaving the children to PR_SET_PDEATHSIG, and the flow run unrecorded)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve(
    inbox: Path, settings: Settings, every_minutes: float, prefect_port: int, say: Callable[[str], object] = print
) -> None:
    """Run until interrupted: the inbox is ingested every `every_minutes` minutes as a Prefect deployment."""
    inbox.mkdir(parents=True, exist_ok=True)
    with _stopping_on_signals(), prefect_server(prefect_port) as api:
        os.environ["PREFECT_API_URL"] = api
        with _dashboard(settings) as (dashboard, dashboard_child):
            ui = api.removesuffix("/api")
            say(f"dashboard: {dashboard}")
            say(f"Prefect UI: {ui} (Deployments > ingest/inbox; Runs shows each ingest, its logs and counts)")
            say(f"inbox: {inbox} (ingested every {every_minutes:g} minutes; drop files there)")
            command = runner_command(inbox, settings.data_dir, every_minutes)
            with _child(command, None, 0, stop_s=RUNNER_STOP_S, quiet=False) as runner:
                try:
                    while (code := runner.poll()) is None:
                        time.sleep(0.5)  # not Popen.wait, which on Ctrl+C waits 0.25 s more for its child
                except KeyboardInterrupt:
                    say("stopping: the scheduled ingest in flight (the next one picks up its files), the dashboard, "
                        "the Prefect server")  # fmt: skip
                    with contextlib.suppress(OSError):
                        dashboard_child.terminate()  # it depends on nothing: it stops while the runner does
                    raise
                raise RuntimeError(f"the scheduled ingests stopped (exit code {code})")


# The runner process. Nothing below runs in serve's own process.


def run_inbox_deployment(inbox: str, data_dir: str, every_minutes: str) -> None:  # pragma: no cover - runner process
    """serve's runner: the deployment that ingests `inbox` every `every_minutes` minutes, one run at a time (the
    warehouse has one writer: a run falling due while the last one still works is cancelled, and the next one picks
    up whatever it would have found), until SIGTERM (serve stopping, or serve dead: PR_SET_PDEATHSIG)."""
    asyncio.run(_run_inbox_deployment(Path(inbox), Path(data_dir), float(every_minutes)))
    # Stopped, its runs killed and recorded: Prefect's exit handlers would only flush the runner's own log lines to
    # a server about to stop, for a second or more on a loaded machine.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


async def _run_inbox_deployment(inbox: Path, data_dir: Path, every_minutes: float) -> None:  # pragma: no cover
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    from pipeline.flows import ingest

    runner = _inbox_runner()
    deployment_id = await runner.aadd_flow(
        ingest,
        name="inbox",
        interval=dt.timedelta(minutes=every_minutes),
        parameters={"paths": [str(inbox)], "data_dir": str(data_dir)},
        description="Ingest the inbox folder into the medparole warehouse and publish it.",
        tags=["medparole"],
        concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
    )
    # A serve killed with a run in flight (kill -9, or its Prefect server stopped first) left that run running in
    # the API, where it would hold the deployment's one slot, and CANCEL_NEW cancel every run after it.
    await _settle_runs(deployment_id, LEFTOVER_MESSAGE)
    await _serve_until_stopped(runner, deployment_id)


def _inbox_runner() -> Runner:  # pragma: no cover - runner process
    """A Prefect runner running one flow run at a time, whose SIGTERM stops its runs at once instead of giving each
    30 s of grace and then waiting for it without bound (Runner.handle_sigterm, Runner.__aexit__)."""
    from prefect.runner import Runner

    class InboxRunner(Runner):
        on_sigterm: Callable[[], object] | None = None

        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            if self.on_sigterm is None:
                raise SystemExit(0)
            self.on_sigterm()

    return InboxRunner(name="inbox", limit=1)


async def _serve_until_stopped(runner: Runner, deployment_id: UUID) -> None:  # pragma: no cover - runner process
    """Run the runner until SIGTERM; then it tears down as Ctrl+C made it under Flow.serve (no new run, the schedule
    paused), while every process under this one is killed as it appears: the runs in flight and their workers (the
    teardown waits for their processes, which would otherwise wind down for 10 to 25 s). The killed runs are then
    recorded as cancelled."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    runner.on_sigterm = lambda: loop.call_soon_threadsafe(stop.set)  # type: ignore[attr-defined]
    started = asyncio.ensure_future(runner.start())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({started, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if started.done():  # the runner ended by itself: its error is this process's
        stopping.cancel()
        started.result()
        return
    # The runner reports each run it sees killed as crashed "by the operating system (memory limits?)": misleading
    # here, and kept off the terminal; those runs are recorded as cancelled below.
    stopped_at = dt.datetime.now(dt.UTC)
    for name in ("prefect.runner.flow_run_executor", "prefect.runner.state_proposer"):
        logging.getLogger(name).setLevel(logging.WARNING)
    started.cancel()
    deadline = time.monotonic() + _TEARDOWN_S
    while not started.done() and time.monotonic() < deadline:
        _kill_descendants()
        await asyncio.wait({started}, timeout=0.1)
    while _kill_descendants() and time.monotonic() < deadline + 1:  # a run that was starting as the runner stopped
        await asyncio.sleep(0.05)
    if started.done() and not started.cancelled():
        with contextlib.suppress(Exception):
            started.result()
    await _settle_runs(deployment_id, STOPPED_MESSAGE, crashed_since=stopped_at)


def _kill_descendants() -> int:  # pragma: no cover - runner process
    """SIGKILL every live process under this one: the flow runs, their extraction workers (which ignore SIGINT) and
    OCR; returns how many. Not reaped here: each flow run's process is the runner's to join."""
    import psutil

    alive = [child for child in psutil.Process().children(recursive=True) if _alive(child)]
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()
    return len(alive)


def _alive(process: Any) -> bool:  # pragma: no cover - runner process
    import psutil

    try:
        return bool(process.is_running() and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


async def _settle_runs(
    deployment_id: UUID, message: str, crashed_since: dt.datetime | None = None
) -> None:  # pragma: no cover - runner process
    """Record as cancelled the deployment's runs still pending or running in the API, whose processes are gone, and
    those the runner reported as crashed since `crashed_since` (the runs it saw killed): so recorded, a run gives
    back the deployment's concurrency slot. Best effort, within `_SETTLE_S`."""
    from prefect.client.orchestration import get_client
    from prefect.states import Cancelled

    try:
        async with asyncio.timeout(_SETTLE_S), get_client() as client:
            runs = await _read_runs(client, deployment_id, ("PENDING", "RUNNING", "CANCELLING"))
            if crashed_since is not None:
                crashed = await _read_runs(client, deployment_id, ("CRASHED",))
                runs += [run for run in crashed if run.state and run.state.timestamp >= crashed_since]
            for run_id in dict.fromkeys(run.id for run in runs):
                await client.set_flow_run_state(run_id, Cancelled(message=message), force=True)
    except Exception as exc:  # the API gone or slow: the next serve settles them
        print(
            f"medparole: the stopped ingest could not be recorded as cancelled ({type(exc).__name__})", file=sys.stderr
        )


async def _read_runs(client: Any, deployment_id: UUID, states: tuple[str, ...]) -> list[Any]:  # pragma: no cover
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    state = FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType(name) for name in states]))
    runs: list[Any] = await client.read_flow_runs(
        flow_run_filter=FlowRunFilter(state=state),
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
        sort=FlowRunSort.END_TIME_DESC,  # the latest first: crashed runs pile up over the months
        limit=20,
    )
    return runs
