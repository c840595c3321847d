"""Dates: forms, validation, distractors and roles, in English and Spanish; every rule against its examples."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extractors import dates
from pipeline.extractors.base import TextContext
from pipeline.models import DocType, Fact
from pipeline.nlp import make_nlp
from pipeline.rules import load_jsonl


def ctx(text: str, language: str = "en", doc_type: str = "parole_decision") -> TextContext:
    return TextContext(text, language, DocType(doc_type), make_nlp(language).make_doc(text))


def found(text: str, language: str = "en", doc_type: str = "parole_decision") -> list[Fact]:
    facts = dates.extract(ctx(text, language, doc_type))
    for fact in facts:
        assert fact.text == text[fact.start : fact.end]
    return facts


def values(text: str, language: str = "en") -> list[str]:
    return [str(f.value) for f in found(text, language)]


def example(item: str | dict[str, Any]) -> tuple[str, str, str]:
    if isinstance(item, str):
        return item, "en", "parole_decision"
    return item["text"], item.get("language", "en"), item.get("doc_type", "parole_decision")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Notice Date: March 3, 2025", "en", "2025-03-03"),
        ("on Mar. 3, 2025", "en", "2025-03-03"),
        ("on 3/4/2025", "en", "2025-03-04"),
        ("on 03/04/25", "en", "2025-03-04"),
        ("el 03/04/2025", "es", "2025-04-03"),
        ("on 3 March 2025", "en", "2025-03-03"),
        ("on 2025-03-03", "en", "2025-03-03"),
        ("el 3 de marzo de 2025", "es", "2025-03-03"),
        ("el 3 de marzo del 2025", "es", "2025-03-03"),
        ("el marzo 3, 2025", "es", "2025-03-03"),
        ("el día 3 del mes de marzo de 2025", "es", "2025-03-03"),
        ("a los 15 días del mes de agosto del año 2024", "es", "2024-08-15"),
        ("since March 2025", "en", "2025-03"),
        ("desde marzo de 2025", "es", "2025-03"),
        ("born 11/02/85", "en", "1985-11-02"),
        ("on 25/03/2025", "en", "2025-03-25"),
        ("on 03-MAR-2025", "en", "2025-03-03"),
        ("1o. de septiembre de 2024", "es", "2024-09-01"),
        ("on March l5, 2O25", "en", "2025-03-15"),
    ],
)
def test_dates_reads_english_and_spanish_forms(text: str, language: str, expected: str) -> None:
    assert values(text, language) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Call (213) 555-0199 or 213-555-0142, fax 213.555.0143.",
        "Los Angeles, CA 90027",
        "Invoice INV-2025-0142, account 1234-5678",
        "Appointment at 10:30 am",
        "ICD-10 K91.2 and E11.9",
        "Page 1/3",
        "hydrocodone 5/325 mg",
        "Blood pressure 120/80 mmHg",
        "February 30, 2025 and 13/13/2025",
        "half: 1/2",
        "Receipt Number IOE0912345678",
        "Form I-797C (Rev. 01/20/25)",
        "Form I-131 Edition 01/20/25",
        "OMB No. 1615-0013 Expires 02/28/2027",
        "5 years ago, 2019",
    ],
)
def test_dates_ignores_distractors(text: str) -> None:
    assert values(text) == []


@pytest.mark.parametrize(
    ("text", "language", "roles"),
    [
        (
            "Received Date: 01/15/2025\nNotice Date: 03/03/2025\nDate of Birth: 07/04/2012",
            "en",
            ["filed", "document", "birth"],
        ),
        (
            "Received Date        Priority Date       Notice Date\n"
            "January 15, 2025     January 15, 2025    March 3, 2025",
            "en",
            ["filed", "other", "document"],
        ),
        (
            "Receipt Number  Received Date  Notice Date\nIOE0912345678  01/15/2025  03/03/2025",
            "en",
            ["filed", "document"],
        ),
        (
            "Your parole is valid from March 3, 2025 until March 2, 2026.",
            "en",
            ["parole_start", "parole_end"],
        ),
        (
            "Los Angeles, California\nMarch 3, 2025\n\nTo whom it may concern:",
            "en",
            ["document"],
        ),
        (
            "Ciudad de México, a 3 de marzo de 2025\n\nA quien corresponda:",
            "es",
            ["document"],
        ),
        (
            "DHS is exercising its discretion to terminate your parole effective April 18, 2025.",
            "en",
            ["termination_effective"],
        ),
        (
            "La paciente ingresó a los Estados Unidos el 3 de marzo de 2023 y fue hospitalizada el 5 de marzo de 2023.",
            "es",
            ["entry", "admission"],
        ),
        ("Her next visit was March 3, 2025 at the clinic.", "en", ["other"]),
    ],
)
def test_dates_decides_role_from_context(text: str, language: str, roles: list[str]) -> None:
    assert [f.attributes["role"] for f in found(text, language)] == roles


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Notice Date: April 11, 2025\nYour parole will terminate 7 days from the date of this notice.",
            "en",
            "2025-04-18",
        ),
        (
            "Date: Wed, 16 Apr 2025 10:02:11 -0400\n\nYour parole will terminate seven (7) days from the date of this "
            "notice.",
            "en",
            "2025-04-23",
        ),
        (
            "Fecha: 11 de abril de 2025\n"
            "Su permiso de parole terminará siete (7) días a partir de la fecha de este aviso.",
            "es",
            "2025-04-18",
        ),
    ],
)
def test_dates_termination_relative_to_notice_is_derived(text: str, language: str, expected: str) -> None:
    facts = found(text, language)
    derived = [f for f in facts if f.attributes["role"] == "termination_effective"]
    assert [f.value for f in derived] == [expected]
    assert derived[0].confidence <= 0.8
    assert "days" in derived[0].text or "días" in derived[0].text


@pytest.mark.parametrize(
    "text",
    [
        "Your parole will terminate 7 days from the date of this notice.",  # no notice date: nothing to add to
        "Notice Date: April 11, 2025\n"
        "Your parole will terminate on April 18, 2025, 7 days from the date of this notice.",
        "Notice Date: April 11, 2025\nPlease respond within 30 days from the date of this notice.",
    ],
)
def test_dates_termination_relative_date_not_derived_without_base_or_when_written(text: str) -> None:
    derived = [f for f in found(text) if f.attributes["role"] == "termination_effective"]
    assert len(derived) <= 1
    assert all(f.value == "2025-04-18" and "days" not in f.text for f in derived)


def test_dates_spanish_ingreso_is_admission_in_a_medical_letter() -> None:
    facts = found("Fecha de ingreso: 03/04/2025\nFecha de egreso: 20/04/2025", "es", "medical_letter")
    assert [(f.value, f.attributes["role"]) for f in facts] == [
        ("2025-04-03", "admission"),
        ("2025-04-20", "discharge"),
    ]


@pytest.mark.parametrize("row", load_jsonl("dates_formats"), ids=lambda r: r["name"])
def test_dates_format_rule_matches_examples_not_counter_examples(row: dict[str, Any]) -> None:
    pattern = dates.compile_format(row["pattern"])
    for text in row["examples"]:
        assert pattern.search(dates.ocr_digits(text)), f"{row['name']} misses {text!r}"
    for text in row.get("counter_examples", []):
        assert not pattern.search(dates.ocr_digits(text)), f"{row['name']} matches {text!r}"


@pytest.mark.parametrize("row", load_jsonl("dates_roles"), ids=lambda r: f"{r['role']}:{str(r['examples'][0])[:30]}")
def test_dates_role_rule_gives_its_role_to_examples_only(row: dict[str, Any]) -> None:
    for item in row["examples"]:
        text, language, doc_type = example(item)
        facts = dates.extract(ctx(text, language, doc_type))
        roles = [f.attributes["role"] for f in facts]
        if row["role"] == "skip":
            assert facts == [], f"{text!r} should be skipped, got {roles}"
        else:
            assert row["role"] in roles, f"{text!r}: {roles}"
    for item in row.get("counter_examples", []):
        text, language, doc_type = example(item)
        roles = [f.attributes["role"] for f in dates.extract(ctx(text, language, doc_type))]
        assert row["role"] not in roles, f"{text!r}: {roles}"
