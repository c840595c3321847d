"""Assertion of clinical mentions (present, negated, possible, hypothetical, historical, family) with ConText.

medspaCy's ConText runs over our own Doc of the text (not the shared `ctx.doc`, whose entities other extractors
may use), with extra sentence boundaries at blank lines, headings and bullets: letters are laid out in lines, and a
heading such as "Family History:" must not reach into the next paragraph. ConText's modifiers are then filtered:
a trigger only counts when few content words separate it from the mention ("There is no pediatric transplant
program in Honduras for children with ESRD" is not a negation of ESRD), and a relative's sentence stops counting
once the patient becomes the subject ("Her mother has been at her side since she was diagnosed with SBS").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.extractors.cue_windows import CueIndex, SplitMatcher
from pipeline.nlp import make_nlp
from pipeline.rules import load_jsonl

PRESENT = "present"
OTHER = "other"  # someone else's condition or treatment ("other children with SBS"): never a fact
CATEGORY_ASSERTION = {
    "OTHER_PERSON": OTHER,
    "FAMILY": "family",
    "HYPOTHETICAL": "hypothetical",
    "NEGATED_EXISTENCE": "negated",
    "POSSIBLE_EXISTENCE": "possible",
    "HISTORICAL": "historical",
}
# Which cue wins when several modify one mention: another person's condition is never the patient's, and a
# conditional ("without TPN she would develop sepsis") outranks the "without" that ConText reads as negation.
PRIORITY = ("OTHER_PERSON", "FAMILY", "HYPOTHETICAL", "NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HISTORICAL")
# Most content tokens allowed between a cue and the mention it modifies.
MAX_GAP = {
    "OTHER_PERSON": 10,
    "FAMILY": 10,
    "HYPOTHETICAL": 9,
    "NEGATED_EXISTENCE": 5,
    "POSSIBLE_EXISTENCE": 5,
    "HISTORICAL": 6,
}
# Tokens that do not count as distance: list glue, articles, prepositions, possessives.
_FILLER = {
    "and", "or", "nor", "of", "the", "a", "an", "any", "her", "his", "their", "its", "with", "for", "to",
    "y", "e", "o", "u", "ni", "de", "del", "el", "la", "los", "las", "un", "una", "su", "sus", "con", "por",
    "para", "al", "signs", "symptoms", "evidence", "datos", "signos", "also", "también", "severe", "severa",
    "severo", "grave", "chronic", "crónica", "crónico", "acute", "aguda", "agudo",
}  # fmt: skip
# The patient as subject: a family cue does not reach past these.
_PATIENT_WORDS = {
    "she", "he", "patient", "daughter", "son", "child", "boy", "girl", "infant", "baby", "toddler",
    "ella", "él", "paciente", "niña", "niño", "menor", "hija", "hijo", "lactante", "bebé", "infante",
}  # fmt: skip

# medspaCy's default "family" rule fires on any kin word ("the child has", "her daughter's SBS"); our own
# rules (a relative followed by has / with / died of ...) replace it.
# A resolved condition is a past one ("pneumonia in 2021, now resolved"), not a negated one.
_IGNORED_DEFAULTS = {("FAMILY", "family"), ("NEGATED_EXISTENCE", "now resolved"), ("NEGATED_EXISTENCE", "resolved")}
# These outrank any other cue; among the rest, the cue nearest the mention wins ("monitoring for possible
# cardiomyopathy" is possible, not hypothetical), ties going by PRIORITY.
_PERSON_CATEGORIES = ("OTHER_PERSON", "FAMILY")

_HEADING = re.compile(
    r"^[ \t]*(?:[-•*▪·]\s+|\d{1,2}[.)]\s+|[A-ZÁÉÍÓÚÑ][A-Za-zÁÉÍÓÚÑáéíóúñü /()&.\-]{1,45}:)", re.MULTILINE
)


@dataclass(frozen=True)
class Section:
    """A heading pattern whose lines carry an assertion (e.g. "Family History:" -> family)."""

    pattern: re.Pattern[str]
    assertion: str


@functools.cache
def sections() -> tuple[Section, ...]:
    """The section headings of rules/diagnoses_sections.jsonl, compiled."""
    return tuple(
        Section(re.compile(r"^[ \t]*(?:" + row["pattern"] + ")", re.IGNORECASE | re.MULTILINE), row["assertion"])
        for row in load_jsonl("diagnoses_sections")
    )


def section_assertions(text: str) -> list[tuple[int, int, str]]:
    """Character ranges under an assertion-bearing heading: from the heading to a blank line or the next heading."""
    ranges: list[tuple[int, int, str]] = []
    for section in sections():
        for match in section.pattern.finditer(text):
            end = len(text)
            blank = re.search(r"\n[ \t]*\n|\f", text[match.end() :])
            if blank:
                end = match.end() + blank.start()
            following = _HEADING.search(text, match.end(), end)
            # A later heading on its own line ends the section.
            while following and (following.start() == 0 or text[following.start() - 1] != "\n"):
                following = _HEADING.search(text, following.end(), end)
            if following:
                end = following.start()
            ranges.append((match.start(), end, section.assertion))
    return ranges


def _line_starts(text: str) -> list[int]:
    """Offsets where a new sentence must start although the sentencizer saw none."""
    starts: list[int] = []
    previous_line = ""
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            prev = previous_line.strip()
            if (
                not prev
                or _HEADING.match(line)
                or (len(prev) < 45 and not prev.endswith((",", ";")) and stripped[:1].isupper())
                or prev.endswith(":")
            ):
                starts.append(offset + len(line) - len(line.lstrip()))
        previous_line = line
        offset += len(line)
    return starts


@functools.lru_cache(maxsize=2)
def _prepared(text: str, lang: str) -> tuple[Any, Any, dict[int, tuple[Any, ...]]]:
    """(doc, ConText component, cue-match cache) of a text: built once, shared by the clinical extractors."""
    nlp = make_nlp(lang)
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    # Line breaks become spaces (same length, so offsets hold): ConText patterns must match across a wrapped
    # line ("her older brother\ndied of leukemia"); line and paragraph boundaries are set below from `text`.
    doc = nlp.make_doc(text.replace("\n", " ").replace("\f", " ").replace("\r", " "))
    for name, component in nlp.pipeline:
        if name != "medspacy_context":
            doc = component(doc)
    by_offset = {token.idx: token for token in doc}
    for start in _line_starts(text):
        token = by_offset.get(start)
        if token is not None and token.i > 0:
            token.is_sent_start = True
    context = nlp.get_pipe("medspacy_context")
    return doc, context, {}


@functools.lru_cache(maxsize=4)
def _cue_index(matcher: Any) -> CueIndex:
    """Where the token cues of a ConText matcher can match (its rules never change once the pipeline is built)."""
    return CueIndex.of(rule.pattern for rule in matcher.rule_map.values() if isinstance(rule.pattern, list))


@functools.lru_cache(maxsize=4)
def _split_matcher(matcher: Any, vocab: Any) -> SplitMatcher | None:
    """The token cues of a ConText matcher split by anchor word (pipeline.extractors.cue_windows); None when a
    rule has a callback, which the split would call at other times."""
    rules = [(key, rule) for key, rule in matcher.rule_map.items() if isinstance(rule.pattern, list)]
    if any(getattr(rule, "on_match", None) is not None for _, rule in rules):
        return None
    return SplitMatcher(vocab, [(key, rule.pattern) for key, rule in rules])


def _cue_matches(doc: Any, context: Any, cache: dict[int, tuple[Any, ...]], ents: Sequence[Any]) -> tuple[Any, ...]:
    """ConText's cue matches in the sentences that hold a mention, each sentence matched once per text.

    A cue's scope ends at its sentence, so cues elsewhere cannot reach a target; spaCy's token Matcher costs
    time per token and pattern, and a letter's mentions sit in a few of its sentences. Phrase and regex cues
    are cheap and are matched over the whole text (key -1). Within a sentence the token Matcher runs only where a
    cue's words are (pipeline.extractors.cue_windows)."""
    matcher = getattr(context, "_ConText__matcher", None)
    if matcher is None:
        return ()
    token_matcher = getattr(matcher, "_MedspacyMatcher__matcher", None)
    phrase_matcher = getattr(matcher, "_MedspacyMatcher__phrase_matcher", None)
    regex_matcher = getattr(matcher, "_MedspacyMatcher__regex_matcher", None)
    if token_matcher is None or phrase_matcher is None or regex_matcher is None:
        if -2 not in cache:  # another medspaCy version: match the whole text as documented
            cache[-2] = tuple(matcher(doc))
        return cache[-2]
    if -1 not in cache:
        cache[-1] = tuple(phrase_matcher(doc)) + tuple(regex_matcher(doc))
    found: list[Any] = []
    for sentence in sorted({ent.sent.start: ent.sent for ent in ents}.values(), key=lambda s: s.start):
        if sentence.start not in cache:
            split = _split_matcher(matcher, doc.vocab)
            found_split = split(doc, sentence.start, sentence.end) if split is not None else None
            if found_split is not None:
                cache[sentence.start] = tuple(found_split)
            else:
                index = _cue_index(matcher)
                lowers = [token.lower_ for token in sentence]
                cache[sentence.start] = tuple(
                    # On a Span, spaCy's Matcher answers with offsets into the span.
                    (match_id, start + low, end + low)
                    for low, high in index.windows(lowers, sentence.start, sentence.end)
                    for match_id, start, end in token_matcher(doc[low:high])
                )
        found.extend(cache[sentence.start])
    # medspaCy's order (token, phrase, regex) decides which of two equal overlapping cues pruning keeps.
    found.extend(cache[-1])
    from medspacy.common.util import prune_overlapping_matches

    return tuple(prune_overlapping_matches(found)) if getattr(matcher, "_prune", True) else tuple(found)


