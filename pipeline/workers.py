"""A pool of extraction worker processes with a wall-clock and a memory limit per document.

Each document is read in a worker process whose address space is capped (RLIMIT_AS). A document that runs
past its time limit, or kills its worker, is reported as timeout / too_large / corrupt, the worker is replaced,
and the run goes on: one bad file never stops a batch.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import DocumentTimeout, DocumentTooLarge
from pipeline.models import ErrorCode, Extraction, Page
from pipeline.readers import ReadLimits

log = logging.getLogger(__name__)

CRASH_MESSAGE = (
    "The file crashed the document reader (it is probably damaged or built to attack PDF software): "
    "the file is kept; open it to check, then print or save it to a new PDF and upload that."
)


@dataclass(frozen=True)
class Job:
    """One document to extract; `key` lets the caller match results (they come back as they finish).

    With `pages`, the stored text is re-extracted (no file is read); otherwise the file at `path` is read.
    """

    key: str
    path: Path
    source: str
    sha256: str = ""
    pages: tuple[Page, ...] | None = None
    media_type: str = ""


@dataclass(frozen=True)
class WorkerLimits:
    timeout_s: float = 120.0
    memory_mb: int = 2048


@dataclass
class _Worker:
    """A worker process and the jobs sent to it, oldest first: the first is being extracted (since `deadline`
    minus the time limit), the next waits in the pipe so the worker never idles between documents."""

    process: Any
    conn: multiprocessing.connection.Connection
    jobs: collections.deque[Job] = field(default_factory=collections.deque)
    deadline: float = 0.0


# Jobs sent ahead to each worker: the next document is already in its pipe when it finishes one, instead of it
# waiting for this process (busy writing a batch, holding the GIL) to hand it one.
_IN_FLIGHT = 2


def _worker_main(
    conn: multiprocessing.connection.Connection, read_limits: ReadLimits, memory_mb: int
) -> None:  # pragma: no cover - runs in the child process
    import resource
    import signal

    # Ctrl+C is for the parent, which stops the pool in order; a worker dying of it would be taken for a crash.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("LOGURU_LEVEL", "INFO")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from pipeline.extract import INTERNAL_MESSAGE, extract_document, extract_pages, failed, warm_up

    warm_up()  # libraries are mapped before the cap: the cap is for what a document costs
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            # Every result is sent: leave without the interpreter's teardown of spaCy's objects, a few tenths
            # of a second the pool's close (and the end of every run) would wait for.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        result = None
        # The file's identity first, while memory is plenty: a document that runs out of it is answered with
        # the hash already in hand (read afterwards, the read could fail too while the half-built document's
        # memory was still held, and the worker died).
        sha = job.sha256 or _sha(job)
        try:
            if job.pages is not None:
                result = extract_pages(job.source, job.sha256, job.media_type, job.pages)
            else:
                result = extract_document(job.path, read_limits, source=job.source, sha256=sha)
        except MemoryError:
            pass  # answered below, once the frames that held the half-built document are gone
        except Exception as exc:  # a reader library raised what no reader names: record it, keep the worker
            log.warning("reading a document raised %s; recorded as internal", type(exc).__name__)
            result = failed(job.source, sha, ErrorCode.INTERNAL, INTERNAL_MESSAGE)
        if result is None:
            gc.collect()
            result = failed(job.source, sha, ErrorCode.TOO_LARGE, DocumentTooLarge.default_message)
        try:
            conn.send((job.key, result))
        except MemoryError:  # pickling a huge result at the limit: say it was too large rather than die
            gc.collect()
            conn.send((job.key, failed(job.source, sha, ErrorCode.TOO_LARGE, DocumentTooLarge.default_message)))


def _sha(job: Job) -> str:
    from pipeline.readers import sha256_file

    if job.sha256:
        return job.sha256
    try:
        return sha256_file(job.path)
    except OSError:
        return "0" * 64


class ExtractionPool:
    """`workers` processes that extract files; `run(jobs)` yields (key, Extraction) as each finishes."""

    def __init__(self, workers: int, read_limits: ReadLimits, limits: WorkerLimits) -> None:
        self.size = max(1, workers)
        self.read_limits = read_limits
        self.limits = limits
        self._ctx = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self.replaced = 0
        self._stop = threading.Event()
        self._driver: threading.Thread | None = None

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> ExtractionPool:
        """Start every worker now rather than when the first jobs come: each spends seconds loading spaCy, medspaCy
        and the rules, which can overlap other work (Prefect starting)."""
        while len(self._workers) < self.size:
            self._workers.append(self._start_worker())
        return self

    def _start_worker(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_worker_main,
            args=(child, self.read_limits, self.limits.memory_mb),
            daemon=True,
            name="medparole-extract",
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def _retire(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        self._workers.remove(worker)
        self.replaced += 1

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[str, Extraction]]:
        """Extract every job; yields results in completion order, one per job, whatever happens. Jobs are taken
        from `jobs` only as workers have room for them, so a lazy iterable is read as the run goes."""
        from pipeline.extract import failed

        try:
            yield from self._dispatch(iter(jobs), failed)
        finally:
            # Stopped early (by stream's caller, or a generator closed): the work in flight is abandoned with
            # its workers, so that no stale result reaches a later run.
            for worker in [w for w in self._workers if w.jobs]:
                self._retire(worker)

    def _send(self, source: Iterator[Job], retry: list[Job]) -> bool:
        """Fill the workers up to `_IN_FLIGHT` jobs each, the least loaded first, starting workers up to the pool's
        size; False once `source` is exhausted and nothing waits for a retry."""
        while True:
            grow = len(self._workers) < self.size and all(w.jobs for w in self._workers)
            if not grow and len(min(self._workers, key=lambda w: len(w.jobs)).jobs) >= _IN_FLIGHT:
                return True
            job = retry.pop() if retry else next(source, None)
            if job is None:
                return False
            # A worker starts only for a job in hand: a run with nothing to extract (a re-run of known files)
            # starts none, where each would spend seconds of CPU loading spaCy beside the hashing.
            if grow:
                self._workers.append(self._start_worker())
            worker = min(self._workers, key=lambda w: len(w.jobs))
            try:
                worker.conn.send(job)
            except (BrokenPipeError, OSError):
                retry.extend([*worker.jobs, job])  # the dead worker's own first job goes round again with them
                self._retire(worker)
                continue
            if not worker.jobs:
                worker.deadline = time.monotonic() + self.limits.timeout_s
            worker.jobs.append(job)

    def _dispatch(self, source: Iterator[Job], failed: Callable[..., Extraction]) -> Iterator[tuple[str, Extraction]]:
        retry: list[Job] = []  # jobs sent to a worker that died or was stopped before it began them
        more = True
        while not self._stop.is_set():
            if more or retry:
                more = self._send(source, retry) and more
            busy = [w for w in self._workers if w.jobs]
            if not busy:
                if not more and not retry:
                    return
                continue
            wait_s = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            handles: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
            ready = multiprocessing.connection.wait(handles, timeout=wait_s)
            now = time.monotonic()
            for worker in busy:
                job = worker.jobs[0]
                if worker.conn in ready:
                    try:
                        key, result = worker.conn.recv()
                    except (EOFError, OSError):
                        key, result = job.key, None
                    if result is not None:
                        worker.jobs.popleft()
                        worker.deadline = now + self.limits.timeout_s  # the next job began when this one ended
                        yield key, result
                        continue
                if worker.conn in ready or worker.process.sentinel in ready:
                    log.warning("extraction worker died (exit code %s); replacing it", worker.process.exitcode)
                    yield job.key, failed(job.source, _sha(job), ErrorCode.CORRUPT, CRASH_MESSAGE)
                elif now >= worker.deadline:
                    log.warning("a document passed the %.0f s limit; replacing its worker", self.limits.timeout_s)
                    yield job.key, failed(job.source, _sha(job), ErrorCode.TIMEOUT, DocumentTimeout.default_message)
                else:
                    continue
                retry.extend(list(worker.jobs)[1:])  # sent after the culprit, never begun: they go round again
                worker.jobs.clear()
                self._retire(worker)
                self._workers.append(self._start_worker())

    def stream(self, jobs: Iterable[Job], buffer: int = 512) -> Generator[tuple[str, Extraction], None, None]:
        """`run(jobs)` driven from a background thread: the workers keep extracting while the caller is busy with
        earlier results (writing them to the warehouse), instead of waiting for it between batches. Jobs are
        taken from `jobs` as workers need them; at most `buffer` results wait for the caller."""
        results: queue.Queue[Any] = queue.Queue(maxsize=max(1, buffer))
        done = object()

        def put(item: Any) -> bool:
            while not self._stop.is_set():
                try:
                    results.put(item, timeout=0.2)
                    return True
                except queue.Full:
                    continue
            return False

        def drive() -> None:
            try:
                for item in self.run(jobs):
                    if not put(item):
                        return
            except BaseException as exc:  # handed to the caller, raised in its thread
                put(exc)
            finally:
                put(done)

        self._driver = threading.Thread(target=drive, name="medparole-pool", daemon=True)
        self._driver.start()
        try:
            while True:
                item = results.get()
                if item is done:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self._stop.set()  # the caller stopped early (an error): let the driver go
            self._driver.join(timeout=10)
            self._driver = None
            self._stop.clear()

    def close(self) -> None:
        """Stop every worker (politely, then by force)."""
        self._stop.set()
        if self._driver is not None:
            self._driver.join(timeout=10)
        for worker in list(self._workers):
            with contextlib.suppress(BrokenPipeError, OSError):
                worker.conn.send(None)
        deadline = time.monotonic() + 5
        for worker in list(self._workers):
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._workers.clear()


def extract_files(
    jobs: Iterable[Job],
    workers: int,
    read_limits: ReadLimits,
    limits: WorkerLimits,
    on_result: Callable[[str, Extraction], None] | None = None,
) -> dict[str, Extraction]:
    """Convenience: run a pool over `jobs` and collect the results by key."""
    results: dict[str, Extraction] = {}
    with ExtractionPool(workers, read_limits, limits) as pool:
        for key, extraction in pool.run(jobs):
            results[key] = extraction
            if on_result:
                on_result(key, extraction)
    return results
