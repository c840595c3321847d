"""`medparole`: extract documents, ingest them into the warehouse, and serve the dashboard."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pipeline.cli_eval import evaluate

app = typer.Typer(
    name="medparole",
    help="Turn medical humanitarian-parole paperwork into grounded facts, a warehouse and a dashboard.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
err = Console(stderr=True, soft_wrap=True)


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


def _quiet_frameworks() -> None:
    # Before Prefect or medspaCy are imported: no telemetry, no DEBUG flood from loguru.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("LOGURU_LEVEL", "INFO")


def _checked_settings() -> Any:
    """The settings, with the pseudonym key read (and created on first use): a setting or key that cannot be
    used is reported here, in a line that says what to change, before Prefect starts or any document is read."""
    from warehouse.settings import load_settings

    try:
        settings = load_settings()
        settings.key()
    except ValueError as exc:  # PseudonymKeyError and unusable MEDPAROLE_* numbers say how to fix themselves
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    return settings


@contextlib.contextmanager
def _writer_held(settings: Any) -> Iterator[Any]:
    """The working warehouse opened here, before Prefect starts, and held until the run ends: a run that finds
    another medparole process writing it stops at once, saying so in one line (the Pipeline page shows the last
    lines of a run it started), not after Prefect's start with tracebacks. The flow's connection in this process
    shares this DuckDB instance (DuckDB keeps one per file and process), so this one does not refuse it."""
    import duckdb

    from warehouse.db import WarehouseBusy

    settings.working_db.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(settings.working_db))
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        err.print(f"[red]{WarehouseBusy(settings.working_db)}[/red]")
        raise typer.Exit(1) from None
    try:
        yield con
    finally:
        con.close()


def _documents_known(con: Any) -> int:
    """Documents in the working warehouse (0 before the first run)."""
    import duckdb

    try:
        return int(con.execute("SELECT count(*) FROM documents").fetchall()[0][0])
    except duckdb.CatalogException:
        return 0


@app.command()
def extract(
    files: Annotated[
        list[Path], typer.Argument(help="Files or folders to read (PDF, scans, photos, DOCX, text, .eml).")
    ],
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="jsonl: one contract record per line; table: for people.")
    ] = OutputFormat.jsonl,
    workers: Annotated[int, typer.Option(help="Worker processes; 0 = MEDPAROLE_WORKERS.")] = 0,
) -> None:
    """Extract facts from files and print them (nothing is written to the warehouse).

    Each document is read in a worker process with the time and memory limits of the settings; a file that
    cannot be read is printed as a failed record with an error code and what to do, and the others go on.
    """
    _quiet_frameworks()
    from pipeline.staging import discover
    from pipeline.workers import ExtractionPool, Job, WorkerLimits
    from warehouse.settings import load_settings

    settings = load_settings()
    jobs: list[Job] = []
    for given in files:
        if given.is_dir():
            base = len(jobs)
            jobs.extend([Job(str(base + i), p, str(p)) for i, p in enumerate(discover([given]))])
        elif given.exists():
            jobs.append(Job(str(len(jobs)), given, str(given)))
        else:
            err.print(f"[red]{given} does not exist[/red]: check the path.")
            raise typer.Exit(2)
    from pipeline.flows import read_limits

    limits = WorkerLimits(timeout_s=settings.doc_timeout_s, memory_mb=settings.doc_memory_mb)
    pending: dict[int, object] = {}
    next_index = 0
    failed = 0
    with ExtractionPool(min(workers or settings.workers, len(jobs)), read_limits(settings), limits) as pool:
        for key, extraction in pool.run(jobs):
            pending[int(key)] = extraction
            while next_index in pending:
                result = pending.pop(next_index)
                next_index += 1
                failed += result.status == "failed"  # type: ignore[attr-defined]
                _print_extraction(result, format)
    if failed:
        err.print(f"{failed} of {len(jobs)} files could not be read; see each record's error.message.")


def _print_extraction(extraction: object, format: OutputFormat) -> None:
    from pipeline.models import Extraction

    assert isinstance(extraction, Extraction)
    record = extraction.to_record()
    if format is OutputFormat.jsonl:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return
    console = Console()
    title = (
        f"{record['source']}: {record['doc_type']} ({record['language']}), {record['pages']} pages, {record['status']}"
    )
    if record["error"]:
        console.print(f"[bold]{title}[/bold]\n  [red]{record['error']['code']}[/red]: {record['error']['message']}")
        return
    table = Table(title=title, title_justify="left")
    for column in ("field", "value", "attributes", "text", "page", "conf."):
        table.add_column(column)
    for fact in record["facts"]:
        attrs = ", ".join(f"{k}={v}" for k, v in fact["attributes"].items())
        table.add_row(
            fact["field"], str(fact["value"]), attrs, fact["text"], str(fact["page"]), f"{fact['confidence']:.2f}"
        )
    console.print(table)


class TaskRunnerChoice(StrEnum):
    local = "local"
    dask = "dask"


def _rate_column() -> Any:
    """A progress column with the rate in documents per second (rich's own speed column counts bytes)."""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:.1f} docs/s" if task.speed else "", style="progress.data.speed")

    return RateColumn()


def _run_with_progress(label: str, run: Callable[[], dict[str, int]]) -> dict[str, int]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from pipeline import flows

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        _rate_column(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err,
    ) as progress:
        bar = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(bar, completed=done, total=total)

        flows.add_progress_listener(update)
        try:
            return run()
        finally:
            flows.remove_progress_listener(update)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to bring into the warehouse.")],
    workers: Annotated[int, typer.Option(help="Worker processes; 0 = MEDPAROLE_WORKERS.")] = 0,
    retry_failed: Annotated[bool, typer.Option(help="Read again documents that failed before.")] = False,
    task_runner: Annotated[
        TaskRunnerChoice, typer.Option(help="local: worker processes here; dask: batches on a Dask cluster.")
    ] = TaskRunnerChoice.local,
    dask_address: Annotated[
        str, typer.Option(help="Scheduler address for --task-runner dask, e.g. tcp://10.0.0.5:8786.")
    ] = "",
) -> None:
    """Ingest documents with the Prefect flow: read and extract what is new, skip what is known, publish.

    Every file is kept in the content-addressed store under MEDPAROLE_DATA_DIR, so the inbox can be cleaned
    afterwards. Re-running on the same files reads nothing again.
    """
    _quiet_frameworks()
    for path in paths:
        if not path.exists():
            err.print(f"[red]{path} does not exist[/red]: check the path.")
            raise typer.Exit(2)
    if task_runner is TaskRunnerChoice.dask and not dask_address:
        err.print("[red]--task-runner dask needs --dask-address[/red] (the scheduler, e.g. tcp://host:8786).")
        raise typer.Exit(2)
    settings = _checked_settings()
    from pipeline import flows
    from pipeline.staging import discover

    # What was typed goes to the flow in a file of the data dir: a Prefect parameter is stored and shown in the UI,
    # and file and folder names are often a patient's.
    runs_dir = settings.data_dir / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    listing = runs_dir / f"ingest-{os.getpid()}-{time.time_ns()}.paths"
    listing.write_text("".join(f"{p.resolve()}\n" for p in paths), encoding="utf-8")
    try:
        with _writer_held(settings) as con:
            # More files than known documents: there is likely work, so the workers load their libraries while
            # Prefect starts. (A re-run of known files starts none: it would only slow Prefect's start.)
            if task_runner is TaskRunnerChoice.local and len(discover(paths)) > _documents_known(con):
                flows.prestart_pool(workers or None)
            counts = _run_with_progress(
                "extracting",
                lambda: flows.ingest(
                    [],
                    workers=workers or None,
                    retry_failed=retry_failed,
                    dask_address=dask_address or None,
                    path_list=str(listing),
                ),
            )
    finally:
        flows.discard_prestarted_pool()
        listing.unlink(missing_ok=True)
    err.print(
        f"{counts['seen']} files seen, {counts['new']} extracted, {counts['skipped']} already known, "
        f"{counts['failed']} failed."
    )


