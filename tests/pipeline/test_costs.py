"""Costs: amounts, currencies, periods, categories and monthly_usd, in prose and tables; distractors skipped."""

from __future__ import annotations

import pytest

from pipeline.extractors import costs
from pipeline.extractors.base import TextContext
from pipeline.models import DocType, Fact
from pipeline.nlp import make_nlp
from pipeline.rules import load_csv


def found(text: str, language: str = "en") -> list[Fact]:
    ctx = TextContext(text, language, DocType.MEDICAL_LETTER, make_nlp(language).make_doc(text))
    facts = costs.extract(ctx)
    for fact in facts:
        assert fact.text == text[fact.start : fact.end]
    return facts


def summary(text: str, language: str = "en") -> list[tuple[object, ...]]:
    return [
        (f.value, f.attributes["currency"], f.attributes["period"], f.attributes["category"])
        for f in found(text, language)
    ]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("HPN costs about $15,000 per month.", "en", [(15000, "USD", "monthly", "home_care")]),
        ("USD 450,000 monthly", "en", [(450000, "USD", "monthly", "other")]),
        ("The PICU bed rate is $3,200/day.", "en", [(3200, "USD", "daily", "inpatient")]),
        ("The annual cost of dialysis is $180,000.", "en", [(180000, "USD", "annual", "treatment")]),
        ("a one-time estimate of $350,000 for the kidney transplant", "en", [(350000, "USD", "one_time", "treatment")]),
        ("estimated at $450K", "en", [(450000, "USD", "unspecified", "other")]),
        ("about $1.2 million", "en", [(1200000, "USD", "unspecified", "other")]),
        ("US$ 15,000 for medications", "en", [(15000, "USD", "unspecified", "medication")]),
        ("cuesta 15 mil dólares al mes", "es", [(15000, "USD", "monthly", "other")]),
        ("MXN 85,000 pesos mensuales en medicamentos", "es", [(85000, "MXN", "monthly", "medication")]),
        ("La hospitalización cuesta $85,000.00 M.N. al día", "es", [(85000, "MXN", "daily", "inpatient")]),
        ("costo anual aproximado de 2,400,000 pesos", "es", [(2400000, "MXN", "annual", "other")]),
        ("El costo del tratamiento es de 15.000,00 USD mensuales.", "es", [(15000, "USD", "monthly", "treatment")]),
        ("Q 5,000.00 al mes en medicamentos", "es", [(5000, "GTQ", "monthly", "medication")]),
        ("Air ambulance transport is estimated at $45,000.", "en", [(45000, "USD", "unspecified", "transport")]),
        ("traslado en ambulancia aérea: US$ 30,000", "es", [(30000, "USD", "unspecified", "transport")]),
    ],
)
def test_costs_reads_amount_currency_period_category(
    text: str, language: str, expected: list[tuple[object, ...]]
) -> None:
    assert summary(text, language) == expected


def test_costs_compares_home_care_with_hospital_in_one_sentence() -> None:
    text = (
        "Home parenteral nutrition costs approximately $15,000 per month, "
        "compared to $450,000 per month in the hospital."
    )
    assert summary(text) == [(15000, "USD", "monthly", "home_care"), (450000, "USD", "monthly", "inpatient")]


@pytest.mark.parametrize(
    "text",
    [
        "Home parenteral nutrition (monthly) | $15,000\nInpatient care (monthly) | $450,000",
        "Service                      Monthly cost\n"
        "Home parenteral nutrition    $15,000\n"
        "Inpatient stay               $450,000",
        "Home parenteral nutrition\t$15,000/month\nHospitalization\t$450,000/month",
    ],
)
def test_costs_reads_tables(text: str) -> None:
    assert summary(text) == [(15000, "USD", "monthly", "home_care"), (450000, "USD", "monthly", "inpatient")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Service Period Estimated cost\n"
            "Dialysis sessions monthly USD 5,000/month\n"
            "Nephrology clinic and labs monthly $1,800 per month\n"
            "Medications monthly $1,500 per month\n"
            "Inpatient room and board daily $5,400.00 a day\n"
            "Transport to clinic weekly $400/week\n"
            "Home care estimate (all services): USD 9,000/month.",
            [
                (5000, "USD", "monthly", "treatment"),
                (1800, "USD", "monthly", "treatment"),
                (1500, "USD", "monthly", "medication"),
                (5400, "USD", "daily", "inpatient"),
                (400, "USD", "weekly", "transport"),
                (9000, "USD", "monthly", "home_care"),
            ],
        ),
        (
            "Private duty nursing monthly $11,000 a month\nMedical supplies monthly US$4,000 monthly\n"
            "Specialty drug infusions monthly $3,900.00 per month",
            [(11000, "USD", "monthly", "home_care"), (4000, "USD", "monthly", "other"),
             (3900, "USD", "monthly", "medication")],
        ),
    ],
)  # fmt: skip
def test_costs_reads_rows_of_a_table_flattened_to_single_spaces(text: str, expected: list[tuple[object, ...]]) -> None:
    assert summary(text) == expected


