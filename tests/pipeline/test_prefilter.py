"""The literal gate (pipeline.prefilter) and the trie lexicons (extractors.alternation): both are speed-ups that
must never change what the rules find. Each is checked against the plain way on every rule, every example and
every document text of the sample corpus."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import classify, prefilter, rules
from pipeline.extractors import costs, date_roles, dates, decisions, diagnoses, organisations, parties, treatments
from pipeline.extractors.alternation import trie
from pipeline.prefilter import DIGIT as D
from pipeline.prefilter import finditer, lowered, may_match, required_literals
from pipeline.readers import ReadLimits, read_document

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    """The text of every sample document with a text layer, as read (English and Spanish, notices and letters,
    PDF, DOCX, e-mail and plain text), and the printed text of the photographed ones."""
    corpus = ROOT / "sample_docs" / "corpus"
    texts = []
    for entry in json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]:
        gold = json.loads((corpus / "gold" / f"{entry['doc_id']}.json").read_text(encoding="utf-8"))
        if "rendered_text" in gold:
            texts.append(gold["rendered_text"])
        elif not entry.get("scanned"):
            texts.append(read_document(corpus / entry["path"], ReadLimits()).text)
    assert len(texts) > 200
    return texts


def _outcome_duration_unavailable_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    for value, pattern, _ in decisions._outcome_rules():
        yield f"outcome:{value}:{pattern.pattern[:30]}", pattern
    for pattern, _, _ in decisions._durations():
        yield f"duration:{pattern.pattern[:30]}", pattern
    for rule in treatments.unavailable_rules():
        yield f"unavailable:{rule.name}", rule.pattern


def _gated_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """Every pattern the extractors run behind the gate."""
    for name in (
        "parties_names",
        "parties_ages",
        "parties_physicians",
        "countries_cues",
        "identifiers_patterns",
        "facilities_generic",
    ):
        for rule in parties.load_rules(name):
            yield f"{name}:{rule.id}", rule.regex
    yield from _outcome_duration_unavailable_patterns()
    for index, role in enumerate(date_roles.role_rules()):
        for side in ("before", "after", "context"):
            cue = getattr(role, side)
            if cue is not None:
                yield f"date_role:{index}:{role.role}:{side}", cue
    for doc_type, cues in classify._CUES.items():
        for pattern, _ in cues:
            yield f"classify:{doc_type}:{pattern.pattern[:30]}", pattern


def _examples() -> list[str]:
    found: list[str] = []
    for filename in rules.rule_files():
        stem, suffix = filename.rsplit(".", 1)
        if suffix == "jsonl":
            for row in rules.load_jsonl(stem):
                found.extend(str(example) for example in row.get("examples", []))
    return found


def test_the_gate_never_skips_a_pattern_that_matches(corpus_texts: list[str]) -> None:
    """On every rule example and corpus text, as written and with line breaks turned into spaces (the form some
    extractors search), a pattern that matches is always let through."""
    texts = corpus_texts + _examples()
    patterns = list(_gated_patterns())
    assert len(patterns) > 150
    gated = 0
    for label, pattern in patterns:
        if required_literals(pattern):
            gated += 1
        for text in texts:
            for searched in (text, text.replace("\n", " ")):
                if pattern.search(searched):
                    assert may_match(pattern, text), f"{label} matches but its gate said no: {searched[:200]!r}"
    assert gated > len(patterns) // 2, "most rules should have a literal to gate on"


def test_the_gate_skips_what_cannot_match(corpus_texts: list[str]) -> None:
    """It does skip: a Spanish certificate's cue on an English notice, and nearly a third of all pattern runs."""
    hace_constar = next(r.regex for r in parties.load_rules("parties_names") if r.id == "es_hace_constar")
    notice = "U.S. Citizenship and Immigration Services\nApproval Notice\nThe request for parole was approved."
    assert not may_match(hace_constar, notice)
    assert may_match(hace_constar, "Por medio de la presente se HACE CONSTAR que la paciente")
    patterns = [pattern for _, pattern in _gated_patterns()]
    runs = [may_match(pattern, text) for text in corpus_texts[:60] for pattern in patterns]
    assert runs.count(False) > 0.3 * len(runs)


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"parole", {"parole"}),
        (r"(?i)on\s+behalf\s+of", {"behalf"}),  # whitespace ends a literal; the rarest piece is kept
        (r"(?:granted|approved)\b", {"granted", "approved"}),
        (r"(?:granted|ok)", None),  # one alternative too short to look for: no gate
        (r"(?:denied)?\s*notice", {"notice"}),  # an optional part requires nothing
        (r"x*abc", {"abc"}),
        (r"(?:abc){2,}", {"abc"}),
        (r"[Pp]arole", {"parole"}),  # a class of one letter's two cases is that letter
        (r"(?=parole)\w+", None),  # lookarounds are not relied on
        (r"\d{3}-\d{4}", None),
        (r"años", {"años"}),
    ],
)
def test_required_literals(pattern: str, literals: set[str] | None) -> None:
    found = required_literals(re.compile(pattern))
    assert (set(found) if found else None) == literals


