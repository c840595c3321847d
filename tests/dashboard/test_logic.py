"""The dashboard's logic as plain functions: URL <-> filter, chart data, suppression, evidence, calendar, review."""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import parse_qs, urlencode

import pandas as pd
import pytest

from dashboard import charts, deadline_items, ics, kpis, privacy, review_actions
from dashboard.evidence import document_text, highlight_html, sentence_around
from dashboard.privacy import Mode
from warehouse.case_queries import FilterChoices
from warehouse.corrections import Action, CorrectionError
from warehouse.filters import CaseFilter, DateField


def test_a_filter_survives_the_url_round_trip() -> None:
    flt = CaseFilter(
        date_field=DateField.parole_end, date_from=dt.date(2025, 1, 1), outcomes=("granted", "terminated"),
        icd10_chapters=(11, 14), age_groups=("0-4",), treatment_unavailable=True, needs_review=False,
        text="nutrición parenteral",
    )  # fmt: skip
    query = urlencode(flt.to_query_params(), doseq=True)
    assert "outcomes=granted&outcomes=terminated" in query
    assert CaseFilter.from_query_params(parse_qs(query)) == flt
    assert CaseFilter().to_query_params() == {}


def test_a_hand_edited_url_never_breaks_the_page() -> None:
    flt = CaseFilter.from_query_params({"date_from": "yesterday", "icd10_chapters": ["x"], "age_groups": ["99+"]})
    assert flt == CaseFilter()


def test_sidebar_seeds_only_options_the_warehouse_has() -> None:
    from dashboard.sidebar import seed_state

    choices = FilterChoices(["granted"], ["asthma"], {10: "Respiratory"}, [], [], [], [], ["en"], None, None)
    state = seed_state(CaseFilter(outcomes=("granted", "gone"), needs_review=True), choices)
    assert state["filter_outcomes"] == ["granted"]
    assert state["filter_needs_review"] == "Yes" and state["filter_treatment_unavailable"] == "Any"


CASES = pd.DataFrame(
    {
        "pseudonym": ["case-a", "case-b", "case-c", "case-d"],
        "latest_outcome": ["granted", "granted", "denied", None],
        "decision_date": ["2025-01-10", "2025-02-01", "2025-05-01", None],
        "filed_date": ["2024-12-01", "2024-12-15", "2025-03-01", "2025-06-01"],
        "days_to_decision": [40, 48, 61, None],
        "primary_diagnosis": ["short bowel syndrome", "short bowel syndrome", "leukemia", None],
        "legal_org": ["Public Counsel", None, None, "Public Counsel"],
        "home_care_monthly_usd": [8000.0, None, 12000.0, 5000.0],
        "inpatient_monthly_usd": [160000.0, 90000.0, 120000.0, None],
        "termination_effective": [None, "2025-04-23", None, "2025-04-30"],
    }
)


def test_cases_per_quarter_counts_each_case_once_with_shares() -> None:
    data = charts.cases_per_quarter_data(CASES)
    assert data[["quarter", "outcome", "cases"]].values.tolist() == [
        ["2025Q1", "granted", 2], ["2025Q2", "(unknown)", 1], ["2025Q2", "denied", 1],
    ]  # fmt: skip
    assert data.groupby("quarter")["percent"].sum().tolist() == [100.0, 100.0]


def test_outcome_by_groups_keeps_the_largest_and_puts_other_last() -> None:
    data = charts.outcome_by_data(CASES, "primary_diagnosis", top=1)
    assert list(dict.fromkeys(data["group"])) == ["short bowel syndrome", "(other)"]
    assert data[data["group"] == "(other)"]["cases"].sum() == 2


def test_time_to_decision_bins_and_terminations_by_month() -> None:
    bins = charts.time_to_decision_data(CASES, bin_days=30)
    assert bins[["label", "cases"]].values.tolist() == [["30–59", 2], ["60–89", 1]]
    months = charts.terminations_data(CASES)
    assert months[["month", "cases"]].values.tolist() == [["2025-04", 2]]


def test_costs_need_both_amounts_and_representation_splits_cases() -> None:
    costs = charts.cost_data(CASES)
    assert list(costs["pseudonym"]) == ["case-a", "case-c"]
    assert costs["ratio"].round(0).tolist() == [20.0, 10.0]
    rep = charts.representation_data(CASES)
    assert rep.groupby("group")["cases"].sum().to_dict() == {"legal organisation named": 2, "none named": 2}


TIMELINE = pd.DataFrame(
    {
        "date": ["2025-01-10", "2025-03-02"],
        "role": ["filed", "decision"],
        "file_name": ["a.pdf", "b.pdf"],
        "sha256": ["1" * 64, "2" * 64],
        "doc_type": ["medical_letter", "parole_decision"],
    }
)
TIMELINE_DOCUMENTS = pd.DataFrame({"sha256": ["1" * 64, "2" * 64]})


