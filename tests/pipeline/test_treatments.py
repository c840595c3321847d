"""Treatments with schedules, and treatment unavailable in the home country."""

from __future__ import annotations

import re

import pytest

from pipeline.extractors import treatments
from pipeline.extractors.base import TextContext
from pipeline.extractors.diagnoses import fold
from pipeline.models import DocType, Fact
from pipeline.nlp import make_nlp
from pipeline.rules import load_csv, load_jsonl

LEXICON = load_csv("treatments_lexicon")


def _extract(text: str, lang: str = "en") -> list[Fact]:
    return treatments.extract(TextContext(text, lang, DocType.MEDICAL_LETTER, make_nlp(lang).make_doc(text)))


def _treatments(text: str, lang: str = "en") -> dict[str, str | None]:
    return {str(f.value): f.attributes.get("schedule") for f in _extract(text, lang) if f.field == "treatment"}


def _unavailable(text: str, lang: str = "en") -> list[tuple[bool, str | None]]:
    return [
        (bool(f.value), f.attributes.get("country"))
        for f in _extract(text, lang)
        if f.field == "treatment_unavailable_in_home_country"
    ]


def test_treatments_lexicon_has_no_duplicate_terms() -> None:
    keys = [(fold(row["term"]), row["kind"]) for row in LEXICON]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("row", LEXICON, ids=lambda row: row["term"])
def test_treatments_every_lexicon_term_is_found_as_its_treatment(row: dict[str, str]) -> None:
    text = f"She currently requires {row['term']}."
    found = treatments.find_treatments(text)
    assert [(text[s:e], c) for s, e, c, _k in found] == [(row["term"], row["canonical"])]


@pytest.mark.parametrize("row", load_jsonl("treatments_schedules"), ids=lambda row: row["name"])
def test_treatments_schedule_pattern_matches_its_examples_only(row: dict[str, object]) -> None:
    pattern = re.compile(str(row["pattern"]), re.IGNORECASE)
    for example in row["examples"]:  # type: ignore[attr-defined]
        assert pattern.fullmatch(example), example
    for counter in row.get("counter_examples", []):  # type: ignore[attr-defined]
        assert not pattern.search(counter), counter


@pytest.mark.parametrize("row", load_jsonl("treatments_unavailable"), ids=lambda row: row["name"])
def test_treatments_unavailable_pattern_matches_its_examples_only(row: dict[str, object]) -> None:
    pattern = treatments.compile_unavailable(str(row["pattern"]))
    for example in row["examples"]:  # type: ignore[attr-defined]
        assert pattern.search(example), example
    for counter in row.get("counter_examples", []):  # type: ignore[attr-defined]
        assert not pattern.search(counter), counter


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("She receives home parenteral nutrition (TPN) infused over 14 hours daily via a central line.", "en",
         {"home parenteral nutrition": "infused over 14 hours daily"}),
        ("He requires hemodialysis three times a week.", "en", {"hemodialysis": "three times a week"}),
        ("Recibe hemodiálisis 4 sesiones por semana.", "es", {"hemodialysis": "4 sesiones por semana"}),
        ("Quimioterapia cada 21 días según protocolo.", "es", {"chemotherapy": "cada 21 días"}),
        ("Nutrición parenteral total 12 horas al día.", "es", {"home parenteral nutrition": "12 horas al día"}),
        ("She receives weekly galsulfase infusions.", "en", {"enzyme replacement therapy": "weekly"}),
        ("He is listed for a kidney transplant.", "en", {"kidney transplant": None}),
        ("Without TPN she would develop sepsis.", "en", {"home parenteral nutrition": None}),
        ("He depends on home mechanical ventilation via tracheostomy, 24 hours a day.", "en",
         {"home mechanical ventilation": "24 hours a day"}),
        ("Se indicó ventilación mecánica domiciliaria por traqueostomía, las 24 horas del día.", "es",
         {"home mechanical ventilation": "24 horas del día"}),
        ("Requiere terapia con bomba de insulina, continua, con controles cada 3 horas.", "es",
         {"insulin pump therapy": "continua"}),
        ("She is on insulin pump therapy.", "en", {"insulin pump therapy": None}),
        ("Requiere transfusiones crónicas con quelación, cada 3 a 4 semanas.", "es",
         {"chronic transfusion therapy": "cada 3 a 4 semanas"}),
        ("We have started home nursing care; it is given 16 hours per day.", "en",
         {"home nursing care": "16 hours per day"}),
        ("Current therapy: hemodialysis, 4 hours, 3 sessions weekly.", "en", {"hemodialysis": "3 sessions weekly"}),
        ("He needs staged skin grafting and reconstructive surgery, every 6 to 8 weeks.", "en",
         {"burn reconstructive surgery": "every 6 to 8 weeks"}),
        ("Requiere revisión de válvula de derivación ventrículo-peritoneal.", "es", {"neurosurgery": None}),
        ("Se indicó quimioterapia intensiva, mantenimiento oral diario con infusiones mensuales.", "es",
         {"chemotherapy": "mantenimiento oral diario con infusiones mensuales"}),
        ("Su manejo consiste en terapia de reemplazo enzimático (infusiones semanales de 4 horas).", "es",
         {"enzyme replacement therapy": "infusiones semanales de 4 horas"}),
        ("Se indicó quimioterapia intensiva, semanal durante los próximos 8 meses.", "es",
         {"chemotherapy": "semanal durante los próximos 8 meses"}),
        ("Actualmente recibe atención domiciliaria de enfermería 16 horas al día.", "es",
         {"home nursing care": "16 horas al día"}),
        ("We have started chemotherapy per COG protocol; it is given weekly for the next 8 months.", "en",
         {"chemotherapy": "weekly for the next 8 months"}),
        ("He requires chemotherapy per COG protocol, daily oral maintenance with monthly infusions.", "en",
         {"chemotherapy": "daily oral maintenance with monthly infusions"}),
        ("She receives enzyme replacement therapy as weekly 4-hour infusions.", "en",
         {"enzyme replacement therapy": "weekly 4-hour infusions"}),
        ("Requiere quimioterapia; el mantenimiento del catéter se hace en casa.", "es", {"chemotherapy": None}),
    ],
)  # fmt: skip
def test_treatments_reads_canonical_name_and_schedule(text: str, lang: str, expected: dict[str, str | None]) -> None:
    assert _treatments(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("She completed chemotherapy in 2021.", "en"),
        ("Her mother received a kidney transplant.", "en"),
        ("He does not require dialysis at this time.", "en"),
        ("Other children on parenteral nutrition in Honduras have died.", "en"),
        ("Recibió quimioterapia en 2019.", "es"),
    ],
)
def test_treatments_skips_past_relatives_others_and_negated(text: str, lang: str) -> None:
    assert _treatments(text, lang) == {}


