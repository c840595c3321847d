"""Dates, normalized to ISO 8601, each with its role in the case, decided from the words around it.

Forms (rules/dates_formats.jsonl): March 3, 2025; Mar. 3, 2025; 3 March 2025; 3/3/2025 and 03/03/25 (month first in
English documents, day first in Spanish ones, swapped at lower confidence when only the other order is valid);
2025-03-03; 3 de marzo de 2025; el día 3 del mes de marzo de 2025; March 2025 and marzo de 2025 (YYYY-MM).
Two-digit years: 00-40 are 20xx, 41-99 are 19xx.

Role (rules/dates_roles.jsonl, first rule that fits wins): a label or phrase just before the date ("Date of Birth:",
"valid until", "fecha de egreso"), or just after it ("..., USCIS approved"); then a label in the line above (the
boxes of a notice: "Received Date   Notice Date" over their values); then a date standing alone on its line (or
after a place name: "Ciudad de México, a 3 de marzo de 2025") is the letter's own date, `document`; else `other`.
Phrase rules see the clause before the date across line breaks (PDF text wraps mid-sentence), so "fue
diagnosticada con | osteogénesis imperfecta el día 26/1/2020" is a diagnosis date; a date that opens a line after a
dangling word ("followed in our clinic since | 11/07/20") continues a sentence and is not the letter's own date.
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
from typing import Any

from pipeline.extractors.base import TextContext, make_fact
from pipeline.models import DocType, Fact
from pipeline.prefilter import may_match
from pipeline.rules import load_csv, load_jsonl

# Appended to a role rule's `label`: the punctuation that may sit between a label and its value.
LABEL_TAIL = r"[\s:;,.\-–—#(\[]*$"
TWO_DIGIT_PIVOT = 40
_OCR_DIGIT = re.compile(r"(?<![A-Za-z])[lI|](?=\d)|(?<=\d)[lI|](?![A-Za-z])|(?<=\d)[Oo](?=\d)")
_OCR_MAP = {"l": "1", "I": "1", "|": "1", "O": "0", "o": "0"}
_BOUNDARY = re.compile(r"[.!?;](?=\s)|\n[ \t]*\n|\f")
_ABBREVIATIONS = {
    "dr",
    "dra",
    "mr",
    "mrs",
    "ms",
    "sr",
    "sra",
    "no",
    "st",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "ene",
    "abr",
    "ago",
    "dic",
    "inc",
    "approx",
    "aprox",
    "vs",
    "etc",
    "ext",
    "rev",
    "ed",
    "nac",
    "tel",
}
_LETTER_DATE_PREFIX = re.compile(
    r"^[ \t]*(?:[A-ZÁÉÍÓÚÑ][^\n\d:]{0,60},[ \t]*(?:[A-Z]{2}\.?,?[ \t]*)?(?:a[ \t]+)?)?"
    r"(?:(?:lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday),?[ \t]*)?$",
    re.IGNORECASE,
)
_LETTER_DATE_SUFFIX = re.compile(r"^[ \t.,]*(?:\n|\f|$)")
_NEWLINES = re.compile(r"[ \t]*\n[ \t]*")
_WORDS = re.compile(r"[A-Za-zÁÉÍÓÚáéíóúÑñ]{2,}")
# A line ending in one of these words continues its sentence on the next line.
_DANGLING = re.compile(
    r"\b(?:since|on|from|to|until|through|between|and|in|of|at|by|desde|el|del|de|al|a|hasta|entre|y|en|d[ií]a)"
    r"[ \t]*$",
    re.IGNORECASE,
)
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


@dataclass(frozen=True)
class RoleRule:
    role: str
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    label: re.Pattern[str] | None
    context: re.Pattern[str] | None
    doc_context: re.Pattern[str] | None
    doc_types: frozenset[str]
    confidence: float


def ocr_digits(text: str) -> str:
    """`text` with OCR look-alikes inside numbers read as digits ('l5' -> '15', '2O25' -> '2025'); same length."""
    return _OCR_DIGIT.sub(lambda m: _OCR_MAP[m.group()], text)


def clause_bounds(text: str, pos: int, reach: int = 300) -> tuple[int, int]:
    """The sentence around `pos`: from the last boundary before it to the next one after it (within `reach`)."""
    lo, hi = max(0, pos - reach), min(len(text), pos + reach)
    start, end = lo, hi
    for match in _BOUNDARY.finditer(text, lo, hi):
        if match.group() == "." and _is_abbreviation(text, match.start()):
            continue
        if match.end() <= pos:
            start = match.end()
        elif match.start() >= pos:
            end = match.start()
            break
    return start, end


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-zÁÉÍÓÚáéíóúñ]+)$", text[max(0, dot - 8) : dot])
    return word is not None and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREVIATIONS)


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


def compile_role(row: dict[str, Any]) -> RoleRule:
    """One row of rules/dates_roles.jsonl as compiled patterns."""

    def opt(key: str, wrap: str = "{}") -> re.Pattern[str] | None:
        value = row.get(key)
        return re.compile(wrap.format(value), re.IGNORECASE) if value else None

    label = row.get("label")
    before = opt("before") or (re.compile(f"(?:{label}){LABEL_TAIL}", re.IGNORECASE) if label else None)
    return RoleRule(
        role=row["role"],
        before=before,
        after=opt("after"),
        label=re.compile(f"(?:{label})", re.IGNORECASE) if label else None,
        context=opt("context"),
        doc_context=opt("doc_context"),
        doc_types=frozenset(row.get("doc_types") or ()),
        confidence=float(row.get("confidence", 0.85)),
    )


@functools.cache
def _roles() -> tuple[RoleRule, ...]:
    return tuple(compile_role(row) for row in load_jsonl("dates_roles"))


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
    named_month = _months().get(name.lower().rstrip(".")) if name else int(groups["m"])
    if named_month is None:
        return None, 0.0
    named_day = int(groups["d"]) if groups.get("d") else None
    return _iso(year, named_month, named_day), 1.0


def find_dates(text: str, language: str) -> list[DateMatch]:
    """Every valid date in `text`, in text order; overlapping readings resolved by the rules' order."""
    normalized = ocr_digits(text)
    found: list[tuple[int, DateMatch]] = []
    for rank, (pattern, kind, confidence) in enumerate(_formats()):
        for match in pattern.finditer(normalized):
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


