"""Every identifying string of the synthetic corpus, and a search for them in any text.

The needles come from the corpus's truth: the gold labels (each patient name, A-number, receipt number and date of
birth exactly as the documents print it), cases.jsonl (the canonical forms) and the generator's case stories (the
family: parents and siblings, named in the legal letters; sponsors). The search ignores case, accents and
punctuation for names and written dates, and separators for numbers, so "A# 049-508-083", "A049508083" and
"49508083" are one A-number, and "AUGUST 07, 2024" and "7 de agosto de 2024" one date of birth.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "sample_docs" / "corpus"

MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december"]  # fmt: skip
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre"]  # fmt: skip

# A run of digits that may hold single spaces, dashes or dots between digits ("A 419 702 761", "IOE-240-876-3442").
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9](?:[ \-.]?[0-9])*(?![0-9])")
_LONGEST_RUN = 14  # longer runs (hashes, epoch nanoseconds) are not where an identifier would be printed


def normalize(text: str) -> str:
    """Lower case, no accents, every run of other characters one space: how names and written dates compare."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " " + re.sub(r"[^a-z0-9]+", " ", plain).strip() + " "


@dataclass(frozen=True)
class Hit:
    kind: str
    needle: str
    where: str
    context: str


@dataclass
class Identifiers:
    """The needles by kind: names and written dates (normalized words), numbers (digits), numeric dates (as
    printed, with their separators). `by_case` keeps each case's own, for the positive controls."""

    words: dict[str, str] = field(default_factory=dict)  # normalized needle -> kind
    digits: dict[str, str] = field(default_factory=dict)  # digits without leading zeros -> kind
    numeric_dates: dict[str, str] = field(default_factory=dict)  # "08/07/2024" -> "date_of_birth"
    by_case: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # case -> kind -> canonical values

    def __post_init__(self) -> None:
        self._words_re: re.Pattern[str] | None = None
        self._dates_re: re.Pattern[str] | None = None

    def add_name(self, case: str, name: str, kind: str = "name") -> None:
        needle = normalize(name).strip()
        if len(needle.split()) >= 2:  # a single given name or surname identifies nobody and matches too much
            self.words[needle] = kind
            self._words_re = None

    def add_number(self, case: str, value: str, kind: str, printed: bool = True) -> None:
        """A number; `printed` ones (the gold labels') are also kept per case for the positive controls."""
        digits = re.sub(r"\D", "", value).lstrip("0")
        if len(digits) >= 7:
            self.digits[digits] = kind
            if printed:
                self.by_case.setdefault(case, {}).setdefault(kind, set()).add(digits)

    def add_birth_date(self, case: str, day: dt.date, printed: Iterable[str] = ()) -> None:
        self.by_case.setdefault(case, {}).setdefault("date_of_birth", set()).add(day.isoformat())
        for form in [*_written_dates(day), *printed]:
            if re.search(r"[a-zA-Z]", form):
                self.words[normalize(form).strip()] = "date_of_birth"
            else:
                self.numeric_dates[form] = "date_of_birth"
        for form in _numeric_dates(day):
            self.numeric_dates[form] = "date_of_birth"
        self._words_re = self._dates_re = None

    def __len__(self) -> int:
        return len(self.words) + len(self.digits) + len(self.numeric_dates)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for kind in [*self.words.values(), *self.digits.values(), *self.numeric_dates.values()]:
            out[kind] = out.get(kind, 0) + 1
        return out

    def find(self, text: str, where: str = "") -> list[Hit]:
        """Every needle in `text`."""
        hits: list[Hit] = []
        if self._words_re is None:
            alternatives = sorted(self.words, key=len, reverse=True)
            self._words_re = re.compile(" (" + "|".join(re.escape(w) for w in alternatives) + ") ")
        if self._dates_re is None:
            alternatives = sorted(self.numeric_dates, key=len, reverse=True)
            self._dates_re = re.compile(
                r"(?<![0-9/.\-])(" + "|".join(re.escape(d) for d in alternatives) + r")(?![0-9/]|[.\-][0-9])"
            )
        plain = normalize(text)
        for match in _overlapping(self._words_re, plain):
            hits.append(Hit(self.words[match], match, where, _around(plain, match)))
        for match in self._dates_re.finditer(text):
            hits.append(Hit("date_of_birth", match.group(1), where, _around(text, match.group(1))))
        for match in _DIGIT_RUN.finditer(text):
            run = re.sub(r"\D", "", match.group(0))
            if len(run) > _LONGEST_RUN:
                continue
            stripped = run.lstrip("0")
            for digits, kind in self.digits.items():
                if digits in stripped:
                    hits.append(Hit(kind, digits, where, _around(text, match.group(0))))
        return hits


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterable[str]:
    """Matches of ' (a|b|...) ' where one match's trailing space may be the next one's leading space."""
    position = 0
    while True:
        match = pattern.search(text, position)
        if match is None:
            return
        yield match.group(1)
        position = match.end(1)


