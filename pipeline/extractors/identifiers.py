"""A-numbers, USCIS receipt numbers and medical record numbers, normalized."""

from __future__ import annotations

import re

from pipeline.extractors.base import TextContext, make_fact
from pipeline.models import Fact

# A + 7-9 digits, printed A123-456-789, A 123 456 789, A#123456789, A-123456789, "A-Number: 123456789".
_A_NUMBER = re.compile(
    r"(?<![A-Za-z0-9])A\s?[#\-]?\s?(\d{3}[\s\-]?\d{3}[\s\-]?\d{3}|\d{2}[\s\-]?\d{3}[\s\-]?\d{3}|\d{7,9})(?![\d\-])"
)
_A_NUMBER_LABELLED = re.compile(
    r"(?:A[\s\-]?(?:Number|No\.?|#)|Alien\s+(?:Registration\s+)?(?:Number|No\.?)|N[uú]mero\s+A|"
    r"N[uú]mero\s+de\s+extranjero)\s*[:#]?\s*(A?\s?[\d][\d\s\-]{6,11}\d)",
    re.IGNORECASE,
)
# Three letters (service centre) + 10 digits: IOE0912345678, EAC2190012345, MSC 21 900 12345.
_RECEIPT = re.compile(r"(?<![A-Za-z0-9])([A-Z]{3})[\s\-]?(\d{2}[\s\-]?\d{3}[\s\-]?\d{5}|\d{10})(?!\d)")
_RECEIPT_PREFIXES = {
    "IOE", "EAC", "WAC", "LIN", "SRC", "MSC", "NBC", "YSC", "TSC", "VSC", "NSC", "CSC", "ZHC", "ZBL", "ZIN",
    "ZCH", "ZLA", "ZNY", "ZSF", "ZMI", "ZHN", "ZDA", "ZAR", "ZPH", "ZSD", "ZSE", "ZOL", "ZPA", "ZRA",
}
_MRN = re.compile(
    r"\b(?:MRN|Medical Record (?:Number|No\.?|#)|Expediente(?: cl[ií]nico)?|No\. de expediente|Registro)"
    r"\s*[:#]?\s*([A-Z0-9][A-Z0-9\-]{4,14})",
    re.IGNORECASE,
)


def normalize_a_number(raw: str) -> str | None:
    """'A123-456-789', 'A 12 345 678', '123456789' -> 'A123456789' (zero-padded to 9 digits)."""
    digits = re.sub(r"\D", "", raw)
    if not 7 <= len(digits) <= 9:
        return None
    return "A" + digits.zfill(9)


def extract(ctx: TextContext) -> list[Fact]:
    """Every identifier, once per span."""
    facts: list[Fact] = []
    taken: set[tuple[int, int]] = set()

    def add(value: str, start: int, end: int, kind: str, confidence: float) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.add((start, end))
        facts.append(make_fact(ctx, "identifier", value, start, end, confidence, kind=kind))

    for match in _A_NUMBER_LABELLED.finditer(ctx.text):
        value = normalize_a_number(match.group(1))
        if value:
            add(value, match.start(1), match.end(1), "a_number", 0.95)
    for match in _A_NUMBER.finditer(ctx.text):
        value = normalize_a_number(match.group(1))
        if value:
            add(value, match.start(), match.end(), "a_number", 0.9)
    for match in _RECEIPT.finditer(ctx.text):
        prefix = match.group(1)
        if prefix in _RECEIPT_PREFIXES:
            value = prefix + re.sub(r"\D", "", match.group(2))
            add(value, match.start(), match.end(), "receipt_number", 0.95)
    for match in _MRN.finditer(ctx.text):
        if any(ch.isdigit() for ch in match.group(1)):
            add(match.group(1), match.start(1), match.end(1), "mrn", 0.8)
    return facts
