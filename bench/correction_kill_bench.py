"""Issue 7's second fault: kill -9 the dashboard in the middle of a correction, many times. Every correction the
page showed as saved must survive, none twice; the corrections store and the published copy must open after every
kill; a publish afterwards must carry every stored correction into the published copy.

Each round starts bench/correction_child.py (the Review page, run by Streamlit's AppTest, adding one fact after
another) and SIGKILLs it after a random delay, so kills land while the page loads, while a correction is written
and between corrections.

    .venv/bin/python bench/correction_kill_bench.py [--kills 50]

Results go to bench/out/correction_kill.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, PYTHON, ROOT, published_rows, report

CHILD = ROOT / "bench" / "correction_child.py"


def _env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MEDPAROLE_DATA_DIR": str(data_dir),
        "LOGURU_LEVEL": "INFO",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    }


def _medparole(data_dir: Path, *args: str) -> None:
    done = subprocess.run([PYTHON, "-m", "pipeline.cli", *args], env=_env(data_dir), capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"medparole {args[0]} failed:\n{done.stderr[-2000:]}")


def kill_mid_correction(data_dir: Path, tag: str, delay_s: float) -> tuple[list[str], bool]:
    """Run the correcting page for `delay_s` seconds, then SIGKILL it: (values it acknowledged, whether it was
    still running when killed)."""
    process = subprocess.Popen(
        [PYTHON, str(CHILD), tag], env=_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        start_new_session=True, text=True,
    )  # fmt: skip
    acked: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("ACK "):
                acked.append(line[4:].strip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        process.wait(timeout=delay_s)
        killed = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        killed = True
    reader.join(timeout=10)
    return acked, killed


def stored_values(store: Path) -> tuple[bool, Counter[str]]:
    """(whether SQLite finds the store intact, how many times each added value is stored)."""
    con = sqlite3.connect(store, timeout=10.0)
    try:
        intact = con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        values = Counter(str(v) for (v,) in con.execute("SELECT new_value FROM corrections WHERE action = 'add'"))
        return intact, values
    finally:
        con.close()


def _ingest_sample(data_dir: Path, documents: int) -> None:
    corpus = ROOT / "sample_docs" / "corpus" / "docs"
    inbox = data_dir.parent / "correction-inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir(parents=True)
    for path in sorted(p for p in corpus.iterdir() if p.suffix in {".txt", ".eml"})[:documents]:
        shutil.copy(path, inbox / path.name)
    _medparole(data_dir, "ingest", str(inbox))


def main() -> None:
    parser = argparse.ArgumentParser(description="Kill the dashboard in the middle of corrections.")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--data", type=Path, default=OUT / "correction-kill")
    args = parser.parse_args()
    shutil.rmtree(args.data, ignore_errors=True)
    _ingest_sample(args.data, args.documents)
    store = args.data / "corrections.sqlite"
    published = args.data / "published.duckdb"
    rng = random.Random(7)
    acked: list[str] = []
    kills = rounds = intact = opened = 0
    started = time.monotonic()
    while kills < args.kills:
        rounds += 1
        got, killed = kill_mid_correction(args.data, f"r{rounds}", rng.uniform(3.0, 12.0))
        acked += got
        kills += killed
        if store.exists():
            ok, _ = stored_values(store)
            intact += ok
        try:
            published_rows(published, "SELECT count(*) FROM corrections")
            opened += 1
        except Exception:  # any failure to open counts against the target
            pass
    _, values = stored_values(store)
    lost = [v for v in acked if values[v] == 0]
    _medparole(args.data, "publish")
    sql = "SELECT count(*), count(DISTINCT correction_id) FROM corrections"
    ((published_count, distinct_ids),) = published_rows(published, sql)
    report(
        "correction_kill",
        {
            "rounds": rounds,
            "killed_mid_run": kills,
            "corrections_acknowledged": len(acked),
            "corrections_stored": sum(values.values()),
            "acknowledged_but_lost": len(lost),
            "stored_twice": sum(1 for count in values.values() if count > 1),
            "store_intact_after_kill": f"{intact}/{rounds}",
            "published_copy_opened_after_kill": f"{opened}/{rounds}",
            "published_after_publish": published_count,
            "published_duplicates": int(str(published_count)) - int(str(distinct_ids)),
            "seconds": round(time.monotonic() - started),
        },
    )


if __name__ == "__main__":
    main()
