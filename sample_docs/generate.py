"""Write the synthetic corpus: documents, gold labels, case stories and a manifest, deterministic by seed.

    python -m sample_docs.generate                          # the committed corpus (sample_docs/corpus/)
    python -m sample_docs.generate --cases 5000 --out /tmp/bench --scanned-share 0.02 --jobs 2

Each case has its own random stream (seed, case index), so cases can be written in parallel or one at a time
(``--only 3,17``) and always come out byte-identical.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import random
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import BAD_DIR, CORPUS_DIR, DEFAULT_CASES, DEFAULT_SEED
from .gen.model import Doc, Fact, Para, Span
from .gen.plan import choose_format, language_of, plan_case, write
from .gen.render_pdf import render_pdf
from .gen.render_text import to_docx, to_eml, to_text
from .gen.scan import pdf_text, photo, scan_pdf
from .gen.story import build_case
from .gen.writer import Writer

MANIFEST_FIELDS = [
    "doc_id",
    "path",
    "sha256",
    "format",
    "layout",
    "language",
    "doc_type",
    "kind",
    "case_key",
    "scanned",
    "ocr_expected",
    "pages",
    "bytes",
]


@dataclass(frozen=True)
class Options:
    """Generator settings that change the output."""

    seed: int = DEFAULT_SEED
    scanned_share: float = 0.15
    photo_share: float = 0.03


def dumps(obj: object) -> str:
    """Stable JSON (sorted keys, UTF-8)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def doc_id(seed: int, case_index: int, n: int) -> str:
    """A neutral document id that reveals neither the case nor the document type."""
    return "doc-" + hashlib.sha256(f"{seed}:{case_index}:{n}".encode()).hexdigest()[:10]


def _facts(placed: list[tuple[Span, int | None]], extra: list[Fact]) -> list[dict[str, object]]:
    seen: set[tuple[object, ...]] = set()
    out: list[dict[str, object]] = []
    items = [(f, page) for span, page in placed for f in span.facts] + [(f, 1) for f in extra]
    for f, page in items:
        key = (f.field, str(f.value), f.text, f.attributes)
        if key not in seen:
            seen.add(key)
            out.append(f.to_json(page))
    return out


def _distractors(placed: list[tuple[Span, int | None]]) -> list[dict[str, object]]:
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, object]] = []
    for span, page in placed:
        if span.distractor and (span.distractor, span.text) not in seen:
            seen.add((span.distractor, span.text))
            out.append({"kind": span.distractor, "text": span.text, "page": page})
    return out


def render(doc: Doc, fmt: str, rng: random.Random) -> dict[str, object]:
    """Render a document model to file bytes plus what the gold needs (pages, placed spans, rendered text)."""
    if doc.email and fmt != "eml":
        doc.letterhead = [Para([f"{k}: {v}"], "small") for k, v in doc.email.items()] + doc.letterhead
    if fmt == "eml":
        data, _, spans = to_eml(doc, rng)
        return {"data": data, "pages": 1, "placed": [(s, 1) for s in spans], "layout": "email", "ext": "eml"}
    if fmt == "txt":
        text, spans = to_text(doc)
        return {
            "data": text.encode("utf-8"),
            "pages": 1,
            "placed": [(s, 1) for s in spans],
            "layout": "plain_text",
            "ext": "txt",
        }
    if fmt == "docx":
        data, _, spans = to_docx(doc, rng)
        return {"data": data, "pages": 1, "placed": [(s, 1) for s in spans], "layout": "docx", "ext": "docx"}
    layouts = [x for x in doc.layouts if x != "email"] or ["typewriter"]
    layout = rng.choice(layouts)
    pdf, pages, placed = render_pdf(doc, layout, rng)
    result: dict[str, object] = {"pages": pages, "placed": placed, "layout": layout}
    if fmt == "pdf":
        result.update(data=pdf, ext="pdf")
    elif fmt == "scan":
        result.update(data=scan_pdf(pdf, rng), ext="pdf", rendered=pdf_text(pdf))
    else:
        placed1 = [(s, p) for s, p in placed if p == 1]
        result.update(
            data=photo(pdf, rng, fmt), ext=fmt, pages=1, placed=placed1, rendered=pdf_text(pdf, first_only=True)
        )
    return result


