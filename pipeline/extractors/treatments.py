"""Treatments (canonical name, with the schedule written next to them) and whether the treatment is unavailable in
the patient's home country (true / false, with the country where the statement names it).

Treatments come from rules/treatments_lexicon.csv (English, Spanish, abbreviations, drug and brand names), matched
like diagnoses on accent-folded text. ConText drops treatments that are past ("completed chemotherapy in 2021"),
a relative's or another patient's, or plainly negated ("does not require dialysis"); "without TPN she would..."
keeps TPN. Schedules are rules/treatments_schedules.jsonl patterns adjacent to a mention; unavailability
statements are rules/treatments_unavailable.jsonl patterns with {COUNTRY} and {HOME} ("nuestro país") slots.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.extractors.alternation import trie
from pipeline.extractors.assertions import OTHER, assert_spans
from pipeline.extractors.base import TextContext, make_fact
from pipeline.extractors.diagnoses import find_mentions, fold, term_atoms
from pipeline.models import Fact
from pipeline.prefilter import finditer, may_match
from pipeline.rules import load_csv, load_jsonl

TREATMENT = "treatment"
UNAVAILABLE = "treatment_unavailable_in_home_country"
LABEL = "TREATMENT"
_DROPPED = {OTHER, "family", "historical"}
_BROADER = {
    "dialysis": ("hemodialysis", "peritoneal dialysis"),
    "immunotherapy": ("car t-cell therapy",),
    "blood transfusion": ("chronic transfusion therapy",),
    "mechanical ventilation": ("home mechanical ventilation",),
    "insulin therapy": ("insulin pump therapy",),
    "skin grafting": ("burn reconstructive surgery",),
    "reconstructive surgery": ("burn reconstructive surgery",),
}
# The route of another treatment ("ventilation via tracheostomy", "nutrición parenteral por catéter central").
_ROUTE = re.compile(
    r"\s+(?:via|through|by\s+way\s+of|by|por|mediante|a\s+trav[eé]s\s+de)\s+(?:an?\s+|una?\s+|la\s+|el\s+)?$", re.I
)
# A treatment after these is being imagined withdrawn ("without TPN she would..."): still the patient's.
_WITHDRAWN = re.compile(
    r"(?:without|sin|absence of|falta de|no recibir|interruption of|interrupci[oó]n de|stopping|suspender|"
    r"lack of|loss of|access to|acceso a)\W+(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
_HOME_EN = (
    r"(?:(?:his|her|their|the\s+patient's|the\s+child's|the\s+family's|our)\s+(?:home\s+|native\s+)?country"
    r"(?:\s+of\s+origin)?|(?:his|her|their)\s+homeland|(?:the|his|her|their)\s+country\s+of\s+origin|"
    r"the\s+(?:country's\s+)?(?:public|national)\s+health(?:\s*care)?\s+system)"
)
_HOME_ES = (
    r"(?:nuestro\s+pa[ií]s|el\s+pa[ií]s|este\s+pa[ií]s|su\s+pa[ií]s(?:\s+de\s+origen)?|nuestro\s+medio|"
    r"esta\s+instituci[oó]n|este\s+hospital|nuestra\s+instituci[oó]n|nuestro\s+hospital|esta\s+unidad|"
    r"nuestra\s+unidad|la\s+red\s+(?:hospitalaria|p[uú]blica)\s+nacional|"
    # "el sistema de salud público del país", "el sistema nacional de salud": the country's own health system
    r"el\s+sistema\s+(?:nacional\s+|p[uú]blico\s+)?(?:de\s+salud|sanitario)(?:\s+p[uú]blico)?"
    r"(?:\s+(?:del|de\s+nuestro|de\s+este)\s+pa[ií]s)?)"
)
# Only sentences with one of these stems can state (un)availability: the rules run on those alone (speed).
_CUE = re.compile(
    r"avail|disponib|provid|offer|ofrec|exist|lack|carec|cuent|contamos|dispon|realiz|brind|posib|factib|"
    r"program|able|cannot|can't|could not|does not|doesn't|do not|did not|no hay|tien|proporcion|access|"
    r"there (?:is|are) no",
    re.IGNORECASE,
)
# Streets are named after cities and countries ("Avenida Caracas No. 1-65, Bogotá"): such a name is an address.
_STREET = re.compile(r"\b(?:avenida|av|calle|boulevard|blvd|bulevar|colonia|col|paseo|calzada|avenue|street)\.?\s+$")
# A sentence, with wrapped lines kept together; paragraphs and page breaks end it.
_SENTENCE_CHUNK = re.compile(r"(?:[^.!?\n\f]|\n(?![ \t]*\n))+[.!?]*")
_NEGATED_BEFORE = re.compile(r"\b(?:no|not|n't|only|solo|sólo|únicamente)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
# A statement asked for, not made: "submit evidence that the treatment is unavailable in El Salvador" (an RFE),
# "whether treatment is available", "demuestre que el tratamiento no está disponible".
_ASKED_BEFORE = re.compile(
    r"\b(?:evidence|proof|documentation|establish\w*|demonstrat\w*|whether|"
    r"evidencia|pruebas?|demuestre|demostrar|acredit\w+)\b[^.;:]{0,90}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Rule:
    """A compiled pattern of a rule file."""

    name: str
    pattern: re.Pattern[str]
    value: bool
    confidence: float
    window: int


@functools.cache
def lexicon() -> tuple[dict[str, tuple[str, str]], re.Pattern[str], re.Pattern[str]]:
    """(canonical and kind by folded key, name regex, abbreviation regex) of rules/treatments_lexicon.csv."""
    rows = load_csv("treatments_lexicon")
    entries = {
        _key(fold(r["term"]) if r["kind"] != "abbreviation" else r["term"]): (r["canonical"], r["kind"]) for r in rows
    }
    names = sorted({fold(r["term"]) for r in rows if r["kind"] != "abbreviation"}, key=len, reverse=True)
    abbrs = sorted({r["term"] for r in rows if r["kind"] == "abbreviation"}, key=len, reverse=True)
    name_re = re.compile(r"(?<![a-z0-9])(?:" + trie(map(term_atoms, names)) + r")(?![a-z0-9])")
    abbr_re = re.compile(r"(?<![A-Za-z0-9])(?:" + trie(map(term_atoms, abbrs)) + r")(?![A-Za-z0-9])")
    return entries, name_re, abbr_re


def _key(text: str) -> str:
    return re.sub(r"[\s\-']+", "", text)


@functools.cache
def countries() -> tuple[dict[str, str], str]:
    """(alpha-2 by folded name, regex alternation of names) of the countries in rules/treatments_countries.csv."""
    rows = [r for r in load_csv("treatments_countries") if r["kind"] == "country"]
    by_name = {_key(fold(r["term"])): r["alpha2"] for r in rows}
    names = sorted((r["term"] for r in rows), key=len, reverse=True)
    return by_name, "(?P<country>" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) + ")"


@functools.cache
def _country_clues() -> tuple[dict[str, str], re.Pattern[str]]:
    """Country names, cities and national institutions (IMSS, Tegucigalpa) that tell a letter's country."""
    rows = load_csv("treatments_countries")
    by_term = {_key(fold(r["term"])): r["alpha2"] for r in rows}
    terms = sorted((fold(r["term"]) for r in rows), key=len, reverse=True)
    alternation = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in terms)
    return by_term, re.compile(r"(?<![a-z])(?:" + alternation + r")(?![a-z])", re.IGNORECASE)


