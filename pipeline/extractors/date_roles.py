"""The role of a date in the case (rules/dates_roles.jsonl; the first rule that fits wins).

In order: a label or phrase just before the date ("Date of Birth:", "valid until", "fecha de egreso"), or just
after it ("..., USCIS approved"); then a label in the line above (the boxes of a notice: "Received Date   Notice
Date" over their values); then a date standing alone on its line (or after a place name: "Ciudad de México, a 3 de
marzo de 2025") is the letter's own date, `document`; else `other`. Phrase rules see the clause before the date
across line breaks (PDF text wraps mid-sentence), so "fue diagnosticada con | osteogénesis imperfecta el día
26/1/2020" is a diagnosis date; a date that opens a line after a dangling word ("followed in our clinic since |
11/07/20") continues a sentence and is not the letter's own date.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline.extractors.base import TextContext
from pipeline.extractors.clauses import clause_bounds
from pipeline.prefilter import finditer, may_match
from pipeline.rules import load_jsonl

if TYPE_CHECKING:
    from pipeline.extractors.dates import DateMatch

# Appended to a role rule's `label`: the punctuation that may sit between a label and its value.
LABEL_TAIL = r"[\s:;,.\-–—#(\[]*$"


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
def role_rules() -> tuple[RoleRule, ...]:
    return tuple(compile_role(row) for row in load_jsonl("dates_roles"))


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
    for rule in role_rules():
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
        for match in finditer(rule.label, header):
            if all(match.end() <= s or match.start() >= e for s, e, _ in labels):
                labels.append((match.start(), match.end(), rule))
    return [(start, rule) for start, _, rule in sorted(labels, key=lambda item: item[0])]


def _role_from_header(ctx: TextContext, found: DateMatch, dates: list[DateMatch], sentence: str) -> RoleRule | None:
    """Notice boxes: labels on the line above, their values (dates among them) on this line. A date with its own
    label on its line ("Notice Date: October 3, 2024" under "Priority Date: (none)") is not in a box row."""
    text = ctx.text
    line_start = _line_start(text, found.start)
    above = _previous_line(text, found.start)
    if above is None or any(above[0] <= d.start < line_start for d in dates):
        return None
    if re.search(r"[A-Za-zÁ-úñ]{3,}[ \t]*:[ \t]*$", text[line_start : found.start]):
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


def role_of(
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
