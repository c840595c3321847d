"""Diagnoses: lexicon, ICD-10-CM codes, qualifiers, printed codes, one fact per condition and assertion."""

from __future__ import annotations

import re

import pytest
import simple_icd_10_cm as icd

from pipeline.extractors import diagnoses
from pipeline.extractors.assertions import section_assertions
from pipeline.extractors.base import TextContext
from pipeline.models import DocType, Fact
from pipeline.nlp import make_nlp
from pipeline.rules import load_csv, load_jsonl

LEXICON = load_csv("diagnoses_lexicon")


def _extract(text: str, lang: str = "en") -> list[Fact]:
    return diagnoses.extract(TextContext(text, lang, DocType.MEDICAL_LETTER, make_nlp(lang).make_doc(text)))


def _triples(text: str, lang: str = "en") -> set[tuple[str, str, str]]:
    return {(str(f.value), f.attributes["icd10"], f.attributes["assertion"]) for f in _extract(text, lang)}


@pytest.mark.parametrize(
    "code", sorted({row["icd10"] for row in LEXICON} | {r["icd10"] for r in load_jsonl("diagnoses_qualifiers")})
)
def test_diagnoses_every_code_is_a_billable_icd10cm_code(code: str) -> None:
    assert icd.is_valid_item(code) and icd.is_leaf(code), code


def test_diagnoses_lexicon_has_no_duplicate_terms() -> None:
    keys = [(diagnoses.fold(row["term"]), row["kind"]) for row in LEXICON]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("row", LEXICON, ids=lambda row: row["term"])
def test_diagnoses_every_lexicon_term_is_found_as_its_condition(row: dict[str, str]) -> None:
    text = f"The patient has {row['term']}."
    mentions = diagnoses.find_mentions(text, row["lang"] if row["lang"] != "any" else "en")
    assert [(m.canonical, m.icd10) for m in mentions] == [(row["canonical"], row["icd10"])]
    assert text[mentions[0].start : mentions[0].end] == row["term"]


@pytest.mark.parametrize("row", load_jsonl("diagnoses_qualifiers"), ids=lambda row: row["icd10"])
def test_diagnoses_qualifier_matches_its_examples_only(row: dict[str, object]) -> None:
    pattern = re.compile(str(row["pattern"]), re.IGNORECASE)
    for example in row["examples"]:  # type: ignore[attr-defined]
        assert pattern.search(example), example
    for counter in row.get("counter_examples", []):  # type: ignore[attr-defined]
        assert not pattern.search(counter), counter


@pytest.mark.parametrize("row", load_jsonl("diagnoses_sections"), ids=lambda row: row["assertion"])
def test_diagnoses_section_heading_matches_its_examples_only(row: dict[str, object]) -> None:
    for example in row["examples"]:  # type: ignore[attr-defined]
        assert any(a == row["assertion"] for _s, _e, a in section_assertions(example)), example
    for counter in row.get("counter_examples", []):  # type: ignore[attr-defined]
        assert not any(a == row["assertion"] for _s, _e, a in section_assertions(counter)), counter


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Diagnosis: short bowel syndrome (ICD-10: K91.2).", "en", ("short bowel syndrome", "K91.2", "present")),
        ("Diagnóstico: Enfermedad renal crónica terminal CIE-10 N18.6", "es",
         ("end-stage renal disease", "N18.6", "present")),
        ("Chronic kidney disease stage 5 (ICD-10 N18.6)", "en", ("end-stage renal disease", "N18.6", "present")),
        ("K90.821 - Short bowel syndrome", "en", ("short bowel syndrome", "K90.821", "present")),
        ("She has short bowel syndrome.", "en", ("short bowel syndrome", "K90.829", "present")),
        ("Acute lymphoblastic leukemia, currently in complete remission.", "en",
         ("acute lymphoblastic leukemia", "C91.01", "present")),
        ("Leucemia linfoblástica aguda en recaída.", "es", ("acute lymphoblastic leukemia", "C91.02", "present")),
        ("Chronic kidney disease stage 5.", "en", ("chronic kidney disease", "N18.5", "present")),
        ("Intractable epilepsy with daily seizures.", "en", ("drug-resistant epilepsy", "G40.919", "present")),
        ("Myelomeningocele with hydrocephalus.", "en", ("spina bifida", "Q05.4", "present")),
        ("Maroteaux-Lamy syndrome (MPS VI).", "en", ("mucopolysaccharidosis type vi", "E76.29", "present")),
        ("Dx: HLHS s/p Norwood.", "en", ("hypoplastic left heart syndrome", "Q23.4", "present")),
        ("Diagnosed with short bowl\nsyndrome after NEC.", "en", ("short bowel syndrome", "K90.829", "present")),
        ("Diabetes tipo l desde los 3 años.", "es", ("type 1 diabetes", "E10.9", "present")),
        ("Sindrome de intestino corto.", "es", ("short bowel syndrome", "K90.829", "present")),
        ("Retinoblastoma of the right eye.", "en", ("retinoblastoma", "C69.21", "present")),
        ("Burns involving 45% of total body surface area, 35% full-thickness.", "en", ("burns", "T31.43", "present")),
        ("Quemaduras en 45% de la superficie corporal con 35% de tercer grado.", "es", ("burns", "T31.43", "present")),
        ("Diagnosis: lumbar myelomeningocele with hydrocephalus.", "en", ("spina bifida", "Q05.2", "present")),
        ("Mielomeningocele lumbar con hidrocefalia.", "es", ("spina bifida", "Q05.2", "present")),
        ("Espina bífida lumbar sin hidrocefalia.", "es", ("spina bifida", "Q05.7", "present")),
        ("Parálisis cerebral infantil tipo cuadriparesia espástica.", "es", ("cerebral palsy", "G80.0", "present")),
        ("Enfermedad renal crónica estadio 5 en diálisis.", "es", ("end-stage renal disease", "N18.6", "present")),
        ("Epilepsy, refractory to three medications.", "en", ("drug-resistant epilepsy", "G40.919", "present")),
        ("Type 1 diabetes. She had diabetic ketoacidosis in 2022.", "en", ("type 1 diabetes", "E10.9", "present")),
        ("Type 1 diabetes. Without insulin she would develop diabetic ketoacidosis.", "en",
         ("diabetic ketoacidosis", "E10.10", "hypothetical")),
        ("Spinal muscular atrophy type 1 (Werdnig-Hoffmann disease).", "en",
         ("spinal muscular atrophy type 1", "G12.0", "present")),
        ("Transfusion-dependent beta thalassemia (D56.1).", "en", ("beta thalassemia major", "D56.1", "present")),
        ("Su padre, de 40 años, padece hipertensión arterial.", "es", ("hypertension", "I10", "family")),
        ("Sickle cell disease without crisis.", "en", ("sickle cell disease", "D57.1", "present")),
        ("Negative for hepatitis B and HIV infection.", "en", ("hepatitis b", "B19.10", "negated")),
    ],
)  # fmt: skip
def test_diagnoses_reads_condition_and_most_specific_code(text: str, lang: str, expected: tuple[str, str, str]) -> None:
    assert expected in _triples(text, lang)


