"""The dashboard shows no identifier outside Identified mode, and no traceback or exception text anywhere: every
page in Shared and De-identified mode over the ingested warehouse (see leak_run.py), and every page over broken
data dirs with the error-details setting of dashboard/.streamlit/config.toml. Everything the browser would
receive is searched: each element's strings, table cells and chart data, and the sidebar.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from identifiers import CORPUS, Hit, Identifiers
from leak_run import ROOT, LeakRun

pytestmark = pytest.mark.flow

APP = str(ROOT / "dashboard" / "app.py")
PAGES = ["app_pages/patterns.py", "app_pages/cases.py", "app_pages/case.py", "app_pages/deadlines.py",
         "app_pages/review.py", "app_pages/documents.py", "app_pages/pipeline.py"]  # fmt: skip
# Pages whose tabs are drawn only when open (st.tabs with on_change="rerun"): each tab is searched in turn. (The
# Review page's tabs show only in Identified mode.)
LAZY_TABS = {"app_pages/patterns.py": ("patterns_tab", ("Over time", "Outcomes", "Time and cost"))}


def _report(hits: list[Hit]) -> str:
    return "\n".join(f"{h.where}: {h.kind} {h.needle!r} in …{h.context}…" for h in hits[:10])


def _proto_text(message: Any) -> Iterator[str]:
    """Every string of a Streamlit element as the browser receives it; Arrow tables (dataframes, chart data)
    are read back into their cells."""
    import pyarrow as pa

    for descriptor, value in message.ListFields():
        values = value if descriptor.is_repeated else [value]
        for item in values:
            if isinstance(item, str):
                yield item
            elif isinstance(item, bytes):
                try:
                    yield pa.ipc.open_stream(item).read_all().to_pandas().to_csv(index=False)
                except (pa.ArrowInvalid, OSError):
                    yield item.decode("utf-8", errors="replace")
            elif hasattr(item, "ListFields"):
                yield from _proto_text(item)
            else:
                yield str(item)


def _page_text(at: Any) -> str:
    """Everything a page put on screen: each element's strings, tables and chart data; also the sidebar."""
    out: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            out.extend(_proto_text(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def _render(data: Path, page: str, mode: str, monkeypatch: pytest.MonkeyPatch, **state: str) -> Any:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MEDPAROLE_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["privacy_mode"] = mode
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page)
    return at.run()


def test_identified_pages_show_names_so_the_page_search_can_fail(
    leak_run: LeakRun, corpus_ids: Identifiers, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _render(leak_run.data, "app_pages/cases.py", "identified", monkeypatch)
    assert not at.exception
    kinds = {h.kind for h in corpus_ids.find(_page_text(at), "identified Cases page")}
    assert kinds >= {"name", "a_number", "date_of_birth"}


@pytest.mark.parametrize("mode", ["shared", "deidentified"])
def test_shared_and_deidentified_pages_hold_no_identifiers(
    leak_run: LeakRun,
    corpus_ids: Identifiers,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    mode: str,
) -> None:
    from dashboard.privacy import LABELS, Mode

    caplog.set_level(logging.DEBUG)
    views = [(page, {}) for page in PAGES if page not in LAZY_TABS]
    views += [(page, {key: tab}) for page, (key, tabs) in LAZY_TABS.items() for tab in tabs]
    for page, state in views:
        at = _render(leak_run.data, page, mode, monkeypatch, **state)
        assert not at.exception, (page, state, at.exception)
        text = _page_text(at)
        assert len(text) > 200 and f"{LABELS[Mode(mode)]} view" in text
        if state:  # the tab asked for is the one drawn: its two charts' headings, no other tab's
            assert len(at.subheader) == 2, (page, state, [h.value for h in at.subheader])
        where = f"{page} {state} ({mode})"
        hits = corpus_ids.find(text, where) + corpus_ids.find(caplog.text, f"logs of {where}")
        assert not hits, _report(hits)


@contextlib.contextmanager
def _dashboard_config() -> Iterator[str]:
    """The error-details setting of dashboard/.streamlit/config.toml, applied as `medparole dashboard` applies it
    (AppTest does not read the app folder's config)."""
    import tomllib

    from streamlit import config

    wanted = tomllib.loads((ROOT / "dashboard" / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", wanted["client"]["showErrorDetails"])
    try:
        yield str(wanted["client"]["showErrorDetails"])
    finally:
        config.set_option("client.showErrorDetails", before)


def _broken_warehouses(leak_run: LeakRun, tmp_path: Path) -> dict[str, Path]:
    """Data dirs a dashboard meets when things go wrong: nothing published yet; a published copy and corrections
    store that are not databases at all (here: a patient's letter, so an error that quotes the file would show);
    a warehouse whose dates hold a patient's name (any error quoting the bad value would show it)."""
    letter = next(p for p in (CORPUS / "docs").glob("*.txt"))
    out = {"nothing published": tmp_path / "missing", "not a database": tmp_path / "garbage"}
    for folder in out.values():
        folder.mkdir()
    (out["not a database"] / "published.duckdb").write_bytes(letter.read_bytes())
    (out["not a database"] / "corrections.sqlite").write_bytes(letter.read_bytes())
    names = tmp_path / "names-in-dates"
    names.mkdir()
    shutil.copy(leak_run.data / "published.duckdb", names / "published.duckdb")
    with duckdb.connect(str(names / "published.duckdb")) as con:
        con.execute("CREATE TABLE saved_identities AS SELECT * FROM case_identities")
        con.execute("CREATE TABLE saved_summary AS SELECT * FROM case_summary")
        con.execute("DROP VIEW case_summary CASCADE")
        con.execute(
            "CREATE VIEW case_summary AS SELECT s.* REPLACE (CAST(i.patient_names AS DATE) AS termination_effective) "
            "FROM saved_summary s LEFT JOIN saved_identities i USING (case_id)"
        )
    out["names in a date column"] = names
    return out


def test_error_pages_show_no_traceback_or_identifier(
    leak_run: LeakRun,
    corpus_ids: Identifiers,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    """Every page, in every mode, over broken warehouses: a sentence saying what to do, or Streamlit's redacted
    error box; never a traceback, an exception's text or an identifier. With error details on ("full"), the same
    broken warehouse does put a name on the page, so the scenario can fail."""
    caplog.set_level(logging.DEBUG)
    broken = _broken_warehouses(leak_run, tmp_path)
    errors = 0
    with _dashboard_config() as setting:
        assert setting == "none"
        for state, data in broken.items():
            for number, page in enumerate(PAGES):  # the modes in turn: the same errors, less time
                for mode in [("identified", "deidentified", "shared")[(number + len(state)) % 3]]:
                    caplog.clear()
                    at = _render(data, page, mode, monkeypatch)
                    for box in at.exception:
                        errors += 1
                        assert not box.stack_trace and "Error" not in box.message, (state, page, box.message)
                        assert not corpus_ids.find(box.message + "\n".join(box.stack_trace), page)
                    text = _page_text(at)
                    assert "Traceback" not in text and 'File "' not in text, (state, page, mode)
                    if state != "names in a date column" or mode != "identified":
                        hits = corpus_ids.find(text, f"{page} ({state}, {mode})")
                        assert not hits, _report(hits)
                    if state != "names in a date column":  # Streamlit logs an uncaught error's text, by design
                        hits = corpus_ids.find(caplog.text, f"logs of {page} ({state}, {mode})")
                        assert not hits, _report(hits)
    assert errors, "no page failed over the broken warehouses: the redaction was not exercised"
    from streamlit import config

    config.set_option("client.showErrorDetails", "full")
    try:
        at = _render(broken["names in a date column"], "app_pages/patterns.py", "shared", monkeypatch)
    finally:
        config.set_option("client.showErrorDetails", "none")
    shown = "\n".join(box.message for box in at.exception)
    assert corpus_ids.find(shown, "error details"), "the broken warehouse raised no error that quotes a name"
