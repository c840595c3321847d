"""`medparole serve`: the long-running mode. A Prefect server (or the one PREFECT_API_URL names), a deployment
that ingests an inbox folder on a schedule, and the dashboard, all stopped together with Ctrl+C."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from warehouse.settings import Settings


def _wait_for(url: str, timeout_s: float, process: subprocess.Popen[bytes] | None = None) -> None:
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


@contextlib.contextmanager
def prefect_server(port: int) -> Iterator[str]:
    """The API URL of a Prefect server: PREFECT_API_URL's if set, else one started here on `port`."""
    existing = os.environ.get("PREFECT_API_URL")
    if existing:
        yield existing
        return
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    api = f"http://127.0.0.1:{port}/api"
    try:
        _wait_for(f"{api}/health", 120, process)
        yield api
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        if process.poll() is None:
            process.kill()


@contextlib.contextmanager
def dashboard_process(settings: Settings) -> Iterator[str]:
    """The Streamlit dashboard over the published copy, as a child process."""
    app = Path(str(resources.files("dashboard").joinpath("app.py")))
    env = {**os.environ, "MEDPAROLE_DATA_DIR": str(settings.data_dir)}
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(settings.port), "--server.address", settings.host,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=app.parent, stdout=subprocess.DEVNULL)
    url = f"http://{settings.host}:{settings.port}"
    try:
        _wait_for(f"{url}/_stcore/health", 60, process)
        yield url
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)


def serve(inbox: Path, settings: Settings, every_minutes: float, prefect_port: int, say: object = print) -> None:
    """Run until interrupted: the inbox is ingested every `every_minutes` minutes as a Prefect deployment."""
    inbox.mkdir(parents=True, exist_ok=True)
    with prefect_server(prefect_port) as api:
        os.environ["PREFECT_API_URL"] = api
        from pipeline.flows import ingest

        with dashboard_process(settings) as dashboard:
            ui = api.removesuffix("/api")
            assert callable(say)
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
            )
