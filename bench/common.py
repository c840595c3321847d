"""Shared helpers for the benchmarks: run a command while sampling the memory of its whole process tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PYTHON = sys.executable


@dataclass
class Measured:
    seconds: float
    peak_tree_rss_mb: float
    peak_single_rss_mb: float
    returncode: int
    stderr_tail: str
    # The tree's proportional set size: each page shared by several processes (the libraries every worker maps)
    # counted once, split among them. The RSS sum counts it in every process that maps it.
    peak_tree_pss_mb: float = 0.0


def run_measured(command: list[str], env: dict[str, str] | None = None, interval_s: float = 0.25) -> Measured:
    """Run `command`, sampling every `interval_s` the summed RSS of it and all its descendants, and every fourth
    time their summed PSS (reading it walks each process's memory map, which costs more)."""
    started = time.monotonic()
    process = subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak_tree = 0.0
    peak_single = 0.0
    stderr_chunks: list[bytes] = []

    def drain() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            stderr_chunks.append(line)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    root = psutil.Process(process.pid)
    peak_pss = 0.0
    tick = 0
    while process.poll() is None:
        try:
            members = [root, *root.children(recursive=True)]
            sizes = []
            proportional = []
            for member in members:
                try:
                    sizes.append(member.memory_info().rss)
                    if tick % 4 == 0:
                        proportional.append(member.memory_full_info().pss)
                except psutil.Error:
                    continue
            peak_tree = max(peak_tree, sum(sizes) / 2**20)
            peak_single = max(peak_single, max(sizes, default=0) / 2**20)
            peak_pss = max(peak_pss, sum(proportional) / 2**20)
        except psutil.Error:
            pass
        tick += 1
        time.sleep(interval_s)
    reader.join(timeout=5)
    tail = b"".join(stderr_chunks[-15:]).decode("utf-8", "replace")
    return Measured(time.monotonic() - started, peak_tree, peak_single, process.returncode, tail, peak_pss)


def report(name: str, results: dict[str, object]) -> None:
    """Write bench/out/<name>.json and print the figures as a Markdown table."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("| what | figure |\n|---|---|")
    for key, value in results.items():
        print(f"| {key.replace('_', ' ')} | {value} |")


def published_rows(published: Path, sql: str) -> list[tuple[object, ...]]:
    """The rows `sql` gives on a published warehouse, opened read-only and closed again at once."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