@functools.cache
def schedule_rules() -> tuple[Rule, ...]:
    """The schedule patterns of rules/treatments_schedules.jsonl."""
    return tuple(
        Rule(row["name"], re.compile(row["pattern"], re.IGNORECASE), True, 1.0, int(row["window"]))
        for row in load_jsonl("treatments_schedules")
    )


def compile_unavailable(pattern: str) -> re.Pattern[str]:
    """A rule of rules/treatments_unavailable.jsonl with its {COUNTRY} and {HOME} slots filled."""
    country = countries()[1]
    home = "(?P<home>" + _HOME_EN + "|" + _HOME_ES + ")"
    filled = (
        pattern.replace("{HOME_EN}", "(?P<home>" + _HOME_EN + ")")
        .replace("{HOME_ES}", "(?P<home>" + _HOME_ES + ")")
        .replace("{HOME}", home)
        .replace("{COUNTRY}", country)
    )
    return re.compile(filled, re.IGNORECASE)


@functools.cache
def unavailable_rules() -> tuple[Rule, ...]:
    """The unavailability statements of rules/treatments_unavailable.jsonl."""
    return tuple(
        Rule(row["name"], compile_unavailable(row["pattern"]), bool(row["value"]), float(row["confidence"]), 0)
        for row in load_jsonl("treatments_unavailable")
    )


