"""medparole dashboard: `medparole dashboard` (or `streamlit run dashboard/app.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run` puts this file's folder on sys.path, not the project: make `dashboard.*` importable.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

st.set_page_config(page_title="medparole", page_icon=":material/medical_information:", layout="wide")

pages = [
    st.Page("app_pages/documents.py", title="Documents and facts", icon=":material/description:", default=True),
]
st.navigation(pages).run()
