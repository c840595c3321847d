"""AppTest of every page against small published warehouses: real content, filters that change it, no exceptions."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def _app(data_dir: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("MEDPAROLE_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    return at.run()


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("caption", "markdown", "info", "subheader", "header") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def _cases(data_dir: Path) -> list[tuple[str, str | None]]:
    import duckdb

    con = duckdb.connect(str(data_dir / "published.duckdb"), read_only=True)
    try:
        return con.execute("SELECT pseudonym, latest_outcome FROM case_summary ORDER BY pseudonym").fetchall()
    finally:
        con.close()


def test_documents_page_shows_documents_facts_and_a_filter(
    published_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(published_warehouse, monkeypatch, "app_pages/documents.py")
    assert not at.exception
    assert at.title[0].value == "Documents"
    assert [m.value for m in at.metric][:1] == ["6"]
    assert at.caption[0].value.endswith("facts")
    at.multiselect(key="fields").select("identifier").run()
    assert not at.exception
    assert at.caption[0].value.endswith("where field is identifier")
    facts = at.dataframe[0].value
    assert set(facts["field"]) == {"identifier"}
    assert len(at.get("download_button")) == 1
    # A part of one document's name narrows both tables to the documents it names.
    name = str(at.dataframe[1].value["file_name"].iloc[0])
    part = name[1:-1].upper()
    at.text_input(key="document_name").input(part).run()
    assert not at.exception
    names = set(at.dataframe[1].value["file_name"])
    assert name in names and all(part.lower() in n.lower() for n in names)
    assert set(at.dataframe[0].value["file_name"]) <= names
    assert f'document name contains "{part}"' in at.caption[0].value
    assert at.caption[1].value.startswith(f"{len(names)} document{'s' if len(names) > 1 else ''} whose name contains")


def test_dashboard_explains_what_to_do_without_a_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tmp_path, monkeypatch)
    assert not at.exception
    assert "medparole ingest" in at.info[0].value


def test_dashboard_config_is_hardened() -> None:
    import tomllib

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True
    assert 0 < config["server"]["maxUploadSize"] <= 100


def test_patterns_page_shows_kpis_and_charts_and_a_filter_changes_them(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _cases(case_warehouse)
    at = _app(case_warehouse, monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Patterns"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cases"] == str(len(cases))
    assert metrics["Grant rate"].endswith("%")
    # Lazy tabs: the open one's two charts are drawn, each tab's own when it is opened.
    subheaders = {}
    for tab in ("Over time", "Outcomes", "Time and cost"):
        at.session_state["patterns_tab"] = tab
        at.run()
        assert not at.exception and len(at.get("vega_lite_chart")) == 2, tab
        subheaders[tab] = [s.value for s in at.subheader]
    assert subheaders == {
        "Over time": ["Cases per quarter by outcome", "Terminations over time"],
        "Outcomes": ["Outcome by diagnosis", "Legal representation and outcome"],
        "Time and cost": ["Time to decision", "Home care against inpatient cost"],
    }
    assert any("One case is one person's parole matter" in e.value for e in at.markdown)
    outcome = sorted({o for _, o in cases if o})[0]
    at.multiselect(key="filter_outcomes").select(outcome).run()
    assert not at.exception
    narrowed = sum(1 for _, o in cases if o == outcome)
    assert {m.label: m.value for m in at.metric}["Cases"] == str(narrowed)
    assert at.caption[0].value.startswith(f"{narrowed} case")
    assert f"outcome is {outcome}" in at.caption[0].value
    assert at.query_params["outcomes"] in (outcome, [outcome])


def test_the_cost_chart_counts_by_band_beyond_its_point_limit(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One point per case up to charts.MAX_POINTS; beyond, counts by cost band, saying how to see each case."""
    from dashboard import charts

    at = _app(case_warehouse, monkeypatch)
    at.session_state["patterns_tab"] = "Time and cost"
    drawn = len(at.run().get("vega_lite_chart"))
    assert not any("counted by cost band" in c.value for c in at.caption)
    monkeypatch.setattr(charts, "MAX_POINTS", 0)
    at = _app(case_warehouse, monkeypatch)
    at.session_state["patterns_tab"] = "Time and cost"
    at.run()
    assert not at.exception
    assert any("counted by cost band" in c.value for c in at.caption)
    assert len(at.get("vega_lite_chart")) == drawn  # the band chart in the scatter's place


