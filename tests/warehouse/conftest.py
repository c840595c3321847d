"""Warehouse fixtures: real corpus documents extracted in this process, and gold labels as records."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_support import CORPUS

# Cases whose documents all have a text layer (no OCR), so extracting them stays fast.
TEXT_FORMATS = {"pdf", "docx", "txt", "eml"}


@pytest.fixture(scope="session")
def corpus_manifest() -> list[dict[str, Any]]:
    return list(json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"])


@pytest.fixture(scope="session")
def extracted_corpus(corpus_manifest: list[dict[str, Any]]) -> dict[str, Any]:
    """doc_id -> Extraction for the documents of six text-layer cases (of two to five documents each)."""
    from pipeline.extract import extract_document

    by_case: dict[str, list[dict[str, Any]]] = {}
    for doc in corpus_manifest:
        by_case.setdefault(doc["case_key"], []).append(doc)
    chosen = [
        docs
        for _, docs in sorted(by_case.items())
        if all(d["format"] in TEXT_FORMATS and not d["scanned"] for d in docs) and 2 <= len(docs) <= 5
    ][:6]
    return {
        d["doc_id"]: extract_document(CORPUS / d["path"], source=Path(d["path"]).name) for docs in chosen for d in docs
    }


@pytest.fixture(scope="session")
def doc_ids_by_sha(extracted_corpus: dict[str, Any]) -> dict[str, str]:
    return {e.sha256: doc_id for doc_id, e in extracted_corpus.items()}
