"""Facilities (canonical hospital names with city and state), treating physicians (with specialty) and legal
organisations, English and Spanish.

Known hospitals and organisations come from lexicons of canonical names and the aliases they are printed as
(rules/facilities_lexicon.csv, orgs_legal.csv), matched tolerant of lost accents, apostrophes and OCR spacing.
Unknown hospitals ("Hospital General de Zona No. 1", "Valley Regional Medical Center") come from generic
patterns (facilities_generic.jsonl) at lower confidence, printed as found. Physicians come from titles,
credentials, labels and signature blocks (parties_physicians.jsonl), their specialty from the lines that follow
(parties_specialties.csv).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.extractors.alternation import trie
from pipeline.extractors.base import TextContext, make_fact
from pipeline.extractors.parties import before_window, find_hits, find_matches, fold, load_rules, loose, loose_atoms
from pipeline.models import Fact
from pipeline.prefilter import finditer
from pipeline.rules import load_csv, load_jsonl

_CAPS_BEFORE = re.compile(r"[A-Z]{2,}[ \t]+$")
_CAPS_AFTER = re.compile(r"[ \t]+[A-Z]{2,}\b")


@dataclass(frozen=True)
class Lexicon:
    """A lexicon's aliases compiled into one regex, and the row each alias key names."""

    regex: re.Pattern[str]
    rows: dict[str, dict[str, str]]


def _key(text: str) -> str:
    """What an alias and its printed forms share: folded letters and digits only."""
    return re.sub(r"[^a-z0-9&]", "", fold(text).replace(" and ", "&"))


@functools.cache
def lexicon(name: str) -> Lexicon:
    """The compiled lexicon of rules/<name>.csv (columns canonical, alias, case_sensitive, ...)."""
    rows = load_csv(name)
    by_key = {_key(row["alias"]): row for row in rows}
    exact = sorted((r["alias"] for r in rows if r["case_sensitive"] == "true"), key=len, reverse=True)
    loose_aliases = sorted((r["alias"] for r in rows if r["case_sensitive"] != "true"), key=len, reverse=True)
    tolerant = trie([r"(?:&|and)" if atom == r"\&" else atom for atom in loose_atoms(a)] for a in loose_aliases)
    pattern = f"(?i:{tolerant})|" + trie([re.escape(ch) for ch in alias] for alias in exact)
    return Lexicon(re.compile(rf"(?<![\w&])(?:{pattern})(?![\w])"), by_key)


def _row_by_alias(name: str, printed: str) -> dict[str, str] | None:
    """The row whose alias pattern reads `printed` where OCR changed its letters ("Nifios" for "Niños"), so its
    key differs; rare, so the aliases are tried one by one."""
    for row in load_csv(name):
        if re.fullmatch(loose(row["alias"]).replace(r"\&", r"(?:&|and)"), printed, re.IGNORECASE):
            return row
    return None


def _capitalized(printed: str) -> bool:
    """A proper name as printed: its first word (after "the") starts with a capital or a digit."""
    first = printed[4:] if printed[:4].lower() == "the " else printed
    return bool(first) and (first[0].isupper() or first[0].isdigit())


def lexicon_matches(name: str, text: str) -> list[tuple[dict[str, str], int, int]]:
    """(row, start, end) for every alias of lexicon `name` printed in `text`."""
    lex = lexicon(name)
    found = []
    for match in finditer(lex.regex, text):
        printed = match.group()
        row = lex.rows.get(_key(printed)) or _row_by_alias(name, printed)
        if row is None:
            continue
        if row["case_sensitive"] == "true":
            # An abbreviation inside a line of capitals ("ANY KIND OF", "PEDIATRIC CLINIC") is a word.
            if _CAPS_BEFORE.search(text[max(0, match.start() - 20) : match.start()]) or _CAPS_AFTER.match(
                text, match.end()
            ):
                continue
        elif not _capitalized(printed):
            continue  # "hospital escuela" in running Spanish is a teaching hospital, not Hospital Escuela
        found.append((row, match.start(), match.end()))
    return found


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


_QUOTES = re.compile(r"[\"“”]")
_TRAILING = re.compile(r"(?:[ \t]+(?:de|del|la|las|los|el|para|y|No\.|N[°º]\.?|N[uú]m\.))+$|[.,'’-]+$")


@functools.cache
def _guard() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{row['pattern']})" for row in load_jsonl("facilities_guards")))


def _guarded(text: str, start: int) -> bool:
    """The words before a hospital name say it is not the patient's (an alternative "available ... at")."""
    return bool(_guard().search(before_window(text, start, 160)))


