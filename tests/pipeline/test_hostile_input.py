"""Issue 7: hostile files (bombs, cycles, absurd sizes, XXE, wrong types) and a small fuzz sample go through the
real worker pool; the parent survives, every file gets a record with its specific code (or is read, where it is a
real document despite its tricks), no local file leaks into a text, and no file holds a worker past its limits."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.models import ErrorCode, Extraction, Status
from pipeline.readers import ReadLimits
from pipeline.workers import ExtractionPool, Job, WorkerLimits
from sample_docs.fuzz import FuzzCase, generate, record_problems
from sample_docs.hostile import HOSTILE, OK, PARTIAL, XXE_LEAK, build_hostile, many_pages

TIMEOUT_S = 60.0
# A worker's start (libraries and NLP pipelines loaded, about 4 s here) is part of the first file it gets.
START_S = 30.0
FUZZ_CASES = 40


class Run:
    def __init__(self) -> None:
        self.results: dict[str, Extraction] = {}
        self.seconds: dict[str, float] = {}
        self.data: dict[str, bytes] = {}
        self.fuzz: dict[str, FuzzCase] = {}
        self.replaced = 0
        self.after: Extraction | None = None


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Run:
    folder = tmp_path_factory.mktemp("hostile")
    paths = build_hostile(folder)
    seeds = [data_dir / "letter.pdf", data_dir / "decision.pdf", data_dir / "letter.docx"]
    out = Run()
    for index, case in enumerate(generate(FUZZ_CASES, seed=11, seeds=seeds)):
        key = f"fuzz-{index:03d}{case.suffix}"
        paths[key] = folder / key
        paths[key].write_bytes(case.build())
        out.fuzz[key] = case
    out.data = {key: path.read_bytes() for key, path in paths.items()}
    taken: dict[str, float] = {}

    def jobs() -> Iterator[Job]:  # the pool takes a job when a worker is free: its clock starts then
        for key, path in paths.items():
            taken[key] = time.monotonic()
            yield Job(key, path, key)

    with ExtractionPool(2, ReadLimits(), WorkerLimits(timeout_s=TIMEOUT_S, memory_mb=1536)) as pool:
        for key, extraction in pool.run(jobs()):
            out.seconds[key] = time.monotonic() - taken[key]
            out.results[key] = extraction
        out.replaced = pool.replaced
        # The same pool, after all that, still reads a plain letter.
        out.after = dict(pool.run([Job("after", data_dir / "letter.txt", "letter.txt")]))["after"]
    return out


def test_every_file_gets_exactly_one_record_and_the_pool_still_works(run: Run) -> None:
    assert sorted(run.results) == sorted(run.data)
    assert run.after is not None and run.after.status is Status.OK


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_gets_its_code_or_is_read(run: Run, name: str, contract_validator) -> None:  # type: ignore[no-untyped-def]
    case = HOSTILE[name]
    extraction = run.results[name]
    record = extraction.to_record()
    assert record_problems(extraction, run.data[name], contract_validator) == []
    if case.code in (OK, PARTIAL):
        assert record["status"] == case.code, record
        assert case.contains in "\f".join(page.text for page in extraction.pages)
    else:
        assert record["status"] == "failed", record
        assert record["error"]["code"] == case.code, record["error"]


def test_no_word_file_reads_a_local_file_through_an_entity(run: Run) -> None:
    for name, extraction in run.results.items():
        assert all(XXE_LEAK not in page.text for page in extraction.pages), name


def test_bombs_are_refused_before_they_cost_a_worker(run: Run) -> None:
    # The PDF bombs are found by the stream check, not by the memory limit: no worker dies for them.
    for name in [n for n in HOSTILE if n.startswith("bomb_")]:
        error = run.results[name].error
        assert error is not None and error.code is ErrorCode.TOO_LARGE and "decompression bomb" in error.message
    # The billion-laughs form fan-out is the one file here that kills its worker (PDFium aborts at the limit).
    assert run.replaced == 1


def test_no_file_holds_a_worker_past_its_limits(run: Run) -> None:
    slowest = max(run.seconds, key=run.seconds.__getitem__)
    assert run.seconds[slowest] < TIMEOUT_S + START_S, (slowest, run.seconds[slowest])


def test_fuzzed_files_each_get_a_valid_record(run: Run, contract_validator) -> None:  # type: ignore[no-untyped-def]
    problems = {
        key: (run.fuzz[key].describe(), found)
        for key in run.fuzz
        if (found := record_problems(run.results[key], run.data[key], contract_validator))
    }
    assert problems == {}
    # The sample is a real mix: some mutations are still read, others fail with a code.
    statuses = {run.results[key].status for key in run.fuzz}
    assert Status.OK in statuses and Status.FAILED in statuses


def test_fuzz_sample_is_the_same_every_run(data_dir: Path) -> None:
    seeds = [data_dir / "letter.pdf", data_dir / "letter.docx"]
    first = [case.describe() for case in generate(10, seed=11, seeds=seeds)]
    assert first == [case.describe() for case in generate(10, seed=11, seeds=seeds)]
    assert len(set(first)) > 5


def test_two_thousand_pages_are_read_when_the_page_limit_allows(tmp_path: Path) -> None:
    path = tmp_path / "pages_2000.pdf"
    path.write_bytes(many_pages(2000))
    started = time.monotonic()
    with ExtractionPool(1, ReadLimits(max_pages=2500), WorkerLimits(timeout_s=TIMEOUT_S, memory_mb=1536)) as pool:
        extraction = dict(pool.run([Job("big", path, path.name)]))["big"]
    assert extraction.status is Status.OK
    assert len(extraction.pages) == 2000
    assert extraction.pages[-1].text.startswith("Exhibit 2000 of 2000")
    assert time.monotonic() - started < TIMEOUT_S


def test_the_stream_check_passes_every_sample_pdf(data_dir: Path) -> None:
    # Streams are decoded by what their bytes show, not by their dictionaries: no real letter may look like a bomb.
    from pipeline.readers.inflation import check_inflation
    from sample_docs import CORPUS_DIR

    pdfs = sorted(data_dir.glob("*.pdf")) + sorted((CORPUS_DIR / "docs").glob("*.pdf"))
    assert len(pdfs) > 200
    for path in pdfs:
        check_inflation(path, ReadLimits())


def test_the_fast_ascii85_decoder_reads_what_the_standard_library_reads() -> None:
    import base64
    import random

    from pipeline.readers.inflation import a85decode

    rng = random.Random(85)
    for _ in range(500):
        data = rng.randbytes(rng.randint(0, 200))
        assert a85decode(base64.a85encode(data)) == data
    for _ in range(500):  # arbitrary text of the ASCII85 alphabet, groups beyond 2**32 included
        text = bytes(rng.randint(33, 117) for _ in range(rng.randint(1, 30)))
        try:
            expected: bytes | None = base64.a85decode(text)
        except ValueError:
            expected = None
        try:
            got: bytes | None = a85decode(text)
        except ValueError:
            got = None
        assert got == expected, text
