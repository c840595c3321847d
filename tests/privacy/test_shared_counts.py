"""Shared mode never shows a count from 1 to 10, whatever the filters: a property over random filter combinations
drawn from the options the warehouse offers (the sidebar's), on a warehouse of the whole corpus's gold labels
(72 cases, 259 documents), so groups above 10 exist next to small ones.

Every count shared mode produces is checked: the headline figures, the data of every chart after suppression,
the Cases page's table of counts, the deadline and review figures, the caption's count, and the rows of the shared
export file; rates and medians must rest on more than 10 cases. Shown counts must also be the true ones.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import charts, deadline_items, kpis, privacy
from dashboard.privacy import Mode
from warehouse import case_queries, cases, db, export, load
from warehouse.filters import AGE_GROUPS, SUPPRESS_MAX, CaseFilter, DateField

CORPUS = Path(__file__).resolve().parents[2] / "sample_docs" / "corpus"
KEY = b"medparole-test-key-0123456789abcdef"
MATERIALIZED = ("case_summary", "case_identities", "deadlines", "review_queue")
GROUPABLE = [c for c in export.COLUMNS if c not in ("pseudonym", "conflicts", "days_to_expiry", "documents")]


def _gold_record(gold: dict[str, Any]) -> load.LoadItem:
    """A gold label loaded as if extraction had produced it (spans by position)."""
    facts = [{**f, "start": i * 10, "end": i * 10 + 5, "confidence": 0.9} for i, f in enumerate(gold["facts"])]
    record = {"sha256": gold["doc_id"], "status": "ok", "doc_type": gold["doc_type"], "language": gold["language"],
              "pages": gold["pages"], "facts": facts}  # fmt: skip
    return load.LoadItem(record=record, pages=[], extractor_version="gold")


@pytest.fixture(scope="module")
def gold_warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    con = db.connect_memory()
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((CORPUS / "gold").glob("*.json"))]
    load.load_documents(con, [_gold_record(g) for g in golds])
    cases.link_cases(con, KEY)
    # The views, computed once and kept as tables of the same name and rows: the queries under test read them
    # unchanged, a hundred times faster (each view recomputes every case's summary).
    for view in MATERIALIZED:
        con.execute(f"CREATE TABLE saved_{view} AS SELECT * FROM {view}")
    for view in MATERIALIZED:
        con.execute(f"DROP VIEW {view}")
        con.execute(f"ALTER TABLE saved_{view} RENAME TO {view}")
    yield con
    con.close()


@pytest.fixture(scope="module")
def choices(gold_warehouse: duckdb.DuckDBPyConnection) -> case_queries.FilterChoices:
    return case_queries.filter_choices(gold_warehouse)


def _subset(options: list[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(st.sampled_from(options), max_size=2, unique=True).map(tuple) if options else st.just(())


@st.composite
def filters(draw: st.DrawFn, choices: case_queries.FilterChoices) -> CaseFilter:
    """A filter as the sidebar could set it: any subset of each filter's options, dates from the warehouse's span."""
    assert choices.first_date and choices.last_date
    span = (choices.last_date - choices.first_date).days
    day = st.none() | st.integers(0, span).map(lambda d: choices.first_date + dt.timedelta(days=d))  # type: ignore[operator]
    tristate = st.sampled_from([None, True, False])
    return CaseFilter(
        date_field=draw(st.sampled_from(list(DateField))),
        date_from=draw(day),
        date_to=draw(day),
        outcomes=draw(_subset(choices.outcomes)),
        diagnoses=draw(_subset(choices.diagnoses)),
        icd10_chapters=draw(_subset(list(choices.icd10_chapters))),
        facilities=draw(_subset(choices.facilities)),
        states=draw(_subset(choices.states)),
        countries=draw(_subset(choices.countries)),
        legal_orgs=draw(_subset(choices.legal_orgs)),
        age_groups=draw(_subset(list(AGE_GROUPS))),
        languages=draw(_subset(choices.languages)),
        treatment_unavailable=draw(tristate),
        needs_review=draw(tristate),
    )


def _allowed(count: object) -> bool:
    """A count shared mode may show: none, zero, or more than 10."""
    return count is None or pd.isna(count) or int(count) == 0 or int(count) > SUPPRESS_MAX  # type: ignore[call-overload]


def _shown_number(text: str) -> int | None:
    """The number in a shown figure ('1,234' -> 1234); None for '≤10' and '–'."""
    if text.startswith("≤") or text == "–":
        return None
    return int(text.replace(",", ""))


CHARTS = {
    "quarter": charts.cases_per_quarter_data,
    "time to decision": charts.time_to_decision_data,
    "cost bands": charts.cost_band_data,
    "representation": charts.representation_data,
    "terminations": charts.terminations_data,
    **{
        f"outcome by {words}": (lambda c, col=col: charts.outcome_by_data(c, col))
        for words, (col, _) in kpis.OUTCOME_BY.items()
    },
}


def shared_counts(
    con: duckdb.DuckDBPyConnection, flt: CaseFilter, group_by: tuple[str, ...], tmp: Path
) -> dict[str, list[Any]]:
    """Every count shared mode shows for a filter, by where it is shown, through the functions the pages use."""
    shown: dict[str, list[Any]] = {}
    table = export.case_table(con, flt)
    headline = case_queries.headline(con, flt)
    assert headline["cases"] == len(table)
    figures = {f.label: f.value for f in kpis.headline_figures(headline, shared=True)}
    for label, truth in (("Cases", headline["cases"]), ("Documents", headline["documents"]),
                         ("Paroles expiring within 90 days", headline["expiring_90"])):  # fmt: skip
        number = _shown_number(figures[label])
        assert number is None or number == truth, (label, figures[label], truth)  # a shown count is the true one
        shown[f"headline {label}"] = [number]
    # Rates and medians give a case's own figure away when they rest on 10 cases or fewer.
    for label, basis in (("Grant rate", "decided"), ("Median days to decision", "with_days_to_decision"),
                         ("Median home care / month", "with_home_care"),
                         ("Median inpatient / month", "with_inpatient")):  # fmt: skip
        shown[f"basis of {label}"] = [headline[basis] if figures[label] != "–" else None]
    for name, make in CHARTS.items():
        data = privacy.shared_chart_data(make(table))  # what the Patterns page draws in shared mode
        shown[f"chart {name}"] = list(data["cases"])
    counts = privacy.display_counts(export.aggregate(table, export.DEFAULT_GROUP_BY))
    shown["Cases page counts"] = [_shown_number(v) for v in counts["cases"]]
    shown[f"counts by {', '.join(group_by)}"] = list(export.aggregate(table, group_by)["cases"])
    deadlines = case_queries.deadlines(con, flt)
    buckets = deadline_items.bucket_counts(deadlines)
    shown["deadline figures"] = [_shown_number(privacy.shown_count(n, Mode.shared)) for n in buckets.values()]
    queue = case_queries.review_queue(con, flt)
    kinds = queue["kind"].value_counts()
    shown["review figures"] = [_shown_number(privacy.shown_count(int(n), Mode.shared)) for n in kinds]
    for noun, count in (("cases", len(table)), ("deadlines", int(deadlines["case_id"].nunique()))):
        sentence = privacy.shown_sentence(flt, count, Mode.shared)
        said = re.match(r"([\d,]+) case", sentence)
        shown[f"caption ({noun})"] = [int(said.group(1).replace(",", "")) if said else None]
        assert said or sentence.startswith(f"fewer than {SUPPRESS_MAX + 1} cases")
    result = export.export(con, flt, export.ExportFormat.csv, tmp / "shared.csv", shared=True)
    exported = pd.read_csv(result.path)
    shown["shared export rows"] = list(exported["cases"])
    shown["shared export sentence"] = [
        int(m.group(1).replace(",", "")) if (m := re.match(r"([\d,]+) case", result.sentence)) else None
    ]
    assert "pseudonym" not in exported.columns
    return shown


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_shared_mode_shows_no_count_from_1_to_10_for_any_filter(
    gold_warehouse: duckdb.DuckDBPyConnection,
    choices: case_queries.FilterChoices,
    tmp_path: Path,
    data: st.DataObject,
) -> None:
    flt = data.draw(filters(choices), label="filter")
    group_by = data.draw(st.lists(st.sampled_from(GROUPABLE), min_size=1, max_size=2, unique=True).map(tuple))
    shown = shared_counts(gold_warehouse, flt, group_by, tmp_path)
    bad = {where: [c for c in counts if not _allowed(c)] for where, counts in shown.items()}
    assert not any(bad.values()), {k: v for k, v in bad.items() if v}


def test_the_property_sees_real_numbers_and_small_ones(
    gold_warehouse: duckdb.DuckDBPyConnection, choices: case_queries.FilterChoices, tmp_path: Path
) -> None:
    """Without filters the corpus shows counts above 10, and its small groups (1 to 10) exist and are hidden:
    the property above is not true only because everything is hidden, or nothing is small."""
    table = export.case_table(gold_warehouse, CaseFilter())
    by_outcome = table.groupby(table["latest_outcome"].fillna("(unknown)")).size()
    assert (by_outcome > SUPPRESS_MAX).any() and by_outcome.between(1, SUPPRESS_MAX).any()
    shown = shared_counts(gold_warehouse, CaseFilter(), ("latest_outcome",), tmp_path)
    assert shown["headline Cases"] == [len(table)] and len(table) > SUPPRESS_MAX
    assert any(c > SUPPRESS_MAX for c in shown["counts by latest_outcome"] if not pd.isna(c))
    assert any(pd.isna(c) for c in shown["counts by latest_outcome"])
    assert any(not pd.isna(c) and c > SUPPRESS_MAX for c in shown["chart quarter"] + shown["chart representation"])


def test_shared_chart_percentages_do_not_give_a_hidden_count_back(gold_warehouse: duckdb.DuckDBPyConnection) -> None:
    # With one group hidden, a drawn bar's percent of its quarter or group would give the total, and the total
    # less the drawn bars the hidden count; the shared percentages are over the drawn bars only.
    table = export.case_table(gold_warehouse, CaseFilter())
    one_hidden = 0
    for make in CHARTS.values():
        data = make(table)
        group = next((c for c in ("quarter", "group") if c in data), None)
        shown = privacy.shared_chart_data(data)
        for key, rows in data.groupby(group) if group else [(None, data)]:
            visible = shown[shown[group] == key] if group else shown
            hidden = rows[rows["cases"].between(1, SUPPRESS_MAX)]
            if len(hidden) == 1 and len(visible):
                one_hidden += 1
                total = float(visible["cases"].iloc[0]) * 100 / float(visible["percent"].iloc[0])
                assert round(total) == int(visible["cases"].sum())  # the total of what is drawn, nothing more
    assert one_hidden > 0  # the corpus has groups with exactly one hidden count: the check is exercised