def test_costs_reads_rows_of_a_spanish_quote() -> None:
    text = (
        "Concepto Periodo Importe\n"
        "Medicamentos e insumos mensual $51,000.00 M.N. mensuales\n"
        "Honorarios médicos mensual MXN $20,400.00 mensuales\n"
        "Hospitalización (día cama) diario MXN $1,020.00 por día\n"
        "Total mensual aproximado: MXN $102,000.00 mensuales."
    )
    assert summary(text, "es") == [
        (51000, "MXN", "monthly", "medication"),
        (20400, "MXN", "monthly", "treatment"),
        (1020, "MXN", "daily", "inpatient"),
        (102000, "MXN", "monthly", "other"),
    ]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Our counselors estimate USD 11,000 per month for her home care\nversus $4,700 per day in hospital.", "en",
         [(11000, "USD", "monthly", "home_care"), (4700, "USD", "daily", "inpatient")]),
        ("Home-based treatment runs $7,000 per month, far below the inpatient rate of\nUSD 5,500 per diem.", "en",
         [(7000, "USD", "monthly", "home_care"), (5500, "USD", "daily", "inpatient")]),
        ("La nutrición parenteral domiciliaria cuesta $85,000 M.N. mensuales, frente a $12,000 M.N. diarios de "
         "hospitalización.", "es", [(85000, "MXN", "monthly", "home_care"), (12000, "MXN", "daily", "inpatient")]),
        ("Home nursing and supplies cost $5,000 per month.", "en", [(5000, "USD", "monthly", "home_care")]),
    ],
)  # fmt: skip
def test_costs_contrast_starts_a_new_clause(text: str, language: str, expected: list[tuple[object, ...]]) -> None:
    assert summary(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("In hospital, the daily charge is $6, 200 per diem.", "en", [(6200, "USD", "daily", "inpatient")]),
        ("A one-time estimate for the surgical phase is USD 595, 000.", "en",
         [(595000, "USD", "one_time", "treatment")]),
        ("En el sector privado el tratamiento tiene un costo de $99, 000. 00 M.N. cada mes.", "es",
         [(99000, "MXN", "monthly", "treatment")]),
        ("inpatient care is billed at about USD. 7,400 daily.", "en", [(7400, "USD", "daily", "inpatient")]),
    ],
)  # fmt: skip
def test_costs_reads_amounts_as_ocr_spaces_them(text: str, language: str, expected: list[tuple[object, ...]]) -> None:
    assert summary(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("El costo sería de L 162,000.00 mensuales.", [(162000, "HNL", "monthly", "other")]),
        ("Hospitalización (día cama) diario Q 370 por día", [(370, "GTQ", "daily", "inpatient")]),
        ("diagnosticada con espina bífida (CIE-10 Q05.2) y gastrosquisis Q79.3", []),
        ("Se revisaron L 5 y Q4 del expediente.", []),
    ],
)
def test_costs_single_letter_currency_needs_a_real_amount(text: str, expected: list[tuple[object, ...]]) -> None:
    assert summary(text, "es") == expected


def test_costs_range_shares_period_and_category() -> None:
    assert summary("medications cost $10,000 - $12,000/month") == [
        (10000, "USD", "monthly", "medication"),
        (12000, "USD", "monthly", "medication"),
    ]


