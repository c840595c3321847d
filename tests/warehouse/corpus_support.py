"""Helpers for the case-linking tests: the corpus's gold labels as warehouse records, and pairwise scoring."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from warehouse import load

# The pseudonym key of the warehouse tests (a test key, not a secret).
KEY = b"medparole-test-key-0123456789abcdef"
ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "sample_docs" / "corpus"


def gold_documents() -> dict[str, dict[str, Any]]:
    """doc_id -> gold label (with its case_key)."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((CORPUS / "gold").glob("*.json"))}


def true_cases() -> dict[str, str]:
    """doc_id -> case_key, from cases.jsonl."""
    out: dict[str, str] = {}
    for line in (CORPUS / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        for doc_id in case["doc_ids"]:
            out[doc_id] = case["case_key"]
    return out


def gold_load_item(doc_id: str, gold: dict[str, Any]) -> load.LoadItem:
    """A gold label as if extraction had produced it (sha256 = the doc id; spans by position)."""
    facts = [{**fact, "start": i * 10, "end": i * 10 + 5, "confidence": 0.9} for i, fact in enumerate(gold["facts"])]
    record = {
        "sha256": doc_id,
        "status": "ok",
        "doc_type": gold.get("doc_type", "other"),
        "language": gold.get("language"),
        "pages": gold.get("pages", 1),
        "facts": facts,
    }
    return load.LoadItem(record=record, pages=[], extractor_version="gold")


def pairwise(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, int, int, int]:
    """Pairwise precision and recall of a clustering (doc -> cluster) against the truth: (P, R, tp, fp, fn)."""
    docs = sorted(set(predicted) & set(truth))
    tp = fp = fn = 0
    for a, b in itertools.combinations(docs, 2):
        same_pred = predicted[a] == predicted[b]
        same_true = truth[a] == truth[b]
        tp += same_pred and same_true
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn
