"""A coordinator's corrections survive the dashboard being killed (kill -9) in the middle of the next one."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb

CHILD = Path(__file__).resolve().parents[2] / "bench" / "correction_child.py"


def test_corrections_the_page_confirmed_survive_a_kill_9_mid_correction(case_warehouse: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(case_warehouse, data)
    env = {**os.environ, "MEDPAROLE_DATA_DIR": str(data), "LOGURU_LEVEL": "INFO"}
    acked: list[str] = []
    for round_ in range(2):
        process = subprocess.Popen(
            [sys.executable, str(CHILD), f"t{round_}"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True,
        )  # fmt: skip
        assert process.stdout is not None
        deadline = time.monotonic() + 180
        got = 0
        for line in process.stdout:  # the page confirms each correction; after the second, it is on the third
            assert line.startswith("ACK "), line
            acked.append(line[4:].strip())
            got += 1
            if got == 2 or time.monotonic() > deadline:
                break
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert got == 2, process.stderr.read() if process.stderr else ""

    con = sqlite3.connect(data / "corrections.sqlite")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = [v for (v,) in con.execute("SELECT new_value FROM corrections WHERE action = 'add'")]
    finally:
        con.close()
    assert all(stored.count(value) == 1 for value in acked), (acked, stored)
    published = duckdb.connect(str(data / "published.duckdb"), read_only=True)  # still opens for readers
    try:
        assert published.execute("SELECT count(*) FROM documents").fetchall()[0][0] > 0
    finally:
        published.close()
