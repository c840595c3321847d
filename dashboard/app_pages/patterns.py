"""Patterns: the headline figures and the charts, for the cases the sidebar selects."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import charts, data, kpis, privacy, sidebar
from dashboard.privacy import Mode
from warehouse.db import WarehouseError

st.title("Patterns")
mode = sidebar.current_mode()
sidebar.mode_banner(mode)
flt = sidebar.current_filter()
try:
    version = data.published_version()
    cases = data.cases(version, flt)
    headline = data.headline(version, flt)
except WarehouseError as exc:
    st.info(str(exc))
    st.stop()

st.caption(privacy.shown_sentence(flt, len(cases), mode))
figures = kpis.headline_figures(headline, shared=mode is Mode.shared)
for column, figure in zip(st.columns(4) + st.columns(4), figures, strict=False):
    column.metric(figure.label, figure.value, help=figure.help, border=True)

percent = st.segmented_control("Show", ["Number", "Percent"], default="Number", key="patterns_measure") == "Percent"
shared = mode is Mode.shared


def show(chart_data, draw, about: str) -> None:  # type: ignore[no-untyped-def]
    """Draw one chart (suppressing small counts in shared mode) and its note on how it is counted."""
    shown = privacy.shared_chart_data(chart_data) if shared else chart_data
    if shown.empty:
        st.caption(
            "No cases to draw" + (" (or every count is 10 or fewer, which the shared view hides)." if shared else ".")
        )
    else:
        st.vega_lite_chart(*charts.vega_lite(draw(shown)), width="stretch")
    with st.expander("About the data"):
        st.markdown(about + (kpis.SHARED_NOTE if shared else ""))


def side_by_side(*charts_: tuple[str, Callable[[], None]]) -> None:
    """Two charts in two columns, each under its heading."""
    for column, (heading, draw) in zip(st.columns(len(charts_)), charts_, strict=True):
        with column:
            st.subheader(heading)
            draw()


def over_time() -> None:
    """Cases per quarter by outcome; terminations per quarter."""
    side_by_side(
        (
            "Cases per quarter by outcome",
            lambda: show(
                charts.cases_per_quarter_data(cases), lambda d: charts.quarter_chart(d, percent), kpis.ABOUT["quarter"]
            ),
        ),
        (
            "Terminations over time",
            lambda: show(
                charts.terminations_data(cases),
                lambda d: charts.terminations_chart(d, percent),
                kpis.ABOUT["terminations"],
            ),
        ),
    )


def outcomes() -> None:
    """Outcome by diagnosis, ICD-10 chapter, facility or state; legal representation against outcome."""
    by = (
        st.segmented_control("Outcome by", list(kpis.OUTCOME_BY), default="Diagnosis", key="patterns_outcome_by")
        or "Diagnosis"
    )
    column, words = kpis.OUTCOME_BY[by]
    side_by_side(
        (
            f"Outcome by {words}",
            lambda: show(
                charts.outcome_by_data(cases, column),
                lambda d: charts.stacked_outcome_bars(d, "group", by, percent),
                kpis.ABOUT["outcome_by"].format(words=words),
            ),
        ),
        (
            "Legal representation and outcome",
            lambda: show(
                charts.representation_data(cases),
                lambda d: charts.stacked_outcome_bars(d, "group", "Legal organisation", percent),
                kpis.ABOUT["representation"],
            ),
        ),
    )


def time_and_cost() -> None:
    """Days from filing to decision; monthly home-care against inpatient cost."""
    side_by_side(
        (
            "Time to decision",
            lambda: show(
                charts.time_to_decision_data(cases), lambda d: charts.histogram_chart(d, percent), kpis.ABOUT["time"]
            ),
        ),
        ("Home care against inpatient cost", cost_chart),
    )


def cost_chart() -> None:
    """Each case a point; by cost band beyond MAX_POINTS cases, and always in shared mode."""
    if shared:
        show(charts.cost_band_data(cases), lambda d: charts.cost_band_chart(d, percent), kpis.ABOUT["cost"])
        return
    costs = charts.cost_data(cases)
    if costs.empty:
        st.caption("No case states both a monthly home-care and an inpatient cost.")
    elif len(costs) > charts.MAX_POINTS:  # thousands of dots hide each other, and cost every rerun to draw
        st.caption(
            f"{len(costs):,} cases, counted by cost band: narrow the filters to {charts.MAX_POINTS:,} or fewer "
            "to see each case as a point."
        )
        st.vega_lite_chart(
            *charts.vega_lite(charts.cost_band_chart(charts.cost_band_data(cases), percent)), width="stretch"
        )
    else:
        st.vega_lite_chart(*charts.vega_lite(charts.cost_scatter(costs)), width="stretch")
    with st.expander("About the data"):
        st.markdown(kpis.ABOUT["cost"])


# Lazy tabs: a rerun computes and draws the open tab's two charts, not all six (each chart costs the server and
# the browser about 50 ms a rerun; with ten coordinators at once that is most of a second).
TABS = {"Over time": over_time, "Outcomes": outcomes, "Time and cost": time_and_cost}
for tab, draw in zip(st.tabs(list(TABS), key="patterns_tab", on_change="rerun"), TABS.values(), strict=True):
    if tab.open:
        with tab:
            draw()