def test_the_case_timeline_is_one_data_frame_and_a_rule_for_today() -> None:
    data, drawn = charts.vega_lite(charts.timeline_chart(TIMELINE, TIMELINE_DOCUMENTS, show_files=False))
    assert data["document"].tolist() == ["document 1 (medical letter)", "document 2 (parole decision)"]
    today = [layer for layer in drawn["layer"] if layer["mark"]["type"] == "rule"]
    assert today and today[0]["data"]["values"][0]["date"] == pd.Timestamp.today().strftime("%Y-%m-%d")


def test_every_chart_builds_a_vega_lite_spec_with_tooltips() -> None:
    specs = [
        charts.quarter_chart(charts.cases_per_quarter_data(CASES), percent=True),
        charts.stacked_outcome_bars(charts.outcome_by_data(CASES, "primary_diagnosis"), "group", "Diagnosis", False),
        charts.histogram_chart(charts.time_to_decision_data(CASES), False),
        charts.cost_scatter(charts.cost_data(CASES)),
        charts.cost_band_chart(charts.cost_band_data(CASES), False),
        charts.terminations_chart(charts.terminations_data(CASES), False),
        charts.timeline_chart(TIMELINE, TIMELINE_DOCUMENTS, show_files=False),
    ]
    for chart in specs:
        spec = chart.to_dict()  # validated against the Vega-Lite schema
        assert "tooltip" in str(spec)
        # What the pages draw: the same spec, unvalidated, with the data passed beside it.
        data, drawn = charts.vega_lite(chart)
        assert data is chart.data and chart.to_dict() == spec
        assert drawn == {k: v for k, v in spec.items() if k not in ("data", "datasets")}
        assert "config" not in drawn  # Altair's default theme (a 300 x 300 view) stays off, as st.altair_chart has it


def test_suppression_blanks_counts_from_one_to_ten_only() -> None:
    frame = pd.DataFrame({"group": list("abcd"), "cases": [0, 1, 10, 11]})
    out = privacy.suppress(frame)
    assert out["cases"].isna().tolist() == [False, True, True, False]
    assert out["suppressed"].tolist() == [False, True, True, False]
    assert privacy.shown_count(7, Mode.shared) == "≤10" and privacy.shown_count(7, Mode.identified) == "7"
    granted = CaseFilter(outcomes=("granted",))
    assert privacy.shown_sentence(granted, 7, Mode.shared) == "fewer than 11 cases where outcome is granted"
    assert privacy.shown_sentence(granted, 7, Mode.identified) == "7 cases where outcome is granted"


def test_shared_headline_hides_small_counts_and_rates_built_on_them() -> None:
    h = {"cases": 8, "documents": 30, "decided": 6, "granted": 5, "median_days_to_decision": 40.0,
         "median_home_care_monthly_usd": 8000.0, "median_inpatient_monthly_usd": 1.0, "expiring_90": 2,
         "with_days_to_decision": 1, "with_home_care": 5, "with_inpatient": 5}  # fmt: skip
    shared = {f.label: f.value for f in kpis.headline_figures(h, shared=True)}
    assert shared["Cases"] == "≤10" and shared["Grant rate"] == "–" and shared["Median days to decision"] == "–"
    assert shared["Documents"] == "30"
    full = {f.label: f.value for f in kpis.headline_figures(h, shared=False)}
    assert full["Grant rate"] == "83%" and full["Median home care / month"] == "$8,000"
    many = {**h, "cases": 80, "with_home_care": 40, "with_days_to_decision": 3}
    figures = {f.label: f.value for f in kpis.headline_figures(many, shared=True)}
    assert figures["Median home care / month"] == "$8,000" and figures["Median days to decision"] == "–"


def test_identified_data_only_for_the_allowlist_once_sign_in_is_configured() -> None:
    secrets = {"auth": {"redirect_uri": "http://x/oauth2callback", "cookie_secret": "s"},
               "medparole": {"identified_allowlist": ["Ana@Example.org"]}}  # fmt: skip
    configured = privacy.auth_configured(secrets)
    allowed = privacy.allowlist(secrets)
    assert configured and allowed == {"ana@example.org"}
    assert privacy.may_see_identified(configured, True, "ana@example.org", allowed, email_verified=True)
    assert not privacy.may_see_identified(configured, True, "bob@example.org", allowed, email_verified=True)
    assert not privacy.may_see_identified(configured, False, None, allowed)
    # An address the provider does not vouch for could be anyone's.
    assert not privacy.may_see_identified(configured, True, "ana@example.org", allowed, email_verified=False)
    assert not privacy.trusts_unverified_email(secrets)
    assert privacy.trusts_unverified_email({"medparole": {"trust_unverified_email": True}})
    assert not privacy.trusts_unverified_email({"medparole": {"trust_unverified_email": "yes"}})
    assert privacy.may_see_identified(False, False, None, frozenset())  # local, single user
    assert Mode.identified not in privacy.available_modes(False)