def test_the_gate_folds_case_as_re_does() -> None:
    """re's IGNORECASE matches i to İ and ı and s to ſ; str.lower() alone would not find them."""
    for text in ("ADMİSSİON", "admıssıon", "admiſſion", "ADMISSION"):
        pattern = re.compile(r"(?i)admission")
        assert pattern.search(text)
        assert may_match(pattern, text), text
    assert lowered("Niño ABC") == "niño abc"


def _scanned_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """Every pattern the extractors scan through prefilter.finditer."""
    for name in ("parties_names", "parties_ages", "parties_physicians", "countries_cues", "identifiers_patterns"):
        for rule in parties.load_rules(name):
            yield f"{name}:{rule.id}", rule.regex
            if rule.anchor is not None:
                yield f"{name}:{rule.id}:anchor", rule.anchor
    yield from _outcome_duration_unavailable_patterns()
    for pattern, kind, _ in dates._formats():
        yield f"date:{kind}:{pattern.pattern[:30]}", pattern
    for index, role in enumerate(date_roles.role_rules()):
        if role.label is not None:
            yield f"date_role:{index}:label", role.label
    yield "classify:starts", classify._cue_list()[0]
    yield "costs:amount", costs._amount_pattern()
    yield "facilities", organisations.lexicon("facilities_lexicon").regex


def _spans(matches: Iterator[re.Match[str]]) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in matches]


def test_finditer_finds_exactly_what_the_pattern_finds(corpus_texts: list[str]) -> None:
    """The scan that tries a pattern only where one of its beginnings is gives the pattern's own finditer, match
    for match (spans and groups), on every corpus text and rule example, whole and in windows; and it is in use:
    most cue patterns have beginnings to look for."""
    texts = corpus_texts + _examples()
    patterns = list(_scanned_patterns())
    assert len(patterns) > 140
    found = 0
    for label, pattern in patterns:
        for text in texts:
            expected = _spans(pattern.finditer(text))
            assert _spans(finditer(pattern, text)) == expected, label
            found += len(expected)
            middle = len(text) // 3
            window = _spans(pattern.finditer(text, middle, 2 * middle))
            assert _spans(finditer(pattern, text, middle, 2 * middle)) == window, label
    assert found > 5000
    with_starts = [label for label, pattern in patterns if prefilter._starts(pattern) is not None]
    assert len(with_starts) > len(patterns) // 2, "most cue patterns should have beginnings to look for"


