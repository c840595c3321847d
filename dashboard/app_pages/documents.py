"""Documents: every extracted fact with the text it came from (identified mode), one filter, a CSV download."""

from __future__ import annotations

import streamlit as st

from dashboard import data, privacy, sidebar, tables
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

SHOWN = tables.SHOWN_ROWS

fields_column, words_column, name_column = st.columns(3)
chosen = fields_column.multiselect(
    "Fields",
    options=data.fields(version),
    format_func=lambda f: f.replace("_", " "),
    placeholder="All fields",
    key="fields",
)
words = words_column.text_input("Value or source text contains", key="fact_words")
name = name_column.text_input("Document name contains", key="document_name")
flt = FactFilter(fields=tuple(chosen), text=words, file_name=name)
total = data.fact_count(flt)
table = data.facts(flt, limit=SHOWN)
caption = flt.human_clause(total)
if total > len(table):
    caption += f"; the first {len(table):,} are shown (narrow the filters above, or download them all)"
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
    "Download CSV" + (f" (all {total:,})" if total > len(table) else ""),
    # Made when clicked, not on every run; every matching fact, up to list_facts' limit.
    data=lambda: data.facts(flt).to_csv(index=False).encode("utf-8"),
    file_name=f"{flt.file_stem(total)}.csv",
    mime="text/csv",
    icon=":material/download:",
)

st.subheader("Documents")
documents, document_total = data.documents(name, limit=SHOWN)
named = f' whose name contains "{name.strip()}"' if name.strip() else ""
shown = f"; the {len(documents):,} most recent are shown" if document_total > len(documents) else ""
st.caption(f"{document_total:,} document{'' if document_total == 1 else 's'}{named}{shown}")
st.dataframe(
    documents.drop(columns=["sha256"]),
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
