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
from collections.abc import Iterator
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
    if "ı" in text or "İ" in text or "ſ" in text:  # rare: str.translate looks up every character
        text = text.translate(_AS_RE_FOLDS)
    return text.lower()


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


# --- scanning: where a regex may start --------------------------------------------------------------------------
#
# re tries a pattern at every position of the text unless the pattern starts with a literal or a set of literal
# first characters. Most cue patterns start with a case-insensitive alternation ("(?i:on behalf of|in support of|
# (?:have )?followed|...)") or a \b, which gives it neither: each rule walks the whole text, trying every
# alternative at every character. `finditer` below first finds, with a plain case-sensitive alternation of the
# pattern's possible beginnings (its first few characters, lower-cased, read from its parse tree) over the
# lower-cased text, the few places where a match can start, and tries the pattern only there. Its matches are the
# pattern's own finditer's, one for one: every match starts with one of those beginnings, so no start is missed,
# and each is confirmed by the pattern itself at that place.

_BEGINNING_CHARS = 4  # characters of beginning read per alternative
_MAX_BEGINNINGS = 400  # beyond this many beginnings, shorter ones are used
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


# In a beginning, this character stands for any digit (\d): lower-casing changes no digit, and makes none.
DIGIT = "\ue000"
_DIGIT_RANGE = (ord("0"), ord("9"))


def _lower_char(code: int) -> str | None:
    """The lower-cased character a literal stands for in the lower-cased text, or None when lower-casing does not
    keep it to one character re's IGNORECASE agrees with."""
    ch = chr(code)
    if ch in " \t\n" or ch in _SAFE:
        return ch.lower()
    if ch.isprintable() and ch.lower() == ch == ch.upper():  # no case at all ("€"): only itself, in any text
        return ch
    return None


def _class_chars(items: Any) -> set[str | None]:
    """The beginning characters a class stands for; None among them when one is not known. A digit category or a
    range of digits stands for DIGIT: any digit, a superset, which only adds places to try."""
    chars: set[str | None] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(_lower_char(av))
        elif (op is sre.CATEGORY and av is sre.CATEGORY_DIGIT) or (
            op is sre.RANGE and _DIGIT_RANGE[0] <= av[0] <= av[1] <= _DIGIT_RANGE[1]
        ):
            chars.add(DIGIT)
        else:
            chars.add(None)
    return chars


def _beginnings(items: list[Any], k: int) -> set[str]:
    """Strings of at most `k` lower-case characters (DIGIT for any digit) one of which begins every match of
    `items` (lower-cased); {""} when nothing useful is known. Lookbehinds, negative lookaheads and anchors are
    passed over (a beginning that ignores them still begins every match); a lookahead's own beginnings begin
    every match too."""
    if k == 0 or not items:
        return {""}
    (op, av), rest = items[0], items[1:]
    if op is sre.ASSERT and av[0] == 1:  # (?=...): what follows must begin as it does
        ahead = _beginnings(list(av[1]), k)
        return ahead if "" not in ahead else _beginnings(rest, k)
    if op in _ZERO_WIDTH:
        return _beginnings(rest, k)
    if op is sre.LITERAL:
        ch = _lower_char(av)
        return {""} if ch is None else {ch + tail for tail in _beginnings(rest, k - 1)}
    if op is sre.IN or op is sre.CATEGORY:
        chars = _class_chars(av if op is sre.IN else [(op, av)])
        if None in chars or len(chars) > 8:
            return {""}
        tails = _beginnings(rest, k - 1)
        return {str(ch) + tail for ch in chars for tail in tails}
    if op is sre.SUBPATTERN:
        return _beginnings([*av[3], *rest], k)
    if op is sre.ATOMIC_GROUP:
        return _beginnings([*av, *rest], k)
    if op is sre.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            found |= _beginnings([*branch, *rest], k)
            if len(found) > _MAX_BEGINNINGS:
                return {""}
        return found
    if op in _REPEATS:
        return _repeat_beginnings(op, av, rest, k)
    return {""}


def _repeat_beginnings(op: Any, av: Any, rest: list[Any], k: int) -> set[str]:
    """X{low,high} is X then X{low-1,high-1} (or nothing, when low is 0), read on into what follows. Only a body
    whose every match begins with a known character is unrolled (each step then uses up one of the `k`)."""
    low, high, body = av
    body = list(body)
    if high == 0:  # X{0}: nothing
        return _beginnings(rest, k)
    if "" in _beginnings(body, 1):
        return _beginnings(body, k) if low >= 1 else _beginnings(body, k) | _beginnings(rest, k)
    again = [] if high == 1 else [(op, (max(0, low - 1), high if high == sre.MAXREPEAT else high - 1, body))]
    once = _beginnings([*body, *again, *rest], k)
    return once if low >= 1 else once | _beginnings(rest, k)


def _starts(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """`_beginnings_regex(regex)`, kept by id (hashing a compiled pattern hashes its whole code)."""
    entry = _STARTS.get(id(regex))
    if entry is None or entry[0] is not regex:
        if len(_STARTS) > 4096:
            _STARTS.clear()
        entry = _STARTS[id(regex)] = (regex, _beginnings_regex(regex))
    return entry[1]


_STARTS: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}


def _beginnings_regex(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """A case-sensitive regex of the lower-cased beginnings every match of `regex` has, or None when some match
    could begin with nothing known (then the pattern is scanned as it is)."""
    try:
        tree = sre_parse.parse(regex.pattern, regex.flags)
    except re.error:  # pragma: no cover - the pattern compiled, so it parses
        return None
    for k in range(_BEGINNING_CHARS, 1, -1):
        # Too many beginnings (here, or in a branch, which then gives up with "") are fewer when shorter.
        found = _beginnings(list(tree), k)
        if "" not in found and len(found) <= _MAX_BEGINNINGS:
            break
    if "" in found or min(len(s) for s in found) < 2 or len(found) > _MAX_BEGINNINGS:
        return None
    from pipeline.extractors.alternation import trie

    return re.compile(trie([r"\d" if ch == DIGIT else re.escape(ch) for ch in s] for s in found))


def finditer(regex: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
    """`regex.finditer(text, pos, endpos)`, the same matches, found by trying the pattern only where one of its
    beginnings is (see above)."""
    end = len(text) if endpos is None else min(endpos, len(text))
    starts = _starts(regex)
    low = lowered(text) if starts is not None else ""
    if starts is None or len(low) != len(text):
        yield from regex.finditer(text, pos, end)
        return
    at = pos
    while at <= end:
        hit = starts.search(low, at, end)
        if hit is None:
            return
        match = regex.match(text, hit.start(), end)
        if match is None:
            at = hit.start() + 1
            continue
        yield match
        at = max(match.end(), match.start() + 1)