def _line_start(text: str, pos: int) -> int:
    return max(text.rfind("\n", 0, pos), text.rfind("\f", 0, pos)) + 1


def _previous_line(text: str, pos: int, max_lines: int = 2) -> tuple[int, str] | None:
    """The nearest non-empty line above the line holding `pos` (within `max_lines`), with its start offset."""
    start = _line_start(text, pos)
    for _ in range(max_lines):
        if start <= 0 or text[start - 1] == "\f":
            return None
        prev_start = _line_start(text, start - 1)
        line = text[prev_start : start - 1]
        if line.strip():
            return prev_start, line
        start = prev_start
    return None


@functools.lru_cache(maxsize=2)
def _document_roles(text: str, doc_type: str) -> tuple[tuple[RoleRule, ...], tuple[RoleRule, ...]]:
    """The role rules that can hold anywhere in this document: (for header labels, for dates in running text).

    What a rule asks of the document as a whole (its types, its doc_context) is checked once here, not for
    every date; so is whether its cues can occur in the text at all (pipeline.prefilter): a rule whose `before`
    words the document never writes cannot fit any of its dates."""
    header: list[RoleRule] = []
    prose: list[RoleRule] = []
    for rule in _roles():
        if rule.doc_types and doc_type not in rule.doc_types:
            continue
        if rule.doc_context is not None and not rule.doc_context.search(text):
            continue
        if rule.context is not None and not may_match(rule.context, text):
            continue
        if rule.label is not None:
            header.append(rule)
        if (rule.before is not None or rule.after is not None) and all(
            cue is None or may_match(cue, text) for cue in (rule.before, rule.after)
        ):
            prose.append(rule)
    return tuple(header), tuple(prose)


def _rule_fits(
    rule: RoleRule,
    before: str | None,
    after: str | None,
    sentence: str,
    prose: str | None = None,
) -> bool:
    """Whether `rule` (one of _document_roles) holds for a date; `before`/`after` None means: do not check that
    side (a header cell).

    `before` is the text before the date on its own line; `prose` the clause before it with line breaks as spaces.
    """
    if before is not None and after is not None:
        if (
            rule.before is not None
            and not rule.before.search(before)
            and not (prose is not None and rule.before.search(prose))
        ):
            return False
        if rule.after is not None and not rule.after.search(after):
            return False
    return rule.context is None or bool(rule.context.search(sentence))


def _header_labels(ctx: TextContext, header: str, sentence: str) -> list[tuple[int, RoleRule]]:
    """The date labels in a header line, in order, each with the first rule that owns it."""
    labels: list[tuple[int, int, RoleRule]] = []
    for rule in _document_roles(ctx.text, ctx.doc_type.value)[0]:
        if rule.label is None or not _rule_fits(rule, None, None, sentence):
            continue
        for match in rule.label.finditer(header):
            if all(match.end() <= s or match.start() >= e for s, e, _ in labels):
                labels.append((match.start(), match.end(), rule))
    return [(start, rule) for start, _, rule in sorted(labels, key=lambda item: item[0])]