def find_treatments(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, canonical, kind) of every treatment term, longest first, not inside a diagnosis."""
    entries, name_re, abbr_re = lexicon()
    # A longer diagnosis ("kidney transplant rejection") hides a treatment inside it, not a shorter one
    # ("epilepsy" in "epilepsy surgery").
    conditions = [(m.start, m.end) for m in find_mentions(text, "en")]
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str, str]] = []
    for regex, haystack in ((name_re, fold(text)), (abbr_re, text)):
        for match in finditer(regex, haystack):
            entry = entries.get(_key(match.group()))
            start, end = match.start(), match.end()
            if entry is None or any(s < end and start < e for s, e in taken):
                continue
            if any(s < end and start < e and e - s >= end - start for s, e in conditions):
                continue
            taken.append((match.start(), match.end()))
            found.append((match.start(), match.end(), entry[0], entry[1]))
    return sorted(found)


def find_schedule(text: str, start: int, end: int, stops: list[int]) -> tuple[int, int] | None:
    """The schedule written right after (or just before) a treatment mention, within its sentence."""
    # A semicolon does not end it: "we have started home nursing; it is given 16 hours per day".
    sentence_end = re.compile(r"[.!?](?:\s|$)|\n\s*\n|\f")
    limit = min([len(text), *[s for s in stops if s >= end]])
    stop = sentence_end.search(text, end, limit)
    limit = stop.start() if stop else limit
    best: tuple[int, int] | None = None
    for rule in schedule_rules():
        after = rule.pattern.search(text, end, min(limit, end + rule.window))
        if after and (best is None or after.start() < best[0]):
            best = (after.start(), after.end())
    if best:
        return best
    for rule in schedule_rules():
        before = list(rule.pattern.finditer(text, max(0, start - 25), start))
        if before and not text[before[-1].end() : start].strip(" -").count("\n"):
            return before[-1].start(), before[-1].end()
    return None


def _is_route(text: str, start: int, mentions: list[tuple[int, int, str, str]]) -> bool:
    """Whether the mention at `start` is how an earlier treatment is given, right after it."""
    return any(0 <= start - e <= 30 and _ROUTE.search(text[e:start]) for _s, e, _c, _k in mentions if e <= start)


def _treatment_facts(ctx: TextContext) -> list[Fact]:
    mentions = find_treatments(ctx.text)
    if not mentions:
        return []
    assertions = assert_spans(ctx.text, ctx.language, [(s, e, LABEL) for s, e, _c, _k in mentions])
    kept: list[tuple[int, int, str, str, str]] = []
    for (start, end, canonical, kind), assertion in zip(mentions, assertions, strict=True):
        if assertion in _DROPPED or _is_route(ctx.text, start, mentions):
            continue
        if assertion == "negated":
            if not _WITHDRAWN.search(ctx.text[max(0, start - 40) : start]):
                continue
            assertion = "present"
        kept.append((start, end, canonical, kind, assertion))
    names = {k[2] for k in kept}
    chosen: dict[str, Fact] = {}
    for start, end, canonical, kind, assertion in kept:
        if any(narrow in names for narrow in _BROADER.get(canonical, ())):
            continue
        others = [k[0] for k in kept if k[2] != canonical]
        schedule = find_schedule(ctx.text, start, end, others)
        if canonical in chosen and (schedule is None or "schedule" in chosen[canonical].attributes):
            continue
        confidence = 0.85 if assertion == "present" else 0.65
        confidence -= 0.1 if kind == "abbreviation" else 0.0
        confidence += 0.05 if schedule else 0.0
        text = " ".join(ctx.text[schedule[0] : schedule[1]].split()) if schedule else None
        if canonical in chosen:  # keep the first mention's span, add the schedule found later
            start, end = chosen[canonical].start, chosen[canonical].end
        chosen[canonical] = make_fact(ctx, TREATMENT, canonical, start, end, round(confidence, 3), schedule=text)
    return list(chosen.values())


def _home_country(text: str) -> str | None:
    """The country a document speaks from: the one non-US country it names, in any case ("SECRETARÍA DE SALUD DE
    HONDURAS"), or whose cities and institutions it names ("Managua", "IMSS"); where several, the one in the
    letterhead (the first 500 characters) if only one is there."""
    by_term, pattern = _country_clues()
    folded = fold(text)
    found = [
        (m.start(), by_term.get(_key(m.group().lower())))
        for m in pattern.finditer(folded)
        if not _STREET.search(folded, max(0, m.start() - 12), m.start())
    ]
    codes = {code for _pos, code in found if code and code != "US"}
    if len(codes) == 1:
        return codes.pop()
    header = {code for pos, code in found if code and code != "US" and pos < 500}
    return header.pop() if len(header) == 1 else None


def _unavailable_facts(ctx: TextContext) -> list[Fact]:
    by_name = countries()[0]
    found: list[tuple[int, int, bool, str | None, float]] = []
    # The cue is looked for where one of its beginnings is (prefilter.finditer): it has no literal first character.
    chunks = [
        (m.start(), m.end())
        for m in _SENTENCE_CHUNK.finditer(ctx.text)
        if next(finditer(_CUE, ctx.text, m.start(), m.end()), None) is not None
    ]
    matches = [
        (rule, match)
        for rule in unavailable_rules()
        if may_match(rule.pattern, ctx.text)
        for start, end in chunks
        for match in finditer(rule.pattern, ctx.text, start, end)
    ]
    # Where statements overlap, the one that names the country wins ("en Colombia no se cuenta con este tratamiento"
    # over its tail "no se cuenta con este").
    matches.sort(key=lambda pair: pair[1].groupdict().get("country") is None)
    for rule, match in matches:
        if not rule.value and _NEGATED_BEFORE.search(ctx.text[max(0, match.start() - 25) : match.start()]):
            continue
        if _ASKED_BEFORE.search(ctx.text[max(0, match.start() - 120) : match.start()]):
            continue
        named = match.groupdict().get("country")
        country = by_name.get(_key(fold(named))) if named else None
        confidence = rule.confidence
        if country == "US":
            continue
        if country is None:  # "nuestro país", "no contamos con": the one country the document names
            country = _home_country(ctx.text)
            confidence -= 0.05
        if any(s < match.end() and match.start() < e for s, e, *_ in found):
            continue
        found.append((match.start(), match.end(), rule.value, country, round(confidence, 3)))
    true_countries = {c for _s, _e, v, c, _f in found if v}
    facts: list[Fact] = []
    seen: set[tuple[bool, str | None]] = set()
    for start, end, value, country, confidence in sorted(found):
        if not value and ((true_countries and country not in true_countries) or country is None):
            continue
        if (value, country) in seen:
            continue
        seen.add((value, country))
        facts.append(make_fact(ctx, UNAVAILABLE, value, start, end, confidence, country=country))
    return facts


def extract(ctx: TextContext) -> list[Fact]:
    """Treatments with their schedules, and statements that treatment is (un)available at home."""
    return _treatment_facts(ctx) + _unavailable_facts(ctx)
