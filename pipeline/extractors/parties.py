"""The shared machinery of the people-and-places extractors (patient.py, organisations.py).

Cue patterns live in pipeline/rules/parties_*.jsonl as regexes with placeholders that this module expands:
``{NAME}`` (a person's name as printed: Title Case or ALL CAPS words, accents, particles, initials),
``{NAME_ANY}`` (also "LOPEZ GARCIA, Maria Jose"), ``{NUM}`` (digits or number words), ``{COUNTRY}`` and
``{DEMONYM}`` (from countries_lexicon.csv), ``{RELATIVE}`` (parents, siblings... from parties_relatives.csv)
and ``{SEP}`` (a label separator: colon, dash, dot leaders, a tab or a line break). A rule may carry
``not_before`` (searched in the text just before the match, within its sentence) and ``not_after`` (anchored
right after it): those guards are data too, so a distractor is fixed by editing a rule, never the code.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.extractors.alternation import trie
from pipeline.prefilter import finditer, may_match
from pipeline.rules import load_csv, load_jsonl

_UP = "A-ZÁÉÍÓÚÑÜÀÈÌÒÙÇ"
_LO = "a-záéíóúñüàèìòùçëïöâêîôû"
_TITLE_WORD = rf"(?:Ma?c|O['’])?[{_UP}][{_LO}]+(?:[-'’][{_UP}]?[{_LO}]+)*"
# Capitals only, no trailing hyphen and no glued lower case or digits ("A-Number" and "AH123" are not names).
_CAPS_WORD = rf"[{_UP}](?:[{_UP}]+|['’][{_UP}]+)(?:[-'’][{_UP}]+)*(?![\w'’-])"
_NAME_WORD = rf"(?:{_TITLE_WORD}|{_CAPS_WORD})"
_PARTICLE = r"(?:de|del|de la|de las|de los|da|dos|van|von|la)"
# Words of one name are separated by blanks on one line (names are not broken across lines in print).
_GAP = r"[ \t]{1,3}"
NAME = rf"{_NAME_WORD}(?:{_GAP}(?:{_PARTICLE}{_GAP})?(?:{_NAME_WORD}|[{_UP}]\.)){{1,6}}"
NAME_LF = rf"{_NAME_WORD}(?:{_GAP}{_NAME_WORD}){{0,3}},[ \t]*{_NAME_WORD}(?:{_GAP}(?:{_NAME_WORD}|[{_UP}]\.)){{0,3}}"
SEP = r"(?:[ \t]*[:：#\-–][ \t]*(?:\r?\n[ \t]*)?|[ \t]*\r?\n[ \t]*|[ \t]*\.{3,}[ \t]*[:：]?[ \t]*|[ \t]*\t[ \t]*)"
_NAME_TOKEN = re.compile(rf"{_NAME_WORD}|[{_UP}]\.|,|[^\s,]+")
# A period after a word of 1-4 letters is an abbreviation ("No.", "Dr.", "Sra."), not a sentence end.
_SENTENCE_END = re.compile(r"(?:(?<!\b\w)(?<!\b\w\w)(?<!\b\w\w\w)(?<!\b\w\w\w\w)\.\s|[!?;]\s|\n\s*\n|\f)")


def fold(text: str) -> str:
    """Lower case without accents or curly apostrophes: the key for lexicon look-ups."""
    if text.isascii():  # nothing to decompose (most words)
        return " ".join(text.lower().split())
    text = text.replace("’", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def loose(term: str) -> str:
    """A regex for `term` tolerant of lost accents, curly or lost apostrophes and extra or broken spaces (OCR)."""
    return "".join(loose_atoms(term))


def loose_atoms(term: str) -> list[str]:
    """`loose(term)` as one regex atom per character of the term (for alternation.trie)."""
    out = []
    for ch in term:
        base = fold(ch) if ch.strip() else " "
        if ch.isspace():  # OCR's stray marks between words ("Las: Americas Immigrant ‘Advocacy Center")
            out.append(r"[:;,]?\s+['‘’\"`]?")
        elif ch in "'’":
            # OCR reads an apostrophe as nothing, a space, a backtick or a spaced quote ("Children ' s").
            out.append(r"[ \t]?(?:['’`´][ \t]?)?")
        elif ch in "ñÑ":  # OCR reads ñ as n, fi, fl or ri ("Nifios", "afios")
            out.append(r"(?:[ñÑnN]|fi|FI|fl|FL|ri|RI)")
        elif ch == "-":
            out.append(r"[\s\-–]?")
        elif ch == ".":
            out.append(r"\.?")
        elif base != ch.lower() and base.isalpha():
            out.append(f"[{re.escape(ch.lower())}{re.escape(ch.upper())}{base}{base.upper()}]")
        else:
            out.append(re.escape(ch))
    return out


@functools.cache
def _country_terms() -> dict[str, str]:
    """Folded country name or demonym -> ISO alpha-2, both languages."""
    return {fold(row["term"]): row["code"] for row in load_csv("countries_lexicon")}


def _alternation(terms: list[str]) -> str:
    return trie(loose_atoms(t) for t in set(terms))


# A relative, lawyer or doctor named just before a name ("her mother, ", "la madre de la paciente, ", "Dr. "):
# the name is theirs, not the patient's.
_RELATIVE_BEFORE = (
    r"\b{RELATIVE}(?:'s)?(?:\s+(?i:name|nombre))?\s*[,:(]?\s*(?:(?i:de|del|of)\s+(?i:la|el|the|los|las|his|her|su)?\s*)?"
    r"(?:(?i:patient|paciente|child|minor|menor)(?:'s)?\s*,?\s*)?(?:(?i:mr|mrs|ms|sr|sra|srta)\.?\s*)?$"
    r"|\b(?:Dr|Dra|DR|DRA|Doctor|Doctora|Lic|Atty|Hon)\.?\s*$"
)
# ... or just after it ("Rosa Martínez, the child's mother", "(madre)", "Rebecca Whitfield, MD").
_RELATIVE_AFTER = (
    r"[ \t]*,?[ \t]*\(?[ \t]*(?:(?i:the|her|his|their|la|el|su|is|es|who\s+is|quien\s+es)\s+)?"
    r"(?:(?i:patient|child|minor|menor|niñ[oa]|paciente|beneficiary)(?:'s)?\s+)?{RELATIVE}\b"
    r"|[ \t]*,?[ \t]*(?:M\.\s?D\.?|MD|D\.O\.|Esq\.?|FAAP|Ph\.\s?D\.?|RN|NP|PA-C)\b"
)


@functools.cache
def _placeholders() -> dict[str, str]:
    rows = load_csv("countries_lexicon")
    relatives = [row["term"] for row in load_csv("parties_relatives")]
    # A name never starts with a label, title or relative: lets a cue skip "RE: Letter of Medical ..." words.
    # The cheap look-around first: the stop-word test runs only where a capitalized word starts, and as a trie
    # (pipeline.extractors.alternation) it tries only the words whose first letters are there.
    stops = trie([re.escape(ch) for ch in word] for word in {*_name_stopwords(), *_relatives()})
    not_stop = rf"(?<![\w'’])(?=[{_UP}])(?!(?i:{stops})(?![\w'’]))"
    return {
        "{NAME_ANY}": rf"(?P<name>{not_stop}(?:{NAME_LF}|{NAME}))",
        "{NAME_LF}": rf"(?P<name>{not_stop}{NAME_LF})",
        "{NAME}": rf"(?P<name>{not_stop}{NAME})",
        # Any word here; age_value() keeps only number words (one regex class is much cheaper than the list).
        "{NUM}": rf"(?P<num>\d{{1,3}}(?:[.,]\d)?|[{_LO}{_UP}]{{2,11}})",
        "{COUNTRY}": rf"(?P<country>(?i:{_alternation([r['term'] for r in rows if r['kind'] == 'name'])}))",
        # Any word here; country_code() keeps only demonyms (one class is much cheaper than 100 alternatives).
        "{DEMONYM}": rf"(?P<country>[{_LO}{_UP}]{{4,15}})",
        "{PLACE}": rf"(?P<country>(?i:{_alternation([r['term'] for r in rows])}))",
        "{RELATIVE_BEFORE}": _RELATIVE_BEFORE.replace("{RELATIVE}", rf"(?i:{_alternation(relatives)})"),
        "{RELATIVE_AFTER}": _RELATIVE_AFTER.replace("{RELATIVE}", rf"(?i:{_alternation(relatives)})"),
        "{RELATIVE}": rf"(?i:{_alternation(relatives)})",
        "{SEP}": SEP,
    }


def expand(pattern: str) -> str:
    """`pattern` with its placeholders replaced by their regexes."""
    for key, value in _placeholders().items():
        pattern = pattern.replace(key, value)
    return pattern


@dataclass(frozen=True)
class Rule:
    """One cue pattern from a parties_ rule file, compiled."""

    id: str
    field: str
    regex: re.Pattern[str]
    confidence: float
    not_before: re.Pattern[str] | None
    not_after: re.Pattern[str] | None
    anchor: re.Pattern[str] | None
    data: dict[str, Any]


@functools.cache
def load_rules(name: str) -> tuple[Rule, ...]:
    """The compiled rules of rules/<name>.jsonl."""
    compiled = []
    for row in load_jsonl(name):
        before, after, anchor = row.get("not_before"), row.get("not_after"), row.get("anchor")
        compiled.append(
            Rule(
                id=row["id"],
                field=row.get("field", ""),
                regex=re.compile(expand(row["pattern"])),
                confidence=float(row.get("confidence", 0.8)),
                not_before=re.compile(expand(before)) if before else None,
                not_after=re.compile(expand(after)) if after else None,
                anchor=re.compile(anchor) if anchor else None,
                data=row,
            )
        )
    return tuple(compiled)


def before_window(text: str, start: int, width: int = 60) -> str:
    """Up to `width` characters before `start`, cut at the last sentence boundary."""
    window = text[max(0, start - width) : start]
    ends = list(_SENTENCE_END.finditer(window))
    return window[ends[-1].end() :] if ends else window


def _candidates(rule: Rule, text: str) -> Iterator[re.Match[str]]:
    """The rule's matches; a rule with an `anchor` (a cheap regex its match must contain, for patterns that
    start with a name) is only tried around the anchor's hits instead of at every position. A rule whose
    literal words are missing from the text is not run at all (pipeline.prefilter)."""
    if not may_match(rule.regex, text):
        return
    if rule.anchor is None:
        yield from finditer(rule.regex, text)
        return
    last_end = -1
    for anchor in finditer(rule.anchor, text):
        if anchor.start() < last_end:
            continue
        low = max(0, anchor.start() - 100, last_end)
        for match in finditer(rule.regex, text, low, min(len(text), anchor.end() + 40)):
            if match.start() <= anchor.start() and match.end() >= anchor.end():
                last_end = match.end()
                yield match
                break


def find_matches(rule: Rule, text: str) -> Iterator[re.Match[str]]:
    """Matches of `rule` in `text` that pass its not_before / not_after guards."""
    for match in _candidates(rule, text):
        if rule.not_before and rule.not_before.search(before_window(text, match.start())):
            continue
        if rule.not_after and rule.not_after.match(text, match.end(), min(len(text), match.end() + 60)):
            continue
        yield match


@functools.cache
def _name_stopwords() -> dict[str, str]:
    """Folded word -> why it cannot be part of a person's name (label, title, organisation...)."""
    return {fold(row["word"]): row["reason"] for row in load_csv("parties_name_stopwords")}


