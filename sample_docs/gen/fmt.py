"""How facts are printed: dates, money, identifiers, durations, ages and names, each in many real-world forms.

Every function returns a :class:`Span` carrying the fact with its normalized value, so the gold label is written by
the same code that writes the text.

Cost convention (gold ``monthly_usd``, USD only, period known): daily x 30, weekly x 52 / 12, monthly x 1,
annual / 12, rounded to cents; one-time and unspecified costs have no ``monthly_usd``.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date

from .model import Span, fact

MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
NUM_EN = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "twenty-one",
    "twenty-two",
    "twenty-three",
    "twenty-four",
]
NUM_ES = [
    "cero",
    "un",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiún",
    "veintidós",
    "veintitrés",
    "veinticuatro",
]
DATE_STYLES = {
    "en": ["long", "mdy", "mdy0", "dmy_long", "iso", "abbr", "mdy2", "upper"],
    "es": ["de", "dmy", "dmy0", "del", "abbr", "dmy2", "iso", "De"],
}


def date_text(d: date, lang: str, style: str) -> str:
    """A date printed in one of the common styles of the language."""
    if lang == "en":
        month = MONTHS_EN[d.month - 1]
        forms = {
            "long": f"{month} {d.day}, {d.year}",
            "mdy": f"{d.month}/{d.day}/{d.year}",
            "mdy0": f"{d.month:02d}/{d.day:02d}/{d.year}",
            "dmy_long": f"{d.day} {month} {d.year}",
            "iso": d.isoformat(),
            "abbr": f"{month[:3]}. {d.day}, {d.year}" if len(month) > 4 else f"{month} {d.day}, {d.year}",
            "mdy2": f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
            "upper": f"{month.upper()} {d.day:02d}, {d.year}",
        }
    else:
        month = MONTHS_ES[d.month - 1]
        forms = {
            "de": f"{d.day} de {month} de {d.year}",
            "dmy": f"{d.day}/{d.month}/{d.year}",
            "dmy0": f"{d.day:02d}/{d.month:02d}/{d.year}",
            "del": f"{d.day} de {month} del {d.year}",
            "abbr": f"{d.day:02d}-{month[:3]}-{d.year}",
            "dmy2": f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",
            "iso": d.isoformat(),
            "De": f"{d.day:02d} de {month.capitalize()} de {d.year}",
        }
    return forms[style]


def date_span(d: date, role: str, lang: str, style: str) -> Span:
    """A date fact with its role."""
    return fact("date", d.isoformat(), date_text(d, lang, style), role=role)


def pick_date_style(rng: random.Random, lang: str) -> str:
    """A document-wide date style."""
    return rng.choice(DATE_STYLES[lang])


def monthly_usd(amount: float, currency: str, period: str) -> float | None:
    """The module's cost convention (see the module docstring)."""
    if currency != "USD":
        return None
    factor = {"daily": 30.0, "weekly": 52.0 / 12.0, "monthly": 1.0, "annual": 1.0 / 12.0}.get(period)
    return None if factor is None else round(amount * factor, 2)


def _num(amount: float, cents: bool = False) -> str:
    return f"{amount:,.2f}" if cents else f"{amount:,.0f}"


EN_PERIOD = {
    "monthly": ["per month", "a month", "monthly", "/month", "per month"],
    "daily": ["per day", "a day", "/day", "daily", "per diem"],
    "weekly": ["per week", "a week", "weekly", "/week", "per week"],
    "annual": ["per year", "a year", "annually", "/year", "per annum"],
}
ES_PERIOD = {
    "monthly": ["mensuales", "al mes", "por mes", "mensuales", "cada mes"],
    "daily": ["diarios", "por día", "al día", "diarios", "por día"],
    "weekly": ["semanales", "por semana", "a la semana", "semanales", "por semana"],
    "annual": ["anuales", "al año", "por año", "anuales", "al año"],
}
CURRENCY_ES = {"MXN": ("pesos", "M.N."), "HNL": ("lempiras", "L"), "GTQ": ("quetzales", "Q"), "USD": ("dólares", "USD")}