def _around(text: str, needle: str) -> str:
    index = text.find(needle)
    return text[max(0, index - 40) : index + len(needle) + 40].replace("\n", " ")


def _written_dates(day: dt.date) -> list[str]:
    en, es = MONTHS_EN[day.month - 1], MONTHS_ES[day.month - 1]
    d, dd, y = str(day.day), f"{day.day:02d}", str(day.year)
    forms = [f"{en} {d} {y}", f"{en} {dd} {y}", f"{d} {en} {y}", f"{dd} {en} {y}", f"{en[:3]} {d} {y}",
             f"{en[:3]} {dd} {y}", f"{d} {en[:3]} {y}", f"{dd} {en[:3]} {y}", f"{d} de {es} de {y}",
             f"{dd} de {es} de {y}", f"{d} de {es} del {y}", f"{d} {es} {y}", f"{dd} {es} {y}",
             f"{dd} {es[:3]} {y}", f"{d} {es[:3]} {y}"]  # fmt: skip
    return forms


def _numeric_dates(day: dt.date) -> list[str]:
    m, d, y = day.month, day.day, day.year
    forms = {day.isoformat(), f"{y}/{m:02d}/{d:02d}", f"{y}{m:02d}{d:02d}"}
    for sep in "/-.":
        forms |= {f"{m:02d}{sep}{d:02d}{sep}{y}", f"{m}{sep}{d}{sep}{y}", f"{d:02d}{sep}{m:02d}{sep}{y}",
                  f"{d}{sep}{m}{sep}{y}", f"{m:02d}{sep}{d:02d}{sep}{y % 100:02d}",
                  f"{d:02d}{sep}{m:02d}{sep}{y % 100:02d}"}  # fmt: skip
    return sorted(forms)


def corpus_identifiers() -> Identifiers:
    """Every identifier of the committed synthetic corpus."""
    from sample_docs import DEFAULT_SEED
    from sample_docs.gen.story import build_case

    ids = Identifiers()
    births: dict[str, dict[dt.date, set[str]]] = {}
    for path in sorted((CORPUS / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        case = gold["case_key"]
        for fact in gold["facts"]:
            kind = fact["attributes"].get("kind")
            if fact["field"] == "patient_name":
                ids.add_name(case, fact["text"])
                ids.add_name(case, fact["value"])
                ids.by_case.setdefault(case, {}).setdefault("name", set()).add(fact["value"])
            elif fact["field"] == "identifier" and kind in ("a_number", "receipt_number"):
                ids.add_number(case, fact["value"], kind)
                ids.add_number(case, fact["text"], kind)
            elif fact["field"] == "date" and fact["attributes"].get("role") == "birth":
                day = dt.date.fromisoformat(fact["value"])
                births.setdefault(case, {}).setdefault(day, set()).add(fact["text"])
        for distractor in gold["distractors"]:
            if distractor["kind"] == "sponsor":
                ids.add_name(case, distractor["text"], "family_name")
    for line in (CORPUS / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        case = truth["case_key"]
        ids.add_name(case, truth["patient_name"])
        ids.by_case.setdefault(case, {}).setdefault("name", set()).add(truth["patient_name"])
        ids.add_number(case, truth["a_number"], "a_number", printed=False)
        for receipt in truth["receipt_numbers"]:  # some are in no document of the corpus: searched all the same
            ids.add_number(case, receipt, "receipt_number", printed=False)
        day = dt.date.fromisoformat(truth["date_of_birth"])
        ids.add_birth_date(case, day, births.get(case, {}).get(day, set()))
        story = build_case(DEFAULT_SEED, int(case.split("-")[1]))
        ids.add_name(case, f"{story.last1} {story.last2}", "name")  # the surnames alone, as letters print them
        for person in story.family:
            ids.add_name(case, f"{person.first} {person.last}", "family_name")
    return ids
