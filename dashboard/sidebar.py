"""The sidebar every page shares: the case filter (kept in the URL so a link reproduces the view) and the privacy
mode. app.py calls `render()` once a run; pages read `current_filter()` and `current_mode()`."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import streamlit as st

from dashboard import privacy
from dashboard.privacy import Mode
from warehouse.case_queries import FilterChoices
from warehouse.filters import AGE_GROUPS, CaseFilter, DateField

FILTER_KEYS = frozenset(f.name for f in fields(CaseFilter))
_PREFIX = "filter_"
_TRISTATE: dict[str, bool | None] = {"Any": None, "Yes": True, "No": False}
_TRISTATE_WORD = {v: k for k, v in _TRISTATE.items()}
_DATE_WORDS = {
    DateField.decision_date: "Decision date",
    DateField.filed_date: "Filed date",
    DateField.parole_end: "Parole end date",
}


def _key(name: str) -> str:
    return _PREFIX + name


def url_params() -> dict[str, list[str]]:
    """The page's query string, every key with all its values."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def seed_state(flt: CaseFilter, choices: FilterChoices) -> dict[str, Any]:
    """Widget values for a filter read from a URL, keeping only options the warehouse has."""
    options = {
        "outcomes": choices.outcomes, "diagnoses": choices.diagnoses, "icd10_chapters": list(choices.icd10_chapters),
        "facilities": choices.facilities, "states": choices.states, "countries": choices.countries,
        "legal_orgs": choices.legal_orgs, "languages": choices.languages, "age_groups": list(AGE_GROUPS),
    }  # fmt: skip
    state: dict[str, Any] = {}
    for name in FILTER_KEYS:
        value = getattr(flt, name)
        if name in options:
            value = [v for v in value if v in options[name]]
        elif name in ("treatment_unavailable", "needs_review"):
            value = _TRISTATE_WORD[value]
        state[_key(name)] = value
    return state


def _clear() -> None:
    for name in FILTER_KEYS:
        st.session_state.pop(_key(name), None)
    st.session_state.pop("filters_seeded", None)
    st.session_state["filters_cleared"] = True


def render_filters(choices: FilterChoices) -> CaseFilter:
    """The filter widgets in the sidebar; returns the filter and writes it to the URL."""
    if "filters_seeded" not in st.session_state:
        from_url = CaseFilter() if st.session_state.pop("filters_cleared", False) else None
        st.session_state.update(seed_state(from_url or CaseFilter.from_query_params(url_params()), choices))
        st.session_state["filters_seeded"] = True

    bar = st.sidebar
    bar.header("Filters")
    with bar.expander(
        "Dates", expanded=bool(st.session_state.get(_key("date_from")) or st.session_state.get(_key("date_to")))
    ):
        date_field = st.selectbox("Date", list(DateField), format_func=_DATE_WORDS.get, key=_key("date_field"))
        date_from = st.date_input("From", value=None, key=_key("date_from"), format="YYYY-MM-DD")
        date_to = st.date_input("To", value=None, key=_key("date_to"), format="YYYY-MM-DD")
    outcomes = bar.multiselect("Outcome", choices.outcomes, key=_key("outcomes"), placeholder="Any outcome")
    diagnoses = bar.multiselect("Diagnosis", choices.diagnoses, key=_key("diagnoses"), placeholder="Any diagnosis")
    chapters = bar.multiselect(
        "ICD-10 chapter",
        list(choices.icd10_chapters),
        format_func=lambda c: f"{c}. {choices.icd10_chapters.get(c, '')}",
        key=_key("icd10_chapters"),
        placeholder="Any chapter",
    )
    facilities = bar.multiselect("Facility", choices.facilities, key=_key("facilities"), placeholder="Any facility")
    states = bar.multiselect("State", choices.states, key=_key("states"), placeholder="Any state")
    countries = bar.multiselect("Country of origin", choices.countries, key=_key("countries"), placeholder="Any")
    legal_orgs = bar.multiselect("Legal organisation", choices.legal_orgs, key=_key("legal_orgs"), placeholder="Any")
    age_groups = bar.multiselect("Age group", list(AGE_GROUPS), key=_key("age_groups"), placeholder="Any age")
    languages = bar.multiselect("Document language", choices.languages, key=_key("languages"), placeholder="Any")
    unavailable = _TRISTATE[
        bar.selectbox("Treatment unavailable at home", list(_TRISTATE), key=_key("treatment_unavailable"))
    ]
    needs_review = _TRISTATE[bar.selectbox("Needs review", list(_TRISTATE), key=_key("needs_review"))]
    text = bar.text_input("Documents mention", key=_key("text"), placeholder="words in the documents' text")
    bar.button("Clear filters", on_click=_clear, icon=":material/filter_alt_off:", width="stretch")

    flt = CaseFilter(
        date_field=DateField(date_field),
        date_from=date_from if not isinstance(date_from, tuple) else None,
        date_to=date_to if not isinstance(date_to, tuple) else None,
        outcomes=tuple(outcomes),
        diagnoses=tuple(diagnoses),
        icd10_chapters=tuple(chapters),
        facilities=tuple(facilities),
        states=tuple(states),
        countries=tuple(countries),
        legal_orgs=tuple(legal_orgs),
        age_groups=tuple(age_groups),
        languages=tuple(languages),
        treatment_unavailable=unavailable,
        needs_review=needs_review,
        text=text.strip(),
    )
    write_url(flt)
    st.session_state["case_filter"] = flt
    return flt


