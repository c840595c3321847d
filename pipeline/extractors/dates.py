"""Dates, normalized to ISO 8601, each with its role in the case, decided from the words around it.

Forms (rules/dates_formats.jsonl): March 3, 2025; Mar. 3, 2025; 3 March 2025; 3/3/2025 and 03/03/25 (month first in
English documents, day first in Spanish ones, swapped at lower confidence when only the other order is valid);
2025-03-03; 3 de marzo de 2025; el día 3 del mes de marzo de 2025; March 2025 and marzo de 2025 (YYYY-MM).
Two-digit years: 00-40 are 20xx, 41-99 are 19xx.

Each date's role in the case is decided in date_roles.py.
"Your parole will terminate 7 days from the date of this notice" is a derived termination_effective date (the
document's date plus the days, at lower confidence) when the document carries its own date. Form edition dates
("Form I-797C (Rev. 01/20/25)", "Form I-797C 04/01/24", "OMB ... Expires") are skipped: they are facts about the
form, not the case.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.extractors.base import TextContext, make_fact
from pipeline.extractors.date_roles import role_of
from pipeline.models import DocType, Fact
from pipeline.prefilter import finditer
from pipeline.rules import load_csv, load_jsonl

TWO_DIGIT_PIVOT = 40
_OCR_DIGIT = re.compile(r"(?<![A-Za-z])[lI|](?=\d)|(?<=\d)[lI|](?![A-Za-z])|(?<=\d)[Oo](?=\d)")
_OCR_MAP = {"l": "1", "I": "1", "|": "1", "O": "0", "o": "0"}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "five": 5, "seven": 7, "ten": 10, "fourteen": 14, "thirty": 30}
_NUMBER_WORDS |= {"uno": 1, "dos": 2, "tres": 3, "cinco": 5, "siete": 7, "diez": 10, "catorce": 14, "treinta": 30}
_RELATIVE_TERMINATION = re.compile(
    r"(?:terminat\w*|end|termin\w*|concluir[áa]|finalizar[áa])[^.\n]{0,40}?"
    r"(?P<span>(?:(?P<w>[a-z]+)[ \t]*(?:\([ \t]*(?P<n>\d{1,2})[ \t]*\))?|(?P<n2>\d{1,2}))[ \t]+"
    r"(?:calendar[ \t]+)?(?:days?|d[ií]as(?:[ \t]+naturales)?)"
    r"[ \t]+(?:from|after|(?:a[ \t]+partir|despu[ée]s)[ \t]+de)[ \t]+(?:the[ \t]+|la[ \t]+)?"
    r"(?:date[ \t]+of|fecha[ \t]+(?:de|del))[ \t]+(?:this|these|este|esta|la[ \t]+presente)[ \t]*"
    r"(?:notice|letter|e-?mail|message|aviso|notificaci[óo]n|carta|correo|mensaje)?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMatch:
    """A date found in the text: span, ISO value and how sure the reading is."""

    start: int
    end: int
    value: str
    confidence: float


def ocr_digits(text: str) -> str:
    """`text` with OCR look-alikes inside numbers read as digits ('l5' -> '15', '2O25' -> '2025'); same length."""
    return _OCR_DIGIT.sub(lambda m: _OCR_MAP[m.group()], text)


@functools.cache
def _months() -> dict[str, int]:
    return {row["name"].lower(): int(row["month"]) for row in load_csv("dates_months")}


@functools.cache
def _month_alternation() -> str:
    names = sorted(_months(), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(name) for name in names) + ")"


def compile_format(pattern: str) -> re.Pattern[str]:
    """A format pattern from rules/dates_formats.jsonl, with `{MONTH}` expanded to the month-name lexicon."""
    return re.compile(pattern.replace("{MONTH}", _month_alternation()), re.IGNORECASE)


@functools.cache
def _formats() -> tuple[tuple[re.Pattern[str], str, float], ...]:
    return tuple(
        (compile_format(row["pattern"]), row["kind"], float(row["confidence"])) for row in load_jsonl("dates_formats")
    )


def _year(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year <= TWO_DIGIT_PIVOT else 1900
    return year


def _iso(year: int, month: int, day: int | None) -> str | None:
    if not 1900 <= year <= 2099 or not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# Months in Roman numerals, as Latin American hospitals write them ("15-III-2024").
_ROMAN = {r: i for i, r in enumerate(("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"), 1)}


def _read(match: re.Match[str], kind: str, language: str) -> tuple[str | None, float]:
    """The ISO value of one format match, and a confidence factor for how the order was decided."""
    groups = match.groupdict()
    year = _year(groups["y"])
    if kind == "numeric":
        first, second = int(groups["a"]), int(groups["b"])
        month, day = (second, first) if language == "es" else (first, second)
        value = _iso(year, month, day)
        if value is None:  # only the other order is a real date: 25/03/2025 in an English letter
            return _iso(year, day, month), 0.7
        return value, 1.0
    name = groups.get("mon")
    named_month = (_months().get(name.lower().rstrip(".")) or _ROMAN.get(name.upper())) if name else int(groups["m"])
    if named_month is None:
        return None, 0.0
    named_day = int(groups["d"]) if groups.get("d") else None
    return _iso(year, named_month, named_day), 1.0


def find_dates(text: str, language: str) -> list[DateMatch]:
    """Every valid date in `text`, in text order; overlapping readings resolved by the rules' order."""
    normalized = ocr_digits(text)
    found: list[tuple[int, DateMatch]] = []
    for rank, (pattern, kind, confidence) in enumerate(_formats()):
        for match in finditer(pattern, normalized):
            value, factor = _read(match, kind, language)
            if value:
                found.append((rank, DateMatch(match.start(), match.end(), value, confidence * factor)))
    # Where readings overlap, the form listed first in the rules wins, then the longer reading.
    found.sort(key=lambda item: (item[0], -(item[1].end - item[1].start), item[1].start))
    kept: list[DateMatch] = []
    for _, candidate in found:
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda d: d.start)


