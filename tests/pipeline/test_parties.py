"""The patient's name, age and country; facilities, physicians and legal organisations (EN and ES)."""

from __future__ import annotations

import pytest

from pipeline.extractors import organisations, patient
from pipeline.extractors.base import TextContext
from pipeline.extractors.parties import find_hits, load_rules
from pipeline.models import DocType, Fact
from pipeline.nlp import make_nlp
from pipeline.rules import load_jsonl

CUE_FILES = ["parties_names", "parties_ages", "countries_cues", "parties_physicians"]


def _ctx(text: str, lang: str = "en") -> TextContext:
    return TextContext(text, lang, DocType.MEDICAL_LETTER, make_nlp(lang)(text))


def _values(facts: list[Fact], field: str) -> set[object]:
    return {f.value for f in facts if f.field == field}


def _rows(name: str) -> list[tuple[str, str, str]]:
    return [
        (rule.id, ex, kind)
        for rule in load_rules(name)
        for kind in ("examples", "counter_examples")
        for ex in rule.data.get(kind, [])
    ]


@pytest.mark.parametrize(
    ("name", "rule_id", "text", "kind"), [(name, *row) for name in CUE_FILES for row in _rows(name)]
)
def test_parties_rule_matches_its_examples_and_none_of_its_counter_examples(
    name: str, rule_id: str, text: str, kind: str
) -> None:
    rule = next(r for r in load_rules(name) if r.id == rule_id)
    hits = list(find_hits(rule, text))
    assert bool(hits) == (kind == "examples"), f"{rule_id}: {text!r} -> {[h.value for h in hits]}"


@pytest.mark.parametrize(("rule_id", "text", "kind"), _rows("facilities_generic"))
def test_facilities_generic_rule_matches_its_examples_and_none_of_its_counter_examples(
    rule_id: str, text: str, kind: str
) -> None:
    found = organisations.facilities(_ctx(text))
    assert bool(found) == (kind == "examples"), f"{rule_id}: {text!r} -> {found}"


def _every_fact_is_grounded(ctx: TextContext, facts: list[Fact]) -> None:
    for fact in facts:
        assert ctx.text[fact.start : fact.end] == fact.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Beneficiary: MARIA JOSE LOPEZ GARCIA\nA-Number: A123 456 789", "MARIA JOSE LOPEZ GARCIA"),
        ("Name: LOPEZ GARCIA, Maria Jose\nDate of Birth: 03/14/2020", "LOPEZ GARCIA, Maria Jose"),
        ("RE: Maria José López García, DOB 03/14/2020\n\nTo whom it may concern:", "Maria José López García"),
        ("I am the treating physician of Sofía Ramírez, who has intestinal failure.", "Sofía Ramírez"),
        ("I am writing about my patient, Luis Hernández, whose mother, Rosa Martínez, is here.", "Luis Hernández"),
        ("Por medio de la presente hago constar que el paciente Juan Pérez López recibe diálisis.", "Juan Pérez López"),
        ("Nombre del paciente: Ana Lucía Gómez Reyes\nEdad: 7 años", "Ana Lucía Gómez Reyes"),
        ("Se extiende la presente a favor de la menor Ana Gómez Reyes.", "Ana Gómez Reyes"),
        ("Subject: Parole termination notice - MARIA LOPEZ GARCIA\n\nDear Parolee,", "MARIA LOPEZ GARCIA"),
        ("Patient Name: DE LA CRUZ MENJÍVAR, Kevin Josué", "DE LA CRUZ MENJÍVAR, Kevin Josué"),
        ("Yeison O'Connell-Ruiz is a 6-year-old boy with ESRD.", "Yeison O'Connell-Ruiz"),
        ("Name: DYLAN CRUZ MEDINA AH: A# 049-508-083", "DYLAN CRUZ MEDINA"),
    ],
)
def test_patient_name_reads_printed_forms(text: str, expected: str) -> None:
    ctx = _ctx(text)
    facts = patient.extract(ctx)
    assert _values(facts, "patient_name") == {expected}
    _every_fact_is_grounded(ctx, facts)


