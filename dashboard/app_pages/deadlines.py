"""Deadlines: paroles expiring soon, re-parole windows, terminations; as CSV and as a calendar."""

from __future__ import annotations

import streamlit as st

from dashboard import data, deadline_items, ics, privacy, sidebar
from dashboard.privacy import Mode
from warehouse.db import WarehouseError

st.title("Deadlines")
mode = sidebar.current_mode()
sidebar.mode_banner(mode)
flt = sidebar.current_filter()
try:
    deadlines = data.deadlines(data.published_version(), flt)
except WarehouseError as exc:
    st.info(str(exc))
    st.stop()

cases_with_deadlines = int(deadlines["case_id"].nunique())
st.caption("Deadlines of " + privacy.shown_sentence(flt, cases_with_deadlines, mode))
counts = deadline_items.bucket_counts(deadlines)
for column, days in zip(st.columns(len(counts)), counts, strict=True):
    column.metric(f"Paroles expiring within {days} days", privacy.shown_count(counts[days], mode), border=True)

if mode is Mode.shared:
    st.info("The shared view lists no single case: only the counts above (1 to 10 shown as ≤10).")
    st.stop()

names: dict[str, str] = {}
if mode is Mode.identified:
    identified = data.patient_names(flt)
    names = {
        p: deadline_items.first_name(n)
        for p, n in zip(identified["pseudonym"].tolist(), identified["patient_names"].tolist(), strict=True)
    }
table = deadlines  # a copy of the cached frame (st.cache_data copies): adding names touches no other session
if names:
    table.insert(0, "names", table["pseudonym"].map(names))

window = st.segmented_control(
    "Show", ["All", "Expiring", "Re-parole window", "Terminations"], default="All", key="deadline_kind"
)
kind = {"Expiring": "parole_expiry", "Re-parole window": "reparole_window", "Terminations": "termination"}.get(
    window or "All"
)
shown = table if kind is None else table[table["kind"] == kind]
st.dataframe(
    shown,
    hide_index=True,
    column_order=[c for c in deadline_items.COLUMNS if c in shown],
    column_config={
        "names": st.column_config.TextColumn("Name", help="As the first document prints it; see the case for all"),
        "pseudonym": "Case",
        "what": "Deadline",
        "due_date": st.column_config.DateColumn("Due"),
        "days_left": st.column_config.NumberColumn("Days left", format="%d"),
        "details": st.column_config.TextColumn("What to do", width="large"),
        "primary_diagnosis": "Diagnosis",
        "facility": "Facility",
        "legal_org": "Legal organisation",
    },
)
st.caption(
    "Parole expiry: cases whose latest outcome is granted or extended, ending within 180 days. Re-parole window: "
    "file between 180 and 90 days before the parole ends (the due date is the day it closes). Terminations: every "
    "termination with its effective date, past ones included (negative days left)."
)

stem = privacy.export_stem(flt, cases_with_deadlines, mode).replace("medparole-", "medparole-deadlines-", 1)
left, right = st.columns(2)
left.download_button(
    "Deadlines as CSV",
    data=lambda: shown.drop(columns=["case_id", "kind"]).to_csv(index=False).encode("utf-8"),  # made when clicked
    file_name=f"{stem}.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    width="stretch",
)
right.download_button(
    "Add to calendar (.ics)",
    data=lambda: ics.calendar(deadline_items.calendar_events(shown, names), name="medparole deadlines").encode("utf-8"),
    file_name=f"{stem}.ics",
    mime="text/calendar",
    icon=":material/calendar_add_on:",
    on_click="ignore",
    width="stretch",
    help="Names are in the events only in identified mode; otherwise the case's pseudonym.",
)
