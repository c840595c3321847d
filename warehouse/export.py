"""Exports of the filtered case table: CSV, Excel or Parquet, de-identified unless asked, with notes.

* Default (de-identified): one row per case, the pseudonym and case_summary's columns; no names, no A-numbers,
  receipt numbers or MRNs, no dates of birth (age only); `coarsen_dates=True` cuts every date to its month.
* `identified=True` adds the patient's names, A-numbers, receipt numbers and dates of birth (coordinators only).
* `shared=True` (partners, the public) exports no case rows at all: counts of cases by `group_by` columns, with
  every count from 1 to 10 suppressed (blank, and said so in `note`), and when a table would show exactly one
  suppressed cell, the next smallest is suppressed too, so a total cannot give it back. The sentence's own
  count is written as "fewer than 11" when it is small. Shared overrides identified.
Notes (columns, the filter sentence, how cases are counted, what was suppressed) go to a "notes" sheet in Excel
and to a sidecar `<stem>.notes.txt` beside CSV and Parquet files (a `#` header breaks most CSV readers); Parquet
also carries them in its schema metadata.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.filters import SUPPRESS_MAX, CaseFilter


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


# De-identified columns, in order, with what each means (the notes list them).
COLUMNS: dict[str, str] = {
    "pseudonym": "the case's pseudonym (keyed hash; the same case keeps it across exports)",
    "age_years": "age in years at the first filing (from the date of birth), else the highest stated age",
    "country": "country of origin (ISO 3166-1 alpha-2)",
    "primary_diagnosis": "the diagnosis asserted present in most of the case's documents",
    "icd10": "its ICD-10-CM code",
    "icd10_chapter": "ICD-10 chapter number",
    "icd10_chapter_name": "ICD-10 chapter",
    "facility": "treating facility (a US facility where one is named)",
    "facility_state": "its state",
    "legal_org": "legal organisation named most often",
    "latest_outcome": "outcome of the latest decision document",
    "filed_date": "earliest filing date",
    "decision_date": "date of the latest decision",
    "parole_start": "latest parole start date",
    "parole_end": "latest parole end date",
    "termination_effective": "effective date of a termination",
    "days_to_decision": "days from filing to the latest decision",
    "days_to_expiry": "days from the export date to parole end (negative: expired)",
    "parole_duration_months": "parole duration in months",
    "home_care_monthly_usd": "highest monthly home-care cost stated, USD",
    "inpatient_monthly_usd": "highest monthly inpatient cost stated, USD",
    "treatment_unavailable": "a document says the treatment is not available in the home country",
    "documents": "number of documents in the case",
    "conflicts": "fields on which the case's documents disagree (shown, not resolved)",
    "needs_review": "something in the case waits for a person (conflict, low-confidence fact, unread document)",
}
IDENTIFYING: dict[str, str] = {
    "patient_names": "the patient's name as each document prints it",
    "a_numbers": "A-numbers",
    "receipt_numbers": "USCIS receipt numbers",
    "dates_of_birth": "dates of birth",
}
_DATES = ("filed_date", "decision_date", "parole_start", "parole_end", "termination_effective")
DEFAULT_GROUP_BY = ("latest_outcome", "icd10_chapter_name")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    notes_path: Path | None
    rows: int
    cases: int
    sentence: str


def case_table(
    con: duckdb.DuckDBPyConnection,
    flt: CaseFilter,
    identified: bool = False,
    coarsen_dates: bool = False,
    limit: int | None = None,
) -> pd.DataFrame:
    """The filtered case table: de-identified columns, plus identifying ones when asked; its first `limit` rows
    when given."""
    where, params = flt.where_clause()
    # Lists and dates are written out in SQL: formatting 20,000 rows in pandas cost more than the query.
    date_format = "%Y-%m" if coarsen_dates else "%Y-%m-%d"
    select = ", ".join(
        f"strftime(cs.{c}, '{date_format}') AS {c}" if c in _DATES
        else "array_to_string(cs.conflicts, ', ') AS conflicts" if c == "conflicts"
        else f"cs.{c}"
        for c in COLUMNS
    )  # fmt: skip
    if identified:
        select += ", " + ", ".join(f"ci.{c}" for c in IDENTIFYING)
        source = "case_summary AS cs LEFT JOIN case_identities AS ci USING (case_id)"
    else:
        source = "case_summary AS cs"
    # `where` holds only placeholders and column names, the format one of two literals; values are bound.
    sql = f"SELECT {select} FROM {source} WHERE {where} ORDER BY cs.pseudonym"  # noqa: S608
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    frame = con.execute(sql, params).df()
    frame = frame.astype({column: "string" for column in _DATES})
    if coarsen_dates:
        frame = frame.drop(columns=["days_to_expiry"])
    return frame


def aggregate(frame: pd.DataFrame, group_by: Sequence[str]) -> pd.DataFrame:
    """Counts of cases by the given columns, with 1-10 suppressed (and one more cell when only one is)."""
    unknown = [c for c in group_by if c not in COLUMNS or c == "pseudonym"]
    if unknown:
        raise ValueError(f"Cannot group by {unknown[0]!r}: use columns of the case table such as latest_outcome.")
    # As text first: a number or flag column (age_years, treatment_unavailable) cannot hold "(unknown)".
    grouped = frame.astype({c: "string" for c in group_by}).fillna({c: "(unknown)" for c in group_by})
    counts = grouped.groupby(list(group_by), dropna=False).size().reset_index(name="cases")
    small = counts["cases"].between(1, SUPPRESS_MAX)
    if small.sum() == 1 and len(counts) > 1:
        # A single hidden cell would be the total minus the others: hide the next smallest as well.
        small.loc[counts.loc[~small, "cases"].idxmin()] = True
    counts["note"] = ["suppressed: between 1 and 10 cases" if s else "" for s in small]
    counts["cases"] = counts["cases"].astype("Int64").mask(small)
    return counts


def export(
    con: duckdb.DuckDBPyConnection,
    flt: CaseFilter,
    format: ExportFormat,
    path: Path,
    identified: bool = False,
    shared: bool = False,
    coarsen_dates: bool = False,
    group_by: Sequence[str] = DEFAULT_GROUP_BY,
) -> ExportResult:
    """Write the filtered case table (or, shared, its suppressed counts) to `path` (a folder: a name is made
    from the filter sentence) with its notes; returns where it went and what it holds."""
    format = ExportFormat(format)
    identified = identified and not shared
    frame = case_table(con, flt, identified=identified, coarsen_dates=coarsen_dates)
    cases = len(frame)
    sentence = flt.human_clause(cases, shared=shared)
    table = aggregate(frame, group_by) if shared else frame
    if path.is_dir():
        stem = flt.file_stem(cases, shared=shared)
        path = path / f"{stem}{'-shared' if shared else ''}.{format.value}"
    path.parent.mkdir(parents=True, exist_ok=True)
    notes = _notes(sentence, table, identified, shared, coarsen_dates, group_by)
    notes_path: Path | None = None
    if format is ExportFormat.xlsx:
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name="cases" if not shared else "counts", index=False)
            pd.DataFrame({"notes": notes}).to_excel(writer, sheet_name="notes", index=False)
    else:
        if format is ExportFormat.csv:
            table.to_csv(path, index=False)
        else:
            arrow = pa.Table.from_pandas(table, preserve_index=False)
            meta = {**(arrow.schema.metadata or {}), b"medparole.notes": "\n".join(notes).encode("utf-8")}
            pq.write_table(arrow.replace_schema_metadata(meta), path)
        notes_path = path.with_name(f"{path.stem}.notes.txt")
        notes_path.write_text("\n".join(notes) + "\n", encoding="utf-8")
    return ExportResult(path=path, notes_path=notes_path, rows=len(table), cases=cases, sentence=sentence)


def _notes(
    sentence: str, table: pd.DataFrame, identified: bool, shared: bool, coarsen: bool, group_by: Sequence[str]
) -> list[str]:
    today = dt.date.today().isoformat()
    lines = [
        f"medparole export of {today}: {sentence}.",
        "Counting: one row per case. A case is one person's parole matter: documents are joined when they share "
        "an A-number, a receipt number or an MRN, or the patient's name with the date of birth, or the name alone "
        "when nothing contradicts it. Corrections made by reviewers are applied.",
    ]
    if shared:
        lines.append(
            f"Shared: counts of cases by {', '.join(group_by)}; no case rows. Counts from 1 to {SUPPRESS_MAX} are "
            "suppressed (blank); where only one count would be hidden, the next smallest is hidden too."
        )
    elif identified:
        lines.append("IDENTIFIED: names, A-numbers, receipt numbers and dates of birth included. Do not share.")
    else:
        lines.append(
            "De-identified: no names, identifiers or dates of birth; cases appear under a pseudonym. Small groups "
            "may still identify a person: use --shared before publishing."
        )
    if coarsen:
        lines.append("Dates are cut to their month (YYYY-MM); days to expiry is left out.")
    lines.append("Columns:")
    described = {**COLUMNS, **IDENTIFYING, "cases": "number of cases", "note": "why a count is blank"}
    lines.extend(f"  {c}: {described.get(c, '')}" for c in table.columns)
    return lines
