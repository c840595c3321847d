"""The decision: outcome, parole duration in months, and the agency that decided, in English and Spanish.

outcome (rules/decisions_outcomes.jsonl): granted, denied, terminated, extended (re-parole or extension granted),
pending, rfe. Revoked and rescinded parole map to `terminated`, the one value the dashboard filters on. A phrase is
dropped when a guard (rules/decisions_guards.jsonl) sees a condition or a modal next to it ("if your request is
denied", "DHS may terminate", "no se aprueba"). One sentence yields one outcome, the strongest by OUTCOME_PRIORITY;
a decision document yields one outcome (its strongest), other documents (a legal-aid letter quoting "USCIS approved
the request on ...") every distinct outcome they report, at lower confidence.

parole_duration_months (rules/decisions_durations.jsonl): "for a period of one year" is 12, "twenty-four (24)
months" 24, "un período de 90 días" 3 (days / 30.44, rounded); only in a parole phrase, never a treatment length or
an age ("a 10-month-old").

decision_authority (rules/decisions_authorities.jsonl): in a parole decision, the first component (USCIS, ICE, CBP)
of the letterhead, else the agency named in the decision sentence, else DHS from the letterhead. In other documents
only the agency a decision sentence names, at lower confidence. "To USCIS" on a physician's letter is not a decision.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.extractors.base import TextContext, make_fact
from pipeline.extractors.clauses import clause_bounds
from pipeline.models import DocType, Fact
from pipeline.prefilter import finditer, may_match
from pipeline.rules import load_csv, load_jsonl

OUTCOME_PRIORITY = ("terminated", "extended", "denied", "rfe", "granted", "pending")
HEADER_CHARS = 700
RECEIVED_ONLY = 0.6  # pending outcomes below this confidence ("USCIS received ...") yield to any other outcome
_UNITS = (
    r"(?P<unit>months?|mos?\.?|years?|yrs?\.?|days?|weeks?|meses|mes|a[ñn]os?|d[ií]as?|semanas?)"
    r"(?![\w-])(?!\s+(?:old|de\s+edad))"
)
_UNIT_MONTHS = {"m": 1.0, "y": 12.0, "a": 12.0, "d": 1 / 30.44, "w": 12 / 52, "s": 12 / 52}
_MODALS = re.compile(
    r"\b(?:typically|generally|usually|commonly|normally|up\s+to|suele|generalmente|hasta\s+un)\b", re.I
)


@dataclass(frozen=True)
class Candidate:
    value: str
    start: int
    end: int
    confidence: float
    sentence: tuple[int, int]


@functools.cache
def _outcome_rules() -> tuple[tuple[str, re.Pattern[str], float], ...]:
    return tuple(
        (row["outcome"], compile_rule(row["pattern"]), float(row["confidence"]))
        for row in load_jsonl("decisions_outcomes")
    )


@functools.cache
def _guards() -> tuple[tuple[int, re.Pattern[str]], ...]:
    return tuple((int(row["reach"]), compile_rule(row["pattern"])) for row in load_jsonl("decisions_guards"))


@functools.cache
def _numbers() -> dict[str, int]:
    return {row["word"].lower(): int(row["value"]) for row in load_csv("decisions_numbers")}


def compile_rule(pattern: str) -> re.Pattern[str]:
    """An outcome or guard phrase: case-insensitive, `^`/`$` at line ends (notice headers)."""
    return re.compile(pattern, re.IGNORECASE | re.MULTILINE)


def compile_duration(pattern: str) -> re.Pattern[str]:
    """A duration phrase with {NUM} (digits or a number word, optionally "(24)") and {UNIT} expanded."""
    words = "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(_numbers(), key=len, reverse=True))
    number = rf"(?P<num>\d{{1,3}}|(?:{words})(?![\w-]))(?:\s*\(\s*\d{{1,3}}\s*\))?"
    return re.compile(pattern.replace("{NUM}", number).replace("{UNIT}", _UNITS), re.IGNORECASE)


@functools.cache
def _durations() -> tuple[tuple[re.Pattern[str], re.Pattern[str] | None, float], ...]:
    rows = load_jsonl("decisions_durations")
    return tuple(
        (
            compile_duration(row["pattern"]),
            re.compile(row["context"], re.IGNORECASE) if row.get("context") else None,
            float(row["confidence"]),
        )
        for row in rows
    )


@functools.cache
def _authorities() -> tuple[tuple[str, bool, re.Pattern[str]], ...]:
    return tuple(
        (row["authority"], bool(row["component"]), re.compile(row["pattern"]))
        for row in load_jsonl("decisions_authorities")
    )


def _guarded(text: str, start: int, end: int, sentence_start: int) -> bool:
    return any(pattern.search(text, max(sentence_start, start - reach), end) for reach, pattern in _guards())


def find_outcomes(text: str) -> list[Candidate]:
    """Every unguarded outcome phrase, one (the strongest) per sentence."""
    best: dict[tuple[int, int], Candidate] = {}
    for value, pattern, confidence in _outcome_rules():
        if not may_match(pattern, text):
            continue
        for match in finditer(pattern, text):
            sentence = clause_bounds(text, match.start())
            if _guarded(text, match.start(), match.end(), sentence[0]):
                continue
            candidate = Candidate(value, match.start(), match.end(), confidence, sentence)
            held = best.get(sentence)
            if held is None or OUTCOME_PRIORITY.index(value) < OUTCOME_PRIORITY.index(held.value):
                best[sentence] = candidate
    return sorted(best.values(), key=lambda c: c.start)


def _outcome_facts(ctx: TextContext, candidates: list[Candidate]) -> list[Candidate]:
    if not candidates:
        return []
    if ctx.doc_type == DocType.PAROLE_DECISION:
        top = min(candidates, key=lambda c: (OUTCOME_PRIORITY.index(c.value), -c.confidence, c.start))
        return [top]
    # "USCIS received the request" says the request was pending once; beside any other outcome it is history.
    if any(c.value != "pending" for c in candidates):
        candidates = [c for c in candidates if c.value != "pending" or c.confidence >= RECEIVED_ONLY]
    chosen: dict[str, Candidate] = {}
    for candidate in candidates:
        held = chosen.get(candidate.value)
        if held is None or candidate.confidence > held.confidence:
            chosen[candidate.value] = candidate
    return sorted(chosen.values(), key=lambda c: c.start)


def _months(number: str, unit: str) -> int | None:
    count = int(number) if number.isdigit() else _numbers().get(re.sub(r"\s+", " ", number.lower()))
    if not count:
        return None
    months = round(count * _UNIT_MONTHS[unit.lower()[0]])
    return months if 1 <= months <= 60 else None


def find_durations(text: str) -> list[tuple[int, int, int, float]]:
    """(start, end, months, confidence) of each parole-duration phrase; the number and unit are the fact's text."""
    found: list[tuple[int, int, int, float]] = []
    for pattern, context, confidence in _durations():
        if not may_match(pattern, text):
            continue
        for match in finditer(pattern, text):
            s_start, s_end = clause_bounds(text, match.start())
            if context is not None and not context.search(text, s_start, max(s_end, match.end())):
                continue
            if _guarded(text, match.start(), match.end(), s_start) or _MODALS.search(text, match.start(), match.end()):
                continue
            months = _months(match.group("num"), match.group("unit"))
            if months and all(match.start("num") >= e or match.end() <= s for s, e, _, _ in found):
                found.append((match.start("num"), match.end("unit"), months, confidence))
    return sorted(found)


