"""Diagnoses: conditions named in English or Spanish, normalized to a canonical English name and ICD-10-CM code,
each with its assertion (present, negated, possible, hypothetical, historical, family).

The lexicon (rules/diagnoses_lexicon.csv) lists every printed form: names, abbreviations (case-sensitive),
misspellings and OCR variants. Matching runs on an accent-folded, lower-cased copy of the text of the same length,
so offsets stay those of the original. The code is the most specific the text supports: a code printed next to
the mention ("short bowel syndrome (ICD-10: K91.2)", "CIE-10 N18.6") wins, then a qualifier in the same sentence
("in remission", "estadio 5", rules/diagnoses_qualifiers.jsonl), then the lexicon's code for that wording.
One fact is emitted per condition and assertion in a document, at its first mention.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from pipeline.extractors.alternation import trie
from pipeline.extractors.assertions import OTHER, PRESENT, assert_spans
from pipeline.extractors.base import TextContext, make_fact
from pipeline.models import Fact
from pipeline.rules import load_csv, load_jsonl

FIELD = "diagnosis"
LABEL = "CONDITION"
# Broad names dropped when a narrower condition with the same assertion is in the same document.
_BROADER = {
    "diabetes mellitus": ("type 1 diabetes", "type 2 diabetes"),
    "kidney failure": ("end-stage renal disease", "chronic kidney disease", "acute kidney injury"),
    "heart disease": ("congenital heart disease", "hypoplastic left heart syndrome", "tetralogy of fallot"),
    "liver disease": ("liver failure", "intestinal failure-associated liver disease", "cirrhosis"),
    "hemophilia": ("hemophilia a", "hemophilia b"),
    "thalassemia": ("beta thalassemia",),
    "cardiomyopathy": ("dilated cardiomyopathy",),
    "leukemia": ("acute lymphoblastic leukemia", "acute myeloid leukemia", "chronic myeloid leukemia"),
    "lymphoma": ("hodgkin lymphoma", "non-hodgkin lymphoma", "burkitt lymphoma"),
    "muscular dystrophy": ("duchenne muscular dystrophy", "becker muscular dystrophy"),
    "mucopolysaccharidosis": (
        "mucopolysaccharidosis type i",
        "mucopolysaccharidosis type ii",
        "mucopolysaccharidosis type iii",
        "mucopolysaccharidosis type iv",
        "mucopolysaccharidosis type vi",
    ),
    "kidney disease": (
        "end-stage renal disease",
        "chronic kidney disease",
        "acute kidney injury",
        "kidney failure",
        "polycystic kidney disease",
        "nephrotic syndrome",
        "lupus nephritis",
    ),
    "epilepsy": ("drug-resistant epilepsy", "lennox-gastaut syndrome"),
    "seizures": ("epilepsy", "drug-resistant epilepsy", "febrile seizures", "status epilepticus"),
    "spinal muscular atrophy": ("spinal muscular atrophy type 1",),
    "pulmonary hypertension": ("primary pulmonary hypertension",),
    "beta thalassemia": ("beta thalassemia major",),
    "respiratory failure": ("chronic respiratory failure", "acute respiratory failure"),
    "hepatitis b": ("chronic hepatitis b",),
    "hepatitis c": ("chronic hepatitis c",),
    "fracture": ("femur fracture",),
    "meningitis": ("bacterial meningitis",),
    "tuberculosis": ("pulmonary tuberculosis",),
    "depression": ("major depressive disorder",),
    "thrombosis": ("deep vein thrombosis",),
    "systemic lupus erythematosus": ("lupus nephritis",),
    "anemia": ("aplastic anemia", "iron deficiency anemia", "sickle cell disease", "beta thalassemia major"),
}
_BROADER["thalassemia"] = ("beta thalassemia", "beta thalassemia major")
# A condition whose code follows another condition of the same document ("diabetic ketoacidosis" in a child with
# type 1 diabetes is E10.10, in type 2 E11.10; the lexicon holds ICD-10-CM's default, type 2).
_CODE_BY_COMPANION = {
    "diabetic ketoacidosis": (("type 1 diabetes", "E10.10"), ("type 2 diabetes", "E11.10")),
}
# Spina bifida codes that include hydrocephalus: a hydrocephalus mention beside them is the same condition.
_INCLUDES = {"hydrocephalus": ("spina bifida", ("Q05.0", "Q05.1", "Q05.2", "Q05.3", "Q05.4"))}
# A condition named in an institution's name ("MD Anderson Cancer Center", "Cystic Fibrosis Foundation").
_INSTITUTION_AFTER = re.compile(
    r"(?:[ \t]+(?:and|&|of|for|[A-Z][\w'’\-]*)){0,4}[ \t]+(?:Center|Centre|Institute|Foundation|Society|Association|"
    r"Hospital|Clinic|Program|Programme|Unit|Service|Alliance|Research|Fund|Network|Department|Division)\b"
)
_INSTITUTION_BEFORE = re.compile(
    r"\b(?:Fundaci[oó]n|Asociaci[oó]n|Instituto|Centro|Cl[ií]nica|Unidad|Programa|Servicio|Foundation|Society|"
    r"Association|Institute|Center|Division|Department)\b[^\n.;,]{0,40}$"
)
# Extent of burns: "45% of total body surface area, 35% full-thickness" gives T31.43 (ICD-10-CM T31, by tens).
_BURN_TOTAL = re.compile(
    r"(\d{1,3})\s*%\s*(?:(?:of|de)\s+(?:the\s+|la\s+)?)?(?:total\s+)?(?:body\s+surface|TBSA|BSA|SCT|"
    r"superficie\s+corporal)",
    re.IGNORECASE,
)
_BURN_DEEP = re.compile(
    r"(\d{1,3})\s*%\s*(?:(?:of|de)\s+)?(?:(?:the\s+)?(?:burns?\s+)?(?:being\s+|are\s+)?)?(?:full[\s\-]thickness|"
    r"third[\s\-]degree|de\s+tercer\s+grado|tercer\s+grado|(?:de\s+)?espesor\s+total)",
    re.IGNORECASE,
)
_CODE = re.compile(r"(?<![A-Za-z0-9])([A-TV-Z][0-9][0-9AB](?:\.[0-9A-Z]{1,4})?)(?![A-Za-z0-9])")
_CODE_LABEL = r"(?:(?:ICD|CIE)[\s\-]*(?:10|X)?(?:[\s\-]*CM)?|c[oó]digo|code|dx)"
_CODE_AFTER = re.compile(r"\s*[(\[,:\-–]?\s*(?:" + _CODE_LABEL + r")?\s*[:#]?\s*$", re.IGNORECASE)
_CODE_BEFORE = re.compile(r"^\s*[)\]:\-–—]?\s*$")
_SENTENCE_END = re.compile(r"[.!?;]\s|\n\s*\n|\f")
_DIAGNOSIS_LABEL = re.compile(r"(?:diagnos[ie]s|diagn[oó]stico|dx|impresi[oó]n diagn[oó]stica)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One printed form of a condition."""

    canonical: str
    icd10: str
    kind: str


