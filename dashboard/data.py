"""Cached reads of the published warehouse. Connections are opened per read, read-only, and closed at once,
so a publish (which replaces the file) is never blocked and is seen on the next read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from warehouse import db, queries
from warehouse.settings import load_settings


def published_path() -> Path:
    return load_settings().published_db


def published_version() -> float:
    """Changes whenever a new copy is published (the cache key of every read)."""
    path = published_path()
    return path.stat().st_mtime if path.exists() else 0.0


@st.cache_data(ttl=600, show_spinner=False)
def documents(version: float) -> pd.DataFrame:
    with db.open_published(published_path()) as con:
        return queries.list_documents(con)


@st.cache_data(ttl=600, show_spinner=False)
def facts(version: float, flt: queries.FactFilter) -> pd.DataFrame:
    with db.open_published(published_path()) as con:
        return queries.list_facts(con, flt)


@st.cache_data(ttl=600, show_spinner=False)
def fields(version: float) -> list[str]:
    with db.open_published(published_path()) as con:
        return queries.fact_fields(con)


@st.cache_data(ttl=600, show_spinner=False)
def headline(version: float) -> dict[str, int]:
    with db.open_published(published_path()) as con:
        return queries.counts(con)