def write_url(flt: CaseFilter) -> None:
    """Put the filter in the query string, keeping the page's own keys (such as `case`)."""
    current = url_params()
    wanted = {k: v for k, v in current.items() if k not in FILTER_KEYS} | flt.to_query_params()
    if wanted != current:
        st.query_params.from_dict(wanted)


def render_mode() -> Mode:
    """The privacy mode switch; identified only for who may see it. Shows the mode clearly."""
    try:
        secrets: dict[str, Any] = st.secrets.to_dict()
    except Exception:  # no secrets.toml: a local single user
        secrets = {}
    configured = privacy.auth_configured(secrets)
    user = st.user
    logged_in = bool(configured and user.get("is_logged_in"))
    verified = user.get("email_verified") is True or privacy.trusts_unverified_email(secrets)
    allowed = privacy.may_see_identified(
        configured, logged_in, user.get("email"), privacy.allowlist(secrets), email_verified=verified
    )
    modes = privacy.available_modes(allowed)
    if st.session_state.get("privacy_mode") not in modes:
        st.session_state["privacy_mode"] = modes[0]
    bar = st.sidebar
    bar.header("Privacy")
    mode = bar.radio(
        "Mode",
        modes,
        format_func=lambda m: privacy.LABELS[m],
        key="privacy_mode",
        help="\n\n".join(f"**{privacy.LABELS[m]}**: {privacy.HELP[m]}" for m in modes),
    )
    bar.caption(privacy.HELP[mode])
    if configured:
        if logged_in:
            bar.caption(f"Signed in as {user.get('email') or user.get('name')}")
            bar.button("Sign out", on_click=st.logout)
        else:
            bar.button("Sign in to see identified data", on_click=st.login)
    else:
        bar.caption("Sign-in is not configured: a local single-user session may see identified data.")
    return Mode(mode)


def current_filter() -> CaseFilter:
    flt = st.session_state.get("case_filter")
    return flt if isinstance(flt, CaseFilter) else CaseFilter()


def current_mode() -> Mode:
    return Mode(st.session_state.get("privacy_mode", Mode.deidentified))


def mode_banner(mode: Mode) -> None:
    """A line at the top of a page saying which mode the figures are in."""
    colour = {Mode.identified: "red", Mode.deidentified: "blue", Mode.shared: "green"}[mode]
    st.badge(f"{privacy.LABELS[mode]} view", color=colour, icon=":material/shield_person:")
