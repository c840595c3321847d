"""Shared fixtures: the small files in tests/data, the contract's schema, a tiny warehouse."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("LOGURU_LEVEL", "INFO")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Tests never create a key file in the home folder: a fixed test key (not a secret).
os.environ.setdefault("MEDPAROLE_PSEUDONYM_KEY", "medparole-test-key-not-a-secret")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SCHEMA = ROOT / "tests" / "contract" / "extraction.schema.json"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def contract_validator():  # type: ignore[no-untyped-def]
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="session")
def fixture_extractions():  # type: ignore[no-untyped-def]
    """Every committed fixture extracted once, in this process (the core without worker processes)."""
    from pipeline.extract import extract_document

    names = ["letter.pdf", "decision.pdf", "scanned_decision.pdf", "letter.docx", "termination.eml", "letter.txt"]
    return {name: extract_document(DATA / name, source=name) for name in names}


@pytest.fixture(scope="session")
def published_warehouse(tmp_path_factory: pytest.TempPathFactory, fixture_extractions) -> Path:  # type: ignore[no-untyped-def]
    """A data dir whose published warehouse holds the fixtures, loaded the way the flow loads them."""
    from pipeline.flows import to_load_item
    from warehouse import db, load

    data = tmp_path_factory.mktemp("data")
    con = db.connect_writer(data / "warehouse.duckdb")
    load.record_sources(con, [(e.sha256, f"/inbox/{name}") for name, e in fixture_extractions.items()])
    load.load_documents(con, [to_load_item(e, None) for e in fixture_extractions.values()])
    db.publish(con, data / "published.duckdb")
    con.close()
    return data