@functools.cache
def _relatives() -> frozenset[str]:
    return frozenset(fold(row["term"]) for row in load_csv("parties_relatives"))


_PARTICLES = {"de", "del", "la", "las", "los", "da", "dos", "van", "von"}
_POSSESSIVE = re.compile(r"['’]s$")


def trim_name(text: str, start: int, end: int, min_words: int = 2) -> tuple[int, int] | None:
    """The span of a person's name inside text[start:end]: leading labels skipped ("Patient Maria..."), cut
    before the first word that cannot be part of a name (DOB, Hospital, months...); None when fewer than
    `min_words` name words remain or the words are led by a title or a relative ("Dr.", "Mother")."""
    stop, relatives = _name_stopwords(), _relatives()
    words: list[tuple[int, int]] = []
    commas = 0
    for token in _NAME_TOKEN.finditer(text, start, end):
        raw = token.group()
        if raw == ",":  # "Maria Lopez, DOB": a comma ends the name unless it is "LOPEZ GARCIA, Maria"
            rest = text[token.end() : end].split()
            commas += 1
            if not words or commas > 1 or not rest or fold(rest[0]).strip(".,") in stop:
                break
            continue
        if len(words) >= 2 and text[token.end() : token.end() + 1] == ":":
            break  # a label glued to its colon ("MEDINA AH: A# 049...", OCR's "A#:") is not a name word
        possessive = bool(_POSSESSIVE.search(raw))
        raw = _POSSESSIVE.sub("", raw)
        key = fold(raw).strip(".")
        if key in stop or key in relatives or not raw[:1].isalpha():
            if words:
                break
            if key in relatives or stop.get(key) == "title":
                return None
            continue
        # A word seen before starts a second printing run into the first (form boxes flattened to one line:
        # "PEREZ AGUILAR PEREZ AGUILAR", "JUAREZ, LUCIA JUAREZ"); a surname repeated right away ("García García")
        # is one name, given names after the comma never are ("MORALES, ALEJANDRA ALEJANDRA").
        seen = words if commas else words[:-1]
        if len(words) >= 2 and key in {fold(text[s:e]).strip(".") for s, e in seen}:
            break
        words.append((token.start(), token.start() + len(raw)))
        if possessive:
            break
    while words and fold(text[words[-1][0] : words[-1][1]]) in _PARTICLES:
        words.pop()
    real = [w for w in words if fold(text[w[0] : w[1]]) not in _PARTICLES and text[w[1] - 1] != "."]
    if len(real) < min_words:
        return None
    return words[0][0], words[-1][1]


