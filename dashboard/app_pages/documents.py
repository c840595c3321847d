"""Documents: every extracted fact with the text it came from (identified mode), one filter, a CSV download."""

from __future__ import annotations

import streamlit as st

from dashboard import data, privacy, sidebar
from dashboard.privacy import Mode
from warehouse.db import WarehouseError
from warehouse.queries import FactFilter

st.title("Documents")
mode = sidebar.current_mode()
sidebar.mode_banner(mode)

version = data.published_version()
try:
    headline = data.headline_counts(version)
except WarehouseError as exc:
    st.info(str(exc))
    st.stop()

left, middle, right = st.columns(3)
left.metric("Documents", privacy.shown_count(headline["documents"], mode))
middle.metric("Facts", privacy.shown_count(headline["facts"], mode))
right.metric("Could not be read", privacy.shown_count(headline["failed"], mode))
if mode is not Mode.identified:
    st.info("Facts and file names come from the documents' text and can hold names: switch to Identified mode.")
    st.stop()

chosen = st.multiselect(
    "Fields",
    options=data.fields(version),
    format_func=lambda f: f.replace("_", " "),
    placeholder="All fields",
    key="fields",
)
flt = FactFilter(fields=tuple(chosen))
table = data.facts(version, flt)
caption = flt.human_clause(len(table))
st.caption(caption)
st.dataframe(
    table.drop(columns=["sha256", "start_offset", "end_offset"]),
    hide_index=True,
    column_config={
        "file_name": "Document",
        "doc_type": "Type",
        "field": "Field",
        "value": "Value",
        "text": st.column_config.TextColumn("Source text", help="The exact words the fact was read from"),
        "page": st.column_config.NumberColumn("Page", format="%d"),
        "confidence": st.column_config.ProgressColumn("Confidence", min_value=0.0, max_value=1.0, format="%.2f"),
        "attributes": "Attributes",
    },
)
st.download_button(
    "Download CSV",
    data=lambda: table.to_csv(index=False).encode("utf-8"),  # made when clicked, not on every run
    file_name=f"{flt.file_stem(len(table))}.csv",
    mime="text/csv",
    icon=":material/download:",
)

st.subheader("Documents")
st.dataframe(
    data.documents(version).drop(columns=["sha256"]),
    hide_index=True,
    column_config={
        "file_name": "Document",
        "doc_type": "Type",
        "language": "Language",
        "status": "Status",
        "error_code": "Error",
        "error_message": st.column_config.TextColumn("What to do", width="large"),
        "pages": "Pages",
        "ocr_pages": "OCR pages",
        "facts": "Facts",
    },
)
