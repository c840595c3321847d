"""make_nlp(lang): a blank spaCy pipeline (no trained model exists here, and none is needed) with sentences
and medspaCy's ConText for assertion (negated, hypothetical, historical, family, possible).

English ConText rules are medspaCy's defaults plus ours; Spanish ones are ours (medspaCy ships none),
in pipeline/rules/context_<lang>.jsonl.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

SUPPORTED_LANGUAGES = ("en", "es")


def _context_rules(lang: str) -> list[object]:
    from medspacy.context import ConTextRule

    rules: list[object] = []
    resource = resources.files("pipeline.rules").joinpath(f"context_{lang}.jsonl")
    if not resource.is_file():
        return rules
    for line in resource.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        rules.append(
            ConTextRule(
                literal=item["literal"],
                category=item["category"],
                direction=item.get("direction", "FORWARD"),
                pattern=item.get("pattern"),
                max_scope=item.get("max_scope"),
                allowed_types=set(item["allowed_types"]) if item.get("allowed_types") else None,
            )
        )
    return rules


@functools.lru_cache(maxsize=4)
def make_nlp(lang: str) -> Language:
    """A cached blank pipeline for `lang` (en or es; anything else falls back to en)."""
    import medspacy.context  # noqa: F401  (registers the medspacy_context factory)
    import spacy

    lang = lang if lang in SUPPORTED_LANGUAGES else "en"
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    use_defaults = lang == "en"
    context: Any = nlp.add_pipe(
        "medspacy_context",
        config={"rules": "default" if use_defaults else None, "span_attrs": "default"},
    )
    extra = _context_rules(lang)
    if extra:
        context.add(extra)
    return nlp