def facilities(ctx: TextContext) -> list[Fact]:
    """Known hospitals (canonical name, city, state) and unknown ones (as printed, lower confidence); a hospital
    named as an alternative available elsewhere (rules/facilities_guards.jsonl) is no fact of the case."""
    facts = []
    spans: list[tuple[int, int]] = []
    for row, start, end in lexicon_matches("facilities_lexicon", ctx.text):
        spans.append((start, end))
        if _guarded(ctx.text, start):
            continue
        facts.append(
            make_fact(ctx, "facility", row["canonical"], start, end, 0.92, city=row["city"], state=row["state"])
        )
    for rule in load_rules("facilities_generic"):
        not_name = re.compile(rule.data["not_name"]) if rule.data.get("not_name") else None
        for match in find_matches(rule, ctx.text):
            start = match.start("name")
            printed = _TRAILING.sub("", match.group("name"))
            end = start + len(printed)
            if _overlaps(start, end, spans) or (not_name and not_name.search(printed)):
                continue
            if len(printed.split()) < 2:
                continue
            spans.append((start, end))
            if not _guarded(ctx.text, start):
                name = " ".join(_QUOTES.sub("", printed).split())  # HOSPITAL "WILLIAM SOLER": the name, unquoted
                facts.append(make_fact(ctx, "facility", name, start, end, rule.confidence))
    return facts


def legal_orgs(ctx: TextContext) -> list[Fact]:
    """Every mention of a known legal-aid or advocacy organisation, by its canonical name."""
    return [
        make_fact(ctx, "legal_org", row["canonical"], start, end, 0.9)
        for row, start, end in lexicon_matches("orgs_legal", ctx.text)
    ]


@functools.cache
def _specialty_regex() -> re.Pattern[str]:
    terms = sorted((row["term"] for row in load_csv("parties_specialties")), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?i:" + trie(map(loose_atoms, terms)) + r")(?![\w])")


_BLANK_LINE = re.compile(r"\n[ \t]*\n|\f")


_GENERIC_SPECIALTIES = {"pediatrics", "general pediatrics", "pediatria", "pediatra", "internal medicine"}
_CREDENTIALS_ONLY = re.compile(r"^[\s,.;:A-Za-z]{0,24}$")


def specialty_near(text: str, start: int, end: int) -> str | None:
    """The specialty stated right after a physician's name (same paragraph, within ~3 lines).

    A signature block may leave a blank line after "Name, MD"; an academic title lists the department first
    ("Associate Professor of Pediatrics, Cardiology"): the more specific specialty wins.
    """
    window = text[end : end + 220]
    blank = _BLANK_LINE.search(window)
    if blank and _CREDENTIALS_ONLY.match(window[: blank.start()]) and "\f" not in blank.group():
        rest = window[blank.end() :]
        second = _BLANK_LINE.search(rest)
        window = window[: blank.start()] + "\n" + (rest[: second.start()] if second else rest)
    elif blank:
        window = window[: blank.start()]
    window = "\n".join(window.split("\n")[:4])
    matches = list(_specialty_regex().finditer(window))
    specific = [m for m in matches if fold(m.group()) not in _GENERIC_SPECIALTIES]
    chosen = (specific or matches)[:1]
    return chosen[0].group() if chosen else None


def physicians(ctx: TextContext, taken: list[tuple[int, int]]) -> list[Fact]:
    """Physicians named with a title, credentials, a label or in a signature block; never inside a
    facility's name ("Hospital Nacional Dr. Mario Catarino Rivas")."""
    facts: list[Fact] = []
    spans: list[tuple[int, int]] = []
    hits = [hit for rule in load_rules("parties_physicians") for hit in find_hits(rule, ctx.text)]
    for hit in sorted(hits, key=lambda h: (-h.rule.confidence, h.start)):
        if _overlaps(hit.start, hit.end, taken) or _overlaps(hit.start, hit.end, spans):
            continue
        spans.append((hit.start, hit.end))
        specialty = specialty_near(ctx.text, hit.start, hit.end)
        facts.append(
            make_fact(ctx, "physician", hit.value, hit.start, hit.end, hit.rule.confidence, specialty=specialty)
        )
    return sorted(facts, key=lambda f: f.start)


def extract(ctx: TextContext) -> list[Fact]:
    """Facilities, physicians and legal organisations, each grounded in its mention."""
    places = facilities(ctx)
    orgs = legal_orgs(ctx)
    taken = [(f.start, f.end) for f in [*places, *orgs]]
    return [*places, *physicians(ctx, taken), *orgs]
