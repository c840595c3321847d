"""Scoring extractions against gold labels: per-field precision, recall and F1, on values alone and with
attributes; doc_type and language accuracy; and the worst misses, so anyone can see where extraction fails.

Facts are compared as sets per document: (field, value) for "values", plus the attributes the gold states
for "with attributes" (an attribute the gold does not state is not judged). Names compare without case,
accents, punctuation or word order; numbers within 0.5%; everything else without case or extra spaces.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAME_FIELDS = {"patient_name", "physician"}
# Attributes copied "as written" (a schedule, a specialty): equal when one contains the other, folded.
FREE_TEXT_ATTRIBUTES = {"schedule", "specialty", "city"}
_PUNCT = re.compile(r"[^\w\s]")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def value_key(field_name: str, value: Any) -> str:
    """A comparable form of a fact's value."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"{float(value):.6g}"
    text = " ".join(str(value).split())
    if field_name in NAME_FIELDS:
        return " ".join(sorted(_PUNCT.sub(" ", _fold(text)).split()))
    return text.casefold()


def _attr_key(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, int | float):
        return f"{float(value):.4g}"
    return " ".join(str(value).split()).casefold()


def _numbers_close(a: str, b: str) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= max(0.005 * max(abs(x), abs(y)), 0.01)


def _attribute_matches(name: str, predicted: str | None, gold: str) -> bool:
    if predicted is None:
        return False
    if predicted == gold or _numbers_close(predicted, gold):
        return True
    if name in FREE_TEXT_ATTRIBUTES:
        a, b = _fold(predicted).strip(" ,.;:"), _fold(gold).strip(" ,.;:")
        return bool(a and b) and (a in b or b in a)
    return False


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Miss:
    doc_id: str
    kind: str  # "missed" (in gold, not predicted) or "spurious" (predicted, not in gold)
    field: str
    value: str
    attributes: str
    text: str


@dataclass
class Report:
    documents: int = 0
    values: dict[str, FieldScore] = field(default_factory=lambda: defaultdict(FieldScore))
    with_attributes: dict[str, FieldScore] = field(default_factory=lambda: defaultdict(FieldScore))
    doc_type_correct: int = 0
    language_correct: int = 0
    missing_predictions: list[str] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)

    @property
    def doc_type_accuracy(self) -> float:
        return self.doc_type_correct / self.documents if self.documents else 0.0

    @property
    def language_accuracy(self) -> float:
        return self.language_correct / self.documents if self.documents else 0.0

    def to_dict(self) -> dict[str, Any]:
        def table(scores: Mapping[str, FieldScore]) -> dict[str, dict[str, float]]:
            return {
                name: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                       "tp": s.tp, "fp": s.fp, "fn": s.fn}
                for name, s in sorted(scores.items())
            }  # fmt: skip

        return {
            "documents": self.documents,
            "doc_type_accuracy": round(self.doc_type_accuracy, 4),
            "language_accuracy": round(self.language_accuracy, 4),
            "values": table(self.values),
            "with_attributes": table(self.with_attributes),
            "missing_predictions": self.missing_predictions,
        }


def _match(
    gold: list[tuple[str, str, dict[str, str], str]], pred: list[tuple[str, str, dict[str, str], str]], attrs: bool
) -> tuple[list[int], list[int]]:
    """Greedy one-to-one matching; returns indexes of unmatched gold and unmatched predictions."""
    used: set[int] = set()
    unmatched_gold: list[int] = []
    for gi, (g_field, g_value, g_attrs, _) in enumerate(gold):
        found = None
        for pi, (p_field, p_value, p_attrs, _) in enumerate(pred):
            if pi in used or p_field != g_field:
                continue
            if p_value != g_value and not _numbers_close(p_value, g_value):
                continue
            if attrs and not all(_attribute_matches(k, p_attrs.get(k), v) for k, v in g_attrs.items()):
                continue
            found = pi
            break
        if found is None:
            unmatched_gold.append(gi)
        else:
            used.add(found)
    return unmatched_gold, [pi for pi in range(len(pred)) if pi not in used]


