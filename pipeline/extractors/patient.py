"""The patient: name as printed, age in years, country of origin (ISO alpha-2), English and Spanish.

Cues are data (rules/parties_names.jsonl, parties_ages.jsonl, countries_cues.jsonl). A document talks about
several people (parents, siblings, doctors, lawyers), so each field keeps the one value its cues agree on
most strongly and grounds every mention that states it; a parent's name, age or nationality is cut by the
rules' relative guards before it can compete.

Ages under a year: "a 10-month-old" is round(10 / 12, 2) = 0.83 years.
"""

from __future__ import annotations

import re
from collections import defaultdict

from pipeline.extractors.assertions import section_assertions
from pipeline.extractors.base import TextContext, make_fact
from pipeline.extractors.clauses import line_cells, nearest_cell
from pipeline.extractors.parties import Hit, Rule, find_hits, fold, load_rules, name_key, trim_name
from pipeline.models import Fact


def _hits(ctx: TextContext, rules_name: str) -> list[Hit]:
    return [hit for rule in load_rules(rules_name) for hit in find_hits(rule, ctx.text)]


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    """One hit a stretch of text: the most confident, then the longest."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-h.rule.confidence, h.start - h.end)):
        if all(hit.end <= other.start or other.end <= hit.start for other in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _same_person(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two printings of one name: one's words contain the other's ("Sofía Ramírez" in "SOFIA RAMIREZ CRUZ")."""
    return len(a & b) >= 2 and (a <= b or b <= a)


# A row of form labels with Beneficiary among them ("Applicant      Beneficiary"): the I-797 boxes, flattened.
_LABEL_ROW = re.compile(r"(?im)^(?P<row>[^\n]*?\S[ \t]{2,}[^\n]*)$")
_BENEFICIARY = re.compile(r"(?i)\bbenefici(?:ary|ari[oa])\b")
_COLUMN_RULE = Rule("beneficiary_column", "patient_name", re.compile("$^"), 0.95, None, None, None, {})


def _beneficiary_column(text: str) -> tuple[list[Hit], list[tuple[int, int]]]:
    """The name under the Beneficiary label of a row of labels, read by column, and the spans of the other cells of
    that line: on a flattened notice the applicant (often a parent) stands to its left, where a label rule that
    reads "Beneficiary" then the next line would take it."""
    hits: list[Hit] = []
    others: list[tuple[int, int]] = []
    for row in _LABEL_ROW.finditer(text):
        label = _BENEFICIARY.search(row.group("row"))
        if label is None or len(line_cells(row.group("row"))) < 2:
            continue
        below = text.find("\n", row.end())
        if below < 0:
            continue
        line_end = text.find("\n", below + 1)
        line = text[below + 1 : line_end if line_end >= 0 else len(text)]
        values = line_cells(line)
        value = nearest_cell(values, label.start())
        if value is None or len(values) < 2:
            continue  # one value under several labels: which label it belongs to is not known from the column
        start = below + 1 + value.start()
        span = trim_name(text, start, start + len(value.group()))
        if span is not None:
            hits.append(Hit(_COLUMN_RULE, text[span[0] : span[1]], span[0], span[1]))
            others += [(below + 1 + c.start(), below + 1 + c.end()) for c in values if c is not value]
    return hits, others


def patient_name_hits(text: str, doc_type: str | None = None) -> list[Hit]:
    """The mentions of the patient's name: the cluster of cued names with the strongest support. A rule with
    `doc_types` (an address block names the beneficiary on a notice, a parent on a legal-aid letter) is only
    tried on those document types (never when the type is unknown)."""
    hits = [
        hit
        for rule in load_rules("parties_names")
        if "doc_types" not in rule.data or doc_type in rule.data["doc_types"]
        for hit in find_hits(rule, text)
    ]
    column_hits, other_cells = _beneficiary_column(text)
    hits = [h for h in hits if not any(s <= h.start < e for s, e in other_cells)] + column_hits
    clusters: list[list[Hit]] = []
    for hit in sorted(hits, key=lambda h: -len(name_key(str(h.value)))):
        key = name_key(str(hit.value))
        for cluster in clusters:
            if _same_person(key, name_key(str(cluster[0].value))):
                cluster.append(hit)
                break
        else:
            clusters.append([hit])
    if not clusters:
        return []

    def support(cluster: list[Hit]) -> tuple[float, int]:
        best = max(h.rule.confidence for h in cluster)
        rules = len({h.rule.id for h in cluster})
        return (best + 0.03 * min(rules - 1, 3), -min(h.start for h in cluster))

    best = max(clusters, key=support)
    # A printing cut short of another ("Castro Zelaya" of "Castro Zelaya, Óscar") is a partial mention; so are
    # surnames alone ("Padilla Herrera" of "Mateo Padilla Herrera"), which a parent may share.
    printed = [fold(str(h.value)) for h in best]

    def partial(text: str) -> bool:
        return any(o != text and (o.startswith(text) or o.endswith(" " + text)) for o in printed)

    return _without_overlaps([h for h, text in zip(best, printed, strict=True) if not partial(text)])


def _names(ctx: TextContext) -> list[Fact]:
    return [
        make_fact(ctx, "patient_name", hit.value, hit.start, hit.end, hit.rule.confidence)
        for hit in patient_name_hits(ctx.text, str(ctx.doc_type))
    ]


def _outside_family_history(text: str, hits: list[Hit]) -> list[Hit]:
    """Hits outside a "Family history:" / "Antecedentes heredofamiliares:" section: the ages listed there are
    the relatives', even where OCR or a page break has split a relative's word from the age."""
    family = [(start, end) for start, end, assertion in section_assertions(text) if assertion == "family"]
    return [hit for hit in hits if not any(start <= hit.start < end for start, end in family)]


def _by_best_value(hits: list[Hit], field: str, ctx: TextContext) -> list[Fact]:
    """Facts for the value with the most support (summed confidence); its mentions only."""
    hits = _without_overlaps(hits)
    if not hits:
        return []
    support: dict[str | float | int, float] = defaultdict(float)
    first: dict[str | float | int, int] = {}
    for hit in hits:
        support[hit.value] += hit.rule.confidence
        first.setdefault(hit.value, hit.start)
    best = max(support, key=lambda v: (support[v], -first[v]))
    # Competing values lower confidence: the reader must check which one is the patient's.
    contested = len(support) > 1
    return [
        make_fact(ctx, field, hit.value, hit.start, hit.end, hit.rule.confidence * (0.85 if contested else 1.0))
        for hit in hits
        if hit.value == best
    ]


def extract(ctx: TextContext) -> list[Fact]:
    """The patient's name, age and country of origin, each grounded in every mention that states it."""
    return [
        *_names(ctx),
        *_by_best_value(_outside_family_history(ctx.text, _hits(ctx, "parties_ages")), "age_years", ctx),
        *_by_best_value(_hits(ctx, "countries_cues"), "country_of_origin", ctx),
    ]
