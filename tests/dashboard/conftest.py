"""A small, realistic published warehouse for the dashboard: ~18 corpus documents (a termination, a re-parole,
a denial among them) extracted in this process, linked into cases, their files in the store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # browser_support

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "sample_docs" / "corpus"
TEXT_FORMATS = {"pdf", "docx", "txt", "eml"}
WANTED_KINDS = ("dhs_termination_email", "uscis_reparole_notice", "uscis_denial_letter")


def choose_cases(documents: list[dict[str, Any]], max_documents: int = 18) -> list[dict[str, Any]]:
    """Whole cases of text-layer documents: first those holding a termination, a re-parole and a denial,
    then others, up to about `max_documents` documents."""
    by_case: dict[str, list[dict[str, Any]]] = {}
    for doc in documents:
        by_case.setdefault(doc["case_key"], []).append(doc)
    readable = {
        k: docs for k, docs in sorted(by_case.items())
        if all(d["format"] in TEXT_FORMATS and not d["scanned"] for d in docs) and 2 <= len(docs) <= 5
    }  # fmt: skip
    chosen: list[str] = []
    for kind in WANTED_KINDS:
        for key, docs in readable.items():
            if key not in chosen and any(d["kind"] == kind for d in docs):
                chosen.append(key)
                break
    for key in readable:
        if sum(len(readable[k]) for k in chosen) >= max_documents:
            break
        if key not in chosen:
            chosen.append(key)
    return [d for key in chosen for d in readable[key]]


@pytest.fixture(scope="session")
def case_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir (MEDPAROLE_DATA_DIR) with a published warehouse of linked cases and a document store."""
    from pipeline.extract import extract_document
    from pipeline.flows import to_load_item
    from pipeline.staging import stage
    from warehouse import cases, db, load
    from warehouse.settings import load_settings

    data = tmp_path_factory.mktemp("dashboard-data")
    settings = load_settings(
        {"MEDPAROLE_DATA_DIR": str(data), "MEDPAROLE_PSEUDONYM_KEY": "medparole-test-key-not-a-secret"}
    )
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]
    chosen = choose_cases(manifest)
    staged = [stage(CORPUS / d["path"], settings.store_dir) for d in chosen]
    extractions = [extract_document(s.stored, source=Path(s.source).name) for s in staged]
    con = db.connect_writer(settings.working_db)
    load.record_sources(con, [(s.sha256, s.source) for s in staged])
    load.load_documents(con, [to_load_item(e, s) for e, s in zip(extractions, staged, strict=True)])
    cases.refresh(con, settings.key(), settings.corrections_db)
    db.publish(con, settings.published_db)
    con.close()
    return data
