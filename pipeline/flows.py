"""Prefect flows: thin wiring around the extraction core and the warehouse.

Parameters are paths and options only; task results are never persisted (they hold medical and immigration
facts) and logs carry counts, never names, identifiers or file names.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import sys
import time
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline.extract import extractor_version
from pipeline.models import Extraction, Page, Status
from pipeline.readers import ReadLimits
from pipeline.staging import FileStat, Intake, StagedFile, discover
from pipeline.workers import ExtractionPool, Job, WorkerLimits
from warehouse import cases, db, load, runs
from warehouse.heap import steady_heap
from warehouse.settings import Settings, load_settings

ProgressListener = Callable[[int, int], None]
_listeners: list[ProgressListener] = []


def add_progress_listener(listener: ProgressListener) -> None:
    """Call `listener(done, total)` as documents finish (the CLI's progress bar)."""
    _listeners.append(listener)


def remove_progress_listener(listener: ProgressListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _report(done: int, total: int) -> None:
    for listener in list(_listeners):
        listener(done, total)


class PrivateError(RuntimeError):
    """An error whose own text stays out of Prefect: its message may quote a path or a value from a document, and
    Prefect keeps a failed task's or flow's exception (state message, logged traceback, pickled result). The
    details go to this process's stderr, the analyst's terminal, instead."""


def _private_errors[**P, R](fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PrivateError:
            raise
        except Exception as exc:
            print(f"medparole: {fn.__name__} failed:", file=sys.stderr)
            traceback.print_exception(exc, file=sys.stderr)
            raise PrivateError(
                f"{type(exc).__name__} in {fn.__name__}; its details are printed on the terminal that ran the flow "
                "(kept out of Prefect, as they may quote a document or a file name)"
            ) from None

    return wrapper


@dataclass(frozen=True)
class Options:
    """What a run may override from the settings."""

    data_dir: str | None = None
    workers: int | None = None
    batch_size: int | None = None


def resolve_settings(data_dir: str | None, workers: int | None, batch_size: int | None) -> Settings:
    settings = load_settings()
    overrides: dict[str, Any] = {}
    if data_dir:
        overrides["data_dir"] = Path(data_dir).expanduser().resolve()
    if workers:
        overrides["workers"] = workers
    if batch_size:
        overrides["batch_size"] = batch_size
    if not overrides:
        return settings
    from dataclasses import replace

    return replace(settings, **overrides)


def read_limits(settings: Settings) -> ReadLimits:
    return ReadLimits(
        max_file_mb=settings.max_file_mb,
        max_pages=settings.max_pages,
        ocr_languages=settings.ocr_languages,
        ocr_dpi=settings.ocr_dpi,
        ocr_timeout_s=settings.doc_timeout_s,
    )


# A pool started before the flow (by the CLI, while Prefect's server starts), taken by the first ingest that wants
# one of its size and limits.
_prestarted: list[tuple[tuple[int, ReadLimits, WorkerLimits], ExtractionPool]] = []


def prestart_pool(workers: int | None = None) -> None:
    """Start the worker pool an ingest with these settings will use, so that its workers load their libraries
    while Prefect starts (about 4 s of a first ingest); `discard_prestarted_pool` stops it if no ingest took it."""
    settings = resolve_settings(None, workers, None)
    key = (settings.workers, read_limits(settings), _worker_limits(settings))
    _prestarted.append((key, ExtractionPool(*key).start()))


def discard_prestarted_pool() -> None:
    """Stop a pre-started pool that no ingest took."""
    while _prestarted:
        _prestarted.pop()[1].close()


def _pool(workers: int, limits: ReadLimits, worker_limits: WorkerLimits) -> ExtractionPool:
    """The pre-started pool when it was started for these settings, else a new one."""
    for index, (key, pool) in enumerate(_prestarted):
        if key == (workers, limits, worker_limits):
            del _prestarted[index]
            return pool
    return ExtractionPool(workers, limits, worker_limits)


def _worker_limits(settings: Settings) -> WorkerLimits:
    return WorkerLimits(timeout_s=settings.doc_timeout_s, memory_mb=settings.doc_memory_mb)


def to_load_item(extraction: Extraction, staged: StagedFile | None) -> load.LoadItem:
    """The bridge between the core and the warehouse: the contract record plus page texts."""
    return load.LoadItem(
        record=extraction.to_record(),
        pages=[load.PageRow(p.number, p.start, p.text, p.ocr) for p in extraction.pages],
        extractor_version=extraction.extractor_version,
        byte_size=staged.byte_size if staged else None,
        source_path=staged.source if staged else None,
    )


@task(name="find-files", persist_result=False, cache_policy=NO_CACHE)
@_private_errors
def find_files(paths: list[Path]) -> list[Path]:
    """Every file under the given files and folders; they are hashed and stored as the workers take them."""
    files = discover(paths)
    get_run_logger().info("found %d files", len(files))
    return files


class _Feed:
    """What the batches of one run draw from: the pool's result stream, the staged file of each key and the
    expected total. A plain class, so Prefect does not walk it (it visits every item of a dict or list passed to
    a task: 10,000 staged files per batch, for nothing)."""

    def __init__(
        self,
        stream: Generator[tuple[str, Extraction], None, None],
        by_key: Mapping[str, StagedFile],
        total: Callable[[], int],
    ) -> None:
        self.stream, self.by_key, self.total = stream, by_key, total
        self.done, self.finished = 0, False


@task(name="extract-batch", persist_result=False, cache_policy=NO_CACHE)
@_private_errors
def extract_batch(feed: _Feed, size: int, number: int) -> list[tuple[StagedFile | None, Extraction]]:
    """The next `size` documents the worker pool finishes (it works ahead, in the background, while earlier
    batches are written); a bad document is a failed record, never a failed batch."""
    logger = get_run_logger()
    started = time.monotonic()
    results: list[tuple[StagedFile | None, Extraction]] = []
    for key, extraction in itertools.islice(feed.stream, size):
        results.append((feed.by_key.get(key), extraction))
        _report(feed.done + len(results), feed.total())
    feed.done += len(results)
    feed.finished = len(results) < size
    if results:
        failed = sum(1 for _, e in results if e.status is Status.FAILED)
        rate = len(results) / max(time.monotonic() - started, 1e-6)
        logger.info(
            "batch %d: %d documents (%d of %d), %d failed, %.1f documents/s",
            number, len(results), feed.done, max(feed.total(), feed.done), failed, rate,
        )  # fmt: skip
    return results


def _extract_and_load(
    con: duckdb.DuckDBPyConnection,
    pool: ExtractionPool,
    jobs: Iterable[Job],
    by_key: Mapping[str, StagedFile],
    total: Callable[[], int],
    size: int,
    counts: runs.RunCounts,
) -> None:
    """Every job through the pool, written in batches of `size` as results come in; the workers go on with the
    next documents while a batch is being written (the single writer is this process)."""
    stream = pool.stream(jobs, buffer=2 * size)
    feed = _Feed(stream, by_key, total)
    try:
        number = 0
        while not feed.finished:
            number += 1
            results = extract_batch(feed, size, number)
            if results:
                load_batch(con, Batch(results))
                _count(counts, results)
    finally:
        stream.close()


def _warehouse_state(con: duckdb.DuckDBPyConnection, settings: Settings) -> str:
    """What case linking depends on: the documents and facts, the corrections store, and the code that links
    and shapes them. An unchanged state means linking would write the same tables, so a re-run skips it.
    The marker sits in the data dir beside the warehouse; a killed run leaves the old marker, whose state
    no longer matches, so the next run links again."""
    row = db.first_row(con.execute("SELECT count(*), max(extracted_at), (SELECT count(*) FROM facts) FROM documents"))
    corrections = [
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(settings.corrections_db.parent.glob(settings.corrections_db.name + "*"))
    ]
    code = "".join(
        resources.files("warehouse").joinpath(name).read_text(encoding="utf-8")
        for name in ("schema.sql", "views.sql", "cases.py", "corrections.py")
    )
    digest = hashlib.sha256(repr((row, corrections, extractor_version())).encode() + code.encode())
    return digest.hexdigest()


@task(name="extract-batch-remote", persist_result=False, cache_policy=NO_CACHE)
@_private_errors
def extract_batch_remote(
    batch: list[StagedFile], limits: ReadLimits, worker_limits: WorkerLimits, workers: int
) -> list[tuple[StagedFile, Extraction]]:
    """The same batch extraction on a Dask worker: the store must be on a filesystem the workers share,
    and Dask workers must be allowed child processes (distributed.worker.daemon: false)."""
    by_key = {s.sha256: s for s in batch}
    jobs = [Job(key=s.sha256, path=s.stored, source=Path(s.source).name, sha256=s.sha256) for s in batch]
    pool = _remote_pool(workers, limits, worker_limits)
    return [(by_key[key], extraction) for key, extraction in pool.run(jobs)]


_remote_pools: dict[tuple[int, ReadLimits, WorkerLimits], ExtractionPool] = {}


def _remote_pool(workers: int, limits: ReadLimits, worker_limits: WorkerLimits) -> ExtractionPool:
    """One pool per Dask worker process, kept across tasks: starting workers (spaCy, ICD-10) costs seconds."""
    key = (workers, limits, worker_limits)
    if key not in _remote_pools:
        _remote_pools[key] = ExtractionPool(workers, limits, worker_limits)
    return _remote_pools[key]


class Batch:
    """A batch's results, opaque to Prefect (which would otherwise walk every fact of every document to find
    futures among a task's arguments)."""

    def __init__(self, results: Sequence[tuple[StagedFile | None, Extraction]]) -> None:
        self.results = results

    def __len__(self) -> int:
        return len(self.results)


@task(name="load-batch", persist_result=False, cache_policy=NO_CACHE)
@_private_errors
def load_batch(con: duckdb.DuckDBPyConnection, batch: Batch) -> int:
    """Write a batch's documents, pages and facts in one transaction."""
    return load.load_documents(con, [to_load_item(extraction, staged) for staged, extraction in batch.results])


@task(name="publish", persist_result=False, cache_policy=NO_CACHE)
@_private_errors
def publish_task(con: duckdb.DuckDBPyConnection, published: Path) -> None:
    """Checkpoint the working warehouse and atomically replace the published copy."""
    db.publish(con, published)
    get_run_logger().info("published the warehouse")


@flow(name="ingest", persist_result=False, log_prints=False)
@_private_errors
def ingest(
    paths: list[str],
    data_dir: str | None = None,
    workers: int | None = None,
    batch_size: int | None = None,
    retry_failed: bool = False,
    dask_address: str | None = None,
    path_list: str | None = None,
) -> dict[str, int]:
    """Bring files or folders into the warehouse: new documents are read and extracted, known ones skipped,
    and the published copy is replaced at the end. Returns the run's counts.

    `path_list` names a file listing more files or folders, one per line: the CLI passes what the analyst typed
    that way, so file names (often a patient's) never become Prefect parameters.

    With `dask_address` (set by `--task-runner dask`), batches run on that Dask cluster instead of the
    local worker pool; the flow still loads and publishes here, as the single writer."""
    logger = get_run_logger()
    settings = resolve_settings(data_dir, workers, batch_size)
    if path_list:
        listed = Path(path_list).read_text(encoding="utf-8").splitlines()
        paths = [*paths, *(line for line in listed if line.strip())]
    with _ledgered_run(settings, "ingest") as (con, counts):
        files = find_files([Path(p) for p in paths])
        known = known_documents_status(con)
        intake = Intake(
            files,
            settings.store_dir,
            lambda sha: sha not in known or (retry_failed and known[sha] == "failed"),
            {path: FileStat(*row) for path, row in load.file_stats(con).items()},
        )
        _report(0, len(files))
        limits = _worker_limits(settings)
        if files and dask_address:
            _extract_on_dask(con, list(intake), settings, limits, dask_address, counts)
        elif files:
            jobs = (Job(key=s.sha256, path=s.stored, source=Path(s.source).name, sha256=s.sha256) for s in intake)
            with _pool(min(settings.workers, len(files)), read_limits(settings), limits) as pool:
                _extract_and_load(con, pool, jobs, intake.by_key, intake.expected, settings.batch_size, counts)
        load.record_sources(con, [(s.sha256, s.source) for s in intake.staged])
        load.record_file_stats(con, [(s.source, *astuple(s.hashed)) for s in intake.staged if s.hashed])
        counts.seen, counts.new, counts.skipped = len(files), intake.new, intake.skipped
        counts.failed += len(intake.unreadable)
        if intake.unreadable:
            reasons = sorted({reason for _, reason in intake.unreadable})
            logger.warning(
                "%d files could not be read (%s): check they exist and may be read",
                len(intake.unreadable),
                ", ".join(reasons),
            )
        logger.info(
            "%d documents extracted, %d already in the warehouse, %d repeated files",
            intake.new, intake.skipped, intake.duplicates,
        )  # fmt: skip
    return {"seen": counts.seen, "new": counts.new, "skipped": counts.skipped, "failed": counts.failed}


@contextlib.contextmanager
def _ledgered_run(settings: Settings, flow_name: str) -> Iterator[tuple[duckdb.DuckDBPyConnection, runs.RunCounts]]:
    """The writer connection and the run's counts; on success the run is recorded, cases are linked,
    corrections applied and the warehouse published; on any failure the run is recorded as failed.
    The pseudonym key is read first: a key that cannot be used stops the run before any work, not after it."""
    key = settings.key()
    con = db.connect_writer(settings.working_db)
    counts = runs.RunCounts()
    run_id = runs.start_run(con, flow_name, extractor_version())
    try:
        with steady_heap():  # no full collection walks the libraries' heap while the workers wait on this process
            yield con, counts
            runs.finish_run(con, run_id, counts)
            state = _warehouse_state(con, settings)
            marker = settings.data_dir / "cases.state"
            if not marker.exists() or marker.read_text(encoding="utf-8") != state:
                cases.refresh(con, key, settings.corrections_db)
                marker.write_text(state, encoding="utf-8")
            else:
                get_run_logger().info("no document or correction changed: cases are linked as before")
            publish_task(con, settings.published_db)
    except BaseException:
        runs.finish_run(con, run_id, counts, status="failed")
        raise
    finally:
        con.close()


def _count(counts: runs.RunCounts, results: Sequence[tuple[StagedFile | None, Extraction]]) -> None:
    counts.failed += sum(1 for _, e in results if e.status is Status.FAILED)
    counts.pages += sum(len(e.pages) for _, e in results)


def _extract_on_dask(
    con: duckdb.DuckDBPyConnection,
    todo: list[StagedFile],
    settings: Settings,
    limits: WorkerLimits,
    address: str,
    counts: runs.RunCounts,
) -> None:
    from prefect_dask.task_runners import DaskTaskRunner

    logger = get_run_logger()
    size = settings.batch_size
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    _report(0, len(todo))
    per_task = max(1, min(settings.workers, 2))
    with DaskTaskRunner(address=address) as runner:
        futures = [
            runner.submit(extract_batch_remote, parameters={
                "batch": batch, "limits": read_limits(settings), "worker_limits": limits, "workers": per_task,
            })
            for batch in batches
        ]  # fmt: skip
        done = 0
        for number, future in enumerate(futures, start=1):
            results = future.result()
            load_batch(con, Batch(results))
            done += len(results)
            _count(counts, results)
            _report(done, len(todo))
            logger.info("batch %d/%d from Dask: %d documents", number, len(batches), len(results))


@flow(name="reextract", persist_result=False, log_prints=False)
@_private_errors
def reextract(
    data_dir: str | None = None, workers: int | None = None, batch_size: int | None = None, force: bool = False
) -> dict[str, int]:
    """Re-run classification and extraction over stored text (no file read, no OCR) for documents whose
    extractor version differs from the current one (all documents with `force`), then publish."""
    logger = get_run_logger()
    settings = resolve_settings(data_dir, workers, batch_size)
    with _ledgered_run(settings, "reextract") as (con, counts):
        stale = load.stale_documents(con, extractor_version(), force)
        counts.seen, counts.new = len(stale), len(stale)
        logger.info("%d documents to re-extract from stored text", len(stale))
        _report(0, len(stale))
        if stale:
            with _pool(min(settings.workers, len(stale)), read_limits(settings), _worker_limits(settings)) as pool:
                jobs = _stored_jobs(con, stale, settings.batch_size)
                _extract_and_load(con, pool, jobs, {}, lambda: len(stale), settings.batch_size, counts)
    return {"seen": counts.seen, "reextracted": counts.new, "failed": counts.failed}


def _stored_jobs(con: duckdb.DuckDBPyConnection, shas: list[str], chunk: int) -> Iterator[Job]:
    """Jobs over stored page text, read a chunk at a time through a cursor of its own (the pool takes them from
    its background thread while this process writes earlier results through `con`)."""
    reader = con.cursor()
    try:
        for start in range(0, len(shas), chunk):
            part = shas[start : start + chunk]
            names = load.source_names(reader, part)
            for sha, (media_type, pages) in load.stored_pages(reader, part).items():
                yield Job(
                    key=sha,
                    path=Path(),
                    source=names.get(sha, sha),
                    sha256=sha,
                    media_type=media_type,
                    pages=tuple(Page(p.number, p.text, p.start, p.ocr) for p in pages),
                )
    finally:
        reader.close()


@flow(name="publish", persist_result=False, log_prints=False)
@_private_errors
def publish(data_dir: str | None = None) -> str:
    """Publish the working warehouse again (after corrections, say) without extracting anything."""
    settings = resolve_settings(data_dir, None, None)
    con = db.connect_writer(settings.working_db)
    try:
        cases.refresh(con, settings.key(), settings.corrections_db)
        publish_task(con, settings.published_db)
    finally:
        con.close()
    return str(settings.published_db)


def known_documents_status(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """sha256 -> status of every document already extracted."""
    return dict(con.execute("SELECT sha256, status FROM documents").fetchall())
