"""A-numbers, USCIS receipt numbers, medical record numbers and I-94 numbers, normalized.

The patterns are data (rules/identifiers_patterns.jsonl, each with examples and distractors: invoice, account,
phone, NPI, court case and ICD numbers); the receipt-number prefixes of USCIS offices are in
identifiers_receipt_prefixes.csv. Values:
- a_number: "A" + 9 digits, zero-padded ("A 12 345 678" -> "A012345678");
- receipt_number: upper case without spaces or dashes ("EAC-21-900-12345" -> "EAC2190012345");
- mrn and other: as printed.
In labelled fields OCR's letter-for-digit slips (l, I, O) are read as digits.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from pipeline.extractors.base import TextContext, make_fact
from pipeline.extractors.parties import Rule, find_matches, load_rules
from pipeline.models import Fact
from pipeline.rules import load_csv

_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "i": "1"})
_OCR_LETTERS = str.maketrans({"0": "O", "1": "I", "|": "I", "5": "S"})
# A date printed where a number was expected ("MRN: 03/14/2020"); "1187-22-0943" is a record number, not a date.
_DATE_LIKE = re.compile(r"^(?:\d{1,2}[/\-.]\d{1,2}[/\-.](?:\d{2}|\d{4})|\d{4}[/\-.]\d{1,2}[/\-.]\d{1,2})$")


@functools.cache
def receipt_prefixes() -> frozenset[str]:
    """The three-letter office codes a USCIS receipt number starts with."""
    return frozenset(row["prefix"] for row in load_csv("identifiers_receipt_prefixes"))


def normalize_a_number(raw: str) -> str | None:
    """'A123-456-789', 'A 12 345 678', '123456789', 'l23 456 789' (OCR) -> 'A123456789' (9 digits)."""
    body = re.sub(r"^[Aa][\s#\-]*", "", raw.strip())
    if sum(ch.isdigit() for ch in body) < 5:
        return None
    digits = re.sub(r"\D", "", body.translate(_OCR_DIGITS))
    if not 7 <= len(digits) <= 9:
        return None
    return "A" + digits.zfill(9)


def normalize_receipt(raw: str) -> str | None:
    """'EAC-21-900-12345', 'IOE 091 234 5678', 'I0E09l2345678' (OCR) -> upper case, 3 letters + 10 digits."""
    compact = re.sub(r"[\s\-]", "", raw)
    prefix = compact[:3].upper().translate(_OCR_LETTERS)
    digits = compact[3:].translate(_OCR_DIGITS)
    if prefix not in receipt_prefixes() or not re.fullmatch(r"\d{10}", digits):
        return None
    return prefix + digits


def normalize_mrn(raw: str) -> str | None:
    """A medical record number as printed, if it looks like one (4+ digits, not a date)."""
    if sum(ch.isdigit() for ch in raw) < 4 or _DATE_LIKE.match(raw):
        return None
    return raw


_NORMALIZERS = {
    "a_number": normalize_a_number,
    "receipt_number": normalize_receipt,
    "mrn": normalize_mrn,
    "other": lambda raw: raw,
}


def rule_hits(rule: Rule, text: str) -> Iterator[tuple[str, int, int]]:
    """(normalized value, start, end) of each identifier `rule` finds in `text`."""
    normalize = _NORMALIZERS[rule.data["kind"]]
    for match in find_matches(rule, text):
        value = normalize(match.group("value"))
        if value:
            yield value, match.start("value"), match.end("value")


def extract(ctx: TextContext) -> list[Fact]:
    """Every identifier, once per span; labelled readings win over bare ones."""
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for rule in sorted(load_rules("identifiers_patterns"), key=lambda r: -r.confidence):
        for value, start, end in rule_hits(rule, ctx.text):
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            facts.append(make_fact(ctx, "identifier", value, start, end, rule.confidence, kind=rule.data["kind"]))
    return sorted(facts, key=lambda f: f.start)