@pytest.mark.parametrize(
    "text",
    [
        "Her mother, Rosa Martínez, DOB 05/05/1990, accompanies her.",
        "Sincerely,\n\nRebecca Whitfield, MD",
        "Dear Emily Goldberg:\n\nThank you for your letter.",
        "RE: Request for Humanitarian Parole",
        "La madre de la paciente, Rosa Martínez Díaz, solicita la constancia.",
        "I have treated Dr. Rebecca Whitfield's patients for years.",
        "on behalf of Public Counsel and Al Otro Lado",
    ],
)
def test_patient_name_ignores_parents_doctors_lawyers_and_titles(text: str) -> None:
    assert _values(patient.extract(_ctx(text)), "patient_name") == set()


def _typed_ctx(text: str, doc_type: DocType, lang: str = "en") -> TextContext:
    return TextContext(text, lang, doc_type, make_nlp(lang)(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Notice Type\nApproval Notice\n\nISABELLA CASTILLO FUENTES\n\nC/O CATHOLIC LEGAL IMMIGRATION NETWORK\n"
            "3148 E COLFAX AVE\n\nPHILADELPHIA PA 19167",
            {"ISABELLA CASTILLO FUENTES"},
        ),
        ("Nov. 8, 2023\nELMER VARGAS JUAREZ\n2513 S VERMONT AVE\nLOS ANGELES CA 90098", {"ELMER VARGAS JUAREZ"}),
        ("Applicant Beneficiary\n. | A460227345 MATEO PADILLA HERRERA", {"MATEO PADILLA HERRERA"}),
        (
            "Applicant Beneficiary Notice Type\nA233962900 CARRILLO, NAOMI CARRILLO CHAVEZ, NAOMI Approval Notice",
            {"CARRILLO, NAOMI", "CARRILLO CHAVEZ, NAOMI"},
        ),
        ("Beneficiary\nA116559650 ELMER PADILLA TORRES PADILLA, ELMER", {"ELMER PADILLA TORRES", "PADILLA, ELMER"}),
        (
            "Applicant Beneficiary\nA261313720 CABRERA, MARIANA | MARIANA CABRERA CARRILLO Approval Notice",
            {"CABRERA, MARIANA", "MARIANA CABRERA CARRILLO"},
        ),
    ],
)
def test_patient_name_reads_a_notice_address_block_and_flattened_boxes(text: str, expected: set[str]) -> None:
    ctx = _typed_ctx(text, DocType.PAROLE_DECISION)
    facts = patient.extract(ctx)
    assert _values(facts, "patient_name") == expected
    _every_fact_is_grounded(ctx, facts)


def test_patient_name_drops_surnames_printed_alone() -> None:
    text = "Patient: MATEO PADILLA HERRERA\nRE: Letter for PADILLA HERRERA, DOB 10/21/99"
    assert _values(patient.extract(_ctx(text)), "patient_name") == {"MATEO PADILLA HERRERA"}


def test_patient_name_keeps_a_repeated_surname_as_one_name() -> None:
    text = "Beneficiary: JUAN GARCIA GARCIA\nA-Number: A123456789"
    assert _values(patient.extract(_ctx(text)), "patient_name") == {"JUAN GARCIA GARCIA"}


