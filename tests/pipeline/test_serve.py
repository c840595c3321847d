"""`medparole serve`'s parts: the dashboard child process comes up over the published copy and goes away, and
an existing Prefect server (PREFECT_API_URL) is used as it is."""

from __future__ import annotations

import dataclasses
import socket
import urllib.request
from pathlib import Path

import pytest

from pipeline import serve
from warehouse.settings import load_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_dashboard_process_serves_the_published_copy_then_stops(published_warehouse: Path) -> None:
    settings = dataclasses.replace(load_settings(), data_dir=published_warehouse, port=_free_port())
    with (
        serve.dashboard_process(settings) as url,
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response,
    ):
        assert response.status == 200
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)


def test_an_existing_prefect_server_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.example:4200/api")
    with serve.prefect_server(4299) as api:
        assert api == "http://prefect.example:4200/api"


def test_dashboard_command_runs_the_app_from_its_hardened_folder() -> None:
    command, folder = serve.dashboard_command(load_settings(), host="0.0.0.0", port=8600)
    assert (folder / ".streamlit" / "config.toml").is_file()
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[command.index("--server.address") + 1] == "0.0.0.0"


def test_serve_ingests_the_inbox_on_its_schedule_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    # The whole long-running mode, as an analyst starts it: its own Prefect server, the deployment's scheduled
    # run ingesting what was dropped in the inbox, the dashboard, and Ctrl+C stopping all of it.
    import json
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    import duckdb

    corpus = Path(__file__).resolve().parents[2] / "sample_docs" / "corpus" / "docs"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for source in sorted(corpus.glob("*.txt"))[:2]:
        shutil.copy(source, inbox / source.name)
    prefect_port, dashboard_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(
        MEDPAROLE_DATA_DIR=str(tmp_path / "data"),
        MEDPAROLE_PORT=str(dashboard_port),
        MEDPAROLE_PSEUDONYM_KEY="medparole-test-key-not-a-secret",
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        LOGURU_LEVEL="INFO",
    )
    command = [sys.executable, "-m", "pipeline.cli", "serve", str(inbox), "--every", "0.2"]
    log = tmp_path / "serve.log"  # a file, not a pipe: a pipe nobody reads would stall serve once full
    with log.open("w") as sink:
        process = subprocess.Popen(
            [*command, "--prefect-port", str(prefect_port)], env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=sink,
        )  # fmt: skip
    published = tmp_path / "data" / "published.duckdb"
    api = f"http://127.0.0.1:{prefect_port}/api"
    try:
        deadline = time.monotonic() + 300
        documents = 0
        while documents < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(2)
            if published.exists():
                con = duckdb.connect(str(published), read_only=True)
                try:
                    documents = con.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchall()[0][0]
                finally:
                    con.close()
        assert documents == 2, log.read_text(encoding="utf-8", errors="replace")[-3000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{dashboard_port}/_stcore/health", timeout=10) as response:
            assert response.status == 200
        request = urllib.request.Request(
            f"{api}/flow_runs/filter",
            data=json.dumps({"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # what the Prefect UI lists
            runs = json.loads(response.read())
        assert any(run["deployment_id"] and run["parameters"]["paths"] == [str(inbox)] for run in runs)
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the terminal reaches the whole group
        try:
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    for port in (prefect_port, dashboard_port):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