def _role_from_header(ctx: TextContext, found: DateMatch, dates: list[DateMatch], sentence: str) -> RoleRule | None:
    """Notice boxes: labels on the line above, their values (dates among them) on this line."""
    text = ctx.text
    line_start = _line_start(text, found.start)
    above = _previous_line(text, found.start)
    if above is None or any(above[0] <= d.start < line_start for d in dates):
        return None
    labels = _header_labels(ctx, above[1], sentence)
    line_end = text.find("\n", found.start)
    row = [d for d in dates if line_start <= d.start and (line_end < 0 or d.start < line_end)]
    blank_prefix = not text[line_start : found.start].strip()
    label_ends_line = bool(labels) and _label_ends_line(above[1], *labels[-1])
    stacked = blank_prefix and not _DANGLING.search(above[1]) and label_ends_line
    single_ok = len(row) == 1 and (stacked or _header_like(above[1]))
    if not labels or (len(labels) < 2 and not single_ok):
        return None
    if len(row) == len(labels):
        return labels[row.index(found)][1]
    if len(row) < len(labels):
        # Fewer values than labels: a column was left blank, most often the priority date.
        labels = [item for item in labels if item[1].role != "other"] or labels
    column = found.start - line_start
    return min(labels, key=lambda item: abs(item[0] - column))[1]


def _role(
    ctx: TextContext, found: DateMatch, prev_end: int, next_start: int, dates: list[DateMatch]
) -> tuple[str, float] | None:
    """(role, confidence) for one date, or None for a date that is not a fact of the case (a form edition)."""
    text = ctx.text
    s_start, s_end = clause_bounds(text, found.start)
    sentence = text[s_start : max(s_end, found.end)]
    header_rule = _role_from_header(ctx, found, dates, sentence)
    if header_rule is not None:
        return (header_rule.role, header_rule.confidence * 0.95) if header_rule.role != "skip" else None
    line_start = _line_start(text, found.start)
    # A label belongs to its own line, unless the date opens the line (a label stacked above, wrapped prose).
    floor = line_start if text[line_start : found.start].strip() else _line_start(text, max(line_start - 1, 0))
    before = text[max(s_start, prev_end, floor, found.start - 160) : found.start]
    after = text[found.end : min(max(s_end, found.end), next_start, found.end + 100)]
    prose = _NEWLINES.sub(" ", text[max(s_start, prev_end, found.start - 200) : found.start])
    for rule in _document_roles(ctx.text, ctx.doc_type.value)[1]:
        if _rule_fits(rule, before, after, sentence, prose):
            return (rule.role, rule.confidence) if rule.role != "skip" else None
    if (
        _LETTER_DATE_PREFIX.match(text[line_start : found.start])
        and _LETTER_DATE_SUFFIX.match(text[found.end :])
        and not _continues_sentence(text, found.start)
    ):
        # A letter's own date stands alone on its line; near the top of a page it is surer.
        page_start = text.rfind("\f", 0, found.start) + 1
        return "document", 0.8 if found.start - page_start < 1200 else 0.65
    return "other", 0.5


def _continues_sentence(text: str, pos: int) -> bool:
    """Whether the date at `pos` opens its line after a line that ends mid-sentence ("... since" / "desde el")."""
    line_start = _line_start(text, pos)
    if text[line_start:pos].strip() or line_start == 0 or text[line_start - 1] == "\f":
        return False
    above = text[_line_start(text, line_start - 1) : line_start - 1]
    return bool(_DANGLING.search(above))


def _label_ends_line(line: str, start: int, rule: RoleRule) -> bool:
    """Whether the label at `start` is the last words of its line ("NOTICE DATE", "Date of Birth:")."""
    match = rule.label.match(line, start) if rule.label is not None else None
    return match is not None and not _WORDS.search(line, match.end())


def _header_like(line: str) -> bool:
    """A row of form labels ("Receipt Number  Case Type  Received Date"): mostly capitalized words, no sentence."""
    words = _WORDS.findall(line)
    if len(words) < 3 or re.search(r"[.;]\s*$", line.strip()):
        return False
    return bool(sum(w[0].isupper() for w in words) / len(words) >= 0.6)


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
        role = _role(ctx, found, prev_end, next_start, dates)
        if role is None:
            continue
        name, confidence = role
        if ctx.doc_type == DocType.OTHER:
            confidence *= 0.9
        facts.append(
            make_fact(ctx, "date", found.value, found.start, found.end, min(found.confidence, confidence), role=name)
        )
    return facts + _derived_termination(ctx, facts)
