"""Column configuration of the case tables, shared by the pages."""

from __future__ import annotations

import streamlit as st

from dashboard.privacy import Mode

# A page shows at most this many rows of a table: a browser grid of 20,000 cases or a million facts is megabytes on
# every rerun, for every session. The counts and the downloads cover every row that matches.
SHOWN_ROWS = 2_000
# The Case page's list of cases to pick from holds this many (any other is opened by typing its pseudonym).
LISTED_CASES = 200

_money = "dollar"
CASE_COLUMNS = {
    "pseudonym": st.column_config.TextColumn("Case", help="Pseudonym: the same case keeps it across exports"),
    "patient_names": st.column_config.TextColumn("Names", width="medium"),
    "a_numbers": "A-numbers",
    "receipt_numbers": "Receipt numbers",
    "dates_of_birth": "Dates of birth",
    "age_years": st.column_config.NumberColumn("Age", format="%d"),
    "country": "Country",
    "primary_diagnosis": st.column_config.TextColumn("Diagnosis", width="medium"),
    "icd10": "ICD-10",
    "icd10_chapter_name": st.column_config.TextColumn("ICD-10 chapter", width="medium"),
    "facility": st.column_config.TextColumn("Facility", width="medium"),
    "facility_state": "State",
    "legal_org": "Legal organisation",
    "latest_outcome": "Outcome",
    "filed_date": "Filed",
    "decision_date": "Decided",
    "parole_end": "Parole ends",
    "termination_effective": "Termination effective",
    "days_to_decision": st.column_config.NumberColumn("Days to decision", format="%d"),
    "days_to_expiry": st.column_config.NumberColumn("Days to expiry", format="%d"),
    "home_care_monthly_usd": st.column_config.NumberColumn("Home care / month", format=_money),
    "inpatient_monthly_usd": st.column_config.NumberColumn("Inpatient / month", format=_money),
    "treatment_unavailable": st.column_config.CheckboxColumn("Unavailable at home"),
    "documents": st.column_config.NumberColumn("Docs", format="%d"),
    "conflicts": "Conflicts",
    "needs_review": st.column_config.CheckboxColumn("Needs review"),
}
_ORDER = [
    "pseudonym", "age_years", "country", "primary_diagnosis", "icd10_chapter_name", "facility", "facility_state",
    "legal_org", "latest_outcome", "filed_date", "decision_date", "days_to_decision", "parole_end", "days_to_expiry",
    "termination_effective", "home_care_monthly_usd", "inpatient_monthly_usd", "treatment_unavailable", "documents",
    "conflicts", "needs_review",
]  # fmt: skip
_IDENTIFYING = ["patient_names", "a_numbers", "receipt_numbers", "dates_of_birth"]

AGGREGATE_COLUMNS = {
    "latest_outcome": "Outcome",
    "icd10_chapter_name": "ICD-10 chapter",
    "cases": st.column_config.TextColumn("Cases", help="≤10: between 1 and 10 cases (suppressed)"),
    "note": "Note",
}


def case_column_order(mode: Mode) -> list[str]:
    """The case table's columns in reading order: identifying ones only in identified mode."""
    return [_ORDER[0], *_IDENTIFYING, *_ORDER[1:]] if mode is Mode.identified else _ORDER