@pytest.mark.parametrize(
    ("pattern", "beginnings"),
    [
        (r"(?i:on\s+behalf|in\s+support)", {"on", "in"}),  # whitespace is not a literal: the beginning stops there
        (r"\b(?:have\s+)?followed", {"have", "foll"}),  # an optional part: with it and without it
        (r"(?<![\w])[Pp]atient", {"pati"}),  # lookarounds are passed over
        (r"(?i:DOB|D\.O\.B)", {"dob", "d.o."}),
        (r"\d{3}-\d{4}", {D + D + D + "-"}),  # a digit stands for any digit; a repeat is read on, one at a time
        (r"[0-9]{1,2}(?:st|nd)", {D + "st", D + "nd", D + D + "st", D + D + "nd"}),  # a range of digits: any digit
        (r"(?=(?:parole|permiso))\w+", {"paro", "perm"}),  # a lookahead: what follows begins as it does
        (r"(?:€|\$) ?\d", {"€ " + D, "€" + D, "$ " + D, "$" + D}),  # a character with no case is itself
        (r"x{0}ab|cd", {"ab", "cd"}),  # X{0} is nothing
        (r"\s*\d+", None),  # any space first: nothing known
        (r"(?:ab|c)", None),  # one alternative too short to be worth looking for
    ],
)
def test_beginnings(pattern: str, beginnings: set[str] | None) -> None:
    """Exactly these beginnings are read, and the scan looks for each of them and nothing shorter."""
    regex = re.compile(pattern)
    starts = prefilter._starts(regex)
    if beginnings is None:
        assert starts is None
        return
    tree = prefilter.sre_parse.parse(regex.pattern, regex.flags)
    assert prefilter._beginnings(list(tree), prefilter._BEGINNING_CHARS) == beginnings
    assert starts is not None
    written = {b.replace(D, "7") for b in beginnings}  # DIGIT in a beginning: any digit in the text
    assert all(starts.fullmatch(b) for b in written)
    assert not any(starts.match(b[:-1]) for b in written)


def test_finditer_folds_case_as_re_does() -> None:
    """re's IGNORECASE matches i to İ and ı and s to ſ; the lower-cased text the beginnings are looked for in
    folds them the same way, so no match is missed; a text that lower-cases to another length is scanned as is."""
    pattern = re.compile(r"(?i:admission|ingreso)\s+\w+")
    for text in ("ADMİSSİON date", "admıssıon date", "admiſſion date", "ADMISSION date", "x İNGRESO hoy"):
        assert _spans(finditer(pattern, text)) == _spans(pattern.finditer(text)) != [], text


_ATOMS = [
    "on", "ON", "behalf", "of", "Ana", "ANA", r"\s+", r"\b", " ", r"\d", "[Pp]", "x", r"(?<!\w)", r"(?!\d)",
    r"\d{1,3}", "[0-9]", "[1-3]?", "€", "µ", r"(?=on)", r"(?=\d)", "x{0,2}", "(?:ab){2,}",
]  # fmt: skip
_TEXT = st.text(alphabet="onbehalfANxpP 0123456789İıſ\u212a\n.€µμΜ٣", max_size=60)


@st.composite
def _patterns(draw: st.DrawFn) -> str:
    def piece(depth: int) -> str:
        kind = draw(st.sampled_from(["atom", "atom", "seq", "alt", "opt", "icase"] if depth < 3 else ["atom"]))
        if kind == "atom":
            return draw(st.sampled_from(_ATOMS))
        if kind == "seq":
            return piece(depth + 1) + piece(depth + 1)
        if kind == "alt":
            return f"(?:{piece(depth + 1)}|{piece(depth + 1)})"
        if kind == "opt":
            return f"(?:{piece(depth + 1)})?"
        return f"(?i:{piece(depth + 1)})"

    return piece(0) + piece(0)


@settings(max_examples=400, deadline=None)
@given(pattern=_patterns(), text=_TEXT, window=st.tuples(st.integers(0, 70), st.integers(0, 70)))
def test_finditer_equals_re_finditer_on_any_pattern(pattern: str, text: str, window: tuple[int, int]) -> None:
    """Random patterns of literals, cases, classes, lookarounds, alternatives and optional parts, over texts with
    the characters whose case folding is special: always the same matches as re."""
    regex = re.compile(pattern)
    assert _spans(finditer(regex, text)) == _spans(regex.finditer(text))
    low, high = sorted(window)
    assert _spans(finditer(regex, text, low, high)) == _spans(regex.finditer(text, low, high))


def _plain(alternatives: list[str]) -> str:
    return "|".join(alternatives)


