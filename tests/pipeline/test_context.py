"""ConText rules (rules/context_<lang>.jsonl): each rule's examples get the expected assertions, in both languages."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extractors import diagnoses, treatments
from pipeline.extractors.base import TextContext
from pipeline.models import DocType
from pipeline.nlp import make_nlp
from pipeline.rules import load_jsonl


def _ctx(text: str, lang: str) -> TextContext:
    return TextContext(text, lang, DocType.MEDICAL_LETTER, make_nlp(lang).make_doc(text))


def _assertions(text: str, lang: str) -> dict[str, str]:
    """Canonical -> assertion of every diagnosis in `text` ("other" when the extractor dropped it)."""
    ctx = _ctx(text, lang)
    found = {f.value: f.attributes["assertion"] for f in diagnoses.extract(ctx)}
    for mention in diagnoses.find_mentions(text, lang):
        found.setdefault(mention.canonical, "other")
    return {str(k): v for k, v in found.items()}


def _cases(kind: str) -> list[Any]:
    cases = []
    for lang in ("en", "es"):
        for rule in load_jsonl(f"context_{lang}"):
            for example in rule.get(kind, []):
                cases.append(pytest.param(lang, example, id=f"{lang}:{rule['literal']}:{example['text'][:30]}"))
    return cases


@pytest.mark.parametrize(("lang", "example"), _cases("examples"))
def test_context_rule_examples_get_their_assertion(lang: str, example: dict[str, Any]) -> None:
    found = _assertions(example["text"], lang)
    for canonical, assertion in example["expect"].items():
        assert found.get(canonical) == assertion, (example["text"], found)
    if "treatments" in example:
        facts = treatments.extract(_ctx(example["text"], lang))
        names = {f.value for f in facts if f.field == "treatment"}
        for canonical, assertion in example["treatments"].items():
            assert (canonical in names) == (assertion == "present"), (example["text"], names)


@pytest.mark.parametrize(("lang", "example"), _cases("counter_examples"))
def test_context_rule_counter_examples_keep_their_assertion(lang: str, example: dict[str, Any]) -> None:
    found = _assertions(example["text"], lang)
    for canonical, assertion in example["expect"].items():
        assert found.get(canonical) == assertion, (example["text"], found)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_context_rules_load_into_medspacy(lang: str) -> None:
    context = make_nlp(lang).get_pipe("medspacy_context")
    literals = {rule.literal for rule in context.rules}
    assert {row["literal"] for row in load_jsonl(f"context_{lang}")} <= literals


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Without TPN she would develop sepsis.", "en", {"sepsis": "hypothetical"}),
        ("Her mother has type 2 diabetes. The patient has type 1 diabetes.", "en",
         {"type 2 diabetes": "family", "type 1 diabetes": "present"}),
        ("His older brother died of leukemia. He has end-stage renal disease.", "en",
         {"leukemia": "family", "end-stage renal disease": "present"}),
        ("There is no evidence of liver disease, portal hypertension or sepsis.", "en",
         {"liver disease": "negated", "portal hypertension": "negated", "sepsis": "negated"}),
        ("Possible Hirschsprung disease.", "en", {"hirschsprung disease": "possible"}),
        ("History of necrotizing enterocolitis.", "en", {"necrotizing enterocolitis": "historical"}),
        ("Family History:\nDiabetes (grandmother)\nAsthma\n\nDiagnosis: cystic fibrosis", "en",
         {"diabetes mellitus": "family", "asthma": "family", "cystic fibrosis": "present"}),
        ("Antecedentes heredofamiliares:\nhipertensión arterial\n\nDiagnóstico: fibrosis quística", "es",
         {"hypertension": "family", "cystic fibrosis": "present"}),
        ("La paciente no presenta datos de hipertensión portal. Cursa con síndrome de intestino corto.", "es",
         {"portal hypertension": "negated", "short bowel syndrome": "present"}),
        ("Sin el tratamiento podría desarrollar falla hepática.", "es", {"liver failure": "hypothetical"}),
        ("Sospecha de sepsis.", "es", {"sepsis": "possible"}),
    ],
)  # fmt: skip
def test_context_separates_patient_from_relatives_and_hypotheticals(
    text: str, lang: str, expected: dict[str, str]
) -> None:
    found = _assertions(text, lang)
    for canonical, assertion in expected.items():
        assert found.get(canonical) == assertion, found