@dataclass(frozen=True)
class Mention:
    """A condition found in the text, before assertion."""

    start: int
    end: int
    canonical: str
    icd10: str
    kind: str
    code_given: bool = False


def _fold_char(char: str, lower: bool) -> str:
    if char in "’‘`´":
        return "'"
    if char in "–—‐‑":
        return "-"
    base = unicodedata.normalize("NFKD", char)[:1] or char
    folded = base.lower() if lower else base
    return folded if len(folded) == 1 else base


@functools.cache
def _fold_table(lower: bool) -> dict[int, str]:
    # Latin, Greek, Cyrillic and general punctuation: every character folds to exactly one character.
    table: dict[int, str] = {}
    for code in range(0x3000):
        char = chr(code)
        folded = _fold_char(char, lower)
        if folded != char:
            table[code] = folded
    return table


@functools.lru_cache(maxsize=8)
def fold(text: str) -> str:
    """Lower-case, accents removed, typographic dashes/quotes plain: same length as `text`, so offsets hold.
    (Kept for the last few texts: the diagnosis, treatment and organisation extractors fold the same letter.)"""
    if text.isascii():  # str.translate looks up every character; in ASCII only the backtick changes
        return text.lower().replace("`", "'")
    return text.translate(_fold_table(True))


def _fold_case_kept(text: str) -> str:
    if text.isascii():
        return text.replace("`", "'")
    return text.translate(_fold_table(False))