def _derived_termination(ctx: TextContext, facts: list[Fact]) -> list[Fact]:
    """ "terminate 7 days from the date of this notice": the notice's own date plus the days (convention 3)."""
    if any(f.attributes.get("role") == "termination_effective" for f in facts):
        return []  # the notice writes the date itself
    base = next((f for f in facts if f.attributes.get("role") == "document"), None)
    if base is None:
        return []
    derived: list[Fact] = []
    for match in _RELATIVE_TERMINATION.finditer(ctx.text):
        raw = (match.group("n") or match.group("n2") or match.group("w") or "").lower()
        days = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
        if days is None or days > 60:
            continue
        value = (date.fromisoformat(str(base.value)) + timedelta(days=days)).isoformat()
        confidence = min(0.75, base.confidence)
        derived.append(
            make_fact(
                ctx, "date", value, match.start("span"), match.end("span"), confidence, role="termination_effective"
            )
        )
    return derived


def extract(ctx: TextContext) -> list[Fact]:
    """Every date written in the document, with its role."""
    language = "es" if ctx.language == "es" else "en"
    dates = find_dates(ctx.text, language)
    facts: list[Fact] = []
    for index, found in enumerate(dates):
        prev_end = dates[index - 1].end if index else 0
        next_start = dates[index + 1].start if index + 1 < len(dates) else len(ctx.text)
        role = role_of(ctx, found, prev_end, next_start, dates)
        if role is None:
            continue
        name, confidence = role
        if ctx.doc_type == DocType.OTHER:
            confidence *= 0.9
        facts.append(
            make_fact(ctx, "date", found.value, found.start, found.end, min(found.confidence, confidence), role=name)
        )
    return facts + _derived_termination(ctx, facts)
