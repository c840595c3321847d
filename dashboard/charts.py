"""Chart data (pure functions of the case table) and Altair builders. No Streamlit here.

Every `*_data` function returns a tidy frame with a `cases` count and a `percent` share within its group, so
the page's number/percent toggle only picks the column, and shared mode can suppress small counts before drawing.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

# Charts sit in Streamlit's layout and theme: Altair's default theme (a 300 x 300 view) is not wanted, as
# st.altair_chart also switches it off. Set once for the process, so no drawing toggles a global theme.
alt.theme.enable("none")

OUTCOMES = ["granted", "extended", "denied", "rfe", "pending", "terminated", "revoked", "rescinded", "(unknown)"]
OUTCOME_COLOURS = [
    "#2e7d32", "#81c784", "#c62828", "#f9a825", "#90a4ae", "#6a1b9a", "#ad1457", "#4e342e", "#cfd8dc",
]  # fmt: skip
UNKNOWN = "(unknown)"


def _with_percent(counts: pd.DataFrame, group: str | None) -> pd.DataFrame:
    total = counts.groupby(group)["cases"].transform("sum") if group else counts["cases"].sum()
    counts["percent"] = (100 * counts["cases"] / total).round(1)
    return counts


def _outcome(frame: pd.DataFrame) -> pd.Series:
    return frame["latest_outcome"].fillna(UNKNOWN).astype(str)


def cases_per_quarter_data(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases by quarter of their decision (else filing) date and latest outcome."""
    when = pd.to_datetime(cases["decision_date"]).fillna(pd.to_datetime(cases["filed_date"]))
    frame = pd.DataFrame({"quarter": when.dt.to_period("Q").astype(str), "outcome": _outcome(cases)})
    frame = frame[when.notna().to_numpy()]
    counts = frame.groupby(["quarter", "outcome"]).size().reset_index(name="cases")
    return _with_percent(counts, "quarter").sort_values(["quarter", "outcome"]).reset_index(drop=True)


def outcome_by_data(cases: pd.DataFrame, column: str, top: int = 12) -> pd.DataFrame:
    """Cases by a column (diagnosis, chapter, facility, state...) and outcome; the `top` largest groups, the
    rest as '(other)'."""
    group = cases[column].fillna(UNKNOWN).astype(str)
    largest = group.value_counts().index[:top]
    group = group.where(group.isin(largest), "(other)")
    frame = pd.DataFrame({"group": group, "outcome": _outcome(cases)})
    counts = frame.groupby(["group", "outcome"]).size().reset_index(name="cases")
    counts["group_total"] = counts.groupby("group")["cases"].transform("sum")
    counts["is_other"] = counts["group"] == "(other)"
    counts = counts.sort_values(["is_other", "group_total", "group"], ascending=[True, False, True])
    return _with_percent(counts.drop(columns=["is_other"]), "group").reset_index(drop=True)


