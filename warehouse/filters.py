"""The case filter the dashboard's sidebar, its URL and `medparole export` share.

Like datasette's filters.py: `where_clause()` returns SQL with ? placeholders over `case_summary AS cs` and the
values to bind, `human_clause(n)` the sentence ("42 cases where outcome is terminated and diagnosis is short
bowel syndrome"), `file_stem(n)` a safe file name from it. Values never enter SQL text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

# Shared views and exports suppress every count from 1 to this.
SUPPRESS_MAX = 10


class DateField(StrEnum):
    """Which date the date range applies to; the values are case_summary's columns."""

    decision_date = "decision_date"
    filed_date = "filed_date"
    parole_end = "parole_end"


# Age groups: label -> inclusive range of age_years.
AGE_GROUPS: dict[str, tuple[int, int]] = {"0-4": (0, 4), "5-11": (5, 11), "12-17": (12, 17), "18+": (18, 200)}

# Multi-valued filters: attribute -> (case_summary column, words for the sentence).
_CHOICES: dict[str, tuple[str, str]] = {
    "outcomes": ("latest_outcome", "outcome"),
    "diagnoses": ("primary_diagnosis", "diagnosis"),
    "facilities": ("facility", "facility"),
    "states": ("facility_state", "state"),
    "countries": ("country", "country"),
    "legal_orgs": ("legal_org", "legal organisation"),
}


@dataclass(frozen=True)
class CaseFilter:
    """Which cases to show; an empty filter shows all of them."""

    date_field: DateField = DateField.decision_date
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outcomes: tuple[str, ...] = ()
    diagnoses: tuple[str, ...] = ()
    icd10_chapters: tuple[int, ...] = ()
    facilities: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    legal_orgs: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    treatment_unavailable: bool | None = None
    needs_review: bool | None = None
    text: str = ""

    def __post_init__(self) -> None:
        unknown = [g for g in self.age_groups if g not in AGE_GROUPS]
        if unknown:
            raise ValueError(f"Unknown age group {unknown[0]!r}: use one of {', '.join(AGE_GROUPS)}.")

    def where_clause(self) -> tuple[str, list[Any]]:
        """SQL over `case_summary AS cs` with ? placeholders, and its parameters in order."""
        clauses: list[str] = []
        params: list[Any] = []
        column = DateField(self.date_field).value  # one of three known column names, never user text
        if self.date_from is not None:
            clauses.append(f"cs.{column} >= ?")
            params.append(self.date_from)
        if self.date_to is not None:
            clauses.append(f"cs.{column} <= ?")
            params.append(self.date_to)
        for attr, (col, _) in _CHOICES.items():
            values: tuple[str, ...] = getattr(self, attr)
            if values:
                clauses.append(f"cs.{col} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        if self.icd10_chapters:
            clauses.append(f"cs.icd10_chapter IN ({', '.join('?' for _ in self.icd10_chapters)})")
            params.extend(self.icd10_chapters)
        if self.age_groups:
            clauses.append("(" + " OR ".join("cs.age_years BETWEEN ? AND ?" for _ in self.age_groups) + ")")
            for group in self.age_groups:
                params.extend(AGE_GROUPS[group])
        if self.languages:
            clauses.append("list_has_any(cs.languages, ?)")
            params.append(list(self.languages))
        if self.treatment_unavailable is not None:
            clauses.append("cs.treatment_unavailable = ?")
            params.append(self.treatment_unavailable)
        if self.needs_review is not None:
            clauses.append("cs.needs_review = ?")
            params.append(self.needs_review)
        if self.text.strip():
            clauses.append(
                "EXISTS (SELECT 1 FROM case_documents fd JOIN pages fp USING (sha256) "
                "WHERE fd.case_id = cs.case_id AND fp.text ILIKE ? ESCAPE '\\')"
            )
            params.append(text_pattern(self.text))
        return (" AND ".join(clauses) or "TRUE"), params

    def with_text_cases(self, case_ids: tuple[str, ...]) -> CaseFilter:
        """This filter with its text search already run: `case_ids` are the cases whose documents mention the
        words (see `TEXT_CASES_SQL`). Its SQL tests membership instead of scanning every page's text again."""
        return TextMatched(**_filter_fields(self), text_cases=case_ids)

    def human_clause(self, count: int, shared: bool = False) -> str:
        """'42 cases where outcome is terminated and diagnosis is short bowel syndrome'; shared, a count from 1 to
        SUPPRESS_MAX is written 'fewer than 11 cases'."""
        return count_phrase(count, "case", shared) + self._where()

    def file_stem(self, count: int, shared: bool = False) -> str:
        """A safe file name from the sentence: 'medparole-42-cases-where-outcome-is-terminated' ('few-cases' for a
        count shared mode hides)."""
        counted = "few cases" if shared and is_suppressed(count) else count_phrase(count, "case")
        return file_stem_of(counted + self._where())

    def _where(self) -> str:
        parts: list[str] = []
        date_words = DateField(self.date_field).value.replace("_", " ")
        if self.date_from and self.date_to:
            parts.append(f"{date_words} is from {self.date_from.isoformat()} to {self.date_to.isoformat()}")
        elif self.date_from:
            parts.append(f"{date_words} is on or after {self.date_from.isoformat()}")
        elif self.date_to:
            parts.append(f"{date_words} is on or before {self.date_to.isoformat()}")
        for attr, (_, words) in _CHOICES.items():
            values = getattr(self, attr)
            if values:
                parts.append(f"{words} is " + " or ".join(values))
        if self.icd10_chapters:
            parts.append("ICD-10 chapter is " + " or ".join(str(c) for c in self.icd10_chapters))
        if self.age_groups:
            parts.append("age is " + " or ".join(self.age_groups))
        if self.languages:
            parts.append("a document is in " + " or ".join(self.languages))
        if self.treatment_unavailable is not None:
            parts.append("treatment is " + ("" if self.treatment_unavailable else "not ") + "unavailable at home")
        if self.needs_review is not None:
            parts.append("the case " + ("needs" if self.needs_review else "does not need") + " review")
        if self.text.strip():
            parts.append(f'the documents mention "{self.text.strip()}"')
        return " where " + " and ".join(parts) if parts else ""

    def to_query_params(self) -> dict[str, list[str]]:
        """The filter as URL query parameters (lists repeat the key); defaults are left out."""
        out: dict[str, list[str]] = {}
        default = CaseFilter()
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            if isinstance(value, tuple):
                out[f.name] = [str(v) for v in value]
            elif isinstance(value, bool):
                out[f.name] = ["true" if value else "false"]
            elif isinstance(value, dt.date):
                out[f.name] = [value.isoformat()]
            else:
                out[f.name] = [str(value)]
        return out

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | Sequence[str]]) -> CaseFilter:
        """The filter from URL query parameters; unknown keys and unreadable values are ignored."""
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            raw = params.get(f.name)
            if raw is None:
                continue
            values = [raw] if isinstance(raw, str) else list(raw)
            values = [v for v in values if v != ""]
            if not values:
                continue
            try:
                kwargs[f.name] = _parse(f.name, values)
            except ValueError:
                continue
        return cls(**kwargs)