@app.command()
def reextract(
    workers: Annotated[int, typer.Option(help="Worker processes; 0 = MEDPAROLE_WORKERS.")] = 0,
    force: Annotated[bool, typer.Option(help="Re-extract every document, not only those of older rules.")] = False,
) -> None:
    """Re-run the extraction over the stored text (no file read, no OCR) after a rule change, then publish.

    Only documents whose facts came from another extractor version are redone, unless --force.
    """
    _quiet_frameworks()
    settings = _checked_settings()
    from pipeline import flows

    try:
        with _writer_held(settings) as con:
            if force and _documents_known(con):  # every document will be redone: workers start with Prefect
                flows.prestart_pool(workers or None)
            counts = _run_with_progress("re-extracting", lambda: flows.reextract(workers=workers or None, force=force))
    finally:
        flows.discard_prestarted_pool()
    err.print(f"{counts['reextracted']} documents re-extracted, {counts['failed']} failed.")


@app.command()
def publish() -> None:
    """Publish the working warehouse again as the dashboard's read-only copy (nothing is extracted)."""
    _quiet_frameworks()
    settings = _checked_settings()
    from pipeline import flows

    with _writer_held(settings):
        published = flows.publish()
    err.print(f"published {published}")


@app.command()
def dashboard(
    port: Annotated[int, typer.Option(help="Port; 0 = MEDPAROLE_PORT.")] = 0,
    host: Annotated[str, typer.Option(help="Address; empty = MEDPAROLE_HOST.")] = "",
) -> None:
    """Serve the dashboard (Streamlit) over the published warehouse, on http://127.0.0.1:8501 by default."""
    from pipeline.serve import dashboard_command
    from warehouse.settings import load_settings

    settings = load_settings()
    command, folder = dashboard_command(settings, host, port)
    env = {**os.environ, "MEDPAROLE_DATA_DIR": str(settings.data_dir)}
    err.print(f"dashboard on http://{host or settings.host}:{port or settings.port} (Ctrl+C to stop)")
    raise typer.Exit(subprocess.call(command, env=env, cwd=folder))