def name_key(name: str) -> frozenset[str]:
    """Accent-, case- and order-insensitive key of a name (its folded words, particles dropped)."""
    return frozenset(w for w in re.split(r"[\s,]+", fold(name)) if w and w not in _PARTICLES and len(w) > 1)


def country_code(term: str) -> str | None:
    """ISO alpha-2 of a country name or demonym as printed, English or Spanish."""
    return _country_terms().get(fold(term))


@functools.cache
def _number_words() -> dict[str, float]:
    return {fold(row["word"]): float(row["value"]) for row in load_csv("parties_number_words")}


_MONTHS = re.compile(r"(?i)\bmonths?\b|\bmos?\b|\bmes(?:es)?\b|month-old|\d\s*m\b")


def age_value(match: re.Match[str]) -> float | None:
    """The age in years a matched age phrase states; months under 12 become round(months / 12, 2)."""
    raw = match.group("num")
    number = _number_words().get(fold(raw))
    if number is None:
        try:
            number = float(raw.replace(",", "."))
        except ValueError:
            return None
    if _MONTHS.search(match.group()):
        number = round(number / 12, 2)
    if not 0 < number <= 110:
        return None
    return int(number) if number == int(number) else number


@dataclass(frozen=True)
class Hit:
    """A rule's match that passed its guards and its field's check: value and span to ground."""

    rule: Rule
    value: str | float | int
    start: int
    end: int