def money_text(amount: float, currency: str, period: str, lang: str, rng: random.Random) -> str:
    """An amount with its currency and period, printed as people print it."""
    per_words = (EN_PERIOD if lang == "en" else ES_PERIOD).get(period)
    per = rng.choice(per_words) if per_words else ""
    slash = per.startswith("/")
    if lang == "en" and currency == "USD":
        styles = ["dollar", "usd", "cents", "usd_sign", "k"]
        if period == "annual":
            styles.append("annual_cost")
        if period == "one_time" and amount >= 1_000_000:
            styles.append("million")
        style = rng.choice(styles)
        if style == "annual_cost":
            return f"annual cost of ${_num(amount)}"
        if style == "million":
            return f"${amount / 1_000_000:.1f} million".replace(".0 ", " ")
        if style == "k" and amount >= 10_000 and amount % 1000 == 0:
            base = f"${amount / 1000:,.0f}K"
        elif style == "usd":
            base = f"USD {_num(amount)}"
        elif style == "cents":
            base = f"${_num(amount, True)}"
        elif style == "usd_sign":
            base = f"US${_num(amount)}"
        else:
            base = f"${_num(amount)}"
        return base + (per if slash else (" " + per if per else ""))
    if lang == "en":
        return f"{currency} {_num(amount)}" + (" " + per if per and not slash else per)
    if per.startswith("/"):
        per = per[1:]
    word, mark = CURRENCY_ES[currency]
    if currency == "USD":
        style = rng.choice(
            ["mil", "usd", "dolares", "sign", "annual"] if period == "annual" else ["mil", "usd", "dolares", "sign"]
        )
        if style == "annual":
            return f"costo anual de {_num(amount)} dólares"
        if style == "mil" and amount % 1000 == 0 and amount < 1_000_000:
            return f"{amount / 1000:,.0f} mil dólares" + (f" {per}" if per else "")
        if style == "usd":
            return f"USD {_num(amount)}" + (f" {per}" if per else "")
        if style == "sign":
            return f"US$ {_num(amount, True)}" + (f" {per}" if per else "")
        return f"{_num(amount)} dólares" + (f" {per}" if per else "")
    style = rng.choice(["code_word", "sign_mark", "word", "mark_first"])
    if style == "code_word":
        text = f"{currency} {_num(amount)} {word}"
    elif style == "sign_mark":
        text = f"${_num(amount, True)} {mark}" if currency == "MXN" else f"{mark} {_num(amount, True)}"
    elif style == "word":
        text = f"{_num(amount)} {word}"
    else:
        text = f"{mark} {_num(amount)}" if currency != "MXN" else f"MXN ${_num(amount, True)}"
    return text + (f" {per}" if per else "")


def money_span(amount: float, currency: str, period: str, category: str, lang: str, rng: random.Random) -> Span:
    """A cost fact: amount, currency, period, category and the monthly USD figure where the convention allows."""
    text = money_text(amount, currency, period, lang, rng)
    if text.endswith(" million"):  # the value is the amount as printed ("$1.1 million" is 1,100,000)
        amount = round(amount / 100_000) * 100_000
    value: float | int = int(amount) if float(amount).is_integer() else amount
    return fact(
        "cost",
        value,
        text,
        currency=currency,
        period=period,
        category=category,
        monthly_usd=monthly_usd(amount, currency, period),
    )


