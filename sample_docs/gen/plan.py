"""Which documents a case's story produces, when, and in which file format."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .letters_home import home_cost_quote, home_letter
from .letters_hospital import cost_estimate, discharge_summary
from .letters_legal import cover_letter, family_update
from .letters_medical import lmn
from .model import Doc
from .notices import denial_or_rfe, ice_cbp_letter, termination_email, uscis_notice
from .story import LAST_DAY, Case, Decision
from .writer import Writer

# How much more (or less) often than average each kind arrives scanned or photographed.
SCAN_FACTOR = {
    "home_country_letter": 2.4,
    "home_cost_quote": 1.6,
    "medical_necessity_letter": 0.9,
    "discharge_summary": 0.6,
    "cost_estimate": 0.6,
    "uscis_approval_notice": 0.9,
    "uscis_reparole_notice": 0.9,
    "uscis_receipt_notice": 0.7,
    "uscis_denial_letter": 1.0,
    "uscis_rfe_letter": 0.8,
    "ice_parole_letter": 1.5,
    "cbp_parole_letter": 1.5,
    "legal_cover_letter": 0.2,
    "legal_family_letter": 0.4,
    "dhs_termination_email": 0.0,
}
PHOTO_FACTOR = {
    "home_country_letter": 2.0,
    "uscis_approval_notice": 1.5,
    "uscis_reparole_notice": 1.5,
    "ice_parole_letter": 2.0,
    "cbp_parole_letter": 2.0,
    "dhs_termination_email": 3.0,
    "legal_family_letter": 1.0,
}
DOCX_KINDS = {
    "medical_necessity_letter": 0.1,
    "legal_cover_letter": 0.35,
    "legal_family_letter": 0.2,
    "home_cost_quote": 0.15,
    "cost_estimate": 0.08,
}


@dataclass
class Planned:
    """One document to write: its kind, date and the decision it reports (if any)."""

    kind: str
    day: date
    decision: Decision | None = None


def plan_case(case: Case, rng: random.Random) -> list[Planned]:
    """The documents of a case in date order."""
    first = case.decisions[0]
    filed = first.filed or first.notice
    out: list[Planned] = [Planned("medical_necessity_letter", filed - timedelta(days=rng.randint(7, 45)))]
    if rng.random() < 0.05:
        out.append(Planned("discharge_summary", filed - timedelta(days=rng.randint(30, 120))))
    if rng.random() < 0.18:
        out.append(Planned("cost_estimate", filed - timedelta(days=rng.randint(5, 40))))
    if case.home_facility is not None:
        if rng.random() < 0.75:
            out.append(Planned("home_country_letter", filed - timedelta(days=rng.randint(30, 150))))
        if rng.random() < 0.14 and case.costs.home_currency != "USD":
            out.append(Planned("home_cost_quote", filed - timedelta(days=rng.randint(20, 120))))
    if rng.random() < 0.06:
        out.append(Planned("legal_cover_letter", filed))
    last = case.decisions[-1]
    for dec in case.decisions:
        keep = dec is last or rng.random() < 0.1 or dec.kind == "termination"
        if not keep:
            continue
        kind = {
            "receipt": "uscis_receipt_notice",
            "approval": "uscis_approval_notice",
            "reparole": "uscis_reparole_notice",
            "denial": "uscis_denial_letter",
            "rfe": "uscis_rfe_letter",
            "termination": "dhs_termination_email",
        }[dec.kind]
        if dec.kind == "approval" and dec.authority in ("ICE", "CBP"):
            kind = f"{dec.authority.lower()}_parole_letter"
        out.append(Planned(kind, dec.notice, dec))
    if rng.random() < 0.3:
        dec = rng.choice(case.decisions)
        out.append(Planned("legal_family_letter", min(dec.notice + timedelta(days=rng.randint(2, 20)), LAST_DAY), dec))
    out.sort(key=lambda p: p.day)
    return out


def write(planned: Planned, w: Writer) -> Doc:
    """The document model for a planned document."""
    k, day, dec = planned.kind, planned.day, planned.decision
    if k == "medical_necessity_letter":
        return lmn(w, day)
    if k == "discharge_summary":
        return discharge_summary(w, day)
    if k == "cost_estimate":
        return cost_estimate(w, day)
    if k == "home_country_letter":
        return home_letter(w, day)
    if k == "home_cost_quote":
        return home_cost_quote(w, day)
    if k == "legal_cover_letter":
        prior = next((d.receipt for d in w.case.decisions if d.receipt and d.notice < day), None)
        return cover_letter(w, day, prior)
    assert dec is not None
    if k == "legal_family_letter":
        return family_update(w, dec, day)
    if k in ("uscis_receipt_notice", "uscis_approval_notice", "uscis_reparole_notice"):
        return uscis_notice(w, dec)
    if k in ("uscis_denial_letter", "uscis_rfe_letter"):
        return denial_or_rfe(w, dec)
    if k in ("ice_parole_letter", "cbp_parole_letter"):
        return ice_cbp_letter(w, dec)
    return termination_email(w, dec)


def language_of(kind: str) -> str:
    """The language a kind is written in."""
    return "es" if kind in ("home_country_letter", "home_cost_quote", "legal_family_letter") else "en"


def choose_format(kind: str, rng: random.Random, scanned_share: float, photo_share: float) -> str:
    """pdf, scan (image-only PDF), jpg, png, docx, txt or eml."""
    if kind == "dhs_termination_email":
        r = rng.random()
        return "png" if r < min(0.6, photo_share * PHOTO_FACTOR[kind] * 3) else ("eml" if r < 0.75 else "txt")
    if rng.random() < photo_share * PHOTO_FACTOR.get(kind, 0.3):
        return rng.choice(["jpg", "jpg", "png"])
    if rng.random() < scanned_share * SCAN_FACTOR.get(kind, 1.0):
        return "scan"
    if rng.random() < DOCX_KINDS.get(kind, 0.0):
        return "docx"
    if kind == "legal_family_letter" and rng.random() < 0.35:
        return rng.choice(["eml", "txt"])
    if kind in ("medical_necessity_letter", "legal_cover_letter") and rng.random() < 0.04:
        return "txt"
    return "pdf"