def test_treatments_one_fact_per_treatment_keeps_a_later_schedule() -> None:
    text = "She depends on TPN. TPN is infused 14 hours daily."
    facts = [f for f in _extract(text) if f.field == "treatment"]
    assert len(facts) == 1 and facts[0].attributes["schedule"] == "14 hours daily"
    assert text[facts[0].start : facts[0].end] == facts[0].text


def test_treatments_dialysis_gives_way_to_its_kind() -> None:
    assert set(_treatments("Dialysis: she is on peritoneal dialysis nightly.")) == {"peritoneal dialysis"}


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Home parenteral nutrition is not available in Honduras.", "en", [(True, "HN")]),
        ("This therapy cannot be provided in Guatemala.", "en", [(True, "GT")]),
        ("There is no pediatric transplant program in El Salvador.", "en", [(True, "SV")]),
        ("Hospital Escuela, Tegucigalpa, Honduras. El tratamiento no se encuentra disponible en nuestro país.", "es",
         [(True, "HN")]),
        ("En esta institución no contamos con nutrición parenteral domiciliaria.", "es", [(True, None)]),
        ("Dialysis is readily available in Mexico.", "en", [(False, "MX")]),
        ("It is not available in Honduras, while dialysis is available in the United States.", "en", [(True, "HN")]),
        ("The drug is available at Children's Hospital Los Angeles.", "en", []),
        ("The pharmacy did not have the medication on Monday.", "en", []),
        ("No existe evidencia de enfermedad hepática.", "es", []),
        # the place before the verb
        ("Por lo anterior se informa que en Colombia no se cuenta con este tratamiento.", "es", [(True, "CO")]),
        ("En nuestro país no se realizan trasplantes hepáticos pediátricos. Hospital Escuela, Honduras.", "es",
         [(True, "HN")]),
        ("In Guatemala there is no pediatric dialysis unit.", "en", [(True, "GT")]),
        ("En Honduras se cuenta con el tratamiento.", "es", []),
        ("En la consulta no se encontraron alteraciones.", "es", []),
        # statements split across lines, and naming neighbours
        ("Pediatric dialysis is not offered anywhere in Guatemala, nor in neighboring countries.", "en",
         [(True, "GT")]),
        ("The treatment is not\navailable in Honduras.", "en", [(True, "HN")]),
        ("Por lo anterior se informa que\nnuestra institución no cuenta con los recursos para ofrecer dicho\n"
         "tratamiento. Managua, Nicaragua.", "es", [(True, "NI")]),
        # the country of the letter: written in capitals, or told by its city or institution; streets are not
        ("SECRETARÍA DE SALUD DE HONDURAS\nEl tratamiento no se encuentra disponible en esta institución ni en "
         "nuestro país.", "es", [(True, "HN")]),
        ("Barrio Ariel Darce, Managua\nNuestra institución no cuenta con los recursos para ofrecer dicho "
         "tratamiento.", "es", [(True, "NI")]),
        ("Avenida Caracas No. 1-65, Bogotá\nEs importante mencionar que no está disponible en el sistema de salud "
         "público del país.", "es", [(True, "CO")]),
        ("It is not available in the public health system. Tegucigalpa, M.D.C.", "en", [(True, "HN")]),
        # asked for, not stated (a request for evidence, a legal standard): no fact
        ("Please submit evidence that the treatment is unavailable in El Salvador.", "en", []),
        ("You have not established that dialysis is not available in Guatemala.", "en", []),
        ("USCIS will consider whether the treatment is not available in Honduras.", "en", []),
        ("Presente pruebas de que el tratamiento no se encuentra disponible en Honduras.", "es", []),
        ("Se requiere documentación que demuestre que el trasplante no se realiza en Guatemala.", "es", []),
    ],
)  # fmt: skip
def test_treatments_reads_unavailable_in_home_country(
    text: str, lang: str, expected: list[tuple[bool, str | None]]
) -> None:
    assert _unavailable(text, lang) == expected


def test_treatments_unavailable_fact_text_is_the_statement() -> None:
    text = "Her treatment is not available in Honduras."
    fact = next(f for f in _extract(text) if f.field == "treatment_unavailable_in_home_country")
    assert fact.text == "is not available in Honduras" and text[fact.start : fact.end] == fact.text
