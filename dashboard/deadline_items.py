"""Deadlines as rows a person reads and as calendar events (names only when identified)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from dashboard.ics import Event

KIND_LABELS = {
    "parole_expiry": "Parole expires",
    "reparole_window": "Re-parole window closes",
    "termination": "Parole terminated",
}
BUCKETS = (30, 60, 90, 180)
COLUMNS = (
    "names",
    "pseudonym",
    "what",
    "due_date",
    "days_left",
    "details",
    "primary_diagnosis",
    "facility",
    "legal_org",
)


def bucket_counts(deadlines: pd.DataFrame) -> dict[int, int]:
    """Paroles expiring within 30, 60, 90 and 180 days (cumulative: within 90 includes within 30)."""
    expiring = deadlines[deadlines["kind"] == "parole_expiry"]["days_left"]
    return {b: int((expiring <= b).sum()) for b in BUCKETS}


def first_name(names: object) -> str:
    """The first of a case's name variants ('A; B; C' -> 'A')."""
    return str(names).split("; ")[0] if isinstance(names, str) else ""


def describe(row: Mapping[str, object]) -> str:
    """What the deadline asks, in words, with plain dates."""
    kind = row["kind"]
    due = _iso(row["due_date"])
    if kind == "reparole_window":
        return f"File for re-parole between {_iso(row['window_opens'])} and {_iso(row['window_closes'])}"
    if kind == "termination":
        return f"Termination takes effect on {due}"
    return f"Parole ends on {due}"


def readable(deadlines: pd.DataFrame) -> pd.DataFrame:
    """The deadlines with what each is and asks in words (`what`, `details`)."""
    return deadlines.assign(
        what=deadlines["kind"].map(KIND_LABELS), details=[describe(r) for r in deadlines.to_dict("records")]
    )


def calendar_events(deadlines: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[Event]:
    """One event per deadline; `names` (pseudonym -> names) only in identified mode, else the pseudonym alone.
    The re-parole window spans its days; other deadlines are single days."""
    events: list[Event] = []
    for row in deadlines.to_dict("records"):
        who = str(row["pseudonym"])
        if names and names.get(who):
            who = f"{names[who]} ({who})"
        summary = f"{KIND_LABELS.get(str(row['kind']), str(row['kind']))}: {who}"
        detail = [describe(row)]
        if row.get("primary_diagnosis"):
            detail.append(f"Diagnosis: {row['primary_diagnosis']}")
        if row.get("legal_org"):
            detail.append(f"Legal organisation: {row['legal_org']}")
        detail.append("From medparole; check the case's documents before acting.")
        start = _date(row["window_opens"]) if row["kind"] == "reparole_window" else None
        due = _date(row["due_date"])
        if due is None:
            continue
        events.append(
            Event(
                uid_seed=f"{row['case_id']}|{row['kind']}",
                day=start or due,
                end_day=due if start else None,
                summary=summary,
                description="\n".join(detail),
            )
        )
    return events


def _date(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _iso(value: object) -> str:
    day = _date(value)
    return day.isoformat() if day else "?"
