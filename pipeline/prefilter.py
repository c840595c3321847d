"""A cheap test that a regex cannot match a text, so that it need not be run there.

Most rules need some literal words: "on behalf of", "parole", "años". `required_literals` reads them out of the
compiled pattern (from its parse tree, never by hand, so a rule edited in rules/ keeps a correct gate), as a set of
which at least one must occur in any text the pattern matches. `may_match` looks for them, lower-cased, in the
lower-cased text, which str's substring search does far faster than the regex engine scans: an English letter
skips the Spanish rules and a medical letter the notice rules, at no risk, since a gate only ever skips a
pattern that could not have matched.

Case: a literal of a case-sensitive pattern is looked for lower-cased too (a weaker test, still a correct one).
Only ASCII letters, digits and punctuation and the Latin-1 letters Spanish writes are used in literals (any other
character, whitespace included, ends one), and the text is lower-cased the way re's IGNORECASE compares: the
dotless ı, the dotted İ and the long ſ count as i, i, s.
"""

from __future__ import annotations

import functools
import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

# Characters outside which no literal is built: str.lower() agrees with re's IGNORECASE on these.
_SAFE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;'\"-/#()&@$%+"
    "áéíóúüñÁÉÍÓÚÜÑàèìòùÀÈÌÒÙçÇâêîôûÂÊÎÔÛ"
)
# No whitespace either: callers may run a pattern on the text with its line breaks turned into spaces.
# re's IGNORECASE matches these to i, i and s; str.lower() leaves ı and ſ alone and turns İ into two characters.
_AS_RE_FOLDS = str.maketrans({"ı": "i", "İ": "i", "ſ": "s"})
_MIN_LEN = 3  # a shorter literal ("de", "a") is in nearly every text: no gate is better than a useless one

Requirement = frozenset[str] | None  # one of these strings must occur; None: nothing known


def _score(req: frozenset[str]) -> tuple[int, int]:
    """Rarer requirements gate better: longer shortest literal, then fewer alternatives."""
    return (min(len(s) for s in req), -len(req))


def _char(op: Any, av: Any) -> str | None:
    """The one character an item matches (a literal, or a class like [Aa] of one letter's cases)."""
    if op is sre.LITERAL:
        ch = chr(av)
        return ch if ch in _SAFE else None
    if op is sre.IN and av and all(o is sre.LITERAL for o, _ in av):
        chars = {chr(v) for _, v in av}
        lowered = {c.lower() for c in chars}
        if len(lowered) == 1 and all(c in _SAFE for c in chars):
            return lowered.pop()
    return None


def _requirement(items: Any) -> Requirement:
    """What a sequence of parse items needs: the best of its elements' requirements."""
    best: Requirement = None
    run: list[str] = []

    def consider(req: Requirement) -> None:
        nonlocal best
        if req and all(len(s) >= _MIN_LEN for s in req) and (best is None or _score(req) > _score(best)):
            best = req

    def end_run() -> None:
        if run:
            consider(frozenset({"".join(run).lower()}))
            run.clear()

    for op, av in items:
        ch = _char(op, av)
        if ch is not None:
            run.append(ch)
            continue
        end_run()
        if op is sre.SUBPATTERN:
            consider(_requirement(av[3]))
        elif op is sre.ATOMIC_GROUP:
            consider(_requirement(av))
        elif op is sre.BRANCH:
            parts = [_requirement(branch) for branch in av[1]]
            if all(parts):
                consider(frozenset().union(*(p for p in parts if p)))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            consider(_requirement(av[2]))
    end_run()
    return best


@functools.cache
def required_literals(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-case strings of which any text the regex matches holds at least one; None when it needs none."""
    try:
        tree = sre_parse.parse(regex.pattern, regex.flags)
    except re.error:  # pragma: no cover - the pattern compiled, so it parses
        return None
    return _requirement(tree)


@functools.lru_cache(maxsize=4)
def lowered(text: str) -> str:
    """The text lower-cased, cached: every gate of a document looks in the same string."""
    return text.translate(_AS_RE_FOLDS).lower()


# id(regex) -> (regex, its literals): hashing a compiled pattern costs more than the test it saves. The pattern
# is kept in the value, so its id cannot be reused while the entry lives.
_GATES: dict[int, tuple[re.Pattern[str], tuple[str, ...]]] = {}


def may_match(regex: re.Pattern[str], text: str) -> bool:
    """False only when the regex cannot match anywhere in `text` (nor in any part of it)."""
    entry = _GATES.get(id(regex))
    if entry is None or entry[0] is not regex:
        if len(_GATES) > 4096:  # patterns compiled on the fly: do not keep them all alive
            _GATES.clear()
        needed = required_literals(regex)
        entry = _GATES[id(regex)] = (regex, tuple(sorted(needed, key=len)) if needed else ())
    if not entry[1]:
        return True
    low = lowered(text)
    if _present_in[0] is not low:  # a new text: forget the old answers
        _present_in[0] = low
        _present.clear()
    for literal in entry[1]:
        hit = _present.get(literal)
        if hit is None:
            hit = _present[literal] = literal in low
        if hit:
            return True
    return False


# Which literals the current text holds: many rules share words ("patient", "parole"), each looked for once.
_present: dict[str, bool] = {}
_present_in: list[str | None] = [None]