def test_patient_name_never_reads_the_addressee_of_a_letter_as_the_patient() -> None:
    # A legal-aid letter is addressed to a parent; a physician's letter to USCIS.
    text = "Rosa Martínez Díaz\n2513 S Vermont Ave\nLos Angeles, CA 90098\n\nDear Ms. Martínez:"
    for doc_type in (DocType.OTHER, DocType.MEDICAL_LETTER):
        assert _values(patient.extract(_typed_ctx(text, doc_type)), "patient_name") == set()


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Estimada señora Paola Díaz:\nLe comunicamos que el 15/06/24 USCIS aprobó la solicitud de Emiliano "
            "Hernández Díaz.",
            "es",
            "Emiliano Hernández Díaz",
        ),
        (
            "Queremos avisarle que USCIS rechazó la petición de parole de su hija Dayana Vásquez Villatoro "
            "(decisión del 29 de diciembre del 2023).",
            "es",
            "Dayana Vásquez Villatoro",
        ),
        (
            "USCIS concedió el trámite de Lara Medina, Ángel. Fecha de la decisión: 31/01/2026.",
            "es",
            "Lara Medina, Ángel",
        ),
        (
            "Dear Ms. Lopez:\nUSCIS approved the parole request of your son KEVIN LOPEZ GARCIA on March 3, 2025.",
            "en",
            "KEVIN LOPEZ GARCIA",
        ),
        (
            "Por este conducto me permito informar que Wendy Ayala, expediente 9819179, nacida el 17 de febrero",
            "es",
            "Wendy Ayala",
        ),
    ],
)
def test_patient_name_reads_legal_aid_letters_and_record_lines(text: str, lang: str, expected: str) -> None:
    ctx = _typed_ctx(text, DocType.OTHER, lang)
    facts = patient.extract(ctx)
    assert _values(facts, "patient_name") == {expected}
    _every_fact_is_grounded(ctx, facts)


def test_patient_name_prefers_beneficiary_over_parent_on_form() -> None:
    text = "Applicant: ROSA MARTINEZ DIAZ\nBeneficiary: SOFIA RAMIREZ MARTINEZ\nMother: Rosa Martínez Díaz"
    assert _values(patient.extract(_ctx(text)), "patient_name") == {"SOFIA RAMIREZ MARTINEZ"}


def test_patient_name_keeps_every_printing_of_the_same_name() -> None:
    text = "RE: SOFIA RAMIREZ CRUZ\n\nI am the attending physician of Sofía Ramírez Cruz."
    assert _values(patient.extract(_ctx(text)), "patient_name") == {"SOFIA RAMIREZ CRUZ", "Sofía Ramírez Cruz"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sofía is a 4-year-old girl with short bowel syndrome.", 4),
        ("The patient is 4 years old.", 4),
        ("Age: 4", 4),
        ("Paciente femenino de 7 años de edad, originaria de Guatemala.", 7),
        ("Edad: 7 años", 7),
        ("Luis is a 10-month-old infant with biliary atresia.", 0.83),
        ("a four-year-old boy with ESRD", 4),
        ("La menor, de 12 años, recibe quimioterapia.", 12),
        ("Actualmente tiene 9 años y recibe hemodiálisis.", 9),
        ("He is 15 years of age.", 15),
    ],
)
def test_age_reads_patient_age_in_english_and_spanish(text: str, expected: float) -> None:
    ctx = _ctx(text, "es" if "años" in text else "en")
    facts = patient.extract(ctx)
    assert _values(facts, "age_years") == {expected}
    _every_fact_is_grounded(ctx, facts)


@pytest.mark.parametrize(
    "text",
    [
        "Her 32-year-old mother is her only caregiver.",
        "She has required parenteral nutrition for 3 years.",
        "Fue diagnosticada hace 2 años.",
        "su hermano de 10 años también está enfermo",
        "Parole is available to children under age 18.",
        "She was diagnosed at age 2.",
        "La enfermedad tiene 3 años de evolución.",
        "Los niños menores de 5 años de edad tienen prioridad.",
        "Her mother, who is 32 years old, works nights.",
    ],
)
def test_age_ignores_relatives_durations_and_rule_statements(text: str) -> None:
    assert _values(patient.extract(_ctx(text)), "age_years") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("el paciente YEISON QUINTANILLA VARGAS, originario de Ecuador, de 13 años cumplidos, cursa con", 13),
        ("la paciente Abigail Cervantes Mejía (44 años) acude a control", 44),
        ("el paciente ANDERSON RAMÍREZ REYES (seis años) de nacionalidad mexicana", 6),
        ("We write as counsel for Lucía Juárez Díaz (36 years old), a national of Venezuela.", 36),
        ("I have been the treating physician for Andrea Carrillo, 2 yrs, since her birth.", 2),
        ("el paciente Franklin Menjívar,\nde 42 afios, con fecha de nacimiento 12/11/79", 42),
    ],
)
def test_age_reads_age_beside_the_patients_name(text: str, expected: float) -> None:
    ctx = _ctx(text, "es" if " de " in text else "en")
    facts = patient.extract(ctx)
    assert _values(facts, "age_years") == {expected}
    _every_fact_is_grounded(ctx, facts)


