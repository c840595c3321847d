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