def test_evidence_finds_the_sentence_across_pages_and_marks_the_span() -> None:
    pages = [(0, "Page one. Nothing here."), (24, "Intro. She has short bowel syndrome since birth. End.")]
    text = document_text(pages)
    start = text.index("short bowel")
    found = sentence_around(text, start, start + len("short bowel syndrome"))
    assert found is not None
    assert found.sentence == "She has short bowel syndrome since birth."
    assert found.span == "short bowel syndrome"


def test_highlight_escapes_document_text_before_marking() -> None:
    sentence = 'Dx: <script>alert(1)</script> & "AKI"'
    start = sentence.index("AKI")
    out = highlight_html(sentence, start, start + 3)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.endswith("&quot;<mark>AKI</mark>&quot;")
    assert html.unescape(out.replace("<mark>", "").replace("</mark>", "")) == sentence


def test_ics_is_rfc5545_crlf_escaped_and_folded() -> None:
    event = ics.Event("case-1|parole_expiry", dt.date(2026, 3, 1), "Parole expires: case-1", "a; b, c\nnext")
    window = ics.Event("case-1|reparole", dt.date(2025, 9, 2), "Re-parole window", end_day=dt.date(2025, 12, 1))
    text = ics.calendar([event, window], name="x" * 100, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    lines = text.split("\r\n")
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines
    assert "DESCRIPTION:a\\; b\\, c\\nnext" in lines
    assert "DTSTART;VALUE=DATE:20250902" in lines and "DTEND;VALUE=DATE:20251202" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long calendar name is folded
    assert text.count("BEGIN:VEVENT") == 2 and "DTSTAMP:20250101T000000Z" in text


def test_calendar_events_carry_names_only_when_given() -> None:
    deadlines = pd.DataFrame(
        {
            "kind": ["parole_expiry", "reparole_window"], "due_date": [dt.date(2026, 3, 1), dt.date(2025, 12, 1)],
            "days_left": [90, 0], "within_days": [90, None], "window_opens": [None, dt.date(2025, 6, 4)],
            "window_closes": [None, dt.date(2025, 12, 1)], "pseudonym": ["case-1", "case-1"],
            "primary_diagnosis": ["asthma", "asthma"], "facility": [None, None], "legal_org": [None, None],
            "latest_outcome": ["granted", "granted"], "case_id": ["c1", "c1"],
        }
    )  # fmt: skip
    shared = deadline_items.calendar_events(deadlines)
    assert [e.summary for e in shared] == ["Parole expires: case-1", "Re-parole window closes: case-1"]
    assert shared[1].day == dt.date(2025, 6, 4) and shared[1].end_day == dt.date(2025, 12, 1)
    named = deadline_items.calendar_events(deadlines, {"case-1": "Ana Pérez"})
    assert named[0].summary == "Parole expires: Ana Pérez (case-1)"
    assert deadline_items.bucket_counts(deadlines) == {30: 0, 60: 0, 90: 1, 180: 1}
    window = deadlines.assign(window_opens=pd.to_datetime(deadlines["window_opens"])).to_dict("records")[1]
    assert deadline_items.describe(window) == "File for re-parole between 2025-06-04 and 2025-12-01"


def test_review_choices_become_corrections_with_who_and_why() -> None:
    fact = {"fact_key": "abc:diagnosis:10:25", "value": "epilepsy"}
    rejected = review_actions.correction_for(fact, Action.reject, "ana", "the brother's, not the patient's")
    assert (rejected.sha256, rejected.field, rejected.start_offset, rejected.end_offset) == ("abc", "diagnosis", 10, 25)
    assert rejected.old_value == "epilepsy" and rejected.author == "ana"
    added_key = {"fact_key": "abc:legal_org:add:f00", "value": "Public Counsel"}
    assert review_actions.correction_for(added_key, Action.confirm, "ana", "").target_key == "abc:legal_org:add:f00"
    with pytest.raises(CorrectionError):
        review_actions.correction_for(fact, Action.edit, "ana", "typo", new_value=" ")
    with pytest.raises(CorrectionError):
        review_actions.correction_for(fact, Action.reject, "ana", "")
    missing = review_actions.missing_fact("abc", "date", "2025-01-02", "ana", "in the header", {"role": "decision"})
    assert missing.action is Action.add and missing.new_attributes == {"role": "decision"}


def test_export_file_names_carry_the_filter_sentence_and_the_mode() -> None:
    flt = CaseFilter(outcomes=("terminated",))
    assert privacy.export_stem(flt, 42, Mode.deidentified) == "medparole-42-cases-where-outcome-is-terminated"
    assert privacy.export_stem(flt, 42, Mode.identified).endswith("-identified")
    assert privacy.export_stem(flt, 3, Mode.shared) == "medparole-few-cases-where-outcome-is-terminated-shared"


def test_the_example_secrets_turn_sign_in_and_the_allowlist_on() -> None:
    import tomllib
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "dashboard" / ".streamlit" / "secrets.example.toml"
    secrets = tomllib.loads(example.read_text(encoding="utf-8"))
    assert privacy.auth_configured(secrets) and privacy.allowlist(secrets) == {"coordinator@example.org"}
