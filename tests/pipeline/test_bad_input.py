"""Every bad file (one per failure mode) ends failed with its error code and a sentence that says what to do;
the worker pool survives them all, the big ones built at test time included."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pipeline.models import Status
from pipeline.readers import ReadLimits
from pipeline.workers import ExtractionPool, Job, WorkerLimits
from sample_docs.bad import build_big

BAD = Path(__file__).resolve().parents[2] / "sample_docs" / "bad"
EXPECTED: dict[str, str] = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
ACTIONS = ("upload", "ask", "download", "scan", "save", "split", "print", "open", "check", "report")


@pytest.fixture(scope="module")
def bad_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    big = build_big(tmp_path_factory.mktemp("big"))
    files = {name: BAD / name for name in EXPECTED if (BAD / name).exists()} | big
    assert set(files) == set(EXPECTED), "every expected failure mode has its file"
    jobs = [Job(name, path, name) for name, path in files.items()]
    started = time.monotonic()
    with ExtractionPool(2, ReadLimits(max_pages=500), WorkerLimits(timeout_s=60, memory_mb=1536)) as pool:
        results: dict[str, object] = dict(pool.run(jobs))
    results["_seconds"] = time.monotonic() - started
    return results


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_fails_with_its_error_code_and_an_action(bad_results: dict[str, object], name: str) -> None:
    extraction = bad_results[name]
    record = extraction.to_record()  # type: ignore[attr-defined]
    assert record["status"] == Status.FAILED.value, record
    assert record["error"]["code"] == EXPECTED[name]
    message = record["error"]["message"].lower()
    assert any(word in message for word in ACTIONS), message
    assert len(record["sha256"]) == 64


def test_bad_files_never_hang_the_run(bad_results: dict[str, object]) -> None:
    assert float(bad_results["_seconds"]) < 120  # type: ignore[arg-type]
