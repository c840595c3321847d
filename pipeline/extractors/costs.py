"""Costs: amount, currency, period and category, in running text and in tables, English and Spanish.

Forms: $15,000 per month; USD 450,000 monthly; $3,200/day; annual cost of $180,000; $450K; $1.2 million; US$ 15,000;
15 mil dólares al mes; MXN 85,000 pesos mensuales; $85,000.00 M.N.; 2,400,000 pesos; 15.000,00 (the last separator
followed by one or two digits is the decimal one; a group of three digits is thousands). Currency markers, period
words, category words and distractors are lexicons in rules/costs_*.csv.

A bare `$` is USD in an English document; in a Spanish one the nearest explicit marker decides (pesos, M.N., USD,
dólares), then the document's own markers, then Mexican context (MXN), else USD at low confidence.

Period: a period word right after the amount ("per month", "al mes") or, before it, one that qualifies a cost
("monthly cost of", "costo anual") or labels a table row ("Home parenteral nutrition (monthly)"), or a table's column
header. Category: the most specific category word nearest the amount in its clause (after the last contrast:
"$11,000 for home care versus $4,700 per day in hospital"), else `other`. Categories say what the text says the
money is for: home_care is care given at home (home nursing, home infusion, HPN), treatment is clinical services
(dialysis sessions, chemotherapy, surgery, clinic visits, laboratory tests, physician fees), medication, inpatient,
transport; `other` is a cost whose text names none of them or something outside them (supplies whose setting is not
stated, a grand total over several categories, an amount with no stated purpose).

Units: a table row (tabs, pipes, wide gaps); a row whose columns PDF text flattened to single spaces, recognised by
the amount closing an item line ("Transport to clinic weekly $400/week" before the next item); else the sentence.

monthly_usd convention: only for USD with a known recurring period; monthly = amount, daily x 30, weekly x 52 / 12,
annual / 12; one_time and unspecified get none.

Not costs (skipped): income, salaries, bonds, account balances, donations, copays and deductibles, and the I-131
filing or biometrics fee ($630, $580): fees paid to USCIS are not medical costs, and a case's cost figures are
meant to show what care costs. Zero amounts ("$0 copay") are skipped too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.extractors.base import TextContext, make_fact
from pipeline.extractors.clauses import clause_bounds, line_cells, nearest_cell
from pipeline.extractors.dates import ocr_digits
from pipeline.models import Fact
from pipeline.prefilter import finditer
from pipeline.rules import load_csv

MONTHLY_FACTOR = {"monthly": 1.0, "daily": 30.0, "weekly": 52 / 12, "annual": 1 / 12}
# OCR often puts a space after a thousands or decimal separator ("$6, 200", "$99, 000. 00"); a space is allowed
# there only, never between digit groups without a separator.
_NUMBER = r"\d{1,3}(?:[,.] ?\d{3})+(?:[.,] ?\d{1,2}(?!\d))?|\d+(?:[.,]\d{1,2})?"
_MULTIPLIER = r"MM(?!\w)|M(?![.\w])|[Kk](?!\w)|millions?|millones|mill[oó]n|thousand|mil(?![a-záéíóúñ])"
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "mil": 1e3, "m": 1e6, "mm": 1e6}
_BREAK = re.compile(
    r";|\s(?:and|y|while|whereas|compared|versus|vs\.?|mientras|frente|en\s+comparaci[óo]n|but|pero|plus|or|o)\b",
    re.IGNORECASE,
)
# A contrast before an amount starts a new clause: in "$11,000 for her home care versus $4,700 per day in hospital"
# the second amount's category comes after "versus", not before it ("and" does not cut: "nursing and supplies").
_CONTRAST = re.compile(
    r";|\b(?:while|whereas|compared|versus|vs\.?|mientras|frente|en\s+comparaci[óo]n|but|pero|instead|en\s+cambio)\b",
    re.IGNORECASE,
)
# An item line starts with a capital, a digit or a bullet; the next item (or a blank line, or the end) follows it.
_ROW_START = re.compile(r"[ \t]*(?:[A-ZÁÉÍÓÚÑ0-9•*\-–]|\()")
_ROW_NEXT = re.compile(r"[ \t]*[.:;]?[ \t]*(?:\n[ \t]*(?:[A-ZÁÉÍÓÚÑ0-9•*\-–(]|\n)|$)")
_ICD_LIKE = re.compile(r"\d{2}\.\d{1,4}")
_COST_WORDS = (
    r"(?:cost|costs|price|rate|charge|charges|expense|expenses|bill|estimate|budget|costo|costos|coste|precio|"
    r"gasto|gastos|tarifa|presupuesto)"
)
# A period word before the amount counts only where it qualifies a cost: "monthly cost", "costo anual",
# "monthly home care costs" (up to three words between, none of them a verb or a conjunction).
_QUALIFIES_AFTER = re.compile(
    r"^(?:[ \t]+(?!and\b|y\b|is\b|are\b|es\b|son\b|was\b|were\b)[\wÁ-úñ\-]+){0,3}[ \t]+" + _COST_WORDS + r"\b",
    re.IGNORECASE,
)
_QUALIFIES_BEFORE = re.compile(r"\b" + _COST_WORDS + r"(?:[ \t]+[\wÁ-úñ]+)?[ \t]+$", re.IGNORECASE)
_TABLE_ROW = re.compile(r"\t|\||\S {3,}\S")
_PESO_CONTEXT = re.compile(r"\bM[ée]xico\b|\bmexican|\bIMSS\b|\bISSSTE\b|\bCDMX\b|\bGuadalajara\b|\bMonterrey\b", re.I)


@dataclass(frozen=True)
class Amount:
    """One money amount in the text, before its period and category are decided."""

    start: int
    end: int
    value: float
    currency: str
    sure_currency: bool


def _terms_pattern(terms: list[str]) -> re.Pattern[str]:
    parts = [r"\s+".join(re.escape(word) for word in term.split()) for term in sorted(terms, key=len, reverse=True)]
    return re.compile(r"(?<![\wÁ-úñ])(?:" + "|".join(parts) + r")(?![\wÁ-úñ])", re.IGNORECASE)


@functools.cache
def _currencies() -> tuple[dict[str, str], dict[str, str]]:
    prefix: dict[str, str] = {}
    suffix: dict[str, str] = {}
    for row in load_csv("costs_currencies"):
        if row["position"] in ("prefix", "both"):
            prefix[row["marker"]] = row["currency"]
        if row["position"] in ("suffix", "both"):
            suffix[row["marker"].lower()] = row["currency"]
    return prefix, suffix


@functools.cache
def _currency_words() -> re.Pattern[str]:
    """Currency words and codes (not symbols) that settle what a bare `$` means nearby."""
    return _terms_pattern([marker for marker in _currencies()[1] if len(marker) > 2])


def _alternation(markers: list[str]) -> str:
    parts = []
    for marker in sorted(markers, key=len, reverse=True):
        escaped = r"\s?".join(re.escape(word) for word in marker.split())
        # Letter markers (USD, Q., L.) must start a word; symbols may touch anything.
        parts.append(r"(?<![A-Za-z])" + escaped if marker[0].isalpha() else escaped)
    return "|".join(parts)


@functools.cache
def _amount_pattern() -> re.Pattern[str]:
    prefix, suffix = _currencies()
    pre, suf = _alternation(list(prefix)), _alternation(list(suffix))
    tail = r"(?![\wÁ-úñ])"
    return re.compile(
        rf"(?P<pre>{pre})(?:(?<=[A-Za-z])\.)?[ \t]?(?P<num>{_NUMBER})(?![\d%])(?:[ \t]?(?P<mult>{_MULTIPLIER}))?"
        rf"(?:[ \t]*(?:de[ \t]+)?(?P<suf>(?i:{suf}){tail}))?"
        rf"|(?<![\w.,$])(?P<num2>{_NUMBER})(?:[ \t]?(?P<mult2>{_MULTIPLIER}))?"
        rf"[ \t]*(?:de[ \t]+)?(?P<suf2>(?i:{suf}){tail})"
    )


@functools.cache
def _lexicon(name: str, key: str) -> tuple[re.Pattern[str], dict[str, tuple[str, int]]]:
    rows = load_csv(name)
    table = {row["term"].lower(): (row[key], int(row.get("strength") or 2)) for row in rows}
    return _terms_pattern(list(table)), table


def _lookup(table: dict[str, tuple[str, int]], found: str) -> tuple[str, int]:
    return table[re.sub(r"\s+", " ", found.lower())]


def parse_number(raw: str) -> float:
    """'15,000.00' -> 15000.0, '15.000,00' -> 15000.0, '1,5' -> 1.5, '2.400.000' -> 2400000.0, '6, 200' -> 6200.0."""
    raw = raw.replace(" ", "")
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return float(raw.replace(thousands, "").replace(decimal, "."))
    for sep in ",.":
        if sep in raw:
            groups = raw.split(sep)
            if len(groups) > 2 or len(groups[-1]) == 3:
                return float(raw.replace(sep, ""))
            return float(raw.replace(sep, "."))
    return float(raw)


def _multiplier(raw: str | None) -> float:
    if not raw:
        return 1.0
    word = raw.lower()
    if word.startswith(("million", "millon", "millón")):
        return 1e6
    return _MULTIPLIERS.get(word, 1.0)


def _dollar_currency(text: str, pos: int, language: str) -> tuple[str, bool]:
    """The currency of a bare `$`: English documents use dollars; Spanish ones are decided by their markers."""
    if language != "es":
        return "USD", True
    _, suffix = _currencies()
    markers = _currency_words()
    nearby = [m for m in markers.finditer(text, max(0, pos - 150), pos + 150)]
    if nearby:
        nearest = min(nearby, key=lambda m: abs(m.start() - pos))
        return suffix[re.sub(r"\s+", " ", nearest.group().lower())], True
    seen = {suffix[re.sub(r"\s+", " ", m.group().lower())] for m in markers.finditer(text)}
    if len(seen) == 1:
        return seen.pop(), False
    return ("MXN", False) if _PESO_CONTEXT.search(text) else ("USD", False)


def _letter_amount(text: str, match: re.Match[str]) -> bool:
    """Whether a single-letter marker (Q, L) stands before an amount rather than a code or a label.

    An amount is formatted ("Q 5,000.00", "L 162,000") or followed by a period word ("Q 370 por día");
    a letter glued to two digits and a decimal ("Q79.3", "(ICD-10 Q05.2)") is an ICD-10 code.
    """
    num = match.group("num")
    glued = match.group("pre")[-1].isalpha()
    if glued and _ICD_LIKE.fullmatch(num):
        return False
    if re.search(r"[,.]", num):
        return True
    pattern, _ = _lexicon("costs_periods", "period")
    return bool(pattern.match(text, match.end() + len(text[match.end() :]) - len(text[match.end() :].lstrip(" \t"))))


def find_amounts(text: str, language: str) -> list[Amount]:
    """Every money amount with a currency marker; bare numbers are never costs."""
    prefix, suffix = _currencies()
    amounts: list[Amount] = []
    for match in finditer(_amount_pattern(), ocr_digits(text)):
        num = match.group("num") or match.group("num2")
        marker_pre, marker_suf = match.group("pre"), match.group("suf") or match.group("suf2")
        value = parse_number(num) * _multiplier(match.group("mult") or match.group("mult2"))
        if value <= 0:
            continue
        pre_currency = prefix.get(re.sub(r"\s+", " ", marker_pre)) if marker_pre else None
        if pre_currency in ("GTQ", "HNL") and len(marker_pre.strip(". ")) <= 1 and not _letter_amount(text, match):
            continue  # "Q4", "L 5", "Q79.3" (an ICD-10 code): a single letter is a currency only before a real amount
        if marker_suf:
            currency, sure = suffix[re.sub(r"\s+", " ", marker_suf.lower())], True
            if currency == "$":
                currency = "USD"
        elif pre_currency == "$":
            currency, sure = _dollar_currency(text, match.start(), language)
        else:
            currency, sure = pre_currency or "USD", True
        amounts.append(Amount(match.start(), match.end(), value, currency, sure))
    return amounts


def _unit(text: str, amount: Amount) -> tuple[int, int, str]:
    """The clause an amount belongs to and its kind: its line in a table or a flattened row, else its sentence."""
    pos = amount.start
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    if _TABLE_ROW.search(text[line_start:line_end]):
        return line_start, line_end, "table"
    if _closes_row(text, amount, line_start):
        return line_start, line_end, "row"
    start, end = clause_bounds(text, pos, reach=200)
    if end < amount.end:  # a dot inside the amount ("$99, 000. 00" read by OCR) is no sentence end
        end = clause_bounds(text, amount.end, reach=200)[1]
    return start, end, "prose"


def _closes_row(text: str, amount: Amount, line_start: int) -> bool:
    """Whether the amount ends a line that reads as one item: "Transport to clinic weekly $400/week" then a new line.

    PDF text often flattens a table's columns to single spaces; such a row is recognised by the amount (and its
    period words) closing the line, the line starting like an item and the next line starting a new one.
    """
    label = text[line_start : amount.start]
    if not _ROW_START.match(label) or not re.search(r"[A-Za-zÁ-úñ]{3}", label):
        return False  # a wrapped sentence's next line may start with the amount itself
    rest = text[amount.end :].lstrip(" \t")
    period = _lexicon("costs_periods", "period")[0].match(rest)
    if period:
        rest = rest[period.end() :]
    return bool(_ROW_NEXT.match(rest))


def _cut(after: str) -> str:
    stop = _BREAK.search(after)
    return after[: stop.start()] if stop else after


def _period(before: str, after: str, table: bool) -> str | None:
    pattern, table_map = _lexicon("costs_periods", "period")
    head = pattern.match(after.lstrip(" \t,)(-–:")) if len(after) - len(after.lstrip(" \t,)(-–:")) <= 3 else None
    if head is None:
        later = pattern.search(after[:25])
        head = later
    if head:
        return _lookup(table_map, head.group())[0]
    for match in reversed(list(pattern.finditer(before))):
        gap = before[match.end() :]
        qualifies = _QUALIFIES_AFTER.match(gap) or _QUALIFIES_BEFORE.search(before[: match.start()])
        if table or len(gap.strip(" \t:-–|)(")) == 0 or qualifies:
            return _lookup(table_map, match.group())[0]
    return None


def _category(before: str, after: str) -> str | None:
    pattern, table_map = _lexicon("costs_categories", "category")
    candidates: list[tuple[int, int, str]] = []
    for match in pattern.finditer(before):
        category, strength = _lookup(table_map, match.group())
        candidates.append((strength, -(len(before) - match.end()), category))
    for match in pattern.finditer(after):
        category, strength = _lookup(table_map, match.group())
        candidates.append((strength, -match.start(), category))
    return max(candidates)[2] if candidates else None


def _header_cell(text: str, amount: Amount, line_start: int, amounts: list[Amount]) -> str:
    """The column header above a table cell: the nearest text line above without amounts, within six lines."""
    pos = line_start - 1
    for _ in range(6):
        if pos <= 0:
            return ""
        start = text.rfind("\n", 0, pos) + 1
        if text[start:pos].strip() and not any(start <= a.start < pos for a in amounts):
            line = text[start:pos]
            column = amount.start - line_start
            cell = nearest_cell(line_cells(line), column)
            return cell.group() if cell else ""
        pos = start - 1
    return ""


def _is_distractor(before: str, after: str) -> bool:
    pattern, _ = _lexicon("costs_distractors", "language")
    return bool(pattern.search(before[-60:]) or pattern.search(_cut(after)[:30]))


def _read_amount(text: str, amounts: list[Amount], index: int) -> tuple[str | None, str | None] | None:
    """(period, category) of one amount from its clause, or None for an amount that is not a cost."""
    amount = amounts[index]
    unit_start, unit_end, kind = _unit(text, amount)
    table = kind == "table"
    prev_end = amounts[index - 1].end if index else 0
    next_start = amounts[index + 1].start if index + 1 < len(amounts) else len(text)
    before = text[max(unit_start, prev_end, amount.start - 120) : amount.start]
    contrast = list(_CONTRAST.finditer(before))
    if contrast:
        before = before[contrast[-1].end() :]
    after = text[amount.end : max(amount.end, min(unit_end, next_start, amount.end + 100))]
    if _is_distractor(before, after):
        return None
    period = _period(before, after, table)
    category = _category(before, _cut(after))
    if kind == "table" and (period is None or category is None):
        header = _header_cell(text, amount, unit_start, amounts)
        period = period or _period(header, "", True)
        category = category or _category(header, "")
    return period, category


_RANGE = re.compile(r"\s*(?:-|–|to|a|hasta|y)\s*")


def extract(ctx: TextContext) -> list[Fact]:
    """Every cost in the document, with currency, period, category and monthly_usd."""
    text = ctx.text
    amounts = find_amounts(text, "es" if ctx.language == "es" else "en")
    readings = [_read_amount(text, amounts, index) for index in range(len(amounts))]
    # The two ends of a range ("$10,000 - $12,000 per month") share their period and category.
    for index in range(len(amounts) - 1):
        first, second = readings[index], readings[index + 1]
        if first and second and _RANGE.fullmatch(text[amounts[index].end : amounts[index + 1].start]):
            merged = (first[0] or second[0], first[1] or second[1])
            readings[index] = readings[index + 1] = merged
    facts: list[Fact] = []
    for amount, reading in zip(amounts, readings, strict=True):
        if reading is None:
            continue
        period, category = reading
        confidence = 0.85 if amount.sure_currency else 0.6
        confidence *= 1.0 if category else 0.8
        confidence *= 1.0 if period else 0.9
        monthly = None
        if amount.currency == "USD" and period in MONTHLY_FACTOR:
            monthly = round(amount.value * MONTHLY_FACTOR[period], 2)
        value: int | float = int(amount.value) if amount.value.is_integer() else round(amount.value, 2)
        facts.append(
            make_fact(
                ctx,
                "cost",
                value,
                amount.start,
                amount.end,
                confidence,
                currency=amount.currency,
                period=period or "unspecified",
                category=category or "other",
                monthly_usd=monthly,
            )
        )
    return facts
