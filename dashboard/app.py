"""medparole dashboard: `medparole dashboard` (or `streamlit run dashboard/app.py`)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

# `streamlit run` puts this file's folder on sys.path, not the project: make `dashboard.*` importable.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from dashboard import data, sidebar  # noqa: E402
from warehouse.db import WarehouseError  # noqa: E402
from warehouse.heap import settle_server_heap  # noqa: E402

settle_server_heap()  # once per server: its libraries leave the collector's sight (see warehouse/heap.py)

# The favicon is served by the dashboard itself: a Material icon's is fetched from Google's font server on every
# rerun, which an offline machine cannot reach (an error in the browser's console each time).
st.set_page_config(
    page_title="medparole", page_icon=str(Path(__file__).parent / "static" / "favicon.png"), layout="wide"
)

pages = {
    "Explore": [
        st.Page("app_pages/patterns.py", title="Patterns", icon=":material/insights:", default=True),
        st.Page("app_pages/cases.py", title="Cases", icon=":material/folder_shared:"),
        st.Page("app_pages/case.py", title="Case", icon=":material/person_search:"),
        st.Page("app_pages/deadlines.py", title="Deadlines", icon=":material/event_upcoming:"),
    ],
    "Check": [
        st.Page("app_pages/review.py", title="Review", icon=":material/fact_check:"),
        st.Page("app_pages/documents.py", title="Documents", icon=":material/description:"),
        st.Page("app_pages/pipeline.py", title="Pipeline", icon=":material/conveyor_belt:"),
    ],
}
page = st.navigation(pages)

with contextlib.suppress(WarehouseError):  # each page says what to do when there is no warehouse
    sidebar.render_filters(data.choices(data.published_version()))
sidebar.render_mode()
page.run()