def _fact_set(facts: Iterable[Mapping[str, Any]], attrs: bool) -> list[tuple[str, str, dict[str, str], str]]:
    seen: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[str, str, dict[str, str], str]] = {}
    for fact in facts:
        name = str(fact["field"])
        attributes = {k: _attr_key(v) for k, v in (fact.get("attributes") or {}).items()} if attrs else {}
        key = (name, value_key(name, fact["value"]), tuple(sorted(attributes.items())))
        seen.setdefault(key, (key[0], key[1], attributes, str(fact.get("text", ""))))
    return list(seen.values())


def score(gold_docs: Mapping[str, Mapping[str, Any]], predictions: Mapping[str, Mapping[str, Any]]) -> Report:
    """Score predictions (contract records keyed by doc id) against gold labels keyed the same way."""
    report = Report()
    for doc_id, gold in sorted(gold_docs.items()):
        report.documents += 1
        pred = predictions.get(doc_id)
        if pred is None:
            report.missing_predictions.append(doc_id)
            pred = {"facts": [], "doc_type": None, "language": None}
        report.doc_type_correct += pred.get("doc_type") == gold.get("doc_type")
        report.language_correct += pred.get("language") == gold.get("language")
        for attrs, scores in ((False, report.values), (True, report.with_attributes)):
            g = _fact_set(gold.get("facts", []), attrs)
            p = _fact_set(pred.get("facts", []), attrs)
            missed, spurious = _match(g, p, attrs)
            per_field_gold = Counter(f for f, *_ in g)
            per_field_missed = Counter(g[i][0] for i in missed)
            per_field_spurious = Counter(p[i][0] for i in spurious)
            for name in set(per_field_gold) | set(per_field_spurious):
                s = scores[name]
                s.tp += per_field_gold[name] - per_field_missed[name]
                s.fn += per_field_missed[name]
                s.fp += per_field_spurious[name]
            if attrs:
                for i in missed:
                    f, v, a, t = g[i]
                    report.misses.append(Miss(doc_id, "missed", f, v, json.dumps(a, ensure_ascii=False), t))
                for i in spurious:
                    f, v, a, t = p[i]
                    report.misses.append(Miss(doc_id, "spurious", f, v, json.dumps(a, ensure_ascii=False), t))
    return report


def load_gold(gold_dir: Path) -> dict[str, dict[str, Any]]:
    """Gold labels (one JSON per document) keyed by doc id; each keeps its document path in `_path`."""
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        doc_id = str(item.get("doc_id") or path.stem)
        source = item.get("source")
        if source:
            item["_path"] = str((gold_dir.parent / source).resolve())
        docs[doc_id] = item
    if not docs:
        raise FileNotFoundError(f"No gold labels (*.json) in {gold_dir}: point --gold at a folder of gold files.")
    return docs


def load_predictions(path: Path, gold_docs: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Contract records (JSON lines) keyed by the doc id whose document they are, matched on sha256, else name."""
    by_name = {Path(str(g.get("_path") or g.get("source", ""))).name: d for d, g in gold_docs.items()}
    by_sha = {str(g["sha256"]): d for d, g in gold_docs.items() if g.get("sha256")}
    predictions: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        doc_id = by_sha.get(record.get("sha256", "")) or by_name.get(Path(record.get("source", "")).name)
        if doc_id:
            predictions[doc_id] = record
    return predictions


_GROUPING_ATTRIBUTES = ("role", "assertion", "kind", "category", "period")


def worst_misses(report: Report, limit: int = 25) -> list[tuple[str, str, str, int, list[Miss]]]:
    """The most frequent kinds of error: (kind, field, sub-kind, count, examples), most frequent first.

    A sub-kind is the attribute that says what sort of fact it is (a date's role, a diagnosis's assertion...).
    """
    groups: dict[tuple[str, str, str], list[Miss]] = defaultdict(list)
    for miss in report.misses:
        attributes = json.loads(miss.attributes)
        sub = ", ".join(f"{k}={attributes[k]}" for k in _GROUPING_ATTRIBUTES if k in attributes)
        groups[(miss.kind, miss.field, sub)].append(miss)
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return [(k, f, v, len(ms), ms[:3]) for (k, f, v), ms in ranked[:limit]]