def _edges(doc: Any, context: Any, matches: tuple[Any, ...]) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """(modifiers, (target, modifier) edges) of ConText over doc.ents, reusing the cue matches of the text.

    This is ConText.__call__ without its matching step, so two extractors over one text match cues once."""
    from medspacy.context.context_graph import ConTextGraph
    from medspacy.context.context_modifier import ConTextModifier

    matcher = getattr(context, "_ConText__matcher", None)
    if matcher is None:  # another medspaCy version: run the component as documented
        for ent in doc.ents:
            ent._.modifiers = ()
        context(doc)
        graph = doc._.context_graph
        return list(graph.modifiers), list(graph.edges)
    graph = ConTextGraph(prune_on_modifier_overlap=context.prune_on_target_overlap)
    graph.targets = list(doc.ents)
    graph.modifiers = [
        ConTextModifier(matcher.rule_map[doc.vocab[match_id].text], start, end, doc, max_scope=context.max_scope)
        for match_id, start, end in matches
    ]
    graph.update_scopes()
    graph.apply_modifiers()
    return list(graph.modifiers), list(graph.edges)


def _gap(doc, first: int, second: int, targets: set[int]) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """Content tokens between token indices first and second (other mentions and list glue excluded)."""
    words: list[str] = []
    count = 0
    for token in doc[first:second]:
        if token.is_space or token.is_punct or token.i in targets:
            continue
        lower = token.lower_
        words.append(lower)
        if lower not in _FILLER:
            count += 1
    return count, words