@pytest.mark.parametrize(
    "text",
    [
        "Family history: Her mother, Itzel. age 32. in good health: her father. José Luis, aged 34, healthy.",
        "Antecedentes heredofamiliares: madre (70 años), sana; Rosa Elena Díaz, de 45 años, tía materna.",
        "su madre, Rosa Martínez Díaz (36 años), refiere",
        "Her father Luis Gómez Ruiz (40 years old) works nights.",
    ],
)
def test_age_ignores_family_history_sections_and_named_relatives(text: str) -> None:
    assert _values(patient.extract(_ctx(text)), "age_years") == set()


def test_age_prefers_patient_over_sibling_in_same_letter() -> None:
    text = "Ana is a 7-year-old girl. Her 10-year-old brother and her 35-year-old mother live with her."
    assert _values(patient.extract(_ctx(text)), "age_years") == {7}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Country of Birth: MEXICO", "MX"),
        ("Country of Citizenship: Honduras", "HN"),
        ("She is a citizen of Guatemala and entered in 2023.", "GT"),
        ("a 4-year-old girl from Honduras", "HN"),
        ("Nacionalidad: mexicana", "MX"),
        ("la menor, originaria de Guatemala, requiere", "GT"),
        ("a Salvadoran national receiving dialysis", "SV"),
        ("nació en San Pedro Sula, Honduras; nacida en Honduras", "HN"),
        ("If she is returned to Haiti she will not receive dialysis.", "HT"),
        ("Lugar de nacimiento: Caracas, Venezuela", "VE"),
        ("la paciente Itzel Ayala Cruz (edad: 2 años) de nacionalidad mexicana se encuentra en control", "MX"),
        ("We write as counsel for Lucía Juárez Díaz (36 years old), a national of Venezuela.", "VE"),
        ("a 50-year-old woman from El Salvador who has been under my care", "SV"),
        ("a request for parole for Keyla Orellana García, 12 y/o, from Guatemala, prepared by CLINIC", "GT"),
        ("Beneficiary: Lucía Romero Vásquez\nA-Number: A#225349828\n\nCountry: Mexico", "MX"),
    ],
)
def test_country_reads_patient_origin_from_labels_and_phrases(text: str, expected: str) -> None:
    assert _values(patient.extract(_ctx(text)), "country_of_origin") == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "Children's Hospital Los Angeles, Los Angeles, CA, United States",
        "Treatment is not available in a neighbouring country.",
        "The family travelled through Mexico to reach the border.",
        "Her mother is a citizen of Mexico.",
        "The medication is imported from Mexico.",
        "She was born in New Mexico.",
        "Nacida en Estados Unidos.",
        "Country: Guatemala",
        "Her father, a 40-year-old man from Mexico, works nights.",
    ],
)
def test_country_ignores_hospital_addresses_transit_and_relatives(text: str) -> None:
    assert _values(patient.extract(_ctx(text)), "country_of_origin") == set()


