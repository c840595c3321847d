"""The run ledger: what each flow run saw, loaded, skipped and failed, and how long it took."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import duckdb


@dataclass
class RunCounts:
    seen: int = 0
    new: int = 0
    skipped: int = 0
    failed: int = 0
    pages: int = 0


def start_run(con: duckdb.DuckDBPyConnection, flow: str, extractor_version: str) -> str:
    """Record a run as running and return its id. The flow is the only writer, so a run still marked running
    when another starts was killed: it is marked interrupted."""
    con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
    run_id = uuid.uuid4().hex
    con.execute(
        "INSERT INTO runs (run_id, flow, started_at, extractor_version) VALUES (?, ?, ?, ?)",
        [run_id, flow, dt.datetime.now(dt.UTC).replace(tzinfo=None), extractor_version],
    )
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, counts: RunCounts, status: str = "completed") -> None:
    """Record a run's counts, end time and duration."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(
        """
        UPDATE runs SET finished_at = ?, status = ?, seen = ?, new = ?, skipped = ?, failed = ?, pages = ?,
            duration_s = date_diff('millisecond', started_at, ?::TIMESTAMP) / 1000.0
        WHERE run_id = ?
        """,
        [now, status, counts.seen, counts.new, counts.skipped, counts.failed, counts.pages, now, run_id],
    )
