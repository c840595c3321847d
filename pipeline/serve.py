"""`medparole serve`: the long-running mode. A Prefect server (or the one PREFECT_API_URL names), a deployment
that ingests an inbox folder on a schedule, and the dashboard, all stopped together with Ctrl+C."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from warehouse.settings import Settings


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


@contextlib.contextmanager
def _child(
    command: list[str], health_url: str, timeout_s: float, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Iterator[None]:
    """A child process, ready once `health_url` answers; stopped (politely, then by force) on the way out.
    Its output goes nowhere: a pipe nobody reads would stall it once full. It runs in a session of its own, so
    Ctrl+C in the terminal reaches serve alone, which stops the scheduled runs first and then its children in
    order (a Prefect server stopped under a running flow leaves it retrying for a minute)."""
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **(env or {})}
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=_die_with_parent,
    )  # fmt: skip
    try:
        wait_for(health_url, timeout_s, process)
        yield
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        if process.poll() is None:
            process.kill()


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
    command, folder = dashboard_command(settings)
    url = f"http://{settings.host}:{settings.port}"
    with _child(command, f"{url}/_stcore/health", 60, cwd=folder, env={"MEDPAROLE_DATA_DIR": str(settings.data_dir)}):
        yield url


def serve(
    inbox: Path, settings: Settings, every_minutes: float, prefect_port: int, say: Callable[[str], object] = print
) -> None:
    """Run until interrupted: the inbox is ingested every `every_minutes` minutes as a Prefect deployment."""
    inbox.mkdir(parents=True, exist_ok=True)
    with prefect_server(prefect_port) as api:
        os.environ["PREFECT_API_URL"] = api
        from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

        from pipeline.flows import ingest

        with dashboard_process(settings) as dashboard:
            ui = api.removesuffix("/api")
            say(f"dashboard: {dashboard}")
            say(f"Prefect UI: {ui} (Deployments > ingest/inbox; Runs shows each ingest, its logs and counts)")
            say(f"inbox: {inbox} (ingested every {every_minutes:g} minutes; drop files there)")
            ingest.serve(
                name="inbox",
                interval=dt.timedelta(minutes=every_minutes),
                parameters={"paths": [str(inbox)], "data_dir": str(settings.data_dir)},
                description="Ingest the inbox folder into the medparole warehouse and publish it.",
                tags=["medparole"],
                print_starting_message=False,
                # One ingest at a time (the warehouse has one writer): a run falling due while the last one still
                # works is cancelled, and the next one picks up whatever it would have found.
                limit=1,
                global_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
            )