def time_to_decision_data(cases: pd.DataFrame, bin_days: int = 30) -> pd.DataFrame:
    """Decided cases by days from filing to decision, in bins of `bin_days`."""
    days = pd.to_numeric(cases["days_to_decision"], errors="coerce").dropna()
    days = days[days >= 0]
    start = (days // bin_days * bin_days).astype(int)
    counts = start.value_counts().sort_index().reset_index()
    counts.columns = ["from_day", "cases"]
    counts["to_day"] = counts["from_day"] + bin_days - 1
    counts["label"] = counts["from_day"].astype(str) + "–" + counts["to_day"].astype(str)
    return _with_percent(counts, None)


# Above this many cases the cost chart counts cases by band instead of drawing one point each.
MAX_POINTS = 2_000
COST_BANDS = [0, 5_000, 10_000, 20_000, 50_000, 100_000, float("inf")]
COST_LABELS = ["< $5k", "$5k–10k", "$10k–20k", "$20k–50k", "$50k–100k", "≥ $100k"]


def cost_data(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases with both a monthly home-care and an inpatient cost (one row each) and their bands."""
    frame = cases[["pseudonym", "home_care_monthly_usd", "inpatient_monthly_usd", "latest_outcome"]].dropna(
        subset=["home_care_monthly_usd", "inpatient_monthly_usd"]
    )
    frame = frame.assign(
        outcome=_outcome(frame),
        ratio=frame["inpatient_monthly_usd"] / frame["home_care_monthly_usd"].where(frame["home_care_monthly_usd"] > 0),
        home_care_band=pd.cut(frame["home_care_monthly_usd"], COST_BANDS, labels=COST_LABELS, right=False),
        inpatient_band=pd.cut(frame["inpatient_monthly_usd"], COST_BANDS, labels=COST_LABELS, right=False),
    )
    return frame.reset_index(drop=True)


def cost_band_data(cases: pd.DataFrame) -> pd.DataFrame:
    """Counts of cases by home-care band and inpatient band (what shared mode draws instead of points)."""
    frame = cost_data(cases)
    counts = frame.groupby(["home_care_band", "inpatient_band"], observed=True).size().reset_index(name="cases")
    counts = counts.astype({"home_care_band": str, "inpatient_band": str})
    return _with_percent(counts, None)


def representation_data(cases: pd.DataFrame) -> pd.DataFrame:
    """Outcome by whether a legal organisation is named in the case."""
    represented = cases["legal_org"].notna().map({True: "legal organisation named", False: "none named"})
    frame = pd.DataFrame({"group": represented, "outcome": _outcome(cases)})
    counts = frame.groupby(["group", "outcome"]).size().reset_index(name="cases")
    return _with_percent(counts, "group")


def terminations_data(cases: pd.DataFrame) -> pd.DataFrame:
    """Terminations by month of their effective date."""
    when = pd.to_datetime(cases["termination_effective"]).dropna()
    counts = when.dt.to_period("M").astype(str).value_counts().sort_index().reset_index()
    counts.columns = ["month", "cases"]
    return _with_percent(counts, None)


def vega_lite(chart: alt.TopLevelMixin) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A single-data chart as (its data, its Vega-Lite spec without the data) for st.vega_lite_chart.

    The spec is built without Altair's schema validation: validating (jsonschema) was most of the cost of
    drawing a chart, and st.altair_chart does its conversion under one lock for every session of the server, so
    ten sessions drawing charts waited for each other. tests/dashboard/test_logic.py validates every chart."""
    bare = chart.copy(deep=False)
    bare.data = alt.Undefined
    spec = bare.to_dict(validate=False)
    for key in ("data", "datasets"):  # Altair's placeholder for a chart without data
        spec.pop(key, None)
    for layer in spec.get("layer", []):  # ... and for a layer without data, which must take the chart's instead
        if layer.get("data") == {"name": "empty"}:
            del layer["data"]
    return chart.data, spec


def _measure(percent: bool) -> tuple[str, str]:
    return ("percent", "Share of group (%)") if percent else ("cases", "Cases")


def _outcome_colour() -> alt.Color:
    return alt.Color(
        "outcome:N", title="Latest outcome", scale=alt.Scale(domain=OUTCOMES, range=OUTCOME_COLOURS), sort=OUTCOMES
    )


def _tooltip(*fields: alt.Tooltip) -> list[alt.Tooltip]:
    return [*fields, alt.Tooltip("cases:Q", title="Cases", format=","), alt.Tooltip("percent:Q", title="%")]


def stacked_outcome_bars(data: pd.DataFrame, group: str, group_title: str, percent: bool) -> alt.Chart:
    """Horizontal bars, one a group, stacked by outcome; counts or shares."""
    field, title = _measure(percent)
    order = list(dict.fromkeys(data[group])) if len(data) else None
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{group}:N", title=group_title, sort=order, axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"{field}:Q", title=title, stack="zero"),
            color=_outcome_colour(),
            order=alt.Order("outcome:N"),
            tooltip=_tooltip(alt.Tooltip(f"{group}:N", title=group_title), alt.Tooltip("outcome:N", title="Outcome")),
        )
        .properties(height=alt.Step(22))
    )


def quarter_chart(data: pd.DataFrame, percent: bool) -> alt.Chart:
    """Cases per quarter, stacked by outcome."""
    field, title = _measure(percent)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("quarter:O", title="Quarter of decision (else filing)"),
            y=alt.Y(f"{field}:Q", title=title, stack="zero"),
            color=_outcome_colour(),
            tooltip=_tooltip(alt.Tooltip("quarter:O", title="Quarter"), alt.Tooltip("outcome:N", title="Outcome")),
        )
        .properties(height=300)
    )


def histogram_chart(data: pd.DataFrame, percent: bool) -> alt.Chart:
    """Decided cases by days to decision."""
    field, title = _measure(percent)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("label:O", title="Days from filing to decision", sort=list(data["label"]) if len(data) else None),
            y=alt.Y(f"{field}:Q", title=title),
            tooltip=_tooltip(alt.Tooltip("label:O", title="Days")),
        )
        .properties(height=260)
    )


