"""Cases: the filtered case table; a row opens the case; downloads of exactly this table."""

from __future__ import annotations

import streamlit as st

from dashboard import data, privacy, sidebar, tables
from dashboard.privacy import Mode
from warehouse.db import WarehouseError
from warehouse.export import DEFAULT_GROUP_BY, ExportFormat, aggregate

st.title("Cases")
mode = sidebar.current_mode()
sidebar.mode_banner(mode)
flt = sidebar.current_filter()

try:
    version = data.published_version()
    if mode is Mode.identified:  # names are never cached: only the rows shown are read
        table = data.identified_cases(flt, limit=tables.SHOWN_ROWS)
        total = len(data.pseudonyms(version, flt))
    else:
        table = data.cases(version, flt)
        total = len(table)
except WarehouseError as exc:
    st.info(str(exc))
    st.stop()

st.caption(privacy.shown_sentence(flt, total, mode))

if mode is Mode.shared:
    st.markdown("Shared view: no case rows, only counts by outcome and ICD-10 chapter; counts from 1 to 10 are hidden.")
    st.dataframe(
        privacy.display_counts(aggregate(table, DEFAULT_GROUP_BY)),
        hide_index=True,
        column_config=tables.AGGREGATE_COLUMNS,
    )
else:
    shown = table.head(tables.SHOWN_ROWS)
    more = f" The first {len(shown):,} of {total:,} are shown: narrow the filters, or download them all." * (
        total > len(shown)
    )
    st.caption("Select a row to open the case." + more)
    selection = st.dataframe(
        shown,
        hide_index=True,
        column_order=tables.case_column_order(mode),
        column_config=tables.CASE_COLUMNS,
        on_select="rerun",
        selection_mode="single-row",
        height=560,
        key=f"case_table_{st.session_state.get('case_table_nonce', 0)}",
    )
    rows = selection.selection.rows if selection else []
    if rows:
        st.session_state["case_table_nonce"] = st.session_state.get("case_table_nonce", 0) + 1
        pseudonym = str(shown.iloc[rows[0]]["pseudonym"])
        st.switch_page("app_pages/case.py", query_params={**flt.to_query_params(), "case": pseudonym})

st.subheader("Download this table")
identified = mode is Mode.identified
shared = mode is Mode.shared
stem = privacy.export_stem(flt, total, mode)
left, middle, right, notes = st.columns(4)
for column, fmt, label, mime in (
    (left, ExportFormat.csv, "CSV", "text/csv"),
    (middle, ExportFormat.xlsx, "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (right, ExportFormat.parquet, "Parquet", "application/vnd.apache.parquet"),
):
    column.download_button(
        label,
        data=lambda fmt=fmt: data.export_file(flt, fmt, identified, shared),
        file_name=f"{stem}.{fmt.value}",
        mime=mime,
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )
notes.download_button(
    "Notes",
    data=lambda: data.export_notes(flt, identified, shared),
    file_name=f"{stem}.notes.txt",
    mime="text/plain",
    icon=":material/description:",
    on_click="ignore",
    width="stretch",
    help="Columns, the filter, how cases are counted and what is suppressed (Excel has them in a notes sheet).",
)
st.caption(
    {
        Mode.identified: "Identified export: names, A-numbers and dates of birth included. Do not share.",
        Mode.deidentified: "De-identified export: pseudonyms, no names, identifiers or dates of birth.",
        Mode.shared: "Shared export: counts by outcome and ICD-10 chapter, 1 to 10 suppressed; no case rows.",
    }[mode]
)
