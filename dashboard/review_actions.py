"""Turning a reviewer's choice into a Correction (who, what, why), ready for corrections.record_correction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warehouse.corrections import Action, Correction, CorrectionError

KIND_LABELS = {
    "low_confidence": "Low-confidence facts",
    "conflict": "Conflicts",
    "failed_document": "Unread",
    "partial_document": "Partly read",
    "weak_link": "Joined by name",
    "unlinked_document": "Unlinked",
}


def correction_for(
    fact: Mapping[str, Any], action: Action, author: str, reason: str, new_value: str | None = None
) -> Correction:
    """A confirm, edit or reject of an existing fact (a review-queue or case-facts row with a fact_key)."""
    key = str(fact["fact_key"])
    sha, field, *span = key.split(":")
    if action is Action.edit and not (new_value or "").strip():
        raise CorrectionError("Give the corrected value.")
    if action is not Action.confirm and not reason.strip():
        raise CorrectionError("Say why (the reason is kept with the correction).")
    common: dict[str, Any] = {
        "author": author, "sha256": sha, "field": field, "action": action, "old_value": str(fact.get("value") or ""),
        "new_value": new_value.strip() if new_value is not None else None, "reason": reason,
    }  # fmt: skip
    if len(span) == 2 and span[0] != "add":
        return Correction(**common, start_offset=int(span[0]), end_offset=int(span[1]))
    return Correction(**common, target_key=key)  # a fact a person added earlier


def missing_fact(
    sha256: str, field: str, value: str, author: str, reason: str, attributes: Mapping[str, Any]
) -> Correction:
    """A fact the machine missed, added by a person."""
    if not value.strip():
        raise CorrectionError("Give the value of the missing fact.")
    return Correction(
        author=author, sha256=sha256, field=field, action=Action.add, new_value=value.strip(),
        new_attributes=dict(attributes) or None, reason=reason,
    )  # fmt: skip