def term_atoms(term: str) -> list[str]:
    """A term as regex atoms: spaces and hyphens match any run of spaces, hyphens or line breaks (OCR, layout);
    an apostrophe may be lost."""
    atoms: list[str] = []
    for part in re.split(r"[\s\-]+", term.strip()):
        if part:
            if atoms:
                atoms.append(r"[\s\-]*")
            atoms.extend("'?" if ch == "'" else re.escape(ch) for ch in part)
    return atoms


@functools.cache
def lexicon() -> tuple[dict[str, Entry], dict[str, Entry], re.Pattern[str], re.Pattern[str]]:
    """(names by key, abbreviations by key, name regex, abbreviation regex) from rules/diagnoses_lexicon.csv."""
    names: dict[str, Entry] = {}
    abbreviations: dict[str, Entry] = {}
    for row in load_csv("diagnoses_lexicon"):
        entry = Entry(row["canonical"], row["icd10"], row["kind"])
        if row["kind"] == "abbreviation":
            abbreviations[_key(_fold_case_kept(row["term"]))] = entry
        else:
            names[_key(fold(row["term"]))] = entry
    terms = sorted({fold(r["term"]) for r in load_csv("diagnoses_lexicon") if r["kind"] != "abbreviation"}, key=len)
    abbrs = sorted({_fold_case_kept(r["term"]) for r in load_csv("diagnoses_lexicon") if r["kind"] == "abbreviation"})
    name_re = re.compile(r"(?<![a-z0-9])(?:" + trie(map(term_atoms, terms)) + r")(?![a-z0-9])")
    abbr_re = re.compile(r"(?<![A-Za-z0-9])(?:" + trie(map(term_atoms, abbrs)) + r")(?![A-Za-z0-9])")
    return names, abbreviations, name_re, abbr_re


def _key(text: str) -> str:
    return re.sub(r"[\s\-']+", "", text)


@functools.cache
def qualifiers() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """(canonical, pattern, icd10) of rules/diagnoses_qualifiers.jsonl."""
    return tuple(
        (row["canonical"], re.compile(row["pattern"], re.IGNORECASE), row["icd10"])
        for row in load_jsonl("diagnoses_qualifiers")
    )


@functools.cache
def codes_of(canonical: str) -> frozenset[str]:
    """Every code the lexicon and qualifiers give a condition."""
    codes = {row["icd10"] for row in load_csv("diagnoses_lexicon") if row["canonical"] == canonical}
    codes |= {code for name, _p, code in qualifiers() if name == canonical}
    return frozenset(codes)


@functools.cache
def is_valid_code(code: str) -> bool:
    """Whether `code` is an ICD-10-CM code (chapter, block, category or leaf), as the text prints it."""
    from pipeline import icd10

    return icd10.is_valid(code) if code == code.upper() else False


def _shouting(text: str, start: int, end: int) -> bool:
    """An abbreviation in an all-caps line ("TO ALL WHOM") is a word, not a condition."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    letters = [c for c in line if c.isalpha()]
    words = re.findall(r"[A-Za-z]{2,}", line)
    return len(words) > 2 and sum(c.isupper() for c in letters) > 0.7 * len(letters)


def _in_institution_name(text: str, start: int, end: int) -> bool:
    """ "Cancer" in "MD Anderson Cancer Center": a capitalized condition followed by an institution's noun."""
    if not text[start : start + 1].isupper():
        return False
    return (
        _INSTITUTION_AFTER.match(text, end) is not None
        or _INSTITUTION_BEFORE.search(text, max(0, start - 60), start) is not None
    )


def find_mentions(text: str, language: str) -> list[Mention]:
    """Every lexicon term in `text`, longest first, never overlapping."""
    return list(_find_mentions(text))


