"""One ingest of corpus documents and its exports, and everything they leave behind: what the leak tests search.

The documents sit under folder and file names that carry the patients' names, A-numbers and dates of birth, as an
analyst's inbox would, with one file of each failure mode and one file that vanishes mid-run. `collect` runs
`medparole ingest` (the Prefect flow, under a temporary Prefect server) and `medparole export --shared` in every
format, takes the dashboard's shared downloads, and keeps every log record, the CLI's and the workers' output,
Prefect's records, its whole server database and every file under PREFECT_HOME.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest
from identifiers import CORPUS

ROOT = Path(__file__).resolve().parents[2]
TEXT_FORMATS = {"pdf", "docx", "txt", "eml"}
SLICE_CASES = 12


@dataclass
class LeakRun:
    """What one ingest and its exports left behind, by where it was found."""

    data: Path
    cases: list[str]  # the whole cases ingested (their text-layer documents; the scanned page is extra)
    artifacts: dict[str, str] = field(default_factory=dict)
    identified_export: str = ""
    storage_files: list[Path] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    vanished: list[Path] = field(default_factory=list)  # the files whose reading failed, as planned

    def add(self, where: str, text: str) -> None:
        self.artifacts[where] = self.artifacts.get(where, "") + text


class RecordList(logging.Handler):
    """Every record of every logger, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(level=1)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


CANARY = "capture-canary-7f3a"


@contextlib.contextmanager
def _all_logs() -> Iterator[RecordList]:
    """Every log record of every logger at every level (DEBUG included), also from loggers that do not propagate
    (Prefect's, Streamlit's) or that are made while capturing; the loggers' own handlers work as before."""
    handler = RecordList()
    call_handlers, is_enabled_for = logging.Logger.callHandlers, logging.Logger.isEnabledFor

    def record_and_call(self: logging.Logger, record: logging.LogRecord) -> None:
        handler.handle(record)
        call_handlers(self, record)

    logging.Logger.callHandlers = record_and_call  # type: ignore[method-assign]
    logging.Logger.isEnabledFor = lambda self, level: not self.disabled  # type: ignore[method-assign]
    # Prefect's console handler still writes DEBUG lines to the CLI runner's stream after it closed: not ours.
    raise_exceptions, logging.raiseExceptions = logging.raiseExceptions, False
    try:
        logging.getLogger("medparole.tests").debug(CANARY)  # proves the capture works
        yield handler
    finally:
        logging.Logger.callHandlers = call_handlers  # type: ignore[method-assign]
        logging.Logger.isEnabledFor = is_enabled_for  # type: ignore[method-assign]
        logging.raiseExceptions = raise_exceptions