def _authority_in(text: str, start: int, end: int) -> tuple[str, bool, int, int] | None:
    """The first agency named in text[start:end] (components and DHS alike), by position."""
    hits = [
        (match.start(), match.end(), name, component)
        for name, component, pattern in _authorities()
        for match in pattern.finditer(text, start, end)
    ]
    if not hits:
        return None
    first = min(hits)
    return first[2], first[3], first[0], first[1]


def _authority(ctx: TextContext, outcomes: list[Candidate]) -> Fact | None:
    text = ctx.text
    sentence_hit = None
    for candidate in outcomes:
        sentence_hit = _authority_in(text, candidate.sentence[0], max(candidate.sentence[1], candidate.end))
        if sentence_hit:
            break
    if ctx.doc_type != DocType.PAROLE_DECISION:
        if sentence_hit is None:
            return None
        return make_fact(ctx, "decision_authority", sentence_hit[0], sentence_hit[2], sentence_hit[3], 0.6)
    header_end = min(len(text), HEADER_CHARS)
    components = [
        (match.start(), match.end(), name)
        for name, component, pattern in _authorities()
        if component
        for match in pattern.finditer(text, 0, header_end)
    ]
    if components:
        start, end, name = min(components)
        return make_fact(ctx, "decision_authority", name, start, end, 0.9)
    if sentence_hit and sentence_hit[1]:
        return make_fact(ctx, "decision_authority", sentence_hit[0], sentence_hit[2], sentence_hit[3], 0.85)
    header = _authority_in(text, 0, header_end)
    chosen = header or sentence_hit
    if chosen is None:
        return None
    return make_fact(ctx, "decision_authority", chosen[0], chosen[2], chosen[3], 0.8)


def extract(ctx: TextContext) -> list[Fact]:
    """The outcome(s), the parole duration and the deciding agency of one document."""
    scale = 1.0 if ctx.doc_type == DocType.PAROLE_DECISION else 0.75
    outcomes = _outcome_facts(ctx, find_outcomes(ctx.text))
    facts = [make_fact(ctx, "outcome", c.value, c.start, c.end, c.confidence * scale) for c in outcomes]
    seen: set[int] = set()
    for start, end, months, confidence in find_durations(ctx.text):
        if months not in seen:  # one fact a distinct duration: notices repeat it
            seen.add(months)
            facts.append(make_fact(ctx, "parole_duration_months", months, start, end, confidence * scale))
    authority = _authority(ctx, outcomes)
    if authority is not None:
        facts.append(authority)
    return facts
