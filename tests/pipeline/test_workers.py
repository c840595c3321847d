"""The worker pool: every job gets one result, a slow document is killed and its worker replaced."""

from __future__ import annotations

from pathlib import Path

from pipeline.models import ErrorCode, Status
from pipeline.readers import ReadLimits
from pipeline.workers import ExtractionPool, Job, WorkerLimits


def test_pool_returns_one_result_per_job_across_workers(data_dir: Path) -> None:
    names = ["letter.pdf", "decision.pdf", "letter.txt", "termination.eml"]
    jobs = [Job(name, data_dir / name, name) for name in names]
    with ExtractionPool(2, ReadLimits(), WorkerLimits(timeout_s=60)) as pool:
        results = dict(pool.run(jobs))
    assert sorted(results) == sorted(names)
    assert all(r.status is Status.OK for r in results.values())


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
    # A 30,000 x 30,000 PNG header: decoding it needs far more than the address-space limit allows.
    from PIL import Image

    big = tmp_path / "huge.png"
    Image.new("1", (30_000, 30_000)).save(big)
    limits = ReadLimits(max_image_megapixels=2_000)
    with ExtractionPool(1, limits, WorkerLimits(timeout_s=60, memory_mb=700)) as pool:
        result = dict(pool.run([Job("big", big, "huge.png")]))["big"]
    assert result.status is Status.FAILED
    assert result.error is not None and result.error.code is ErrorCode.TOO_LARGE
