"""Fast evaluation loop for rule work: read (and OCR) every gold document once into a cache, then re-run
only classification and extraction over the cached text and score it.

    .venv/bin/python bench/eval_cached.py [--gold sample_docs/corpus/gold] [--field date] [--misses 30]

The cache (bench/out/text-cache.pkl) is keyed by the file's SHA-256, so a regenerated corpus is re-read.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import evaluation  # noqa: E402
from pipeline.extract import extract_text  # noqa: E402
from pipeline.readers import ReadLimits, read_document, sha256_file  # noqa: E402

CACHE = ROOT / "bench" / "out" / "text-cache.pkl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "sample_docs" / "corpus" / "gold")
    parser.add_argument("--field", action="append", default=[], help="only list misses of this field")
    parser.add_argument("--misses", type=int, default=30)
    args = parser.parse_args()
    gold = evaluation.load_gold(args.gold)
    cache: dict[str, object] = pickle.loads(CACHE.read_bytes()) if CACHE.exists() else {}
    predictions = {}
    changed = False
    for doc_id, item in gold.items():
        path = Path(item["_path"])
        sha = sha256_file(path)
        document = cache.get(sha)
        if document is None:
            try:
                document = read_document(path, ReadLimits(), source=path.name)
            except Exception as exc:  # a bad read is scored as an empty prediction
                print(f"{doc_id}: {type(exc).__name__}", file=sys.stderr)
                continue
            cache[sha] = document
            changed = True
        predictions[doc_id] = extract_text(document).to_record()  # type: ignore[arg-type]
    if changed:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_bytes(pickle.dumps(cache))
    report = evaluation.score(gold, predictions)
    print(
        f"{report.documents} documents; doc_type {report.doc_type_accuracy:.3f}; "
        f"language {report.language_accuracy:.3f}"
    )
    print(f"{'field':40s} {'P':>6s} {'R':>6s} {'F1':>6s} | {'P+a':>6s} {'R+a':>6s} {'F1+a':>6s}  gold")
    for name in sorted(report.values):
        v, a = report.values[name], report.with_attributes[name]
        print(
            f"{name:40s} {v.precision:6.3f} {v.recall:6.3f} {v.f1:6.3f} | "
            f"{a.precision:6.3f} {a.recall:6.3f} {a.f1:6.3f}  {v.tp + v.fn}"
        )
    if args.field:
        report.misses = [m for m in report.misses if m.field in args.field]
    for kind, field, sub, count, examples in evaluation.worst_misses(report, args.misses):
        shown = " | ".join(f"{m.value} <- {m.text!r} [{m.doc_id}]" for m in examples)
        print(f"{count:4d} {kind:8s} {field} {sub}: {shown}")


if __name__ == "__main__":
    main()
