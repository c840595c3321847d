"""Gold labels: every fact is grounded in its document's text and normalized as DESIGN.md says."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from sample_docs.gen.fmt import monthly_usd
from sample_docs.gen.readback import document_text

FIELDS = {
    "identifier",
    "patient_name",
    "age_years",
    "country_of_origin",
    "diagnosis",
    "treatment",
    "treatment_unavailable_in_home_country",
    "facility",
    "physician",
    "legal_org",
    "decision_authority",
    "outcome",
    "parole_duration_months",
    "date",
    "cost",
}
ROLES = {
    "document",
    "filed",
    "decision",
    "parole_start",
    "parole_end",
    "termination_effective",
    "birth",
    "entry",
    "diagnosis",
    "admission",
    "discharge",
    "appointment",
    "other",
}
ASSERTIONS = {"present", "negated", "possible", "hypothetical", "historical", "family"}
OUTCOMES = {"granted", "denied", "terminated", "extended", "pending", "rfe"}
CONTRACT = Path(__file__).resolve().parents[2] / "tests" / "contract" / "extraction.schema.json"


def test_every_fact_text_occurs_in_the_document_text(corpus_dir: Path, golds: list[dict]) -> None:
    missing = []
    for gold in golds:
        text = document_text(corpus_dir, gold)
        missing += [(gold["doc_id"], f["field"], f["text"]) for f in gold["facts"] if f["text"] not in text]
    assert missing == []


def test_fields_match_the_extraction_contract() -> None:
    schema = json.loads(CONTRACT.read_text(encoding="utf-8"))
    assert set(schema["$defs"]["fact"]["properties"]["field"]["enum"]) == FIELDS


def _check_fact(f: dict) -> None:
    field, value, attrs = f["field"], f["value"], f["attributes"]
    assert field in FIELDS
    if field == "identifier":
        assert attrs["kind"] in {"a_number", "receipt_number", "mrn", "other"}
        if attrs["kind"] == "a_number":
            assert re.fullmatch(r"A\d{9}", value)
        if attrs["kind"] == "receipt_number":
            assert re.fullmatch(r"[A-Z]{3}\d{10}", value)
    elif field == "date":
        date.fromisoformat(value)
        assert attrs["role"] in ROLES
    elif field == "diagnosis":
        assert value == value.lower() and attrs["assertion"] in ASSERTIONS and attrs["icd10"]
    elif field == "cost":
        assert isinstance(value, (int, float)) and attrs["currency"] in {"USD", "MXN", "HNL", "GTQ"}
        assert attrs["period"] in {"one_time", "daily", "weekly", "monthly", "annual", "unspecified"}
        assert attrs["category"] in {"home_care", "inpatient", "medication", "treatment", "transport", "other"}
        assert attrs.get("monthly_usd") == monthly_usd(value, attrs["currency"], attrs["period"])
    elif field == "outcome":
        assert value in OUTCOMES
    elif field == "decision_authority":
        assert value in {"USCIS", "ICE", "CBP", "DHS"}
    elif field == "country_of_origin":
        assert re.fullmatch(r"[A-Z]{2}", value)
    elif field in ("age_years", "parole_duration_months"):
        assert isinstance(value, int) and value > 0
    elif field == "treatment_unavailable_in_home_country":
        assert isinstance(value, bool) and re.fullmatch(r"[A-Z]{2}", attrs["country"])
    elif field == "physician":
        assert not re.match(r"(Dr|Dra)\.? ", value) and "MD" not in value


def test_every_fact_is_normalized_as_designed(golds: list[dict]) -> None:
    for gold in golds:
        assert gold["doc_type"] in {"parole_decision", "medical_letter", "other"}
        assert gold["language"] in {"en", "es"} and gold["pages"] >= 1
        for f in gold["facts"]:
            _check_fact(f)


def test_only_the_patient_age_is_labelled(golds: list[dict], cases: list[dict]) -> None:
    dob = {c["case_key"]: date.fromisoformat(c["date_of_birth"]) for c in cases}
    for gold in golds:
        for f in gold["facts"]:
            if f["field"] == "age_years":
                born = dob[gold["case_key"]]
                assert 0 <= f["value"] <= 2026 - born.year


def test_every_document_carries_distractors(golds: list[dict]) -> None:
    for gold in golds:
        tricky = [f for f in gold["facts"] if f["field"] == "diagnosis" and f["attributes"]["assertion"] != "present"]
        assert gold["distractors"] or tricky, gold["doc_id"]


def test_termination_takes_effect_seven_days_after_the_notice(golds: list[dict]) -> None:
    seen = 0
    for gold in golds:
        if gold["kind"] != "dhs_termination_email":
            continue
        notice = [f["value"] for f in gold["facts"] if f["field"] == "date" and f["attributes"]["role"] == "document"]
        effective = [
            f["value"]
            for f in gold["facts"]
            if f["field"] == "date" and f["attributes"]["role"] == "termination_effective"
        ]
        assert notice and effective
        assert (date.fromisoformat(effective[0]) - date.fromisoformat(notice[0])).days == 7
        seen += 1
    assert seen


def test_family_conditions_are_labelled_family(golds: list[dict]) -> None:
    assertions = {f["attributes"]["assertion"] for g in golds for f in g["facts"] if f["field"] == "diagnosis"}
    assert assertions == ASSERTIONS