@functools.lru_cache(maxsize=2)
def _find_mentions(text: str) -> tuple[Mention, ...]:
    names, abbreviations, name_re, abbr_re = lexicon()
    found: list[Mention] = []
    for match in name_re.finditer(fold(text)):
        entry = names.get(_key(match.group()))
        if entry and not _in_institution_name(text, match.start(), match.end()):
            found.append(Mention(match.start(), match.end(), entry.canonical, entry.icd10, entry.kind))
    taken = [(m.start, m.end) for m in found]
    for match in abbr_re.finditer(_fold_case_kept(text)):
        entry = abbreviations.get(_key(match.group()))
        if not entry or any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if _shouting(text, match.start(), match.end()) or re.match(r"[\s.:#]*\d", text[match.end() : match.end() + 3]):
            continue  # "TO ALL WHOM", "CP 06720" (a Mexican postal code)
        found.append(Mention(match.start(), match.end(), entry.canonical, entry.icd10, "abbreviation"))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    result: list[Mention] = []
    for mention in found:
        if result and mention.start < result[-1].end:
            continue
        result.append(mention)
    return tuple(_with_code(text, m, result) for m in result)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(0, start - 80)
    ends = list(_SENTENCE_END.finditer(text, left, start))
    left = ends[-1].end() if ends else left
    after = _SENTENCE_END.search(text, end, min(len(text), end + 100))
    return left, after.start() if after else min(len(text), end + 100)


def _with_code(text: str, mention: Mention, mentions: list[Mention]) -> Mention:
    """The mention with the printed code next to it, else a qualifier's code, else its own."""
    left, right = _sentence_bounds(text, mention.start, mention.end)
    following = [m.start for m in mentions if m.start >= mention.end]
    limit = min([right, *following])
    for match in _CODE.finditer(text, mention.end, min(limit + 12, len(text))):
        code = match.group(1)
        if not is_valid_code(code):
            continue
        adjacent = _CODE_AFTER.match(text[mention.end : match.start()]) is not None
        related = code[:3] in {c[:3] for c in codes_of(mention.canonical)}
        if adjacent or (related and match.start() < limit):
            return _printed(mention, code)
        break
    before = list(_CODE.finditer(text, max(left, mention.start - 14), mention.start))
    if before and _CODE_BEFORE.match(text[before[-1].end() : mention.start]) and is_valid_code(before[-1].group(1)):
        return _printed(mention, before[-1].group(1))
    window = text[left:right]
    if mention.canonical == "burns":
        extent = burn_extent_code(window)
        if extent:
            return replace(mention, icd10=extent)
    for canonical, pattern, code in qualifiers():
        if canonical == mention.canonical and pattern.search(window):
            return replace(mention, canonical=_named_by_code(mention.canonical, code), icd10=code)
    return mention