def a_number_span(digits: str, rng: random.Random, style: str | None = None) -> Span:
    """An A-number in one of its printed forms; the value is A + 9 digits."""
    d = digits.lstrip("0") if len(digits) == 9 and digits.startswith("0") and rng.random() < 0.5 else digits
    grouped = "-".join([d[: len(d) - 6], d[-6:-3], d[-3:]])
    spaced = " ".join([d[: len(d) - 6], d[-6:-3], d[-3:]])
    forms = {
        "dash": f"A{grouped}",
        "space": f"A {spaced}",
        "hash": f"A#{d}",
        "plain": f"A{d}",
        "adash": f"A-{d}",
        "hashdash": f"A# {grouped}",
        "full_dash": f"A-{grouped}",
    }
    text = forms[style or rng.choice(sorted(forms))]
    return fact("identifier", "A" + digits.zfill(9), text, kind="a_number")


def receipt_span(receipt: str, rng: random.Random, style: str | None = None) -> Span:
    """A USCIS receipt number as printed (IOE0912345678, IOE-091-234-5678, ...); value upper-case, no separators."""
    p, n = receipt[:3], receipt[3:]
    forms = {
        "plain": receipt,
        "dash": f"{p}-{n[:3]}-{n[3:6]}-{n[6:]}",
        "space": f"{p} {n}",
        "pdash": f"{p}-{n}",
        "groups": f"{p} {n[:3]} {n[3:6]} {n[6:]}",
    }
    return fact("identifier", receipt, forms[style or rng.choice(sorted(forms))], kind="receipt_number")


def duration_span(months: int, lang: str, rng: random.Random) -> Span:
    """A parole duration in months, years, digits or words."""
    years = months // 12 if months % 12 == 0 else 0
    if lang == "en":
        forms = [f"{months} months", f"{NUM_EN[months]} ({months}) months", f"a period of {months} months"]
        if years:
            forms += [
                f"{NUM_EN[years]} year" + ("s" if years > 1 else ""),
                f"{NUM_EN[years]} ({years}) year" + ("s" if years > 1 else ""),
            ]
    else:
        forms = [f"{months} meses", f"{NUM_ES[months]} ({months}) meses", f"un período de {months} meses"]
        if years:
            forms += [
                "un año" if years == 1 else f"{NUM_ES[years]} años",
                f"{NUM_ES[years]} ({years}) año" + ("s" if years > 1 else ""),
            ]
    return fact("parole_duration_months", months, rng.choice(forms))


def age_span(age: int, lang: str, rng: random.Random, adjective: bool = False) -> Span:
    """The patient's age in years; ``adjective`` for "a 7-year-old girl", otherwise "age 7", "7 years old"..."""
    if lang == "en":
        if adjective:
            forms = [f"{age}-year-old", f"{age}-year-old", f"{age} y/o"]
            if age <= 20:
                forms.append(f"{NUM_EN[age]}-year-old")
        else:
            forms = [f"age {age}", f"{age} years old", f"aged {age}", f"{age} y/o", f"{age} yrs"]
    else:
        yrs = "año" if age == 1 else "años"
        forms = [f"{age} {yrs} de edad", f"{age} {yrs}", f"edad: {age} {yrs}", f"{age} {yrs} cumplidos"]
        if age == 1:
            forms.append("un año")
        elif age <= 20:
            forms.append(f"{NUM_ES[age]} años")
    return fact("age_years", age, rng.choice(forms))


def strip_accents(text: str) -> str:
    """ASCII-fold a name the way agency systems print it."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_forms(first: str, last1: str, last2: str, rng: random.Random, agency: bool = False) -> str:
    """The patient's name as printed: full, agency upper-case without accents, surname first, initials..."""
    full = f"{first} {last1} {last2}"
    if agency:
        return rng.choice(
            [
                strip_accents(full).upper(),
                strip_accents(f"{last1} {last2}, {first}").upper(),
                strip_accents(f"{last1}, {first}").upper(),
            ]
        )
    return rng.choice([full, full, f"{first} {last1}", f"{last1} {last2}, {first}", full.upper()])


def name_span(printed: str) -> Span:
    """The patient's name fact (value as printed)."""
    return fact("patient_name", printed, printed)