@pytest.mark.parametrize(
    ("text", "canonical", "state"),
    [
        ("She is followed at CHLA for intestinal failure.", "Children's Hospital Los Angeles", "CA"),
        ("CHILDREN'S HOSPITAL LOS ANGELES\n4650 Sunset Blvd", "Children's Hospital Los Angeles", "CA"),
        (
            "fue atendida en el Hospital Infantil de Mexico Federico Gomez",
            "Hospital Infantil de México Federico Gómez",
            "CDMX",
        ),
        ("referred to Rady Children's for transplant", "Rady Children's Hospital", "CA"),
        ("treated at the Children's Hospital of Philadelphia (CHOP)", "Children's Hospital of Philadelphia", "PA"),
        ("atendido en el Hospital Escuela de Tegucigalpa", "Hospital Escuela", "Francisco Morazán"),
        ("la Unidad Nacional de Oncología Pediátrica (UNOP)", "Unidad Nacional de Oncología Pediátrica", "Guatemala"),
        ("MD Anderson Cancer Center in Houston", "The University of Texas MD Anderson Cancer Center", "TX"),
        ("Hospital Nacional de Ninos Benjamin Bloom", "Hospital Nacional de Niños Benjamin Bloom", "San Salvador"),
    ],
)
def test_facility_resolves_aliases_to_canonical_names(text: str, canonical: str, state: str) -> None:
    facts = [f for f in organisations.extract(_ctx(text)) if f.field == "facility"]
    assert {f.value for f in facts} == {canonical}
    assert all(f.attributes["state"] == state for f in facts)


def _guard_rows() -> list[tuple[str, str, str]]:
    return [
        (row["id"], text, kind)
        for row in load_jsonl("facilities_guards")
        for kind in ("examples", "counter_examples")
        for text in row.get(kind, [])
    ]


@pytest.mark.parametrize(("rule_id", "text", "kind"), _guard_rows())
def test_facility_guard_drops_hospitals_named_as_alternatives_only(rule_id: str, text: str, kind: str) -> None:
    found = organisations.facilities(_ctx(text))
    assert bool(found) == (kind == "counter_examples"), f"{rule_id}: {text!r} -> {found}"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("El tratamiento de Lucía en Rady Children ' s HOEPS continúa", "Rady Children's Hospital"),
        ("St Jude Children s Research Hospital - Confidential", "St. Jude Children's Research Hospital"),
        ("Hospital de Nifios J. M. de los Rios\nServicio de Cardiologia", "Hospital de Niños J. M. de los Ríos"),
    ],
)
def test_facility_reads_known_hospitals_through_ocr_slips(text: str, canonical: str) -> None:
    assert {f.value for f in organisations.facilities(_ctx(text))} == {canonical}


@pytest.mark.parametrize(
    "text",
    [
        "Hospital 278, Col. El Retiro, C.P. 44280, Guadalajara, Jalisco",
        "HOSPITAL COURSE:\nShe was admitted on 3/4/2024 for central line sepsis.",
        "Hospital stay: 45 days",
    ],
)
def test_facility_ignores_street_names_and_section_headings(text: str) -> None:
    assert organisations.facilities(_ctx(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ingresó al Hospital General de Zona No. 1 del IMSS.", "Hospital General de Zona No. 1"),
        ("She was stabilised at Valley Regional Medical Center.", "Valley Regional Medical Center"),
    ],
)
def test_facility_reads_unknown_hospitals_as_printed_with_lower_confidence(text: str, expected: str) -> None:
    facts = [f for f in organisations.extract(_ctx(text)) if f.field == "facility"]
    assert [f.value for f in facts] == [expected]
    assert facts[0].confidence < 0.7


@pytest.mark.parametrize(
    "text",
    [
        "The hospital social work department helped the family.",
        "el hospital escuela de la universidad",
        "Please contact our billing office.",
        "We are KIND OF worried. THE PEDIATRIC CLINIC IS OPEN.",
    ],
)
def test_facility_and_orgs_ignore_generic_words(text: str) -> None:
    assert organisations.extract(_ctx(text)) == []


