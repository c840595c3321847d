"""Issue 7's malformed-input bench: thousands of mutated PDFs and Word files (Hypothesis draws the mutations, see
sample_docs/fuzz.py), every hostile file (sample_docs/hostile.py) and every bad file (sample_docs/bad) through
the worker pool the ingest flow uses, with its default limits.

The pool's parent runs in a process of its own, so that a crash of the parent shows as a lost process, not as a
lost benchmark. Every file must get exactly one record that follows the contract, carries the file's SHA-256 and,
when it failed, a code and a sentence; `internal` counts as a finding (a reader raised what it should have named).
Files with a finding are kept in bench/out/fuzz/findings/ with what was done to them.

    nice -n 10 .venv/bin/python bench/fuzz_bench.py [--cases 10000] [--workers 2] [--seed 7]

Results go to bench/out/fuzz.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, PYTHON, ROOT, report, run_measured

WORK = OUT / "fuzz"


def prepare(cases: int, seed: int) -> dict[str, object]:
    """Write every bad and hostile file, then `cases` distinct fuzzed files, into the inbox, with a manifest (the
    parent then only reads files: its memory is the pool's, not the generators')."""
    from sample_docs.bad import BUILT_AT_TEST_TIME, EXPECTED, bad_files, build_bomb, build_many_pages
    from sample_docs.fuzz import generate
    from sample_docs.hostile import HOSTILE

    inbox = WORK / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, str]] = []

    def add(key: str, kind: str, expected: str, what: str, data: bytes) -> None:
        path = inbox / f"{len(manifest):05d}{Path(key).suffix}"
        path.write_bytes(data)
        manifest.append({"key": key, "kind": kind, "expected": expected, "what": what, "path": str(path)})

    for name, data in bad_files().items():
        add(f"bad/{name}", "bad", *EXPECTED[name], data)
    for name, builder in (("bomb.pdf", build_bomb), ("pages_2000.pdf", build_many_pages)):
        add(f"bad/{name}", "bad", *BUILT_AT_TEST_TIME[name], builder(inbox / "scratch.pdf").read_bytes())
    (inbox / "scratch.pdf").unlink()
    for name, case in HOSTILE.items():
        add(f"hostile/{name}", "hostile", case.code, case.what, case.build())
    seen: set[str] = set()
    drawn = 0
    while len(seen) < cases:
        batch = generate(min(5_000, cases - len(seen) + 500), seed=seed + drawn)
        drawn += len(batch)
        for case in batch:
            data = case.build()
            digest = hashlib.sha256(data).hexdigest()
            if digest not in seen and len(seen) < cases:
                seen.add(digest)
                add(f"fuzz/{len(seen):05d}-{case.seed.stem}{case.suffix}", "fuzz", "", case.describe(), data)
    (WORK / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return {"drawn": drawn}


def peak_rss_mb(pid: int | str = "self") -> float:
    """The peak resident size of a process since it started its program (VmHWM): unlike getrusage's ru_maxrss it
    does not carry over the size its parent had when it forked it."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class MemorySampler(threading.Thread):
    """The largest peak of any one worker (or its Tesseract), and the largest sum of their sizes at one time."""

    def __init__(self, interval_s: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.interval_s = interval_s
        self.peak_single_mb = 0.0
        self.peak_all_mb = 0.0
        self.peak_load = 0.0  # the machine is shared: its load average says how much the times mean
        self.stop = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        while not self.stop.is_set():
            sizes = []
            for child in me.children(recursive=True):
                try:
                    sizes.append(child.memory_info().rss / 2**20)
                    self.peak_single_mb = max(self.peak_single_mb, peak_rss_mb(child.pid))
                except (psutil.Error, OSError):
                    continue
            self.peak_all_mb = max(self.peak_all_mb, sum(sizes))
            self.peak_load = max(self.peak_load, os.getloadavg()[0])
            time.sleep(self.interval_s)


def time_alone(
    results: dict[str, dict[str, object]], by_key: dict[str, dict[str, str]], limits: object, count: int
) -> dict[str, float]:
    """The slowest files again, one at a time in a fresh one-worker pool: in the run, a file's time also holds
    the wait behind the job sent ahead to the same worker, and other work on the machine."""
    from pipeline.readers import ReadLimits
    from pipeline.workers import ExtractionPool, Job, WorkerLimits

    assert isinstance(limits, WorkerLimits)
    slowest = sorted(results, key=lambda key: float(results[key]["seconds"]), reverse=True)[:count]  # type: ignore[arg-type]
    alone: dict[str, float] = {}
    with ExtractionPool(1, ReadLimits(), limits) as pool:
        list(pool.run([Job("warm-up", ROOT / "tests" / "data" / "letter.txt", "letter.txt")]))
        for key in slowest:
            started = time.monotonic()
            list(pool.run([Job(key, Path(by_key[key]["path"]), key)]))
            alone[key] = round(time.monotonic() - started, 3)
    return alone


def run_pool(args: argparse.Namespace) -> None:
    """The parent: every item through one ExtractionPool (its stream, as the ingest flow drives it)."""
    import jsonschema

    from pipeline.readers import ReadLimits
    from pipeline.workers import ExtractionPool, Job, WorkerLimits
    from sample_docs.fuzz import record_problems

    validator = jsonschema.Draft202012Validator(
        json.loads((ROOT / "tests" / "contract" / "extraction.schema.json").read_text(encoding="utf-8"))
    )
    manifest = json.loads((WORK / "manifest.json").read_text(encoding="utf-8"))
    findings = WORK / "findings"
    findings.mkdir(parents=True, exist_ok=True)
    by_key = {item["key"]: item for item in manifest}
    taken: dict[str, float] = {}

    def jobs() -> Iterator[Job]:  # the pool takes a job when a worker is free: the file's clock starts then
        for item in manifest:
            taken[item["key"]] = time.monotonic()
            yield Job(item["key"], Path(item["path"]), item["key"])

    sampler = MemorySampler()
    sampler.start()
    log = (WORK / "cases.jsonl").open("w", encoding="utf-8")
    results: dict[str, dict[str, object]] = {}
    pool_errors: list[str] = []
    pool_started = time.monotonic()
    limits = WorkerLimits(timeout_s=args.timeout, memory_mb=args.memory_mb)
    with ExtractionPool(args.workers, ReadLimits(), limits) as pool:
        try:
            for key, extraction in pool.stream(jobs()):
                seconds = time.monotonic() - taken[key]
                item = by_key[key]
                path = Path(item["path"])
                data = path.read_bytes()
                record = extraction.to_record()
                problems = [] if key not in results else ["a second record"]
                problems += record_problems(extraction, data, validator)
                got = record["error"]["code"] if record["error"] else record["status"]
                if item["expected"] and got != item["expected"]:
                    problems.append(f"expected {item['expected']}, got {got}")
                entry = {"key": key, "kind": item["kind"], "got": got, "seconds": round(seconds, 3)}
                entry |= {"problems": problems, "what": item["what"]}
                results[key] = entry
                log.write(json.dumps(entry) + "\n")
                if problems:
                    shutil.copy(path, findings / Path(key).name.replace("/", "_"))
                if len(results) % 200 == 0:
                    log.flush()
                    elapsed = time.monotonic() - pool_started
                    (WORK / "progress.txt").write_text(f"{len(results):,} / {len(manifest):,} in {elapsed:,.0f} s\n")
        except Exception as exc:  # the pool raised in the parent: that is a crash of the parent's side
            pool_errors.append(f"{type(exc).__name__}: {exc}")
        replaced = pool.replaced
    pool_s = time.monotonic() - pool_started
    alone = time_alone(results, by_key, limits, count=args.retime)
    for item in manifest:
        Path(item["path"]).unlink(missing_ok=True)
    sampler.stop.set()
    sampler.join()
    log.close()
    missing = [key for key in by_key if key not in results]
    summary = {
        "items": len(manifest),
        "pool_s": pool_s,
        "results": results,
        "missing": missing,
        "pool_errors": pool_errors,
        "replaced": replaced,
        "alone": alone,
        "peak_load": sampler.peak_load,
        "parent_peak_rss_mb": peak_rss_mb(),
        "children_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "worker_peak_rss_mb_sampled": sampler.peak_single_mb,
        "workers_peak_rss_mb_sampled": sampler.peak_all_mb,
    }
    (WORK / "summary.json").write_text(json.dumps(summary), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="fuzz the readers through the worker pool")
    parser.add_argument("--cases", type=int, default=10_000, help="distinct fuzzed files")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=180.0, help="per document, as MEDPAROLE_DOC_TIMEOUT_S")
    parser.add_argument("--memory-mb", type=int, default=2048, help="per worker, as MEDPAROLE_DOC_MEMORY_MB")
    parser.add_argument("--retime", type=int, default=20, help="slowest files timed again, one at a time")
    parser.add_argument("--parent", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parent:
        run_pool(args)
        return
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    started = time.monotonic()
    prepared = prepare(args.cases, args.seed)
    generated_s = time.monotonic() - started
    command = [PYTHON, __file__, "--parent", "--cases", str(args.cases), "--workers", str(args.workers)]
    command += ["--seed", str(args.seed), "--timeout", str(args.timeout), "--memory-mb", str(args.memory_mb)]
    command += ["--retime", str(args.retime)]
    measured = run_measured(command, env={"LOGURU_LEVEL": os.environ.get("LOGURU_LEVEL", "INFO")}, interval_s=0.5)
    summary_path = WORK / "summary.json"
    if measured.returncode != 0 or not summary_path.exists():
        print(measured.stderr_tail, file=sys.stderr)
        report("fuzz", {"parent_crashed": True, "returncode": measured.returncode, "seconds": measured.seconds})
        raise SystemExit(1)
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    results = summary["results"]
    kinds = Counter(entry["kind"] for entry in results.values())
    codes = Counter(entry["got"] for entry in results.values())
    fuzz_codes = Counter(entry["got"] for entry in results.values() if entry["kind"] == "fuzz")
    with_problems = {key: entry for key, entry in results.items() if entry["problems"]}
    slowest = max(results.values(), key=lambda entry: entry["seconds"])
    seconds = sorted(entry["seconds"] for entry in results.values())
    report(
        "fuzz",
        {
            "files": summary["items"],
            "fuzzed_files": kinds["fuzz"],
            "hostile_and_bad_files": kinds["hostile"] + kinds["bad"],
            "hypothesis_draws": prepared["drawn"],
            "parent_crashes": int(measured.returncode != 0) + len(summary["pool_errors"]),
            "files_without_a_record": len(summary["missing"]),
            "failed_without_a_code": sum(
                "failed without an error code and a sentence" in e["problems"] for e in results.values()
            ),
            "internal_errors": codes.get("internal", 0),
            "records_with_problems": len(with_problems),
            "hostile_or_bad_with_another_code": sum(
                1 for e in with_problems.values() if any(p.startswith("expected") for p in e["problems"])
            ),
            "codes": dict(codes.most_common()),
            "codes_of_fuzzed_files": dict(fuzz_codes.most_common()),
            "workers_replaced": summary["replaced"],
            "longest_seconds_per_file_in_the_run": slowest["seconds"],
            "slowest_file": f"{slowest['key']} ({slowest['got']}): {slowest['what'][:160]}",
            "median_seconds_per_file": seconds[len(seconds) // 2],
            "p99_seconds_per_file": seconds[int(len(seconds) * 0.99)],
            "files_over_60_s": sum(1 for s in seconds if s > 60),
            "longest_seconds_per_file_alone": max(summary["alone"].values(), default=0.0),
            "slowest_file_alone": max(summary["alone"], key=summary["alone"].get, default=""),
            "peak_load_average": round(summary["peak_load"], 1),
            "pool_seconds": round(summary["pool_s"], 1),
            "generation_seconds": round(generated_s, 1),
            "parent_peak_rss_mb": round(summary["parent_peak_rss_mb"], 1),
            "worker_peak_rss_mb": round(max(summary["children_peak_rss_mb"], summary["worker_peak_rss_mb_sampled"]), 1),
            "workers_peak_rss_mb_together": round(summary["workers_peak_rss_mb_sampled"], 1),
            "whole_tree_peak_rss_mb": round(measured.peak_tree_rss_mb, 1),
            "problems": {key: entry["problems"] for key, entry in list(with_problems.items())[:50]},
        },
    )


if __name__ == "__main__":
    main()