def test_percent_toggle_and_shared_mode_suppress_small_counts(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(case_warehouse, monkeypatch)
    at.segmented_control(key="patterns_measure").set_value("Percent").run()
    assert not at.exception
    at.radio(key="privacy_mode").set_value("shared").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cases"] == "≤10"  # the small warehouse has fewer than 11 cases
    assert metrics["Grant rate"] == "–"
    assert "fewer than 11 cases" in at.caption[0].value


def test_a_filter_in_the_url_reproduces_the_view(case_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = _cases(case_warehouse)
    outcome = sorted({o for _, o in cases if o})[0]
    at = _app(case_warehouse, monkeypatch, "app_pages/cases.py", outcomes=outcome)
    assert not at.exception
    assert at.multiselect(key="filter_outcomes").value == [outcome]
    table = at.dataframe[0].value
    assert set(table["latest_outcome"]) == {outcome}


def test_cases_page_lists_the_filtered_table_with_three_downloads(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _cases(case_warehouse)
    at = _app(case_warehouse, monkeypatch, "app_pages/cases.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert sorted(table["pseudonym"]) == [p for p, _ in cases]
    assert "patient_names" in table.columns  # identified: a local session without sign-in
    assert at.caption[0].value == f"{len(cases)} cases"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["CSV", "Excel", "Parquet", "Notes"]
    at.radio(key="privacy_mode").set_value("deidentified").run()
    table = at.dataframe[0].value
    assert "patient_names" not in table.columns and "a_numbers" not in table.columns
    at.radio(key="privacy_mode").set_value("shared").run()
    counts = at.dataframe[0].value
    assert "pseudonym" not in counts.columns and set(counts["cases"]) == {"≤10"}


def test_case_page_shows_timeline_evidence_and_source_files(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pseudonym = _cases(case_warehouse)[0][0]
    at = _app(case_warehouse, monkeypatch, "app_pages/case.py", case=pseudonym)
    assert not at.exception
    assert at.header[0].value == pseudonym
    assert len(at.get("vega_lite_chart")) == 1
    evidence = [e.proto.body for e in at.get("html")]
    assert any("<mark>" in body for body in evidence)
    assert [s.value for s in at.subheader][:1] == ["Timeline"]
    assert not at.get("download_button")  # lazy tabs: the Documents tab is drawn when opened
    at.session_state["case_tab"] = "Documents"
    at.run()
    assert not at.exception and not at.get("html")
    assert len(at.get("download_button")) >= 2  # each document's source file, from the store


def test_case_page_reads_its_case_again_only_when_the_case_or_the_data_changes(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A filter change keeps the case on screen without reading it again; a correction recorded meanwhile, or
    another case, is read at once (and shows)."""
    import shutil

    from dashboard import data
    from warehouse import corrections
    from warehouse.corrections import Action, Correction

    folder = tmp_path / "data"
    shutil.copytree(case_warehouse, folder)
    reads: list[str] = []
    real = data.case_evidence

    def counted(pseudonym: str, identified: bool) -> data.CaseEvidence | None:
        reads.append(pseudonym)
        return real(pseudonym, identified)

    monkeypatch.setattr(data, "case_evidence", counted)
    (first, _), (second, _) = _cases(folder)[:2]
    at = _app(folder, monkeypatch, "app_pages/case.py", case=first)
    assert not at.exception and reads == [first]
    outcomes = real(first, True).facts.query("field == 'outcome'")  # type: ignore[union-attr]
    assert f"outcome ({len(outcomes)})" in [e.label for e in at.expander]
    at.multiselect(key="filter_states").select(at.multiselect(key="filter_states").options[0]).run()
    at.session_state["case_tab"] = "Documents"
    at.run()
    assert not at.exception and reads == [first] and at.header[0].value == first
    fact = outcomes.iloc[0]
    rejected = Correction("Ana", fact["sha256"], "outcome", Action.reject, int(fact["start_offset"]),
                          int(fact["end_offset"]), old_value=fact["value"], reason="test")  # fmt: skip
    corrections.record_correction(folder / "corrections.sqlite", rejected)
    at.session_state["case_tab"] = "Facts and their evidence"
    at.run()
    assert not at.exception and reads == [first, first]
    assert f"outcome ({len(outcomes) - 1})" in [e.label for e in at.expander]  # the rejected fact is gone
    at.query_params["case"] = second
    at.run()
    assert not at.exception and reads == [first, first, second] and at.header[0].value == second


def test_case_page_draws_a_fact_on_its_page_image(case_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    con = duckdb.connect(str(case_warehouse / "published.duckdb"), read_only=True)
    try:
        (pseudonym,) = con.execute(
            """SELECT s.pseudonym FROM case_summary s
               JOIN case_documents cd USING (case_id) JOIN documents d USING (sha256)
               WHERE d.media_type = 'application/pdf' ORDER BY s.pseudonym LIMIT 1"""
        ).fetchall()[0]
    finally:
        con.close()
    at = _app(case_warehouse, monkeypatch, "app_pages/case.py", case=pseudonym)
    assert not at.exception and not at.get("image")
    at.session_state["case_tab"] = "On the page"
    at.run()
    choice = at.selectbox(key="page_fact")
    assert len(choice.options) >= 3
    images = at.get("image")
    assert len(images) == 1 and not at.warning
    caption = images[0].captions[0]
    assert "the span is boxed" in caption and ".pdf, page 1" in caption
    choice.set_value(choice.options[-1]).run()
    assert not at.exception and len(at.get("image")) == 1


def test_cases_page_shows_the_first_rows_and_downloads_them_all(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page shows at most tables.SHOWN_ROWS cases (megabytes of grid on every rerun otherwise), says so, and a
    row still opens its case; the downloads hold every case of the filter."""
    from dashboard import tables

    monkeypatch.setattr(tables, "SHOWN_ROWS", 2)
    cases = _cases(case_warehouse)
    at = _app(case_warehouse, monkeypatch, "app_pages/cases.py")
    assert not at.exception
    assert at.dataframe[0].value["pseudonym"].tolist() == [p for p, _ in cases][:2]
    assert at.caption[0].value == f"{len(cases)} cases"
    assert f"The first 2 of {len(cases)} are shown" in _texts(at)


def test_case_page_lists_some_cases_and_opens_any_other(case_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The list of cases to pick holds tables.LISTED_CASES and takes a typed pseudonym (the browser's part, which
    AppTest cannot type); a case beyond the list, named in the link, opens."""
    from dashboard import tables

    monkeypatch.setattr(tables, "LISTED_CASES", 1)
    cases = [p for p, _ in _cases(case_warehouse)]
    at = _app(case_warehouse, monkeypatch, "app_pages/case.py")
    choice = at.selectbox(key="case_choice_None")
    assert choice.options == cases[:1] and choice.proto.accept_new_options
    at = _app(case_warehouse, monkeypatch, "app_pages/case.py", case=cases[-1])
    assert not at.exception
    assert at.header[0].value == cases[-1]
    assert at.selectbox(key=f"case_choice_{cases[-1]}").options == [cases[-1], cases[0]]


def test_case_page_without_a_case_offers_the_filtered_ones(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(case_warehouse, monkeypatch, "app_pages/case.py")
    assert not at.exception
    assert at.selectbox(key="case_choice_None").options == [p for p, _ in _cases(case_warehouse)]
    assert "choose one" in _texts(at)


def test_deadlines_page_counts_expiries_and_offers_csv_and_calendar(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(case_warehouse, monkeypatch, "app_pages/deadlines.py")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels == [f"Paroles expiring within {d} days" for d in (30, 60, 90, 180)]
    table = at.dataframe[0].value
    assert "Parole terminated" in set(table["what"])
    assert [b.proto.label for b in at.get("download_button")] == ["Deadlines as CSV", "Add to calendar (.ics)"]
    at.segmented_control(key="deadline_kind").set_value("Terminations").run()
    assert set(at.dataframe[0].value["what"]) == {"Parole terminated"}


def test_review_page_records_a_correction_that_shows_at_once(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(case_warehouse, data)
    at = _app(data, monkeypatch, "app_pages/review.py")
    assert not at.exception
    assert {m.label for m in at.metric} >= {"Low-confidence facts", "Conflicts", "Unread"}
    # Only the open tab is drawn: the low-confidence facts and the recent corrections, no document list yet.
    assert len(at.dataframe) == 2 and at.dataframe[-1].value.empty
    assert "add_document" not in {w.key for w in at.selectbox} and not at.get("form")
    at.text_input(key="review_author").input("Ana").run()
    at.session_state["review_tab"] = "Unread documents"
    at.run()
    assert len(at.dataframe) == 2 and {"file_name", "error_code", "error_message"} <= set(at.dataframe[0].value)
    at.session_state["review_tab"] = "Add a missing fact"
    at.run()
    offered = at.selectbox(key="add_document").options
    assert 0 < len(offered) <= 50
    # The document list narrows to what is typed: a file name's part, or a case's pseudonym.
    wanted = offered[-1]
    at.text_input(key="add_search").input(wanted[2:-2].upper()).run()
    assert wanted in at.selectbox(key="add_document").options
    assert all(wanted[2:-2].lower() in name.lower() for name in at.selectbox(key="add_document").options)
    pseudonym = _cases(data)[0][0]
    at.text_input(key="add_search").input(pseudonym).run()
    by_case = at.selectbox(key="add_document").options
    assert by_case and len(by_case) < len(offered)
    at.text_input(key="add_search").input("no document is called this").run()
    assert not at.selectbox(key="add_document").options
    assert "No document" in _texts(at)
    at.text_input(key="add_search").input(pseudonym).run()
    at.selectbox(key="add_field").set_value("legal_org")
    at.text_input(key="add_value").input("Public Counsel")
    at.text_input(key="add_reason").input("named in the cover letter")
    at.button(key="add_submit").click().run()
    assert not at.exception
    history = at.dataframe[-1].value
    assert list(history["action"]) == ["add"] and list(history["author"]) == ["Ana"]
    assert list(history["new_value"]) == ["Public Counsel"]


def test_downloads_hold_exactly_the_filtered_table_de_identified_unless_asked(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    import pandas as pd

    from dashboard import data
    from warehouse.export import ExportFormat
    from warehouse.filters import CaseFilter

    monkeypatch.setenv("MEDPAROLE_DATA_DIR", str(case_warehouse))
    cases = _cases(case_warehouse)
    outcome = sorted({o for _, o in cases if o})[0]
    flt = CaseFilter(outcomes=(outcome,))
    csv = pd.read_csv(io.BytesIO(data.export_file(flt, ExportFormat.csv, identified=False, shared=False)))
    assert sorted(csv["pseudonym"]) == sorted(p for p, o in cases if o == outcome)
    assert "patient_names" not in csv.columns
    xlsx = pd.read_excel(io.BytesIO(data.export_file(flt, ExportFormat.xlsx, True, False)), sheet_name=None)
    assert set(xlsx) == {"cases", "notes"} and "patient_names" in xlsx["cases"].columns
    parquet = pd.read_parquet(io.BytesIO(data.export_file(flt, ExportFormat.parquet, False, True)))
    assert "pseudonym" not in parquet.columns and parquet["cases"].isna().all()
    notes = data.export_notes(flt, identified=False, shared=False).decode()
    assert f"where outcome is {outcome}" in notes and "De-identified" in notes


def test_deidentified_mode_shows_no_names_or_document_text(
    case_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    con = duckdb.connect(str(case_warehouse / "published.duckdb"), read_only=True)
    pseudonym, names = con.execute(
        "SELECT pseudonym, patient_names FROM case_summary JOIN case_identities USING (case_id) "
        "WHERE patient_names IS NOT NULL ORDER BY pseudonym LIMIT 1"
    ).fetchone()
    con.close()
    surname = names.split(";")[0].split(",")[0].split()[-1]
    at = _app(case_warehouse, monkeypatch, "app_pages/case.py", case=pseudonym)
    assert surname in _texts(at)
    at.radio(key="privacy_mode").set_value("deidentified").run()
    assert not at.exception
    assert at.header[0].value == pseudonym
    assert surname not in _texts(at) and not at.get("html")
    assert "Identified mode" in at.info[0].value
    facts = at.dataframe[0].value
    assert not set(facts["field"]) & {"patient_name", "identifier"}
    at.switch_page("app_pages/review.py").run()
    assert "Identified mode" in at.info[0].value and not at.dataframe