@contextlib.contextmanager
def _file_descriptors(sink: Path) -> Iterator[None]:
    """Standard output and error at the file-descriptor level, so the worker processes' output is kept too."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    with sink.open("wb") as out:
        for fd in saved:
            os.dup2(out.fileno(), fd)
        os.write(2, f"{CANARY}\n".encode())  # proves the capture works
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)


def _slice() -> tuple[list[str], list[dict[str, Any]]]:
    """Whole cases of text-layer documents (fast to read), and one scanned page (the OCR path)."""
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]
    by_case: dict[str, list[dict[str, Any]]] = {}
    for doc in manifest:
        by_case.setdefault(doc["case_key"], []).append(doc)
    readable = [
        key for key, docs in sorted(by_case.items())
        if all(d["format"] in TEXT_FORMATS and not d["scanned"] for d in docs) and len(docs) >= 2
    ][:SLICE_CASES]  # fmt: skip
    scanned = next(d for d in manifest if d["scanned"] and d["format"] == "pdf" and d["pages"] == 1)
    return readable, [d for key in readable for d in by_case[key]] + [scanned]


def _fill_inbox(inbox: Path, documents: list[dict[str, Any]]) -> None:
    """The documents under a folder per family and file names with the patient's name, A-number and birth date,
    and one file of each failure mode named the same way (their errors must not repeat the names either)."""
    truth = {
        c["case_key"]: c for c in map(json.loads, (CORPUS / "cases.jsonl").read_text(encoding="utf-8").splitlines())
    }
    for doc in documents:
        case = truth[doc["case_key"]]
        source = CORPUS / doc["path"]
        folder = inbox / f"Familia {case['patient_name'].split()[-2]}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{case['patient_name']} - {case['a_number']} - DOB {case['date_of_birth']} - {doc['kind']}"
        shutil.copy(source, folder / f"{name}{source.suffix}")
    patient = truth[documents[0]["case_key"]]
    for bad in sorted((ROOT / "sample_docs" / "bad").iterdir()):
        if bad.suffix not in (".md", ".json"):
            shutil.copy(bad, inbox / f"{patient['patient_name']} {patient['a_number']} {bad.name}")
    moved = inbox / f"{patient['patient_name']} - {patient['a_number']} - DOB {patient['date_of_birth']} - {VANISHING}"
    shutil.copy(CORPUS / documents[0]["path"], moved)


VANISHING = "moved away.txt"  # a file that is gone by the time it is read (the analyst moved it mid-run)


@contextlib.contextmanager
def _vanishing_file(tried: list[Path]) -> Iterator[None]:
    """Reading the VANISHING file fails as a file moved away mid-run does: FileNotFoundError with its path, whether
    it is read through Path.read_bytes or opened (as staging opens each file it hashes)."""
    import builtins

    import pipeline.staging as staging

    read_bytes = Path.read_bytes

    def gone(path: Path) -> FileNotFoundError:
        tried.append(path)
        return FileNotFoundError(2, "No such file or directory", str(path))

    def read(path: Path) -> bytes:
        if path.name.endswith(VANISHING):
            raise gone(path)
        return read_bytes(path)

    def opened(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | Path) and str(file).endswith(VANISHING):
            raise gone(Path(file))
        return builtins.open(file, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Path, "read_bytes", read)
        mp.setattr(staging, "open", opened, raising=False)
        yield


def _prefect_records(run: LeakRun) -> None:
    """Flow runs (parameters, state messages and data), task runs, their state histories, logs and artifacts,
    as the Prefect API gives them."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        flow_runs = client.read_flow_runs()
        task_runs = client.read_task_runs()
        assert flow_runs and task_runs
        for flow_run in flow_runs:
            run.add("prefect flow runs", flow_run.model_dump_json())
            for state in client.read_flow_run_states(flow_run.id):
                run.add("prefect flow run states", state.model_dump_json())
        for task_run in task_runs:
            run.add("prefect task runs", task_run.model_dump_json())
        logs = client.read_logs()
        assert logs, "the flow's logs did not reach the Prefect API"
        run.add("prefect logs (API)", "\n".join(log.model_dump_json() for log in logs))
        run.add("prefect artifacts", "\n".join(a.model_dump_json() for a in client.read_artifacts()))