def _choose(categories: dict[str, int]) -> str | None:
    """The category of the cue that governs a mention: a person cue first, then the nearest, then PRIORITY."""
    for category in _PERSON_CATEGORIES:
        if category in categories:
            return category
    if not categories:
        return None
    return min(categories, key=lambda c: (categories[c], PRIORITY.index(c)))


def assert_spans(text: str, lang: str, spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """The assertion of each (start, end, label) span of `text`, in order; spans must not overlap."""
    if not spans:
        return []
    doc, context, cache = _prepared(text, lang)
    ents: list[Any] = []
    index: dict[int, int] = {}
    for number, (start, end, label) in enumerate(spans):
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None or any(span.start < e.end and e.start < span.end for e in ents):
            continue
        index[len(ents)] = number
        ents.append(span)
    doc.ents = ents
    modifiers, edges = _edges(doc, context, _cue_matches(doc, context, cache, ents))
    by_target: dict[tuple[int, int], list[Any]] = {}
    for target, modifier in edges:
        by_target.setdefault((target.start, target.end), []).append(modifier)
    target_tokens = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    # medspaCy's own termination misses scopes lying inside the terminator's (its overlap test is one-sided),
    # so a terminator between a cue and a mention is checked here.
    terminators = [m.modifier_span for m in modifiers if m.direction.upper() == "TERMINATE"]
    results = [PRESENT] * len(spans)
    for position, ent in enumerate(doc.ents):
        categories: dict[str, int] = {}
        for modifier in by_target.get((ent.start, ent.end), []):
            category = modifier.category.upper()
            if category not in MAX_GAP or (category, modifier.rule.literal) in _IGNORED_DEFAULTS:
                continue
            mod_start, mod_end = modifier.modifier_span
            if mod_start < ent.end and ent.start < mod_end:
                continue  # a cue inside the name itself ("sickle cell disease without crisis")
            low, high = (mod_end, ent.start) if mod_end <= ent.start else (ent.end, mod_start)
            if any(low <= t_start and t_end <= high for t_start, t_end in terminators):
                continue
            if mod_end <= ent.start:
                count, words = _gap(doc, mod_end, ent.start, target_tokens)
            else:
                count, words = _gap(doc, ent.end, mod_start, target_tokens)
            if count > MAX_GAP[category]:
                continue
            if category == "FAMILY" and mod_end <= ent.start and _PATIENT_WORDS.intersection(words):
                continue
            categories[category] = min(count, categories.get(category, count))
        chosen = _choose(categories)
        if chosen:
            results[index[position]] = CATEGORY_ASSERTION[chosen]
    for start, end, assertion in section_assertions(text):
        for number, (s, e, _label) in enumerate(spans):
            if start <= s and e <= end and results[number] in (PRESENT, "historical"):
                results[number] = assertion
    return results
