"""Scoring against gold: exact counts on hand-made cases, and `medparole eval` end to end on corpus documents."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline import evaluation
from pipeline.cli import app

GOLD = {
    "d1": {
        "doc_type": "medical_letter",
        "language": "en",
        "facts": [
            {"field": "diagnosis", "value": "short bowel syndrome", "text": "SBS",
             "attributes": {"icd10": "K91.2", "assertion": "present"}},
            {"field": "date", "value": "2025-03-03", "text": "March 3, 2025", "attributes": {"role": "document"}},
            {"field": "patient_name", "value": "López García, María", "text": "López García, María", "attributes": {}},
            {"field": "treatment", "value": "home parenteral nutrition", "text": "HPN",
             "attributes": {"schedule": "14 hours daily"}},
        ],
    }
}  # fmt: skip


def test_score_counts_matches_misses_and_spurious_facts() -> None:
    pred = {
        "d1": {
            "doc_type": "medical_letter",
            "language": "es",
            "facts": [
                # right value, wrong assertion: counts for values, not with attributes
                {"field": "diagnosis", "value": "Short bowel syndrome", "attributes": {"icd10": "K91.2",
                                                                                   "assertion": "negated"}},
                {"field": "date", "value": "2025-03-03", "attributes": {"role": "document", "extra": 1}},
                {"field": "date", "value": "2025-04-01", "attributes": {"role": "other"}},  # spurious
                {"field": "patient_name", "value": "MARIA LOPEZ GARCIA", "attributes": {}},  # same name, reordered
                {"field": "treatment", "value": "home parenteral nutrition",
                 "attributes": {"schedule": "infused over 14 hours daily"}},  # free text: containment
            ],
        }
    }  # fmt: skip
    report = evaluation.score(GOLD, pred)
    assert report.doc_type_accuracy == 1.0 and report.language_accuracy == 0.0
    assert (report.values["diagnosis"].tp, report.with_attributes["diagnosis"].tp) == (1, 0)
    assert report.with_attributes["diagnosis"].fn == 1 and report.with_attributes["diagnosis"].fp == 1
    assert (report.values["date"].tp, report.values["date"].fp, report.values["date"].fn) == (1, 1, 0)
    assert report.values["date"].precision == 0.5 and report.values["date"].recall == 1.0
    assert report.values["patient_name"].f1 == 1.0
    assert report.with_attributes["treatment"].f1 == 1.0
    kinds = {(m.kind, m.field) for m in report.misses}
    assert ("missed", "diagnosis") in kinds and ("spurious", "date") in kinds


def test_a_document_without_prediction_is_all_misses() -> None:
    report = evaluation.score(GOLD, {})
    assert report.missing_predictions == ["d1"]
    assert all(score.recall == 0.0 for score in report.values.values())


def test_cli_eval_scores_a_prediction_file(tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "d1.json").write_text(json.dumps({**GOLD["d1"], "doc_id": "d1", "source": "docs/d1.txt"}))
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"source": "d1.txt", "sha256": "0" * 64, **GOLD["d1"]}) + "\n")
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["eval", "--gold", str(gold_dir), "--pred", str(pred), "--json", str(out)])
    assert result.exit_code == 0, result.output
    scores = json.loads(out.read_text())
    assert scores["doc_type_accuracy"] == 1.0
    assert all(row["f1"] == 1.0 for row in scores["with_attributes"].values())
    assert "diagnosis" in result.output