def burn_extent_code(text: str) -> str | None:
    """T31.xy from the total body surface burned (x, tens of %) and the third-degree part (y), if written."""
    total = _BURN_TOTAL.search(text)
    if not total:
        return None
    percent = min(int(total.group(1)), 100)
    deep = _BURN_DEEP.search(text, total.end())
    deep_percent = min(int(deep.group(1)), percent) if deep else 0
    tens, deep_tens = min(percent // 10, 9), min(deep_percent // 10, 9)
    return f"T31.{tens}" if tens == 0 else f"T31.{tens}{deep_tens}"


def _named_by_code(canonical: str, code: str) -> str:
    """The condition a code names when it is a narrower form of `canonical` ("epilepsy" + G40.919 is
    "drug-resistant epilepsy", "chronic kidney disease" + N18.6 is "end-stage renal disease")."""
    named = _canonical_by_code().get(code)
    if named is None or code in _lexicon_codes(canonical) or code[:3] not in {c[:3] for c in codes_of(canonical)}:
        return canonical
    return named


@functools.cache
def _lexicon_codes(canonical: str) -> frozenset[str]:
    return frozenset(row["icd10"] for row in load_csv("diagnoses_lexicon") if row["canonical"] == canonical)


@functools.cache
def _canonical_by_code() -> dict[str, str]:
    """The condition whose own name carries each code ("N18.6" -> "end-stage renal disease")."""
    found: dict[str, str] = {}
    for row in load_csv("diagnoses_lexicon"):
        if fold(row["term"]) == row["canonical"]:
            found.setdefault(row["icd10"], row["canonical"])
    return found


def _printed(mention: Mention, code: str) -> Mention:
    """The mention under its printed code; "CKD stage 5 (N18.6)" is end-stage renal disease, as the code says."""
    icd10 = _specific(code, mention.icd10)
    own = codes_of(mention.canonical)
    canonical = mention.canonical
    if icd10 not in _lexicon_codes(mention.canonical):
        canonical = _canonical_by_code().get(icd10, mention.canonical)
        if canonical != mention.canonical and icd10[:3] not in {c[:3] for c in own}:
            canonical = mention.canonical
    return replace(mention, canonical=canonical, icd10=icd10, code_given=True)


def _specific(printed: str, own: str) -> str:
    """A printed category ("K90.82") gives way to our more specific code under it; a printed leaf stands."""
    return own if own.startswith(printed) and own != printed else printed


def _default_code(canonical: str) -> str:
    for row in load_csv("diagnoses_lexicon"):
        if row["canonical"] == canonical and fold(row["term"]) == canonical:
            return row["icd10"]
    return ""


def _unify_codes(mentions: list[Mention], assertions: list[str]) -> list[Mention]:
    """The patient's mentions of one condition share its most specific code: printed, then qualified."""
    printed: dict[str, str] = {}
    specific: dict[str, str] = {}
    for mention, assertion in zip(mentions, assertions, strict=True):
        if assertion == "family":
            continue
        if mention.code_given:
            printed.setdefault(mention.canonical, mention.icd10)
        elif mention.icd10 != _default_code(mention.canonical):
            specific.setdefault(mention.canonical, mention.icd10)
    chosen = {**specific, **printed}
    return [
        replace(m, icd10=chosen[m.canonical]) if a != "family" and m.canonical in chosen else m
        for m, a in zip(mentions, assertions, strict=True)
    ]


def _with_companion_codes(mentions: list[Mention], assertions: list[str]) -> list[Mention]:
    """Codes that depend on another of the patient's conditions ("diabetic ketoacidosis" with type 1 diabetes)."""
    patients = {m.canonical for m, a in zip(mentions, assertions, strict=True) if a not in ("family", OTHER)}
    result: list[Mention] = []
    for mention in mentions:
        for companion, code in _CODE_BY_COMPANION.get(mention.canonical, ()):
            if companion in patients and not mention.code_given:
                mention = replace(mention, icd10=code)
                break
        result.append(mention)
    return result


def _subsumed(canonical: str, icd10: str, others: set[tuple[str, str]]) -> bool:
    """A broad name ("leukemia", "cancer") next to a narrower one with the same assertion adds nothing."""
    including = _INCLUDES.get(canonical)
    for other, other_code in others:
        if other == canonical:
            continue
        if including and other == including[0] and other_code in including[1]:
            return True
        if canonical == "cancer" and other_code.startswith("C"):
            return True
        if other in _BROADER.get(canonical, ()):
            return True
    return False


def _confidence(mention: Mention, assertion: str, text: str, principal: str | None) -> float:
    confidence = 0.85 if assertion == PRESENT else 0.75
    if mention.code_given or _DIAGNOSIS_LABEL.search(text[max(0, mention.start - 40) : mention.start]):
        confidence += 0.07
    if assertion == PRESENT and mention.canonical == principal:
        confidence += 0.05
    if mention.kind == "abbreviation":
        confidence -= 0.12
    return round(min(0.97, max(0.4, confidence)), 3)


def extract(ctx: TextContext) -> list[Fact]:
    """One diagnosis fact per condition and assertion, grounded at its first mention."""
    mentions = find_mentions(ctx.text, ctx.language)
    if not mentions:
        return []
    assertions = assert_spans(ctx.text, ctx.language, [(m.start, m.end, LABEL) for m in mentions])
    mentions = _with_companion_codes(_unify_codes(mentions, assertions), assertions)
    present = Counter(m.canonical for m, a in zip(mentions, assertions, strict=True) if a == PRESENT)
    principal = present.most_common(1)[0][0] if present else None
    by_assertion: dict[str, set[tuple[str, str]]] = {}
    for mention, assertion in zip(mentions, assertions, strict=True):
        by_assertion.setdefault(assertion, set()).add((mention.canonical, mention.icd10))
    facts: list[Fact] = []
    seen: set[tuple[str, str, str]] = set()
    for mention, assertion in zip(mentions, assertions, strict=True):
        key = (mention.canonical, mention.icd10, assertion)
        if assertion == OTHER or key in seen or _subsumed(mention.canonical, mention.icd10, by_assertion[assertion]):
            continue
        seen.add(key)
        confidence = _confidence(mention, assertion, ctx.text, principal)
        facts.append(
            make_fact(
                ctx, FIELD, mention.canonical, mention.start, mention.end, confidence,
                icd10=mention.icd10, assertion=assertion,
            )
        )  # fmt: skip
    return facts
