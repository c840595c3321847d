"""A-numbers, receipt numbers, MRNs and I-94 numbers, normalized, and their distractors."""

from __future__ import annotations

import pytest

from pipeline.extractors import identifiers
from pipeline.extractors.base import TextContext
from pipeline.extractors.parties import load_rules
from pipeline.models import DocType
from pipeline.nlp import make_nlp


def _ids(text: str, lang: str = "en") -> set[tuple[str, str]]:
    ctx = TextContext(text, lang, DocType.PAROLE_DECISION, make_nlp(lang)(text))
    facts = identifiers.extract(ctx)
    for fact in facts:
        assert ctx.text[fact.start : fact.end] == fact.text
    return {(str(f.value), f.attributes["kind"]) for f in facts}


_ROWS = [
    (rule.id, text, kind)
    for rule in load_rules("identifiers_patterns")
    for kind in ("examples", "counter_examples")
    for text in rule.data.get(kind, [])
]


@pytest.mark.parametrize(("rule_id", "text", "kind"), _ROWS)
def test_identifier_rule_matches_its_examples_and_none_of_its_counter_examples(
    rule_id: str, text: str, kind: str
) -> None:
    rule = next(r for r in load_rules("identifiers_patterns") if r.id == rule_id)
    assert bool(list(identifiers.rule_hits(rule, text))) == (kind == "examples"), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A-Number: A123-456-789", "A123456789"),
        ("Beneficiary A 123 456 789", "A123456789"),
        ("A#123456789", "A123456789"),
        ("A-Number: 123 456 789", "A123456789"),
        ("Alien Registration Number: 12 345 678", "A012345678"),
        ("Número A: 212-345-678", "A212345678"),
        ("No. de Extranjero: A098765432", "A098765432"),
        ("USCIS A# 0 9 8 7 6 5 4 3 2", "A098765432"),
        ("A-Number: l23 456 78O", "A123456780"),
    ],
)
def test_identifiers_read_a_numbers_in_every_printed_form(text: str, expected: str | None) -> None:
    found = {value for value, kind in _ids(text) if kind == "a_number"}
    assert found == ({expected} if expected else set())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Receipt Number IOE0912345678", "IOE0912345678"),
        ("Receipt #: EAC-21-900-12345", "EAC2190012345"),
        ("RECEIPT NUMBER\nMSC 21 900 12345", "MSC2190012345"),
        ("Número de recibo: NBC 091 234 5678", "NBC0912345678"),
        ("Your case WAC2190012345 was approved.", "WAC2190012345"),
        ("Receipt Number: I0E09l2345678", "IOE0912345678"),
        ("Receipt Number: YSC1234567890", "YSC1234567890"),
        ("Receipt Number Case Type\n10E2327661253 I131 - APPLICATION FOR TRAVEL", "IOE2327661253"),
        ("|OE0912345678 I131 - APPLICATION FOR TRAVEL DOCUMENT", "IOE0912345678"),
    ],
)
def test_identifiers_read_receipt_numbers_with_uscis_prefixes(text: str, expected: str) -> None:
    assert {value for value, kind in _ids(text) if kind == "receipt_number"} == {expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MRN: 12345678", "12345678"),
        ("Medical Record Number: 001-234-567", "001-234-567"),
        ("No. de expediente: 2023-00451", "2023-00451"),
        ("Expediente clínico: 889123", "889123"),
        ("con número de expediente clínico\n5022042, fue diagnosticada", "5022042"),
        ("Menjívar Gómez, Wendy, expediente\n6413674, nacida el 2021-08-16", "6413674"),
        ("Miami, FL 33155 _MRN: 9871619", "9871619"),
    ],
)
def test_identifiers_read_medical_record_numbers_as_printed(text: str, expected: str) -> None:
    assert _ids(text) == {(expected, "mrn")}


@pytest.mark.parametrize(
    "text",
    [
        "Tel. (213) 555-0123  Fax (213) 555-0199",
        "4650 Sunset Blvd, Los Angeles, CA 90027",
        "Invoice #A12345678",
        "Account No. A1234567",
        "NPI: 1234567890",
        "Case No. 2:25-cv-01234-ABC",
        "Diagnosis: Sepsis (ICD-10 A41.9), K90.829",
        "Order INV1234567890",
        "Policy number ABC 123 456 7890",
        "MRN: 03/14/2020",
        "Medical record review shows no liver disease.",
        "Cédula profesional 12345678",
        "Folio 1012327661253",
        "Se anexa el expediente\nclínico completo.",
    ],
)
def test_identifiers_ignore_phones_zips_invoices_npis_court_cases_and_codes(text: str) -> None:
    assert _ids(text) == set()


def test_identifiers_reads_a_notice_header_once_each() -> None:
    text = (
        "Receipt Number\tCase Type\nIOE0912345678\tI131 - APPLICATION FOR TRAVEL DOCUMENT\n"
        "Applicant A123 456 789\nMARIA LOPEZ GARCIA\nPhone: 1-800-375-5283"
    )
    assert _ids(text) == {("IOE0912345678", "receipt_number"), ("A123456789", "a_number")}