@pytest.mark.parametrize(
    ("text", "name", "specialty"),
    [
        (
            "Sincerely,\n\nRebecca A. Whitfield, MD, FAAP\nAttending Physician, Pediatric Gastroenterology",
            "Rebecca A. Whitfield",
            "Pediatric Gastroenterology",
        ),
        (
            "I am Dr. Michael Nakamura, a pediatric nephrologist at Texas Children's.",
            "Michael Nakamura",
            "pediatric nephrologist",
        ),
        (
            "Atentamente,\n\nDra. María Eugenia Castellanos\nNefrología Pediátrica\nCédula profesional 1234567",
            "María Eugenia Castellanos",
            "Nefrología Pediátrica",
        ),
        ("Médico tratante: Dr. Jorge Arturo Delgado", "Jorge Arturo Delgado", None),
    ],
)
def test_physician_reads_name_without_titles_and_specialty(text: str, name: str, specialty: str | None) -> None:
    facts = [f for f in organisations.extract(_ctx(text)) if f.field == "physician"]
    assert [f.value for f in facts] == [name]
    assert facts[0].attributes.get("specialty") == specialty


@pytest.mark.parametrize(
    "text",
    [
        "Sincerely,\n\nEmily Goldberg, Esq.\nStaff Attorney, Public Counsel",
        "Sincerely,\n\nSusan Miller\nDirector, Field Office",
        "Hospital Nacional Dr. Mario Catarino Rivas, San Pedro Sula",
        "Dr. Márquez 162, Col. Doctores, Ciudad de México",
    ],
)
def test_physician_ignores_attorneys_officers_and_places_named_after_doctors(text: str) -> None:
    assert _values(organisations.extract(_ctx(text)), "physician") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("represented by Public Counsel in Los Angeles", "Public Counsel"),
        ("Kids in Need of Defense (KIND) referred the family", "Kids in Need of Defense"),
        ("con apoyo de Al Otro Lado", "Al Otro Lado"),
        ("The Florence Project filed the request.", "Florence Immigrant & Refugee Rights Project"),
        ("Catholic Legal Immigration Network, Inc. (CLINIC)", "Catholic Legal Immigration Network"),
        ("attorneys at RAICES", "RAICES"),
    ],
)
def test_legal_org_resolves_aliases(text: str, expected: str) -> None:
    assert _values(organisations.extract(_ctx(text)), "legal_org") == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "The American Academy of Pediatrics recommends home care.",
        "U.S. Citizenship and Immigration Services approved the request.",
        "Contact the CHLA Department of Social Work.",
    ],
)
def test_legal_org_ignores_medical_societies_agencies_and_social_work(text: str) -> None:
    assert _values(organisations.extract(_ctx(text)), "legal_org") == set()


def test_age_fact_text_is_the_age_not_the_name_before_it() -> None:
    text = "El infrascrito hace constar que el niño Kevin Alexander Pérez Chen, de 8 años, originario de Guatemala."
    facts = [f for f in patient.extract(_ctx(text, "es")) if f.field == "age_years"]
    assert [(f.value, f.text) for f in facts] == [(8, "8 años")]
    assert all(text[f.start : f.end] == f.text for f in facts)


def test_the_beneficiary_is_read_by_column_on_a_flattened_notice() -> None:
    """I-797 boxes flattened to text: the applicant (a parent) stands left of the beneficiary on one line."""
    from pipeline.extractors.patient import patient_name_hits

    notice = (
        "Notice Type: Approval Notice\n\nApplicant                      Beneficiary\n"
        "MEJIA PAZ, ROSA AMELIA         CASTELLANOS MEJIA, VALENTINA\n"
        "                               A# 219 874 031\n\nROSA AMELIA MEJIA PAZ\n1187 S ALVARADO ST APT 4\n"
    )
    assert {str(h.value) for h in patient_name_hits(notice, "parole_decision")} == {"CASTELLANOS MEJIA, VALENTINA"}
    # One value under a row of labels: its column says nothing, the usual rules decide.
    stacked = "Receipt Number                 Beneficiary\nIOE0912345678\n\nBeneficiary: LOPEZ GARCIA, MARIA JOSE\n"
    assert {str(h.value) for h in patient_name_hits(stacked, "parole_decision")} == {"LOPEZ GARCIA, MARIA JOSE"}