@pytest.mark.parametrize(
    ("text", "period", "monthly"),
    [
        ("$3,000 per day", "daily", 90000.0),
        ("$1,200 per week", "weekly", 5200.0),
        ("$180,000 per year", "annual", 15000.0),
        ("$15,000 per month", "monthly", 15000.0),
        ("a one-time cost of $350,000", "one_time", None),
        ("a cost of $350,000", "unspecified", None),
    ],
)
def test_costs_monthly_usd_follows_the_period_convention(text: str, period: str, monthly: float | None) -> None:
    (fact,) = found(text)
    assert fact.attributes["period"] == period
    assert fact.attributes.get("monthly_usd") == monthly


def test_costs_no_monthly_usd_for_pesos() -> None:
    (fact,) = found("85,000 pesos mensuales", "es")
    assert "monthly_usd" not in fact.attributes


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The family's annual income is $24,000.", "en"),
        ("Her parents earn $1,200 a month.", "en"),
        ("The I-131 filing fee of $630 was paid; biometrics fee $85.", "en"),
        ("A bond of $5,000 was posted.", "en"),
        ("Account balance: $2,340.55", "en"),
        ("$0 copay for each visit", "en"),
        ("Call (213) 555-0199. She is 12 years old. 45% of patients.", "en"),
        ("Raised $20,000 on GoFundMe", "en"),
        ("Los ingresos mensuales de la familia son de 8,000 pesos.", "es"),
        ("Q4 results, L 5", "en"),
        ("ICD-10 K91.2, 5/325 mg, 120/80", "en"),
    ],
)
def test_costs_ignores_distractors(text: str, language: str) -> None:
    assert found(text, language) == []


def test_costs_daily_schedule_is_not_a_cost_period() -> None:
    assert summary("TPN is infused over 14 hours daily and costs about $15,000.") == [
        (15000, "USD", "unspecified", "home_care")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("El costo es de $25,000 al mes. Pesos mexicanos, moneda nacional.", "MXN"),
        ("Hospital Infantil de México. Costo: $25,000 al mes.", "MXN"),
        ("Costo: $25,000 USD al mes.", "USD"),
    ],
)
def test_costs_decides_a_bare_dollar_sign_in_spanish(text: str, expected: str) -> None:
    assert [f.attributes["currency"] for f in found(text, "es")] == [expected]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("15,000", 15000.0),
        ("15,000.00", 15000.0),
        ("15.000,00", 15000.0),
        ("1,5", 1.5),
        ("2.400.000", 2400000.0),
        ("6, 200", 6200.0),
        ("99, 000. 00", 99000.0),
        ("1.2", 1.2),
    ],
)
def test_costs_parses_english_and_latin_number_formats(raw: str, value: float) -> None:
    assert costs.parse_number(raw) == value


@pytest.mark.parametrize("row", load_csv("costs_periods"), ids=lambda r: r["term"])
def test_costs_every_period_term_sets_its_period(row: dict[str, str]) -> None:
    text = f"$1,000 {row['term']}" if row["period"] != "one_time" else f"a {row['term']} cost of $1,000"
    assert [f.attributes["period"] for f in found(text, row["language"])] == [row["period"]]


@pytest.mark.parametrize("row", load_csv("costs_categories"), ids=lambda r: r["term"])
def test_costs_every_category_term_sets_its_category(row: dict[str, str]) -> None:
    text = f"{row['term']}: $1,000"
    assert [f.attributes["category"] for f in found(text, row["language"])] == [row["category"]]


@pytest.mark.parametrize("row", load_csv("costs_distractors"), ids=lambda r: r["term"])
def test_costs_every_distractor_term_suppresses_the_amount(row: dict[str, str]) -> None:
    assert found(f"the {row['term']} of $1,000", row["language"]) == []


@pytest.mark.parametrize("row", load_csv("costs_currencies"), ids=lambda r: r["marker"])
def test_costs_every_currency_marker_is_read(row: dict[str, str]) -> None:
    text = f"{row['marker']} 1,000.00" if row["position"] != "suffix" else f"1,000.00 {row['marker']}"
    facts = found(text)
    expected = "USD" if row["currency"] == "$" else row["currency"]
    assert [(f.value, f.attributes["currency"]) for f in facts] == [(1000, expected)]