@app.command()
def serve(
    inbox: Annotated[Path, typer.Argument(help="Folder to watch; files dropped here are ingested.")] = Path("inbox"),
    every: Annotated[float, typer.Option(help="Minutes between scheduled ingests of the inbox.")] = 15.0,
    prefect_port: Annotated[int, typer.Option(help="Port of the Prefect server started here.")] = 4200,
) -> None:
    """Long-running mode: a Prefect server (or PREFECT_API_URL's), a deployment that ingests INBOX on a
    schedule, and the dashboard. Follow each run in the Prefect UI; stop everything with Ctrl+C."""
    _quiet_frameworks()
    settings = _checked_settings()
    from pipeline.serve import serve as run_serve

    try:
        run_serve(inbox.resolve(), settings, every, prefect_port, say=err.print)
    except KeyboardInterrupt:
        err.print("stopped")
    except RuntimeError as exc:
        err.print(f"[red]{exc}[/red]: check nothing else uses the ports (MEDPAROLE_PORT, --prefect-port).")
        raise typer.Exit(1) from None


app.command(name="eval")(evaluate)


@app.command(name="export")
def export_cases(
    out: Annotated[Path, typer.Option("--out", help="File to write, or a folder (the name is made from the filters).")],
    format: Annotated[str, typer.Option("--format", "-f", help="csv, xlsx or parquet.")] = "csv",
    outcome: Annotated[
        list[str] | None, typer.Option(help="Latest outcome (granted, denied, ...); repeatable.")
    ] = None,
    diagnosis: Annotated[list[str] | None, typer.Option(help="Primary diagnosis; repeatable.")] = None,
    icd10_chapter: Annotated[list[int] | None, typer.Option(help="ICD-10 chapter number; repeatable.")] = None,
    facility: Annotated[list[str] | None, typer.Option(help="Facility; repeatable.")] = None,
    state: Annotated[list[str] | None, typer.Option(help="Facility state (CA, TX, ...); repeatable.")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Country of origin (MX, HN, ...); repeatable.")] = None,
    legal_org: Annotated[list[str] | None, typer.Option(help="Legal organisation; repeatable.")] = None,
    age_group: Annotated[list[str] | None, typer.Option(help="0-4, 5-11, 12-17 or 18+; repeatable.")] = None,
    language: Annotated[list[str] | None, typer.Option(help="A document's language (en, es); repeatable.")] = None,
    date_field: Annotated[str, typer.Option(help="decision_date, filed_date or parole_end.")] = "decision_date",
    date_from: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD), inclusive.")] = None,
    date_to: Annotated[str | None, typer.Option(help="Up to this date (YYYY-MM-DD), inclusive.")] = None,
    treatment_unavailable: Annotated[
        bool | None, typer.Option("--treatment-unavailable/--treatment-available", help="Treatment at home.")
    ] = None,
    needs_review: Annotated[bool | None, typer.Option("--needs-review/--reviewed", help="Review state.")] = None,
    text: Annotated[str, typer.Option(help="Words the case's documents contain.")] = "",
    identified: Annotated[bool, typer.Option(help="Add names, A-numbers and dates of birth. Never share.")] = False,
    shared: Annotated[bool, typer.Option(help="Counts only, 1-10 suppressed: for partners and the public.")] = False,
    coarsen_dates: Annotated[bool, typer.Option(help="Cut dates to their month.")] = False,
) -> None:
    """Export the filtered case table from the published warehouse: de-identified by default, with notes."""
    import datetime as dt

    from warehouse import db
    from warehouse.export import ExportFormat, export
    from warehouse.filters import CaseFilter, DateField
    from warehouse.settings import load_settings

    try:
        flt = CaseFilter(
            date_field=DateField(date_field),
            date_from=dt.date.fromisoformat(date_from) if date_from else None,
            date_to=dt.date.fromisoformat(date_to) if date_to else None,
            outcomes=tuple(outcome or ()),
            diagnoses=tuple(diagnosis or ()),
            icd10_chapters=tuple(icd10_chapter or ()),
            facilities=tuple(facility or ()),
            states=tuple(state or ()),
            countries=tuple(country or ()),
            legal_orgs=tuple(legal_org or ()),
            age_groups=tuple(age_group or ()),
            languages=tuple(language or ()),
            treatment_unavailable=treatment_unavailable,
            needs_review=needs_review,
            text=text,
        )
        fmt = ExportFormat(format)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    settings = load_settings()
    with db.open_published(settings.published_db) as con:
        result = export(con, flt, fmt, out, identified=identified, shared=shared, coarsen_dates=coarsen_dates)
    err.print(f"{result.sentence}: wrote {result.path}" + (f" and {result.notes_path}" if result.notes_path else ""))


