"""Issue 5's crash target: kill -9 an ingest at random points, many times; the published copy must open every
time, and a final run must complete with no duplicates and no document lost.

Each round adds new documents to the inbox, starts `medparole ingest` in a new process group and kills the whole
group (the flow, its extraction workers and its temporary Prefect server, as a power cut would) after a random
delay within a run's length, so kills land in Prefect's start, staging, extraction, loading, case linking and
publishing. Rounds go on until `--kills` runs were really killed mid-way (a run that finishes first still counts
as a round, not as a kill).

    .venv/bin/python bench/kill_bench.py [--kills 50] [--documents 400] [--corpus bench/out/corpus10k/docs]

Results go to bench/out/kill.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, PYTHON, published_rows, report


def _published_ok(published: Path) -> tuple[bool, int]:
    """Whether the published copy opens read-only and answers (documents count); (True, 0) when none exists yet."""
    if not published.exists():
        return True, 0
    try:
        ((count, _cases),) = published_rows(
            published, "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM case_summary)"
        )
        return True, int(str(count))
    except duckdb.Error:
        return False, -1


def _kill_group_after(command: list[str], env: dict[str, str], delay_s: float) -> bool:
    """Run `command` in its own process group and SIGKILL the whole group after `delay_s`; True if it was
    still running (really killed) then."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        process.wait(timeout=delay_s)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


def main() -> None:
    parser = argparse.ArgumentParser(description="kill -9 an ingest at random points, then check the warehouse.")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--documents", type=int, default=400, help="documents in the inbox at the start")
    parser.add_argument("--add", type=int, default=15, help="documents added to the inbox before each round")
    parser.add_argument("--corpus", type=Path, default=OUT / "corpus10k" / "docs")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    work = OUT / "kill"
    shutil.rmtree(work, ignore_errors=True)
    inbox = work / "inbox"
    inbox.mkdir(parents=True)
    corpus = sorted(p for p in args.corpus.iterdir() if p.is_file())
    for path in corpus[: args.documents]:
        shutil.copy(path, inbox / path.name)
    spare = iter(corpus[args.documents :])
    data = work / "data"
    env = {
        **os.environ,
        "MEDPAROLE_DATA_DIR": str(data),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "LOGURU_LEVEL": "INFO",
        "PREFECT_HOME": str(work / "prefect"),
    }
    command = [PYTHON, "-m", "pipeline.cli", "ingest", str(inbox)]

    # One full run first (in a copy) to know how long a run takes, so the kills can span all of it.
    started = time.monotonic()
    timing = subprocess.run(command, env={**env, "MEDPAROLE_DATA_DIR": str(work / "timing")}, capture_output=True)
    assert timing.returncode == 0, timing.stderr[-2000:]
    full_s = time.monotonic() - started

    rng = random.Random(args.seed)
    rounds = opened = killed = 0
    published_counts: list[int] = []
    # A round's run gets shorter than the first once the inbox is known (its files' stats are kept): the kills
    # span the last round that ran to its end, else most would land after the run is over.
    window_s = full_s
    while killed < args.kills and rounds < 3 * args.kills:
        for path in [next(spare) for _ in range(args.add)]:
            shutil.copy(path, inbox / path.name)
        rounds += 1
        started = time.monotonic()
        if _kill_group_after(command, env, rng.uniform(0.5, window_s)):
            killed += 1
        else:
            window_s = time.monotonic() - started
        ok, count = _published_ok(data / "published.duckdb")
        opened += ok
        published_counts.append(count)

    final = subprocess.run(command, env=env, capture_output=True)
    assert final.returncode == 0, final.stderr[-2000:]
    ((documents, distinct, facts, distinct_facts, in_cases),) = published_rows(
        data / "published.duckdb",
        """SELECT (SELECT count(*) FROM documents), (SELECT count(DISTINCT sha256) FROM documents),
                  (SELECT count(*) FROM facts),
                  (SELECT count(DISTINCT (sha256, field, value, start_offset, end_offset)) FROM facts),
                  (SELECT count(DISTINCT sha256) FROM case_documents)""",
    )
    in_inbox = sum(1 for p in inbox.iterdir() if p.is_file())
    results = {
        "rounds": rounds,
        "documents in the inbox at the end": in_inbox,
        "one uninterrupted run s": round(full_s, 1),
        "rounds killed mid-run": killed,
        "published copy opened after a round": f"{opened} of {rounds}",
        "documents in the published copy after each kill (min-max)": f"{min(published_counts)}-{max(published_counts)}",
        "documents after the final run": documents,
        "duplicate documents": documents - distinct,
        "duplicate facts": facts - distinct_facts,
        "documents lost": in_inbox - distinct,
        "documents linked to a case": in_cases,
    }
    report("kill", results)


if __name__ == "__main__":
    main()
