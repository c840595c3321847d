"""Privacy modes: who may see what, and the small-count suppression every shared figure goes through."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

import pandas as pd

from warehouse.filters import SUPPRESS_MAX, CaseFilter, is_suppressed


class Mode(StrEnum):
    """identified: names and identifiers (coordinators); deidentified: pseudonyms only; shared: pseudonyms and
    every count from 1 to 10 suppressed (partners, the public)."""

    identified = "identified"
    deidentified = "deidentified"
    shared = "shared"


LABELS = {Mode.identified: "Identified", Mode.deidentified: "De-identified", Mode.shared: "Shared"}
HELP = {
    Mode.identified: "Names, A-numbers and dates of birth shown and exported. Coordinators only.",
    Mode.deidentified: "Cases under pseudonyms; no names or identifiers anywhere.",
    Mode.shared: "For partners and the public: de-identified, no case rows, counts from 1 to 10 suppressed.",
}


def auth_configured(secrets: Mapping[str, Any]) -> bool:
    """Whether st.login can work: an [auth] section with a redirect URI and a cookie secret."""
    auth = secrets.get("auth") or {}
    return bool(auth.get("redirect_uri") and auth.get("cookie_secret"))


def allowlist(secrets: Mapping[str, Any]) -> frozenset[str]:
    """E-mail addresses allowed identified data: [medparole] identified_allowlist in secrets.toml."""
    section = secrets.get("medparole") or {}
    return frozenset(str(e).strip().lower() for e in section.get("identified_allowlist", []) if str(e).strip())


def trusts_unverified_email(secrets: Mapping[str, Any]) -> bool:
    """[medparole] trust_unverified_email = true: for a provider that never sends `email_verified` and lets no
    user choose an address it has not verified (say so in secrets.toml only after checking that)."""
    return (secrets.get("medparole") or {}).get("trust_unverified_email") is True


def may_see_identified(
    configured: bool, logged_in: bool, email: str | None, allowed: Iterable[str], email_verified: bool = False
) -> bool:
    """Without sign-in configured the app is a local single-user tool: identified is allowed. With sign-in,
    only a signed-in user on the allowlist whose provider vouches for the e-mail (`email_verified`): at
    providers where users may type an address of their own, anyone could claim a coordinator's."""
    if not configured:
        return True
    return logged_in and email_verified and bool(email) and str(email).strip().lower() in set(allowed)


def available_modes(identified_allowed: bool) -> list[Mode]:
    return [Mode.identified, Mode.deidentified, Mode.shared] if identified_allowed else [Mode.deidentified, Mode.shared]


def suppress(frame: pd.DataFrame, columns: Iterable[str] = ("cases",)) -> pd.DataFrame:
    """A copy with every count from 1 to SUPPRESS_MAX in `columns` blanked (NA), and a `suppressed` flag."""
    out = frame.copy()
    flags = pd.Series(False, index=out.index)
    for column in columns:
        if column not in out:
            continue
        small = pd.to_numeric(out[column], errors="coerce").between(1, SUPPRESS_MAX)
        flags |= small
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Float64").mask(small)
    out["suppressed"] = flags
    return out


def shared_chart_data(frame: pd.DataFrame) -> pd.DataFrame:
    """Chart data as shared mode may draw it: groups of 1 to SUPPRESS_MAX cases left out, and the percentages
    computed again over the groups that are drawn (within each quarter or group where the chart has one). Kept
    from over every group, a drawn bar's percent would give its group's total, and with it a hidden count."""
    shown = suppress(frame, ("cases",))
    shown = shown[~shown["suppressed"]].dropna(subset=["cases"]).copy()
    if "percent" in shown:
        group = next((column for column in ("quarter", "group") if column in shown), None)
        total = shown.groupby(group)["cases"].transform("sum") if group else shown["cases"].sum()
        shown["percent"] = (100 * shown["cases"] / total).astype("Float64").round(1)
    return shown


def shown_count(count: int | None, mode: Mode) -> str:
    """A count as the current mode may show it: '1-10' hidden in shared mode."""
    if count is None:
        return "–"
    if mode is Mode.shared and is_suppressed(count):
        return f"≤{SUPPRESS_MAX}"
    return f"{count:,}"


def shown_sentence(flt: CaseFilter, count: int, mode: Mode) -> str:
    """The filter sentence, its count written as 'fewer than 11' when shared mode hides it."""
    return flt.human_clause(count, shared=mode is Mode.shared)


def export_stem(flt: CaseFilter, count: int, mode: Mode) -> str:
    """The download's file name (without extension): the filter sentence, and the mode when it matters."""
    if mode is Mode.shared:
        return f"{flt.file_stem(count, shared=True)}-shared"
    return flt.file_stem(count) + ("-identified" if mode is Mode.identified else "")


def display_counts(frame: pd.DataFrame, column: str = "cases") -> pd.DataFrame:
    """A suppressed table for the screen: blank counts written as '≤10' so nobody reads them as zero."""
    shown = frame.copy()
    shown[column] = [f"≤{SUPPRESS_MAX}" if pd.isna(v) else f"{int(v):,}" for v in shown[column]]
    return shown