@app.command(name="evidence-image")
def evidence_image(
    file: Annotated[Path, typer.Argument(help="The document (PDF or image), e.g. the stored original.")],
    page: Annotated[int, typer.Option(help="Page number, from 1.")],
    start: Annotated[int, typer.Option(help="The fact's first character, as an offset into that page's text.")],
    end: Annotated[int, typer.Option(help="One past the fact's last character, an offset into the page's text.")],
    out: Annotated[Path, typer.Option(help="Where to write the page as PNG, the fact's span boxed.")],
    page_text: Annotated[
        Path | None,
        typer.Option(help="A file holding the page's text as stored ('-' for standard input); saves re-running OCR."),
    ] = None,
) -> None:
    """Render one page with a fact's span boxed; print the boxes (fractions of the page, origin top-left) as JSON."""
    from pipeline.errors import DocumentError
    from pipeline.evidence import draw_boxes, page_evidence

    if not file.is_file():
        err.print(f"[red]{file} is not a file[/red]: give the document's path.")
        raise typer.Exit(2)
    text = None
    if page_text is not None:
        text = sys.stdin.read() if str(page_text) == "-" else page_text.read_text(encoding="utf-8")
    try:
        evidence = page_evidence(file, page, start, end, page_text=text)
    except DocumentError as exc:
        err.print(f"[red]No page image[/red]: {exc.message}")
        raise typer.Exit(1) from exc
    out.write_bytes(draw_boxes(evidence.image, evidence.boxes))
    record = {"boxes": [box.to_record() for box in evidence.boxes], "ocr": evidence.ocr}
    typer.echo(json.dumps(record))


@app.command(name="settings")
def show_settings() -> None:
    """Print every setting with its default, its current value and what it does."""
    from warehouse.settings import SETTINGS

    table = Table(title="medparole settings (environment variables)")
    for column in ("name", "default", "current", "help"):
        table.add_column(column)
    for setting in SETTINGS:
        table.add_row(setting.name, setting.default, os.environ.get(setting.name, ""), setting.help)
    Console().print(table)


if __name__ == "__main__":
    app()