def _sqlite_dump(path: Path) -> str:
    """Every row of every table of the Prefect server's database."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        lines = [f"{t}: {row!r}" for t in tables for row in con.execute(f'SELECT * FROM "{t}"')]
    finally:
        con.close()
    assert len(lines) > 50, "the Prefect database looks empty: the dump would prove nothing"
    return "\n".join(lines)


def _file_text(path: Path) -> str:
    """A file's text; Prefect's result files are base64 of pickles, so those are decoded too."""
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    with contextlib.suppress(binascii.Error, ValueError):
        text += "\n" + base64.b64decode(raw, validate=False).decode("utf-8", errors="replace")
    return text


def _export_text(result_path: Path) -> str:
    """The contents of an export as a reader sees them: cells of every sheet, the Parquet table and its schema
    notes, the CSV and the notes beside it; and the file's own name."""
    parts = [result_path.name]
    if result_path.suffix == ".xlsx":
        book = openpyxl.load_workbook(result_path)
        parts += [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    elif result_path.suffix == ".parquet":
        table = pq.read_table(result_path)
        parts.append(table.to_pandas().to_csv(index=False))
        parts += [v.decode("utf-8", errors="replace") for v in (table.schema.metadata or {}).values()]
    else:
        parts.append(result_path.read_text(encoding="utf-8"))
    notes = result_path.with_name(f"{result_path.stem}.notes.txt")
    if notes.exists():
        parts.append(notes.read_text(encoding="utf-8"))
    return "\n".join(parts)


def _cli(args: list[str]) -> str:
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def _shared_exports(run: LeakRun, out: Path) -> None:
    """`medparole export --shared` in every format, unfiltered and under filters that select few cases."""
    filters = [[], ["--language", "es"], ["--age-group", "0-4"], ["--treatment-unavailable"]]
    filters += [["--outcome", outcome] for outcome in run.outcomes]
    asks = [["--shared"], ["--shared", "--identified"], ["--shared", "--coarsen-dates"]]
    for number, extra in enumerate(filters):
        for fmt in ("csv", "xlsx", "parquet"):
            for flags in asks if not extra else asks[:1]:
                folder = out / f"{number}-{fmt}-{'-'.join(flags)}"
                folder.mkdir(parents=True)
                said = _cli(["export", "--format", fmt, "--out", str(folder), *flags, *extra])
                run.add("CLI export output", said)
                (written,) = [p for p in folder.iterdir() if not p.name.endswith(".notes.txt")]
                run.add(f"shared export {fmt}", _export_text(written))


def _dashboard_downloads(run: LeakRun) -> None:
    """What the Cases page's download buttons give in shared mode (identified asked or not: shared wins)."""
    from dashboard import data
    from warehouse.export import ExportFormat
    from warehouse.filters import CaseFilter

    for flt in [CaseFilter(), CaseFilter(languages=("es",)), *(CaseFilter(outcomes=(o,)) for o in run.outcomes)]:
        for fmt in ExportFormat:
            for identified in (False, True):
                payload = data.export_file(flt, fmt, identified=identified, shared=True)
                path = run.data / f"download.{fmt.value}"
                path.write_bytes(payload)
                run.add(f"dashboard shared download {fmt.value}", _export_text(path))
        run.add("dashboard shared notes", data.export_notes(flt, identified=True, shared=True).decode("utf-8"))


def collect(tmp: Path) -> LeakRun:
    """One ingest of the slice through `medparole ingest` (the Prefect flow under a temporary server), then the
    exports; everything they wrote, logged or printed, collected."""
    from prefect.settings import (
        PREFECT_HOME,
        PREFECT_LOCAL_STORAGE_PATH,
        PREFECT_SERVER_DATABASE_CONNECTION_URL,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    cases, documents = _slice()
    _fill_inbox(tmp / "inbox", documents)
    run = LeakRun(data=tmp / "data", cases=cases)
    home = tmp / "prefect-home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEDPAROLE_DATA_DIR", str(run.data))
        mp.setenv("MEDPAROLE_BATCH_SIZE", "8")
        settings = {PREFECT_HOME: str(home), PREFECT_LOCAL_STORAGE_PATH: str(home / "storage")}
        with temporary_settings(updates=settings), prefect_test_harness(server_startup_timeout=90):
            database = Path(PREFECT_SERVER_DATABASE_CONNECTION_URL.value().split(":///", 1)[1])
            with _all_logs() as records, _file_descriptors(tmp / "fd-output.txt"), _vanishing_file(run.vanished):
                said = _cli(["ingest", str(tmp / "inbox"), "--workers", "2"])
                from prefect.logging.handlers import APILogHandler

                APILogHandler().flush()
            run.add("CLI ingest output", said)
            run.add("ingest logs", "\n".join(records.lines))
            _prefect_records(run)
        run.add("Prefect server database", _sqlite_dump(database))
        run.add(
            "stdout and stderr of the process and its workers", (tmp / "fd-output.txt").read_text("utf-8", "replace")
        )
        run.storage_files = [p for p in home.rglob("*") if p.is_file()]
        for path in run.storage_files:
            run.add(f"PREFECT_HOME file {path.relative_to(home)}", _file_text(path))
        with duckdb.connect(str(run.data / "published.duckdb"), read_only=True) as con:
            rows = con.execute("SELECT DISTINCT latest_outcome FROM case_summary WHERE latest_outcome IS NOT NULL")
            run.outcomes = sorted(r[0] for r in rows.fetchall())
        with _all_logs() as records:
            _shared_exports(run, tmp / "exports")
            _dashboard_downloads(run)
            identified = tmp / "identified"
            identified.mkdir()
            _cli(["export", "--format", "csv", "--out", str(identified / "cases.csv"), "--identified"])
            run.identified_export = (identified / "cases.csv").read_text(encoding="utf-8")
        run.add("export logs", "\n".join(records.lines))
    return run
