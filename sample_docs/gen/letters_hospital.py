"""English hospital paperwork besides the physician's letter: discharge summary and cost estimate."""

from __future__ import annotations

from datetime import date, timedelta

from .letters_medical import family_paragraph, hospital_letterhead
from .model import KV, Doc, Gap, Para, Table
from .writer import Writer, para

# Each line item with its cost category, by what the service is: care given at home (home_care), clinical services
# such as sessions, clinic visits and laboratory tests (treatment), drugs (medication), or supplies whose setting the
# line does not state (other).
ITEMS = {
    "hpn": (
        ("Parenteral nutrition solution and lipids", "home_care"),
        ("Home infusion supplies and pump", "home_care"),
        ("Home nursing visits", "home_care"),
    ),
    "onc": (
        ("Outpatient infusion center", "treatment"),
        ("Supportive care supplies", "other"),
        ("Home health visits", "home_care"),
    ),
    "dialysis": (
        ("Dialysis sessions", "treatment"),
        ("Vascular access care", "treatment"),
        ("Nephrology clinic and labs", "treatment"),
    ),
    "transplant": (
        ("Pre-transplant evaluation", "treatment"),
        ("Immunosuppressant level monitoring", "treatment"),
        ("Clinic and laboratory", "treatment"),
    ),
    "surgery": (
        ("Post-operative clinic visits", "treatment"),
        ("Wound care supplies", "other"),
        ("Physical therapy", "treatment"),
    ),
    "medication": (
        ("Specialty drug infusions", "medication"),
        ("Home infusion nursing", "home_care"),
        ("Laboratory monitoring", "treatment"),
    ),
    "homecare": (
        ("Private duty nursing", "home_care"),
        ("Home respiratory equipment rental", "home_care"),
        ("Medical supplies", "other"),
    ),
}


def discharge_summary(w: Writer, day: date) -> Doc:
    """A hospital discharge summary: labelled sections, dates, diagnoses list."""
    c = w.case
    adm = day - timedelta(days=w.rng.randint(6, 40))
    hist = w.rng.choice(c.condition.historical)
    meta = KV(
        [
            ("Patient", [w.name()]),
            ("MRN", [w.mrn()]),
            ("DOB", [w.d(c.dob, "birth")]),
            ("Admission date", [w.d(adm, "admission")]),
            ("Discharge date", [w.d(day, "discharge")]),
            # The summary states no specialty for its attending, so the gold claims none.
            ("Attending", [w.physician(), ", MD"]),
        ]
    )
    body = [
        Para(["DISCHARGE SUMMARY"], "heading"),
        Para(["Principal diagnosis: ", w.dx()], "body"),
        Para(
            [
                "Secondary diagnoses: ",
                w.cond(hist, "historical"),
                " (history of); ",
                w.cond(w.rng.choice(c.condition.possible), "possible"),
                " (possible, under evaluation).",
            ]
        ),
        Para(["HOSPITAL COURSE"], "heading"),
        para(
            "{name} is a {age} patient from {country} admitted for management of {dx}. "
            + w.pick(
                [
                    "Course was uncomplicated.",
                    "The stay was prolonged by feeding intolerance.",
                    "A central line was replaced on hospital day 4.",
                ]
            ),
            name=w.name(),
            age=w.age(adm, adjective=True),
            country=w.country(),
            dx=w.dx(),
        ),
        para(
            "No evidence of {neg}. At discharge {he} continues {tx}, " + w.schedule() + ".",
            neg=w.cond(w.rng.choice(c.condition.negated), "negated"),
            he=w.he("she", "he"),
            tx=w.tx(),
        ),
        para("Risk if care is interrupted: {hyp}.", hyp=w.cond(w.rng.choice(c.condition.hypothetical), "hypothetical")),
        Para(["FAMILY / SOCIAL"], "heading"),
        family_paragraph(w),
        Para(["FOLLOW-UP"], "heading"),
        para(
            "Clinic visit on {appt} with Dr. {doc}. Call {ph} for concerns.",
            appt=w.d(day + timedelta(days=w.rng.randint(7, 30)), "appointment"),
            doc=c.physician[1],
            ph=w.phone(c.us_facility.area),
        ),
    ]
    return Doc(
        "discharge_summary",
        "medical_letter",
        "en",
        hospital_letterhead(w),
        meta,
        body,
        running=f"DISCHARGE SUMMARY - {c.full_name.upper()}",
        footer="Electronically signed",
        layouts=("multipage", "two_column"),
    )


def cost_estimate(w: Writer, day: date) -> Doc:
    """A patient financial services estimate with a cost table."""
    c = w.case
    k = c.costs
    home = k.home_monthly
    parts = [round(home * f / 100) * 100 for f in (0.55, 0.25)]
    parts.append(home - sum(parts))
    items = ITEMS.get(c.condition.cost, ITEMS["medication"])
    rows_spec = [
        *((label, "monthly", part, category) for (label, category), part in zip(items, parts, strict=True)),
        ("Medications", "monthly", k.medication_monthly, "medication"),
        ("Inpatient room and board", "daily", k.inpatient_daily, "inpatient"),
    ]
    if w.rng.random() < 0.5:
        rows_spec.append(("Annual follow-up and laboratory", "annual", k.annual, "treatment"))
    rows_spec.append(("Transport to clinic", "weekly", w.rng.randint(3, 9) * 50, "transport"))
    rows = [[[item], [period], [w.money(amount, "USD", period, cat)]] for item, period, amount, cat in rows_spec]
    meta = KV(
        [
            ("Estimate No.", [w.number("estimate_number", f"EST-{w.rng.randint(100000, 999999)}")]),
            ("Date", [w.d(day, "document")]),
            ("Patient", [w.name()]),
            ("MRN", [w.mrn()]),
            ("Account", [w.number("account_number", f"{w.rng.randint(10**9, 10**10 - 1)}")]),
        ]
    )
    body = [
        Para([w.pick(["ESTIMATE OF CHARGES", "COST ESTIMATE", "Good Faith Estimate of Medical Costs"])], "heading"),
        para("Diagnosis: {dx}. Treatment: {tx}.", dx=w.dx(), tx=w.tx(with_schedule=False)),
        Table(["Service", "Period", "Estimated cost"], rows, [250, 90, 150]),
        Gap(6),
        para(
            w.pick(
                [
                    "Estimated total for care at home: {tot}.",
                    "Total home care: {tot}.",
                    "Home care estimate (all services): {tot}.",
                ]
            ),
            tot=w.money(home, "USD", "monthly", "home_care"),
        ),
        para(
            "This estimate is valid for 90 days from {d}. Please reference invoice {inv} when contacting us.",
            d=w.d(day, "document"),
            inv=w.number("invoice_number", f"INV-{w.rng.randint(1000000, 9999999)}"),
        ),
        Para(
            ["Prepared by Patient Financial Services, ", w.facility(), ". Questions: ", w.phone(c.us_facility.area)],
            "small",
        ),
    ]
    return Doc(
        "cost_estimate",
        "medical_letter",
        "en",
        hospital_letterhead(w),
        meta,
        body,
        footer="Estimates are not a guarantee of final charges.",
        layouts=("cost_table", "two_column"),
    )
