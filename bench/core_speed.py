"""Issue 4's speed and memory: the whole core (read, classify, extract) on one core, for text PDFs, with
OCR pages measured separately. Runs in this one process (one core); prints a Markdown table.

    .venv/bin/python bench/core_speed.py [--corpus bench/out/corpus10k] [--limit 2000] [--ocr 8]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LOGURU_LEVEL", "INFO")
os.environ["OMP_THREAD_LIMIT"] = "1"

from pipeline.extract import extract_document  # noqa: E402


def _manifest(corpus: Path) -> list[dict[str, object]]:
    data = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    return list(data["documents"] if isinstance(data, dict) else data)


def main() -> None:
    parser = argparse.ArgumentParser(description="Whole-core speed on one core.")
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "out" / "corpus10k")
    parser.add_argument("--limit", type=int, default=2000, help="text PDFs to time")
    parser.add_argument("--ocr", type=int, default=8, help="scanned documents (from sample_docs) to time")
    args = parser.parse_args()
    os.sched_setaffinity(0, {0})  # one core, really

    texts = [args.corpus / str(d["path"]) for d in _manifest(args.corpus) if str(d["path"]).endswith(".pdf")]
    texts = texts[: args.limit]
    started = time.perf_counter()
    first = extract_document(texts[0])
    warm_up = time.perf_counter() - started
    pages = len(first.pages)
    started = time.perf_counter()
    for path in texts[1:]:
        pages += len(extract_document(path).pages)
    steady = time.perf_counter() - started
    total = steady + warm_up

    sample = ROOT / "sample_docs" / "corpus"
    scans = [sample / str(d["path"]) for d in _manifest(sample) if d.get("scanned")][: args.ocr]
    ocr_pages = 0
    started = time.perf_counter()
    for path in scans:
        ocr_pages += extract_document(path).ocr_pages
    ocr_s = time.perf_counter() - started

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = {
        "text PDFs": len(texts),
        "pages": pages,
        "first document (loads spaCy, medspaCy, ICD-10, rules)": f"{warm_up:.1f} s",
        "pages/s, steady": f"{(pages - len(first.pages)) / steady:.1f}",
        "pages/s, including the first document": f"{pages / total:.1f}",
        "OCR pages": ocr_pages,
        "OCR s/page": f"{ocr_s / max(ocr_pages, 1):.2f}",
        "peak RSS of this process": f"{peak_mb:.0f} MB",
    }
    print("| what | figure |\n|---|---|")
    for key, value in rows.items():
        print(f"| {key} | {value} |")
    (ROOT / "bench" / "out" / "core_speed.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
