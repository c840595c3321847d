"""Fixtures of the privacy tests: the corpus's identifiers, and one ingest with all it leaves behind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from identifiers import Identifiers, corpus_identifiers
from leak_run import LeakRun, collect


@pytest.fixture(scope="session")
def corpus_ids() -> Identifiers:
    return corpus_identifiers()


@pytest.fixture(scope="session")
def leak_run(tmp_path_factory: pytest.TempPathFactory) -> LeakRun:
    """One ingest through the Prefect flow and its exports (about a minute), shared by the leak tests."""
    return collect(tmp_path_factory.mktemp("leaks"))