_NEXT_WORD = re.compile(r"[ \t]*[,|¦]?[ \t]*([^\s,|¦]+)")


def _name_hits(rule: Rule, text: str, start: int, end: int) -> Iterator[Hit]:
    """The trimmed name in text[start:end]; where a word of it comes back right after it, a second printing run
    into the first on one line ("ELMER PADILLA TORRES PADILLA, ELMER"), that printing too, up to the line's end."""
    for _ in range(3):
        span = trim_name(text, start, end)
        if span is None:
            return
        if rule.data.get("whole_name") and span != (start, len(text[start:end].rstrip()) + start):
            return  # "San Diego Field Office": an office's line, not a name
        yield Hit(rule, text[span[0] : span[1]], span[0], span[1])
        following = _NEXT_WORD.match(text, span[1])
        if not following or fold(following.group(1)) not in name_key(text[span[0] : span[1]]):
            return
        start = following.start(1)
        line_end = text.find("\n", start)
        end = len(text) if line_end < 0 else line_end


def find_hits(rule: Rule, text: str) -> Iterator[Hit]:
    """Matches of `rule` turned into values: a trimmed name, an age in years, a country code (never US)."""
    for match in find_matches(rule, text):
        groups = match.groupdict()
        if rule.field in ("patient_name", "physician") and groups.get("name"):
            yield from _name_hits(rule, text, match.start("name"), match.end("name"))
        elif rule.field == "age_years" and groups.get("num"):
            age = age_value(match)
            if age is not None:
                # The fact's text is the age itself ("8 años", "4-year-old"), not the name or label the cue
                # needed around it.
                end = match.end()
                while end > match.start("num") and text[end - 1] in " \t\n,;:)(.":
                    end -= 1
                yield Hit(rule, age, match.start("num"), end)
        elif rule.field == "country_of_origin" and groups.get("country"):
            code = country_code(match.group("country"))
            if code and code != "US":
                yield Hit(rule, code, match.start(), match.end())
