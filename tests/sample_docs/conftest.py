"""Fixtures for the sample-corpus tests: the committed corpus, its manifest and gold labels."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the repo root holds the sample_docs package
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The committed corpus."""
    from sample_docs import CORPUS_DIR

    return CORPUS_DIR


@pytest.fixture(scope="session")
def manifest(corpus_dir: Path) -> dict[str, object]:
    """manifest.json of the committed corpus."""
    return json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def golds(corpus_dir: Path) -> list[dict[str, object]]:
    """Every gold file of the committed corpus."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus_dir / "gold").glob("*.json"))]


@pytest.fixture(scope="session")
def cases(corpus_dir: Path) -> list[dict[str, object]]:
    """cases.jsonl of the committed corpus."""
    lines = (corpus_dir / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