def cost_scatter(data: pd.DataFrame) -> alt.Chart:
    """One point a case: monthly home-care cost against monthly inpatient cost (each axis on its own scale)."""
    return (
        alt.Chart(data)
        .mark_circle(size=80, opacity=0.8)
        .encode(
            x=alt.X("home_care_monthly_usd:Q", title="Home care, USD a month", axis=alt.Axis(format="$,.0f")),
            y=alt.Y("inpatient_monthly_usd:Q", title="Inpatient, USD a month", axis=alt.Axis(format="$,.0f")),
            color=_outcome_colour(),
            tooltip=[
                alt.Tooltip("pseudonym:N", title="Case"),
                alt.Tooltip("home_care_monthly_usd:Q", title="Home care / month", format="$,.0f"),
                alt.Tooltip("inpatient_monthly_usd:Q", title="Inpatient / month", format="$,.0f"),
                alt.Tooltip("ratio:Q", title="Inpatient ÷ home care", format=".1f"),
                alt.Tooltip("outcome:N", title="Outcome"),
            ],
        )
        .properties(height=320)
    )


def cost_band_chart(data: pd.DataFrame, percent: bool) -> alt.Chart:
    """Counts of cases by cost band pair (a heat map): shared mode's view of costs."""
    field, title = _measure(percent)
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("home_care_band:O", title="Home care a month", sort=COST_LABELS),
            y=alt.Y("inpatient_band:O", title="Inpatient a month", sort=COST_LABELS[::-1]),
            color=alt.Color(f"{field}:Q", title=title),
            tooltip=_tooltip(alt.Tooltip("home_care_band:O", title="Home care"), alt.Tooltip("inpatient_band:O")),
        )
        .properties(height=260)
    )


def terminations_chart(data: pd.DataFrame, percent: bool) -> alt.Chart:
    """Terminations by month of their effective date."""
    field, title = _measure(percent)
    return (
        alt.Chart(data)
        .mark_bar(color="#6a1b9a")
        .encode(
            x=alt.X("month:O", title="Month the termination takes effect"),
            y=alt.Y(f"{field}:Q", title=title),
            tooltip=_tooltip(alt.Tooltip("month:O", title="Month")),
        )
        .properties(height=260)
    )


ROLE_LABELS = {
    "filed": "filed", "decision": "decision", "document": "document date", "parole_start": "parole starts",
    "parole_end": "parole ends", "termination_effective": "termination effective", "entry": "entry",
    "diagnosis": "diagnosis", "admission": "admission", "discharge": "discharge", "appointment": "appointment",
}  # fmt: skip


def timeline_data(timeline: pd.DataFrame, documents: pd.DataFrame, show_files: bool) -> pd.DataFrame:
    """One row per stated date of a case: its role and which document (by name, or 'document N' when hidden)."""
    numbers = {sha: i for i, sha in enumerate(documents["sha256"], start=1)}
    frame = timeline.copy()
    frame["event"] = frame["role"].map(lambda r: ROLE_LABELS.get(r, str(r).replace("_", " ")))
    frame["document"] = [
        name if show_files else f"document {numbers.get(sha, 0)} ({kind.replace('_', ' ')})"
        for name, sha, kind in zip(frame["file_name"], frame["sha256"], frame["doc_type"], strict=True)
    ]
    frame["date"] = pd.to_datetime(frame["date"])
    return frame[["date", "event", "document", "doc_type"]]


def timeline_chart(timeline: pd.DataFrame, documents: pd.DataFrame, show_files: bool) -> alt.LayerChart:
    """The case's dates on one axis, a row per kind of date, coloured by document type; today as a rule."""
    frame = timeline_data(timeline, documents, show_files)
    events = [label for label in ROLE_LABELS.values() if label in set(frame["event"])]
    points = (
        alt.Chart()
        .mark_point(filled=True, size=120)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, labelOverlap=True)),
            y=alt.Y("event:N", title=None, sort=events),
            color=alt.Color("doc_type:N", title="Document type", legend=alt.Legend(orient="bottom")),
            shape=alt.Shape("doc_type:N", legend=None),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%Y-%m-%d"),
                alt.Tooltip("event:N", title="What"),
                alt.Tooltip("document:N", title="Document"),
            ],
        )
    )
    # Today's rule carries its one row inline, so the chart has one data frame (the case's dates) for vega_lite().
    today = (
        alt.Chart(alt.Data(values=[{"date": pd.Timestamp.today().strftime("%Y-%m-%d")}]))
        .mark_rule(color="#c62828", strokeDash=[4, 3])
        .encode(x="date:T", tooltip=[alt.Tooltip("date:T", title="Today", format="%Y-%m-%d")])
    )
    return alt.layer(points, today, data=frame).properties(height=max(120, 34 * len(events)))
