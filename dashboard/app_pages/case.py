"""Case: one case's documents and dates on a timeline, each fact with the sentence it came from, conflicts
between documents side by side, and the source files."""

from __future__ import annotations

import streamlit as st

from dashboard import case_view, charts, data, sidebar, tables
from dashboard.privacy import Mode
from warehouse.db import WarehouseError

st.title("Case")
mode = sidebar.current_mode()
sidebar.mode_banner(mode)
if mode is Mode.shared:
    st.info("The shared view shows no single case. Switch the privacy mode to see one.")
    st.stop()

flt = sidebar.current_filter()
try:
    pseudonyms = data.pseudonyms(data.published_version(), flt)
except WarehouseError as exc:
    st.info(str(exc))
    st.stop()

# The list holds the first cases of the filter (20,000 options were sent and drawn on every rerun); any other is
# opened by typing its pseudonym, or from the Cases page.
LISTED = tables.LISTED_CASES
wanted = st.query_params.get("case")
listed = pseudonyms[:LISTED]
options = listed if wanted in listed or not wanted else [wanted, *listed]
chosen = st.selectbox(
    "Case",
    options,
    index=options.index(wanted) if wanted in options else None,
    placeholder="Choose a case, or type its pseudonym",
    accept_new_options=True,
    help=f"The list shows the first {LISTED} cases of the filter; type a pseudonym (case-…) to open any other."
    if len(pseudonyms) > LISTED
    else None,
    key=f"case_choice_{wanted}",
)
if not chosen:
    st.caption(f"{flt.human_clause(len(pseudonyms))}: choose one, or select a row on the Cases page.")
    st.stop()
chosen = chosen.strip()
if chosen != wanted:
    st.query_params["case"] = chosen

identified = mode is Mode.identified
evidence = data.session_case_evidence(chosen, identified=identified)
if evidence is None:
    st.warning(f"No case {chosen} in the published warehouse (it may have been merged or re-linked).")
    st.stop()
case, identity, documents, timeline = evidence.case, evidence.identity, evidence.documents, evidence.timeline
facts, conflicts, pages = evidence.facts, evidence.conflicts, evidence.pages

case_view.summary(case, identity)

st.subheader("Timeline")
st.vega_lite_chart(
    *charts.vega_lite(charts.timeline_chart(timeline, documents, show_files=identified)), width="stretch"
)

if conflicts.empty:
    st.caption("The case's documents agree on name, date of birth, A-number and country.")
else:
    st.subheader("Where the documents disagree")
    case_view.conflicts(conflicts, show_text=identified)


def facts_and_evidence() -> None:
    """Each fact with the sentence it came from, the span marked (identified); else the facts without text."""
    if identified:
        case_view.evidence(facts, pages)
    else:
        st.info("Evidence sentences and names come from the documents' text: switch to Identified mode to see them.")
        st.dataframe(case_view.deidentified_facts(facts), hide_index=True)


def on_the_page() -> None:
    """One fact at a time on its page image, the span boxed (identified only: the page holds names)."""
    if identified:
        case_view.page_images(facts, documents, pages)
    else:
        st.info("A page image shows the document's words and names: switch to Identified mode to see it.")


# Lazy tabs: a filter change (which keeps the case) draws the open tab only, not every fact, page and file.
TABS = {
    "Facts and their evidence": facts_and_evidence,
    "On the page": on_the_page,
    "Documents": lambda: case_view.documents(documents, show_files=identified),
}
for tab, draw in zip(st.tabs(list(TABS), key="case_tab", on_change="rerun"), TABS.values(), strict=True):
    if tab.open:
        with tab:
            draw()
