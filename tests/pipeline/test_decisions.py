"""The decision: outcome phrases with their guards, parole duration, and the deciding agency, English and Spanish."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extractors import decisions
from pipeline.extractors.base import TextContext
from pipeline.models import DocType, Fact
from pipeline.nlp import make_nlp
from pipeline.rules import load_jsonl


def found(text: str, language: str = "en", doc_type: str = "parole_decision") -> list[Fact]:
    ctx = TextContext(text, language, DocType(doc_type), make_nlp(language).make_doc(text))
    facts = decisions.extract(ctx)
    for fact in facts:
        assert fact.text == text[fact.start : fact.end]
    return facts


def field(text: str, name: str, language: str = "en", doc_type: str = "parole_decision") -> list[Any]:
    return [f.value for f in found(text, language, doc_type) if f.field == name]


@pytest.mark.parametrize(
    ("text", "language", "outcome"),
    [
        ("Your Form I-131, Application for Travel Document, has been approved.", "en", "granted"),
        ("We have approved your request for parole.", "en", "granted"),
        (
            "USCIS has determined that you have not established urgent humanitarian reasons, "
            "and therefore your request is denied.",
            "en",
            "denied",
        ),
        ("After careful review, we are unable to grant your request.", "en", "denied"),
        ("DHS is exercising its discretion to terminate your parole.", "en", "terminated"),
        ("Your parole will terminate 7 days from the date of this notice.", "en", "terminated"),
        ("Your parole has been revoked.", "en", "terminated"),
        ("Your request for re-parole has been granted.", "en", "extended"),
        ("REQUEST FOR EVIDENCE\nPlease submit the documents listed below.", "en", "rfe"),
        ("We need more information before we can decide your case.", "en", "rfe"),
        ("Your case remains under review.", "en", "pending"),
        ("Se le concede el permiso de permanencia temporal (parole).", "es", "granted"),
        ("Se aprueba la solicitud de parole humanitario.", "es", "granted"),
        ("Le informamos que su solicitud fue denegada.", "es", "denied"),
        ("Por medio de la presente, su parole se da por terminado.", "es", "terminated"),
        ("SOLICITUD DE EVIDENCIA ADICIONAL", "es", "rfe"),
        ("Su solicitud de re-parole ha sido aprobada.", "es", "extended"),
        ("Le comunicamos que el 18-ago-2022 USCIS renovó la solicitud de su hijo.", "es", "extended"),
        ("USCIS renewed her parole for another 12 months.", "en", "extended"),
        ("Queremos avisarle que USCIS autorizó la petición de parole de su hijo.", "es", "granted"),
        ("Le comunicamos que USCIS tiene en trámite la solicitud de Josué.", "es", "pending"),
        ("USCIS is still reviewing the request.", "en", "pending"),
        ("Queremos avisarle que USCIS recibió la petición de parole de su hija.", "es", "pending"),
        ("USCIS received the request on March 3, 2025.", "en", "pending"),
    ],
)
def test_decisions_reads_outcome_phrases(text: str, language: str, outcome: str) -> None:
    assert field(text, "outcome", language) == [outcome]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("If your request is denied, you may file a new request with new facts.", "en"),
        ("There is no appeal of a denial.", "en"),
        ("You may be eligible for other forms of relief.", "en"),
        ("This notice does not grant any immigration status or benefit.", "en"),
        ("DHS may terminate parole at any time.", "en"),
        ("If we issue a Request for Evidence, you must respond.", "en"),
        ("Your request has not been approved.", "en"),
        ("Si su solicitud es negada, puede presentar una nueva solicitud.", "es"),
        ("Su solicitud no fue aprobada.", "es"),
    ],
)
def test_decisions_ignores_conditional_and_boilerplate_outcomes(text: str, language: str) -> None:
    assert field(text, "outcome", language) == []


def test_decisions_decision_document_has_one_outcome_the_strongest() -> None:
    text = "Notice Type: Approval Notice\nYour request for re-parole has been approved."
    assert field(text, "outcome") == ["extended"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("USCIS received the request on March 3, 2025. On May 5, 2025, USCIS approved the request.", "en"),
        ("USCIS recibió la solicitud en marzo. Después, USCIS aprobó la solicitud.", "es"),
    ],
)
def test_decisions_receipt_is_history_beside_a_decision(text: str, language: str) -> None:
    assert field(text, "outcome", language, doc_type="other") == ["granted"]


def test_decisions_legal_letter_keeps_quoted_outcomes_at_lower_confidence() -> None:
    text = "In 2024, USCIS denied the first request. On March 3, 2025, USCIS approved the request."
    facts = [f for f in found(text, doc_type="other") if f.field == "outcome"]
    assert [f.value for f in facts] == ["denied", "granted"]
    assert all(f.confidence < 0.8 for f in facts)


@pytest.mark.parametrize(
    ("text", "language", "months"),
    [
        ("Parole is granted for a period of one year.", "en", [12]),
        ("Your parole is approved for 6 months.", "en", [6]),
        ("approved for a period of twenty-four (24) months", "en", [24]),
        ("This parole is valid for 2 years.", "en", [24]),
        ("Parole Period: 12 months", "en", [12]),
        ("Se le otorga el parole por un año.", "es", [12]),
        ("Su permiso fue aprobado por un plazo de doce meses.", "es", [12]),
        ("Se concede el parole por un período de 90 días.", "es", [3]),
        ("La autorización dura veinticuatro (24) meses: inicia el 29-sep-2022.", "es", [24]),
        ("Vigencia: seis (6) meses (del 27 de enero de 2022 al 28 de julio de 2022).", "es", [6]),
        (
            "you have been paroled into the United States pursuant to section 212(d)(5)(A) of the Immigration and "
            "Nationality Act for urgent humanitarian reasons, for one (1) year.",
            "en",
            [12],
        ),
    ],
)
def test_decisions_reads_parole_duration(text: str, language: str, months: list[int]) -> None:
    assert field(text, "parole_duration_months", language) == months


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Expected length of treatment: 18 months.", "en"),
        ("We request parole for our 10-month-old daughter.", "en"),
        ("The filing must be made 90 days before parole expires.", "en"),
        ("USCIS may grant parole for up to one year.", "en"),
        ("El tratamiento durará un período de 18 meses.", "es"),
        ("La paciente tiene 10 meses de edad.", "es"),
        ("Precios sujetos a cambio sin previo aviso. Vigencia: 30 días.", "es"),
        ("She has been paroled into the United States, where she has received dialysis for 3 years.", "en"),
    ],
)
def test_decisions_ignores_durations_that_are_not_parole(text: str, language: str) -> None:
    assert field(text, "parole_duration_months", language) == []


@pytest.mark.parametrize(
    ("text", "doc_type", "authority"),
    [
        (
            "U.S. Department of Homeland Security\nU.S. Citizenship and Immigration Services\n"
            "Your request has been approved.",
            "parole_decision",
            ["USCIS"],
        ),
        (
            "Department of Homeland Security\nU.S. Immigration and Customs Enforcement\nYou are hereby paroled.",
            "parole_decision",
            ["ICE"],
        ),
        (
            "Notice of termination.\nDHS is exercising its discretion to terminate your parole.",
            "parole_decision",
            ["DHS"],
        ),
        ("U.S. Customs and Border Protection\nParole is granted.", "parole_decision", ["CBP"]),
        ("To: USCIS\nI am the attending physician of the patient.", "medical_letter", []),
        ("Our client entered through CBP One. On May 2, 2025 USCIS approved the request.", "other", ["USCIS"]),
        ("Departamento de Seguridad Nacional\nSe aprueba la solicitud de parole.", "parole_decision", ["DHS"]),
        (
            "THE UNITED STATES OF AMERICA\nForm I-797, Notice of Action\nThe above application has been approved.",
            "parole_decision",
            ["USCIS"],
        ),
    ],
)
def test_decisions_names_the_deciding_agency(text: str, doc_type: str, authority: list[str]) -> None:
    assert field(text, "decision_authority", doc_type=doc_type) == authority


@pytest.mark.parametrize(
    "row", load_jsonl("decisions_outcomes"), ids=lambda r: f"{r['outcome']}:{r['examples'][0][:30]}"
)
def test_decisions_outcome_rule_matches_examples_not_counter_examples(row: dict[str, Any]) -> None:
    pattern = decisions.compile_rule(row["pattern"])
    for text in row["examples"]:
        assert pattern.search(text), f"misses {text!r}"
        assert row["outcome"] in field(text, "outcome", row["language"], "other"), text
    for text in row.get("counter_examples", []):
        assert row["outcome"] not in field(text, "outcome", row["language"], "other"), text


@pytest.mark.parametrize("row", load_jsonl("decisions_guards"), ids=lambda r: r["pattern"][:30])
def test_decisions_guard_matches_its_examples_not_counter_examples(row: dict[str, Any]) -> None:
    pattern = decisions.compile_rule(row["pattern"])
    for text in row["examples"]:
        assert pattern.search(text), f"misses {text!r}"
    for text in row.get("counter_examples", []):
        assert not pattern.search(text), f"matches {text!r}"


@pytest.mark.parametrize("row", load_jsonl("decisions_durations"), ids=lambda r: r["examples"][0][:30])
def test_decisions_duration_rule_matches_examples_not_counter_examples(row: dict[str, Any]) -> None:
    pattern = decisions.compile_duration(row["pattern"])
    for text in row["examples"]:
        assert pattern.search(text), f"misses {text!r}"
        assert field(text, "parole_duration_months", row["language"]), text
    for text in row.get("counter_examples", []):
        assert field(text, "parole_duration_months", row["language"]) == [], text


@pytest.mark.parametrize("row", load_jsonl("decisions_authorities"), ids=lambda r: r["authority"])
def test_decisions_authority_rule_matches_examples_not_counter_examples(row: dict[str, Any]) -> None:
    pattern = decisions.re.compile(row["pattern"])
    for text in row["examples"]:
        assert pattern.search(text), f"misses {text!r}"
    for text in row.get("counter_examples", []):
        assert not pattern.search(text), f"matches {text!r}"
