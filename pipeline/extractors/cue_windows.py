"""Where in a sentence ConText's token cues can match, so spaCy's Matcher runs there and not over every token.

spaCy's Matcher costs time per token and per pattern (about 24 µs a token for medspaCy's 96 English cue patterns,
a tenth of the whole extraction), yet a cue needs its words: "ruled out" cannot match in a sentence without
"ruled". Each pattern is anchored on its first token that must be there and whose words are known (LOWER, LOWER IN,
ORTH); a match then lies within a window around a token carrying one of those words: as many tokens before it as
the pattern's earlier tokens can take, as many after as the later ones can. The Matcher runs on the merged windows
only. A match depends on its own tokens alone, so it is found in the window that holds it, exactly as over the
whole sentence; a pattern with no such anchor makes the whole sentence its window.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_UNBOUNDED = 1 << 30
_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}$")


def _repeat(op: str | None) -> tuple[int, int]:
    """(least, most) tokens a pattern token takes under its spaCy operator."""
    if not op:
        return 1, 1
    fixed = {"?": (0, 1), "*": (0, _UNBOUNDED), "+": (1, _UNBOUNDED), "!": (0, 0)}
    if op in fixed:
        return fixed[op]
    quantifier = _QUANTIFIER.match(op)
    if not quantifier:
        return 0, _UNBOUNDED  # an operator this module does not know: assume anything, never miss a match
    low, comma, high = quantifier.groups()
    least = int(low or 0)
    most = int(high) if high else (_UNBOUNDED if comma else least)
    return least, most


def _words(spec: Mapping[str, Any]) -> frozenset[str] | None:
    """The lower-cased words a token must be one of, when its spec says so plainly; None otherwise."""
    for attr in ("LOWER", "ORTH", "TEXT"):
        value = spec.get(attr)
        if isinstance(value, str):
            return frozenset({value.lower()})
        if isinstance(value, dict) and set(value) == {"IN"}:
            return frozenset(str(v).lower() for v in value["IN"])
    return None


def _anchor(pattern: Sequence[Mapping[str, Any]]) -> tuple[frozenset[str], int, int] | None:
    """(words, most tokens before, most tokens after) of the pattern's first required token with known words."""
    spans = [_repeat(spec.get("OP")) for spec in pattern]
    for index, spec in enumerate(pattern):
        words = _words(spec)
        least, most = spans[index]
        if words is not None and least >= 1 and most == 1:
            before = min(_UNBOUNDED, sum(m for _, m in spans[:index]))
            after = min(_UNBOUNDED, sum(m for _, m in spans[index + 1 :]))
            return words, before, after
    return None


@dataclass(frozen=True)
class CueIndex:
    """For each anchor word, the widest window any pattern anchored on it needs; `whole` when some pattern has no
    anchor (its sentences are matched whole)."""

    reach: Mapping[str, tuple[int, int]]
    whole: bool

    @classmethod
    def of(cls, patterns: Iterable[Sequence[Mapping[str, Any]]]) -> CueIndex:
        reach: dict[str, tuple[int, int]] = {}
        whole = False
        for pattern in patterns:
            anchor = _anchor(pattern)
            if anchor is None:
                whole = True
                continue
            words, before, after = anchor
            for word in words:
                old_before, old_after = reach.get(word, (0, 0))
                reach[word] = (max(old_before, before), max(old_after, after))
        return cls(reach, whole)

    def windows(self, lowers: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
        """Disjoint token ranges within [start, end) holding every possible match; `lowers[i]` is the lower-cased
        text of token `start + i`."""
        if self.whole:
            return [(start, end)]
        found: list[tuple[int, int]] = []
        for offset, lower in enumerate(lowers):
            extent = self.reach.get(lower)
            if extent is not None:
                token = start + offset
                found.append((max(start, token - extent[0]), min(end, token + 1 + extent[1])))
        merged: list[tuple[int, int]] = []
        for low, high in sorted(found):
            if merged and low <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        return merged