def generate_case(
    args: tuple[int, Options],
) -> tuple[list[dict[str, object]], dict[str, object], list[tuple[str, bytes]]]:
    """All files of one case: (manifest rows, case story, [(relative path, bytes)])."""
    index, opts = args
    case = build_case(opts.seed, index)
    prng = random.Random(f"medparole-plan:{opts.seed}:{index}")
    rows: list[dict[str, object]] = []
    files: list[tuple[str, bytes]] = []
    ids: list[str] = []
    for n, planned in enumerate(plan_case(case, prng)):
        rng = random.Random(f"medparole-doc:{opts.seed}:{index}:{n}")
        w = Writer(case, rng, language_of(planned.kind))
        doc = write(planned, w)
        fmt = choose_format(doc.kind, rng, opts.scanned_share, opts.photo_share)
        out = render(doc, fmt, rng)
        did = doc_id(opts.seed, index, n)
        rel = f"docs/{did}.{out['ext']}"
        data = out["data"]
        assert isinstance(data, bytes)
        ocr = fmt in ("scan", "jpg", "png")
        placed = out["placed"]
        assert isinstance(placed, list)
        extra = doc.extra_facts if fmt == "eml" or doc.email else []
        gold: dict[str, object] = {
            "doc_id": did,
            "source": rel,
            "doc_type": doc.doc_type,
            "language": doc.language,
            "pages": out["pages"],
            "ocr_expected": ocr,
            "kind": doc.kind,
            "layout": out["layout"],
            "format": fmt,
            "case_key": case.key,
            "facts": _facts(placed, extra),
            "distractors": _distractors(placed),
        }
        if ocr:
            gold["rendered_text"] = "\f".join(out["rendered"])  # type: ignore[arg-type]
        files.append((rel, data))
        files.append((f"gold/{did}.json", dumps(gold).encode("utf-8")))
        ids.append(did)
        rows.append(
            {
                "doc_id": did,
                "path": rel,
                "sha256": hashlib.sha256(data).hexdigest(),
                "format": "pdf" if fmt == "scan" else fmt,
                "layout": out["layout"],
                "language": doc.language,
                "doc_type": doc.doc_type,
                "kind": doc.kind,
                "case_key": case.key,
                "scanned": fmt == "scan",
                "ocr_expected": ocr,
                "pages": out["pages"],
                "bytes": len(data),
            }
        )
    story = case.to_json()
    story["doc_ids"] = ids
    return rows, story, files


def write_corpus(
    out: Path, cases: int, opts: Options, jobs: int = 1, only: list[int] | None = None, progress: bool = False
) -> list[dict[str, object]]:
    """Write the corpus (or only some cases) under ``out``; returns the manifest rows."""
    indices = only if only is not None else list(range(cases))
    if only is None:
        for sub in ("docs", "gold"):
            if (out / sub).is_dir():
                shutil.rmtree(out / sub)
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, object]] = []
    stories: list[dict[str, object]] = []
    work = [(i, opts) for i in indices]
    pool = ProcessPoolExecutor(jobs) if jobs > 1 else None
    results = pool.map(generate_case, work, chunksize=8) if pool else map(generate_case, work)
    try:
        for done, (rows, story, files) in enumerate(results, start=1):
            for rel, data in files:
                (out / rel).write_bytes(data)
            manifest += rows
            stories.append(story)
            if progress and done % 100 == 0:
                print(f"{done}/{len(work)} cases, {len(manifest)} documents", file=sys.stderr)
    finally:
        if pool:
            pool.shutdown()
    if only is None:
        (out / "cases.jsonl").write_text(
            "".join(json.dumps(s, ensure_ascii=False, sort_keys=True) + "\n" for s in stories), encoding="utf-8"
        )
        meta = {
            "seed": opts.seed,
            "cases": cases,
            "scanned_share": opts.scanned_share,
            "photo_share": opts.photo_share,
            "documents": manifest,
        }
        (out / "manifest.json").write_text(dumps(meta), encoding="utf-8")
        buf = io.StringIO()
        wr = csv.DictWriter(buf, MANIFEST_FIELDS, lineterminator="\n")
        wr.writeheader()
        wr.writerows(manifest)
        (out / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(prog="python -m sample_docs.generate", description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=DEFAULT_CASES, help="number of cases (default %(default)s)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    ap.add_argument("--out", type=Path, default=CORPUS_DIR, help="output directory (default sample_docs/corpus)")
    ap.add_argument("--scanned-share", type=float, default=0.15, help="base share of scanned PDFs (default 0.15)")
    ap.add_argument("--photo-share", type=float, default=0.03, help="base share of phone photos (default 0.03)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--only", default="", help="comma-separated case indices to (re)write; no manifest")
    ap.add_argument("--bad", action="store_true", help="also write sample_docs/bad/ (one file per failure mode)")
    a = ap.parse_args(argv)
    opts = Options(a.seed, a.scanned_share, a.photo_share)
    only = [int(x) for x in a.only.split(",") if x.strip()] or None
    t0 = time.perf_counter()
    rows = write_corpus(a.out, a.cases, opts, a.jobs, only, progress=True)
    print(
        f"wrote {len(rows)} documents for {len(only or range(a.cases))} cases to {a.out} in "
        f"{time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    if a.bad:
        from .bad import write_bad

        write_bad(BAD_DIR)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