@pytest.mark.parametrize(
    "terms",
    [
        ["heart", "heart failure", "heart failure with reduced ejection fraction", "hearing loss"],
        ["a.b", "a-b", "a(b", "a", "ab", "abc"],
        ["insuficiencia renal", "insuficiencia renal crónica", "insuficiencia cardiaca", "insulina"],
    ],
)
def test_a_trie_matches_what_the_longest_first_alternation_matches(terms: list[str]) -> None:
    texts = [
        "heart failure with reduced ejection fraction and heart failure, heart; hearing loss heartfailure",
        "a.b a-b a(b ab abc a abd",
        "Insuficiencia renal crónica con insuficiencia cardiaca; insulina e insuficiencia renal.",
    ]
    ordered = sorted(terms, key=len, reverse=True)
    atoms = [[re.escape(ch) for ch in term] for term in terms]
    plain = re.compile(r"(?<!\w)(?:" + _plain([re.escape(t) for t in ordered]) + r")(?!\w)", re.IGNORECASE)
    tried = re.compile(r"(?<!\w)(?:" + trie(atoms) + r")(?!\w)", re.IGNORECASE)
    for text in texts:
        assert [m.span() for m in tried.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert re.compile(trie([])).search("anything") is None


def test_the_lexicons_find_what_plain_alternations_found(corpus_texts: list[str]) -> None:
    """The diagnosis, treatment and facility lexicons as tries against the same terms joined longest first."""

    def plain_terms(lexicon: str) -> re.Pattern[str]:
        rows = rules.load_csv(lexicon)
        terms = sorted({diagnoses.fold(r["term"]) for r in rows if r["kind"] != "abbreviation"}, key=len, reverse=True)
        joined = _plain(["".join(diagnoses.term_atoms(t)) for t in terms])
        return re.compile(r"(?<![a-z0-9])(?:" + joined + r")(?![a-z0-9])")

    plain_dx, plain_tx = plain_terms("diagnoses_lexicon"), plain_terms("treatments_lexicon")
    rows = rules.load_csv("facilities_lexicon")
    aliases = sorted((r["alias"] for r in rows if r["case_sensitive"] != "true"), key=len, reverse=True)
    exact = sorted((r["alias"] for r in rows if r["case_sensitive"] == "true"), key=len, reverse=True)
    tolerant = _plain([parties.loose(a).replace(r"\&", r"(?:&|and)") for a in aliases])
    plain_fac = re.compile(rf"(?<![\w&])(?:(?i:{tolerant})|{_plain([re.escape(a) for a in exact])})(?![\w])")
    pairs = [
        (plain_dx, diagnoses.lexicon()[2], diagnoses.fold),
        (plain_tx, treatments.lexicon()[1], diagnoses.fold),
        (plain_fac, organisations.lexicon("facilities_lexicon").regex, str),
    ]
    for plain, tried, prepare in pairs:
        found = 0
        for text in corpus_texts:
            haystack = prepare(text)
            expected = [m.span() for m in plain.finditer(haystack)]
            assert [m.span() for m in tried.finditer(haystack)] == expected
            found += len(expected)
        assert found > 100


def test_classify_counts_each_cue_as_its_own_findall_would(corpus_texts: list[str]) -> None:
    """classify finds cue starts in one pass and tries only those places: the counts must be exactly what one
    findall per cue gives, on every corpus text (cues that share a start are counted for each)."""
    cues = classify._cue_list()[1]
    for text in corpus_texts:
        sample = text[:30000]
        assert classify._cue_counts(sample) == [len(pattern.findall(sample)) for _, pattern, _ in cues]
    shared = "USCIS has denied your request for parole."
    at_start = [index for index, (_, pattern, _) in enumerate(cues) if pattern.match(shared)]
    assert len(at_start) >= 2  # the agency, and the agency in the third person, both start at "USCIS"
    counts = classify._cue_counts(shared)
    assert all(counts[index] == 1 for index in at_start)
    assert counts == [len(pattern.findall(shared)) for _, pattern, _ in cues]


def _context_examples(lang: str) -> list[str]:
    found: list[str] = []
    for row in rules.load_jsonl(f"context_{lang}"):
        for item in [*row.get("examples", []), *row.get("counter_examples", [])]:
            found.append(str(item["text"]) if isinstance(item, dict) else str(item))
    return found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_cue_windows_find_exactly_the_token_cues_of_whole_sentences(corpus_texts: list[str], lang: str) -> None:
    from pipeline.extractors import assertions
    from pipeline.nlp import make_nlp

    matcher = make_nlp(lang).get_pipe("medspacy_context")._ConText__matcher
    token_matcher = matcher._MedspacyMatcher__matcher
    index = assertions._cue_index(matcher)
    tokens = windowed_tokens = matches = 0
    for text in corpus_texts + _context_examples(lang):
        doc, _, _ = assertions._prepared(text, lang)
        for sentence in doc.sents:
            whole = [(key, start + sentence.start, end + sentence.start) for key, start, end in token_matcher(sentence)]
            windows = index.windows([t.lower_ for t in sentence], sentence.start, sentence.end)
            windowed = [
                (key, start + low, end + low)
                for low, high in windows
                for key, start, end in token_matcher(doc[low:high])
            ]
            assert windowed == whole, (
                sentence.text
            )  # the same matches in the same order (pruning keeps the first of ties)
            tokens += len(sentence)
            windowed_tokens += sum(high - low for low, high in windows)
            matches += len(whole)
    assert matches > 500
    assert windowed_tokens < 0.6 * tokens  # the point of it: most tokens are never matched


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_split_matcher_finds_the_token_cues_of_whole_sentences(corpus_texts: list[str], lang: str) -> None:
    """One small Matcher per anchor word finds the whole matcher's matches, and ConText's pruning keeps the same
    ones; where two cues share a span (spaCy orders those its own way) it gives the sentence back to the whole
    matcher."""
    from medspacy.common.util import prune_overlapping_matches

    from pipeline.extractors import assertions
    from pipeline.nlp import make_nlp

    nlp = make_nlp(lang)
    matcher = nlp.get_pipe("medspacy_context")._ConText__matcher
    token_matcher = matcher._MedspacyMatcher__matcher
    split = assertions._split_matcher(matcher, nlp.vocab)
    assert split is not None
    matches = ties = 0
    for text in corpus_texts + _context_examples(lang):
        doc, _, _ = assertions._prepared(text, lang)
        for sentence in doc.sents:
            whole = [(key, start + sentence.start, end + sentence.start) for key, start, end in token_matcher(sentence)]
            found = split(doc, sentence.start, sentence.end)
            spans = [(start, end) for _, start, end in whole]
            if len(set(spans)) < len(spans):
                assert found is None, sentence.text
                ties += 1
                continue
            assert found is not None
            assert found == sorted(whole, key=lambda m: (m[1], m[2])), sentence.text
            assert prune_overlapping_matches(list(found)) == prune_overlapping_matches(list(whole)), sentence.text
            matches += len(whole)
    assert matches > 500
    assert ties > 0  # two cues of one span: handed back


def test_cue_windows_reach_as_far_as_each_pattern_can() -> None:
    from pipeline.extractors.cue_windows import CueIndex

    index = CueIndex.of(
        [
            [{"LOWER": {"IN": ["no", "without"]}}, {"LOWER": "evidence", "OP": "?"}, {"LOWER": "of"}],
            [{"IS_PUNCT": True, "OP": "{1,3}"}, {"ORTH": "Negative"}],  # anchored on its second token
            [{"LOWER": "ruled", "OP": "?"}, {"LOWER": "out"}, {"IS_ALPHA": True, "OP": "*"}],
        ]
    )
    assert index.reach == {"no": (0, 2), "without": (0, 2), "negative": (3, 0), "out": (1, 1 << 30)}
    lowers = ["x", "no", "evidence", "of", "y", "z", ",", ",", "negative", "w"]
    assert index.windows(lowers, 100, 100 + len(lowers)) == [(101, 104), (105, 109)]
    assert not CueIndex.of([[{"LOWER": {"NOT_IN": ["a"]}}]]).reach
    assert CueIndex.of([[{"IS_TITLE": True}]]).windows(["a", "b"], 0, 2) == [(0, 2)]  # no anchor: whole sentence