@pytest.mark.parametrize(
    "text",
    [
        "TO ALL WHOM IT MAY CONCERN",
        "Thank you for all your help.",
        "Domicilio conocido, CP 06720, Ciudad de México.",
        "We followed all the steps.",
    ],
)
def test_diagnoses_ignores_words_that_look_like_abbreviations(text: str) -> None:
    assert _extract(text) == []


def test_diagnoses_keeps_one_fact_per_condition_and_assertion() -> None:
    text = "She has short bowel syndrome. Short bowel syndrome requires TPN. Her short bowel syndrome is severe."
    facts = _extract(text)
    assert len(facts) == 1 and facts[0].text == "short bowel syndrome"


def test_diagnoses_printed_code_applies_to_every_mention_of_the_patients_condition() -> None:
    text = "Short bowel syndrome. Diagnosis: short bowel syndrome (K90.822)."
    assert _triples(text) == {("short bowel syndrome", "K90.822", "present")}


def test_diagnoses_drops_broad_name_next_to_specific_one() -> None:
    text = "He has acute lymphoblastic leukemia. His leukemia was diagnosed in 2022."
    assert {t[0] for t in _triples(text)} == {"acute lymphoblastic leukemia"}


def test_diagnoses_patient_and_relative_with_the_same_condition_stay_apart() -> None:
    text = "Her older sister has cystic fibrosis. She has cystic fibrosis with pancreatic insufficiency."
    assert _triples(text) == {("cystic fibrosis", "E84.9", "family"), ("cystic fibrosis", "E84.9", "present")}


def test_diagnoses_principal_present_condition_is_most_confident() -> None:
    text = (
        "Diagnosis: short bowel syndrome. She has short bowel syndrome and is at risk of sepsis. Her mother has asthma."
    )
    facts = {f.value: f.confidence for f in _extract(text)}
    assert facts["short bowel syndrome"] > facts["sepsis"] and facts["short bowel syndrome"] > facts["asthma"]


def test_diagnoses_facts_are_grounded_in_the_text() -> None:
    text = "Paciente con síndrome de intestino corto y antecedente de enterocolitis necrosante.\fPágina 2: sepsis."
    for fact in _extract(text, "es"):
        assert text[fact.start : fact.end] == fact.text


@pytest.mark.parametrize(
    ("text", "lang", "absent"),
    [
        ("The University of Texas MD Anderson Cancer Center", "en", "cancer"),
        ("Cancer and Blood Disease Institute, Phoenix", "en", "cancer"),
        ("Referred by the Cystic Fibrosis Foundation.", "en", "cystic fibrosis"),
        ("Fundación Mexicana de Epilepsia, A.C.", "es", "epilepsy"),
        ("Lumbar myelomeningocele with hydrocephalus (Q05.2).", "en", "hydrocephalus"),
        ("Systemic lupus erythematosus with lupus nephritis (M32.14).", "en", "systemic lupus erythematosus"),
    ],
)
def test_diagnoses_skips_institution_names_and_conditions_a_code_includes(text: str, lang: str, absent: str) -> None:
    assert absent not in {value for value, _code, _assertion in _triples(text, lang)}


def test_diagnoses_still_reads_a_condition_before_an_institution_word_in_lower_case() -> None:
    assert ("cancer", "C80.1", "present") in _triples("She has cancer center-line lesions.")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("burns of 45% TBSA, 35% full-thickness", "T31.43"),
        ("burns covering 8% of the body surface", "T31.0"),
        ("quemaduras del 62% de superficie corporal total, 20% de tercer grado", "T31.62"),
        ("burns of the hands", None),
    ],
)
def test_diagnoses_burn_extent_code_follows_icd10cm_t31(text: str, code: str | None) -> None:
    assert diagnoses.burn_extent_code(text) == code
