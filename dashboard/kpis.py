"""The Patterns page's headline figures and the 'about the data' notes (how each chart counts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from warehouse.filters import SUPPRESS_MAX, is_suppressed


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    help: str


def _money(value: Any) -> str:
    return "–" if value is None else f"${value:,.0f}"


def _count(value: int, shared: bool) -> str:
    return f"≤{SUPPRESS_MAX}" if shared and is_suppressed(value) else f"{value:,}"


def headline_figures(h: Mapping[str, Any], shared: bool) -> list[Figure]:
    """Cases, documents, grant rate, median days to decision, median monthly costs, expiring within 90 days.
    Shared: counts from 1 to 10 hidden, and rates and medians hidden when they rest on 10 cases or fewer."""

    def few(basis: str) -> bool:  # a median over 10 cases or fewer could give a case's own figure away
        return shared and int(h.get(basis, h["cases"])) <= SUPPRESS_MAX

    rate = (
        "–"
        if not h["decided"] or (shared and h["decided"] <= SUPPRESS_MAX)
        else f"{100 * h['granted'] / h['decided']:.0f}%"
    )
    days = h["median_days_to_decision"]
    return [
        Figure("Cases", _count(h["cases"], shared), "Cases the filters select: one person's parole matter each."),
        Figure("Documents", _count(int(h["documents"]), shared), "Documents in those cases."),
        Figure(
            "Grant rate", rate,
            "Granted or extended, out of cases whose latest decision is granted, extended or denied "
            "(pending, RFE and terminated cases left out).",
        ),
        Figure(
            "Median days to decision", "–" if days is None or few("with_days_to_decision") else f"{days:,.0f}",
            "From the earliest filing to the latest decision, over cases with both dates.",
        ),
        Figure(
            "Median home care / month", "–" if few("with_home_care") else _money(h["median_home_care_monthly_usd"]),
            "Highest monthly home-care cost (USD) stated in each case; median over cases that state one.",
        ),
        Figure(
            "Median inpatient / month", "–" if few("with_inpatient") else _money(h["median_inpatient_monthly_usd"]),
            "Highest monthly inpatient cost (USD) stated in each case; median over cases that state one.",
        ),
        Figure(
            "Paroles expiring within 90 days", _count(int(h["expiring_90"]), shared),
            "Granted or extended cases whose parole ends in the next 90 days (see Deadlines).",
        ),
    ]  # fmt: skip


OUTCOME_BY = {
    "Diagnosis": ("primary_diagnosis", "diagnosis"),
    "ICD-10 chapter": ("icd10_chapter_name", "ICD-10 chapter"),
    "Facility": ("facility", "facility"),
    "State": ("facility_state", "state"),
    "Country": ("country", "country of origin"),
}

_CASE = (
    "One case is one person's parole matter: documents are joined when they share an A-number, a receipt number, "
    "an MRN, or the patient's name with the date of birth. "
)
ABOUT = {
    "quarter": _CASE + "Each case counts once, in the quarter of its latest decision (else its earliest filing), "
    "under the outcome of its latest decision document. Percent: share of the quarter's cases.",
    "time": _CASE + "Days from the earliest filing date to the latest decision date, for cases where both are "
    "stated, in 30-day bins. Cases with neither date are left out.",
    "outcome_by": _CASE + "Each case counts once, under its primary {words} (the one stated in most of its "
    "documents) and its latest outcome; the 12 largest groups are shown, the rest under (other). Percent: share "
    "within the group.",
    "cost": "Each point is one case that states both a monthly home-care and a monthly inpatient cost in USD (the "
    "highest stated of each); the tooltip gives how many times home care the inpatient cost is. "
    "Amounts in other currencies or without a period are left out.",
    "representation": _CASE + "A case is represented when any of its documents names a legal organisation. "
    "Percent: share within represented and unrepresented cases.",
    "terminations": "Cases with a termination notice, by the month its termination takes effect (the notice's "
    "stated effective date).",
}
SHARED_NOTE = f"\n\nShared view: groups of 1 to {SUPPRESS_MAX} cases are not drawn (and not in the percentages)."