def _parse(name: str, values: list[str]) -> Any:
    if name == "date_field":
        return DateField(values[0])
    if name in ("date_from", "date_to"):
        return dt.date.fromisoformat(values[0])
    if name == "icd10_chapters":
        return tuple(int(v) for v in values)
    if name == "age_groups":
        return tuple(v for v in values if v in AGE_GROUPS)
    if name in ("treatment_unavailable", "needs_review"):
        if values[0].lower() not in ("true", "false"):
            raise ValueError(values[0])
        return values[0].lower() == "true"
    if name == "text":
        return values[0]
    return tuple(values)


# The cases whose documents mention the words: the scan `where_clause` runs for a text search, alone (parameter:
# `text_pattern(words)`).
TEXT_CASES_SQL = (
    "SELECT DISTINCT fd.case_id FROM case_documents fd JOIN pages fp USING (sha256) "
    "WHERE fp.text ILIKE ? ESCAPE '\\' ORDER BY fd.case_id"
)


def text_pattern(words: str) -> str:
    """The ILIKE pattern of a text search: the words anywhere, their own %, _ and backslashes literal."""
    return f"%{escape_like(words.strip())}%"


@dataclass(frozen=True)
class TextMatched(CaseFilter):
    """A CaseFilter whose text search was run once (`CaseFilter.with_text_cases`): every query that uses it tests
    membership in `text_cases` instead of scanning the pages' text (about 0.1 s of both cores at 20,000 cases,
    two to four times a rerun). Its sentence, URL and file names are the filter's own."""

    text_cases: tuple[str, ...] = ()

    def where_clause(self) -> tuple[str, list[Any]]:
        if not self.text.strip():
            return super().where_clause()
        where, params = CaseFilter(**_filter_fields(self) | {"text": ""}).where_clause()
        clause = "cs.case_id IN (SELECT unnest(?::VARCHAR[]))"
        return (clause if where == "TRUE" else f"{where} AND {clause}"), [*params, list(self.text_cases)]

    def to_query_params(self) -> dict[str, list[str]]:
        return CaseFilter(**_filter_fields(self)).to_query_params()


def _filter_fields(flt: CaseFilter) -> dict[str, Any]:
    """A filter's CaseFilter fields by name (a TextMatched's own `text_cases` left out)."""
    return {f.name: getattr(flt, f.name) for f in fields(CaseFilter)}


def escape_like(text: str) -> str:
    """`text` for a LIKE pattern with ESCAPE '\\': its own %, _ and backslashes match literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def is_suppressed(count: int) -> bool:
    """Whether shared mode hides this count (1 to SUPPRESS_MAX; zero is shown)."""
    return 1 <= count <= SUPPRESS_MAX


def count_phrase(count: int, noun: str, shared: bool = False) -> str:
    """'42 cases', '1 case'; shared, a hidden count is 'fewer than 11 cases'."""
    if shared and is_suppressed(count):
        return f"fewer than {SUPPRESS_MAX + 1} {noun}s"
    return f"{count:,} {noun if count == 1 else noun + 's'}"


def file_stem_of(sentence: str) -> str:
    """A safe file name from a sentence: lower case, dashes, 'medparole-' first, 120 characters at most."""
    slug = re.sub(r"[^a-z0-9]+", "-", sentence.lower()).strip("-")
    return f"medparole-{slug}"[:120].rstrip("-")
