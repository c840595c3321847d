"""Issue 5's targets, measured as whole processes on this machine:

1. first ingest of the benchmark corpus (>= 10,000 documents): pages/s end to end, peak memory of the whole run;
2. a re-run with nothing changed: seconds beyond Prefect's own start, and documents re-read (must be 0);
3. reextract --force from stored text: documents/s.

    .venv/bin/python -m sample_docs.generate --cases 2900 --seed 7 --scanned-share 0 --photo-share 0 \\
        --out bench/out/corpus10k
    .venv/bin/python bench/ingest_bench.py [--corpus bench/out/corpus10k/docs]

Results go to bench/out/ingest.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, PYTHON, published_rows, report, run_measured

PREFECT_ONLY = "from prefect import flow\n@flow\ndef nothing():\n    return 1\nnothing()\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark ingest, no-change re-run and reextract.")
    parser.add_argument("--corpus", type=Path, default=OUT / "corpus10k" / "docs")
    parser.add_argument("--data", type=Path, default=OUT / "data10k")
    args = parser.parse_args()
    shutil.rmtree(args.data, ignore_errors=True)
    env = {
        "MEDPAROLE_DATA_DIR": str(args.data),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "LOGURU_LEVEL": "INFO",
    }
    medparole = [PYTHON, "-m", "pipeline.cli"]
    documents = sum(1 for p in args.corpus.iterdir() if p.is_file())

    first = run_measured([*medparole, "ingest", str(args.corpus)], env)
    assert first.returncode == 0, first.stderr_tail
    published = args.data / "published.duckdb"
    sql = "SELECT count(*), sum(pages), count(*) FILTER (status = 'failed') FROM documents"
    loaded, pages, failed = published_rows(published, sql)[0]

    prefect_start = min(run_measured([PYTHON, "-c", PREFECT_ONLY], env).seconds for _ in range(2))
    again = run_measured([*medparole, "ingest", str(args.corpus)], env)
    assert again.returncode == 0, again.stderr_tail
    last = published_rows(published, "SELECT new, skipped FROM runs ORDER BY started_at DESC LIMIT 1")[0]

    reextract = run_measured([*medparole, "reextract", "--force"], env)
    assert reextract.returncode == 0, reextract.stderr_tail

    results = {
        "documents_in_corpus": documents,
        "documents_loaded": loaded,
        "pages": int(pages),
        "failed": failed,
        "first_ingest_s": round(first.seconds, 1),
        "first_ingest_pages_per_s": round(pages / first.seconds, 1),
        "first_ingest_docs_per_s": round(loaded / first.seconds, 1),
        "first_ingest_peak_tree_pss_mb": round(first.peak_tree_pss_mb),
        "first_ingest_peak_tree_rss_mb": round(first.peak_tree_rss_mb),
        "first_ingest_peak_worker_rss_mb": round(first.peak_single_rss_mb),
        "prefect_start_s": round(prefect_start, 1),
        "rerun_s": round(again.seconds, 1),
        "rerun_beyond_prefect_s": round(again.seconds - prefect_start, 1),
        "rerun_new_documents": last[0],
        "rerun_skipped": last[1],
        "reextract_s": round(reextract.seconds, 1),
        "reextract_docs_per_s": round(loaded / reextract.seconds, 1),
        "reextract_peak_tree_pss_mb": round(reextract.peak_tree_pss_mb),
        "reextract_peak_tree_rss_mb": round(reextract.peak_tree_rss_mb),
    }
    report("ingest", results)


if __name__ == "__main__":
    main()
