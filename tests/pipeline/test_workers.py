"""The worker pool: every job gets one result, a slow document is killed and its worker replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.models import ErrorCode, Status
from pipeline.readers import ReadLimits
from pipeline.workers import ExtractionPool, Job, WorkerLimits


def test_pool_returns_one_result_per_job_across_workers(data_dir: Path) -> None:
    names = ["letter.pdf", "decision.pdf", "letter.txt", "termination.eml"]
    jobs = [Job(name, data_dir / name, name) for name in names]
    with ExtractionPool(2, ReadLimits(), WorkerLimits(timeout_s=60)) as pool:
        results = dict(pool.run(jobs))
        processes = [worker.process for worker in pool._workers]
    assert sorted(results) == sorted(names)
    assert all(r.status is Status.OK for r in results.values())
    assert [process.exitcode for process in processes] == [0, 0]  # each left when told to, none was killed


def test_pool_starts_a_worker_only_for_a_job_and_no_more_than_it_needs(data_dir: Path) -> None:
    started = []

    def jobs(count: int):  # type: ignore[no-untyped-def]
        # The pool takes a job only when a worker has room: what it runs before the first job must be nothing.
        started.append(len(pool._workers))
        for _ in range(count):
            yield Job("letter.txt", data_dir / "letter.txt", "letter.txt")

    with ExtractionPool(2, ReadLimits(), WorkerLimits(timeout_s=60)) as pool:
        assert list(pool.run(jobs(0))) == []  # a re-run of known files: every file skipped
        assert started == [0] and pool._workers == []
        assert len(list(pool.run(jobs(1)))) == 1
        assert len(pool._workers) == 1  # one job, one worker of the two allowed


def test_pool_kills_a_document_past_its_time_limit_and_goes_on(data_dir: Path) -> None:
    # OCR of a page takes seconds; a limit of a tenth of a second must stop it, not the run.
    jobs = [
        Job("scan", data_dir / "scanned_decision.pdf", "scanned_decision.pdf"),
    ]
    with ExtractionPool(1, ReadLimits(), WorkerLimits(timeout_s=0.1)) as pool:
        results = dict(pool.run(jobs))
        assert pool.replaced == 1
        pool.limits = WorkerLimits(timeout_s=60)
        after = dict(pool.run([Job("txt", data_dir / "letter.txt", "letter.txt")]))
    scan = results["scan"]
    assert scan.status is Status.FAILED
    assert scan.error is not None and scan.error.code is ErrorCode.TIMEOUT
    assert len(scan.sha256) == 64
    assert after["txt"].status is Status.OK


def test_pool_reports_a_document_beyond_the_memory_limit(tmp_path: Path) -> None:
    # A 40,000 x 40,000 PNG: decoding it needs 1.6 GB, far more than the 1,100 MB address-space limit allows. (With
    # a 700 MB limit the worker, whose libraries take 330-700 MB of address space, once had no room left to read
    # the file's hash in a whole test run, and died.)
    from PIL import Image

    big = tmp_path / "huge.png"
    Image.new("1", (40_000, 40_000)).save(big)
    limits = ReadLimits(max_image_megapixels=2_000)
    with ExtractionPool(1, limits, WorkerLimits(timeout_s=60, memory_mb=1_100)) as pool:
        result = dict(pool.run([Job("big", big, "huge.png")]))["big"]
    assert result.status is Status.FAILED
    assert result.error is not None and result.error.code is ErrorCode.TOO_LARGE


def test_stream_works_ahead_while_the_caller_is_busy_and_takes_jobs_lazily(data_dir: Path) -> None:
    import time

    names = ["letter.txt", "termination.eml", "letter.pdf", "decision.pdf"] * 3
    taken: list[int] = []

    def jobs():  # type: ignore[no-untyped-def]
        for index, name in enumerate(names):
            taken.append(index)
            yield Job(f"{index}", data_dir / name, name)

    with ExtractionPool(2, ReadLimits(), WorkerLimits(timeout_s=60)) as pool:
        stream = pool.stream(jobs(), buffer=4)
        first = next(stream)
        assert len(taken) < len(names)  # the generator is read as workers need jobs, not all at once
        # The caller is busy (writing a batch) and takes nothing: the workers go on in the background, up to the
        # buffer (4 waiting results) and one job in each of the 2 workers.
        deadline = time.monotonic() + 90
        while len(taken) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(taken) >= 6
        rest = list(stream)
    results = dict([first, *rest])
    assert sorted(results, key=int) == [str(i) for i in range(len(names))]
    assert all(r.status is Status.OK for r in results.values())


def test_stream_stops_when_the_caller_stops_and_passes_on_a_failing_job_source(data_dir: Path) -> None:
    import pytest

    def broken():  # type: ignore[no-untyped-def]
        yield Job("ok", data_dir / "letter.txt", "letter.txt")
        raise RuntimeError("the warehouse went away")

    with ExtractionPool(1, ReadLimits(), WorkerLimits(timeout_s=60)) as pool:
        with pytest.raises(RuntimeError, match="went away"):
            list(pool.stream(broken()))
        endless = (Job(str(i), data_dir / "letter.txt", "letter.txt") for i in range(10_000))
        stream = pool.stream(endless, buffer=2)
        assert next(stream)[1].status is Status.OK
        stream.close()  # an error in the caller: the background driver must end, not hang
        after = dict(pool.run([Job("after", data_dir / "letter.txt", "letter.txt")]))
        assert list(after) == ["after"] and after["after"].status is Status.OK  # nothing stale from before


def test_a_worker_killed_with_a_second_job_queued_fails_only_its_own_document(data_dir: Path) -> None:
    # Each worker has the next job waiting in its pipe. When the worker dies (here: killed while it OCRs a scan),
    # only the document it was reading fails; the one queued behind it goes to the replacement worker.
    import os
    import signal
    import threading

    jobs = [
        Job("scan", data_dir / "scanned_decision.pdf", "scanned_decision.pdf"),
        Job("txt", data_dir / "letter.txt", "letter.txt"),
    ]
    with ExtractionPool(1, ReadLimits(), WorkerLimits(timeout_s=60)) as pool:
        stream = pool.run(jobs)

        def kill_when_both_are_sent() -> None:
            while not (pool._workers and len(pool._workers[0].jobs) == 2):
                threading.Event().wait(0.05)
            threading.Event().wait(2.0)  # the worker is well into the scan
            os.kill(pool._workers[0].process.pid, signal.SIGKILL)

        killer = threading.Thread(target=kill_when_both_are_sent, daemon=True)
        killer.start()
        results = dict(stream)
        killer.join(timeout=30)
        assert pool.replaced == 1
    assert results["scan"].status is Status.FAILED
    assert results["scan"].error is not None and results["scan"].error.code is ErrorCode.CORRUPT
    assert results["txt"].status is Status.OK


def test_a_pool_started_ahead_is_taken_by_the_run_it_was_started_for(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI starts the workers while Prefect starts; the ingest with the same settings takes them (already
    loaded, they extract at once), another one starts its own, and one no run took is stopped."""
    from pipeline import flows

    monkeypatch.delenv("MEDPAROLE_WORKERS", raising=False)
    flows.prestart_pool(1)
    settings = flows.resolve_settings(None, 1, None)
    limits, worker_limits = flows.read_limits(settings), flows._worker_limits(settings)
    started = list(flows._prestarted)
    assert len(started) == 1 and all(w.process.is_alive() for w in started[0][1]._workers)
    other = flows._pool(2, limits, worker_limits)
    assert other is not started[0][1] and not other._workers  # other settings: a pool of its own, started lazily
    with flows._pool(1, limits, worker_limits) as pool:
        assert pool is started[0][1] and not flows._prestarted
        [(key, extraction)] = list(pool.run([Job("a", data_dir / "letter.txt", "letter.txt")]))
        assert key == "a" and extraction.status is Status.OK
    flows.prestart_pool(1)
    process = flows._prestarted[0][1]._workers[0].process
    flows.discard_prestarted_pool()
    assert not flows._prestarted and not process.is_alive()
