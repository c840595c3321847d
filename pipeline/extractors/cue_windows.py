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


class SplitMatcher:
    """The token cues of a matcher split by anchor word: one small spaCy Matcher per word, run only on the window
    around each token carrying it, plus one for the patterns with no anchor, run on the whole range.

    A spaCy Matcher tries every one of its patterns at every token, in Python for "LOWER IN" specs; here a token
    meets only the few patterns anchored on its own word. The matches are the whole matcher's, as a set, ordered by
    start and end. ConText's pruning depends on no other order but that of two cues of one same span, which spaCy
    gives in an order of its own: where two cues share a span the answer is None, and the caller asks the whole
    matcher (a few sentences in a hundred)."""

    def __init__(self, vocab: Any, rules: Sequence[tuple[str, Sequence[Mapping[str, Any]]]]) -> None:
        from spacy.matcher import Matcher

        self.by_word: dict[str, tuple[Any, int, int]] = {}
        self.rest: Any = None
        for key, pattern in rules:
            anchor = _anchor(pattern)
            if anchor is None:
                if self.rest is None:
                    self.rest = Matcher(vocab)
                self.rest.add(key, [[dict(spec) for spec in pattern]])
                continue
            words, before, after = anchor
            for word in words:
                matcher, old_before, old_after = self.by_word.get(word) or (Matcher(vocab), 0, 0)
                matcher.add(key, [[dict(spec) for spec in pattern]])
                self.by_word[word] = (matcher, max(old_before, before), max(old_after, after))

    def __call__(self, doc: Any, start: int, end: int) -> list[tuple[int, int, int]] | None:
        """(match_id, start, end) of every pattern match within tokens [start, end) of `doc`; None when two
        matches share a span (their order is spaCy's to give)."""
        found: set[tuple[int, int, int]] = set()
        for token in doc[start:end]:
            entry = self.by_word.get(token.lower_)
            if entry is None:
                continue
            matcher, before, after = entry
            low, high = max(start, token.i - before), min(end, token.i + 1 + after)
            found.update((key, s + low, e + low) for key, s, e in matcher(doc[low:high]))
        if self.rest is not None:
            found.update((key, s + start, e + start) for key, s, e in self.rest(doc[start:end]))
        if len({(s, e) for _, s, e in found}) < len(found):
            return None
        return sorted(found, key=lambda m: (m[1], m[2]))
