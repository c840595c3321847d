"""A case is a story first: patient, family, condition, hospital, legal organisation and decisions over time."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import simple_icd_10_cm as cm

from . import data_people as P
from .data_conditions import CONDITIONS, FAMILY, TREATMENTS, Condition
from .data_orgs import HOME_FACILITIES, LEGAL_ORGS, RECEIPT_PREFIXES, US_FACILITIES, Facility, LegalOrg

LAST_DAY = date(2026, 6, 30)
SCENARIOS = {
    "grant": 26,
    "deny": 10,
    "deny_then_grant": 8,
    "rfe_grant": 14,
    "terminated_regrant": 12,
    "extension": 18,
    "pending": 8,
    "ice_cbp": 4,
}


@dataclass
class Person:
    """A relative: mentioned with age and sometimes an illness (distractors)."""

    relation: str
    first: str
    last: str
    age: int
    condition: str | None


@dataclass
class Decision:
    """One event of the parole matter, as the agency recorded it."""

    kind: str
    outcome: str
    authority: str
    notice: date
    filed: date | None = None
    receipt: str | None = None
    months: int | None = None
    start: date | None = None
    end: date | None = None
    effective: date | None = None
    due: date | None = None


@dataclass
class Costs:
    """The case's money (USD unless stated): home care, inpatient, medication, one-time and home-country figures."""

    home_monthly: int
    inpatient_daily: int
    medication_monthly: int
    one_time: int
    annual: int
    home_country_monthly: int
    home_currency: str


@dataclass
class Case:
    """Everything true about one case; documents are written from this and nothing else."""

    index: int
    key: str
    sex: str
    first: str
    last1: str
    last2: str
    dob: date
    a_number: str
    country: str
    condition: Condition
    diagnosed: date
    treatment: str
    schedule: tuple[str, str]
    us_facility: Facility
    physician: tuple[str, str]
    mrn: str
    home_facility: Facility | None
    home_physician: tuple[str, str]
    legal_org: LegalOrg
    attorney: tuple[str, str]
    scenario: str
    decisions: list[Decision]
    family: list[Person]
    costs: Costs
    entry: date
    us_address: tuple[str, str, str, str]
    treatment_months: int
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        """The patient's full name as the family writes it."""
        return f"{self.first} {self.last1} {self.last2}"

    def age_on(self, day: date) -> int:
        """Age in whole years on a day."""
        return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))

    @property
    def she(self) -> bool:
        """Whether the patient is female (for pronouns)."""
        return self.sex == "F"

    def to_json(self) -> dict[str, object]:
        """The case's truth for cases.jsonl (used to test case linking)."""
        return {
            "case_key": self.key,
            "patient_name": self.full_name,
            "sex": self.sex,
            "date_of_birth": self.dob.isoformat(),
            "a_number": "A" + self.a_number.zfill(9),
            "receipt_numbers": sorted({d.receipt for d in self.decisions if d.receipt}),
            "mrn": self.mrn,
            "country_of_origin": self.country,
            "diagnosis": self.condition.name,
            "icd10": self.condition.icd10,
            "icd10_chapter": cm.get_ancestors(self.condition.icd10)[-1],
            "diagnosed": self.diagnosed.isoformat(),
            "treatment": TREATMENTS[self.treatment].name,
            "facility": {"name": self.us_facility.name, "city": self.us_facility.city, "state": self.us_facility.state},
            "physician": " ".join(self.physician),
            "home_facility": self.home_facility.name if self.home_facility else None,
            "legal_org": self.legal_org.name,
            "scenario": self.scenario,
            "entry": self.entry.isoformat(),
            "decisions": [
                {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(d).items()} for d in self.decisions
            ],
            "costs": asdict(self.costs),
        }


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _receipt(rng: random.Random, filed: date | None = None) -> str:
    """Three letters, the fiscal year's two digits, eight more digits."""
    year = (filed.year + (filed.month >= 10)) % 100 if filed else rng.randint(21, 26)
    return rng.choice(RECEIPT_PREFIXES) + f"{year:02d}" + f"{rng.randint(0, 99_999_999):08d}"


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def _grant(rng: random.Random, filed: date, authority: str = "USCIS", kind: str = "approval") -> Decision:
    notice = filed + timedelta(days=rng.randint(35, 200))
    months = rng.choice([6, 12, 12, 12, 24]) if kind != "reparole" else rng.choice([12, 12, 24])
    start = notice + timedelta(days=rng.randint(0, 40)) if kind == "approval" else notice
    end = start + timedelta(days=round(months * 30.44)) - timedelta(days=1)
    outcome = "extended" if kind == "reparole" else "granted"
    return Decision(
        kind,
        outcome,
        authority,
        notice,
        filed,
        _receipt(rng, filed) if authority == "USCIS" else None,
        months,
        start,
        end,
    )


def _decisions(rng: random.Random, scenario: str) -> tuple[list[Decision], date]:
    """The decisions of a scenario and the date the patient entered the US."""
    filed = _day(rng, date(2021, 1, 15), date(2025, 8, 31))
    out: list[Decision] = []
    if scenario == "pending":
        filed = _day(rng, date(2025, 9, 1), date(2026, 3, 31))
        out.append(
            Decision(
                "receipt", "pending", "USCIS", filed + timedelta(days=rng.randint(5, 20)), filed, _receipt(rng, filed)
            )
        )
        return out, filed - timedelta(days=rng.randint(200, 900))
    if scenario == "terminated_regrant":
        filed = _day(rng, date(2022, 9, 1), date(2024, 6, 30))
    rec = Decision(
        "receipt", "pending", "USCIS", filed + timedelta(days=rng.randint(5, 20)), filed, _receipt(rng, filed)
    )
    rec_kept = rng.random() < 0.2
    if rec_kept:
        out.append(rec)
    if scenario in ("deny", "deny_then_grant"):
        d = Decision("denial", "denied", "USCIS", filed + timedelta(days=rng.randint(40, 240)), filed, rec.receipt)
        out.append(d)
        if scenario == "deny_then_grant":
            refiled = d.notice + timedelta(days=rng.randint(30, 150))
            out.append(_grant(rng, refiled))
    elif scenario == "rfe_grant":
        rfe = Decision("rfe", "rfe", "USCIS", filed + timedelta(days=rng.randint(30, 120)), filed, rec.receipt)
        rfe.due = rfe.notice + timedelta(days=87)
        out.append(rfe)
        g = _grant(rng, filed)
        g.notice = rfe.due + timedelta(days=rng.randint(10, 90))
        g.start = g.notice + timedelta(days=rng.randint(0, 30))
        g.end = g.start + timedelta(days=round((g.months or 12) * 30.44)) - timedelta(days=1)
        g.receipt = rec.receipt
        out.append(g)
    elif scenario == "ice_cbp":
        auth = rng.choice(["ICE", "CBP"])
        out = [_grant(rng, filed, auth, "approval")]
    else:
        g = _grant(rng, filed)
        g.receipt = rec.receipt
        out.append(g)
        if scenario == "extension":
            assert g.end is not None
            refile = g.end - timedelta(days=rng.randint(70, 170))
            out.append(_grant(rng, refile, "USCIS", "reparole"))
            out[-1].start = g.end + timedelta(days=1)
            months = out[-1].months or 12
            out[-1].end = out[-1].start + timedelta(days=round(months * 30.44)) - timedelta(days=1)
        if scenario == "terminated_regrant":
            notice = _day(rng, date(2025, 4, 10), date(2025, 5, 30))
            out.append(Decision("termination", "terminated", "DHS", notice, effective=notice + timedelta(days=7)))
            out.append(_grant(rng, notice + timedelta(days=rng.randint(10, 45))))
    entry = out[0].start if out[0].start and out[0].kind == "approval" else filed - timedelta(days=rng.randint(60, 700))
    first_grant = next((d for d in out if d.kind == "approval"), None)
    if first_grant and first_grant.start:
        entry = first_grant.start + timedelta(days=rng.randint(0, 20))
    out = [d for d in out if d.notice <= LAST_DAY]
    return out, entry


def _costs(rng: random.Random, profile: str, country: str) -> Costs:
    r = rng.randint
    base = {
        "hpn": (r(12, 22) * 1000, r(30, 65) * 100, r(2, 6) * 500, r(120, 400) * 1000),
        "onc": (r(6, 14) * 1000, r(40, 90) * 100, r(4, 18) * 500, r(150, 600) * 1000),
        "dialysis": (r(8, 16) * 1000, r(30, 55) * 100, r(2, 8) * 500, r(250, 450) * 1000),
        "transplant": (r(5, 12) * 1000, r(45, 95) * 100, r(5, 12) * 500, r(450, 1500) * 1000),
        "surgery": (r(4, 10) * 1000, r(50, 110) * 100, r(1, 6) * 500, r(150, 800) * 1000),
        "medication": (r(3, 9) * 1000, r(30, 60) * 100, r(16, 90) * 500, r(60, 300) * 1000),
        "homecare": (r(14, 30) * 1000, r(35, 70) * 100, r(2, 8) * 500, r(80, 250) * 1000),
    }[profile]
    currency = {"MX": "MXN", "HN": "HNL", "GT": "GTQ"}.get(country, "USD")
    local = {"MXN": r(40, 180) * 1000, "HNL": r(60, 250) * 1000, "GTQ": r(15, 90) * 1000, "USD": r(2, 12) * 1000}
    return Costs(base[0], base[1], base[2], base[3], r(90, 260) * 1000, local[currency], currency)


def build_case(seed: int, index: int) -> Case:
    """The story of case ``index`` for ``seed``; each case has its own random stream, so cases are independent."""
    rng = random.Random(f"medparole-case:{seed}:{index}")
    country = _weighted(rng, P.COUNTRY_WEIGHTS)
    condition = rng.choice(CONDITIONS)
    sex = rng.choice("FM")
    first = rng.choice(P.FEMALE_FIRST if sex == "F" else P.MALE_FIRST)
    last1, last2 = rng.sample(P.SURNAMES, 2)
    scenario = _weighted(rng, SCENARIOS)
    decisions, entry = _decisions(rng, scenario)
    first_filed = min(d.filed or d.notice for d in decisions)
    adult = not condition.child or rng.random() < 0.12
    age = rng.randint(19, 52) if adult else rng.choice([1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    dob = first_filed - timedelta(days=age * 365 + rng.randint(10, 350))
    diagnosed = _day(
        rng, max(dob + timedelta(days=20), first_filed - timedelta(days=2200)), first_filed - timedelta(days=30)
    )
    treatment = TREATMENTS[condition.treatment]
    us = rng.choice(US_FACILITIES)
    home_options = HOME_FACILITIES.get(country, [])
    home = rng.choice(home_options) if home_options else None
    mother_age = age + rng.randint(19, 38)  # parents are older than the patient, child or adult
    family = [
        Person("mother", rng.choice(P.FEMALE_FIRST), last2, max(mother_age, 20), None),
        Person("father", rng.choice(P.MALE_FIRST), last1, max(mother_age + rng.randint(-3, 9), 21), None),
    ]
    for _ in range(rng.randint(0, 3)):
        sib_sex = rng.choice("FM")
        family.append(
            Person(
                "sister" if sib_sex == "F" else "brother",
                rng.choice(P.FEMALE_FIRST if sib_sex == "F" else P.MALE_FIRST),
                last1,
                rng.randint(1, 19),
                None,
            )
        )
    for person in rng.sample(family, k=min(len(family), rng.randint(1, 2))):
        if person.relation in ("mother", "father"):
            options = [k for k in FAMILY if k != "breast_ca" or person.relation == "mother"]
        else:
            options = ["asthma", "epi", "scd_trait", "migraine", "obesity", "hypothyroid"]
        person.condition = rng.choice(options)
    street = f"{rng.randint(100, 9999)} {rng.choice(P.US_STREETS)}"
    city, state, zip3 = rng.choice(P.US_CITIES)
    return Case(
        index=index,
        key=f"case-{index:04d}",
        sex=sex,
        first=first,
        last1=last1,
        last2=last2,
        dob=dob,
        a_number=f"{rng.randint(10_000_000, 999_999_999):09d}"
        if rng.random() < 0.8
        else f"{rng.randint(10_000_000, 99_999_999):08d}",
        country=country,
        condition=condition,
        diagnosed=diagnosed,
        treatment=condition.treatment,
        schedule=rng.choice(treatment.schedules),
        us_facility=us,
        physician=(rng.choice(P.DOCTOR_FIRST), rng.choice(P.DOCTOR_LAST)),
        mrn=str(rng.randint(1_000_000, 99_999_999)),
        home_facility=home,
        home_physician=(rng.choice(P.MEX_DOCTOR_FIRST), f"{rng.choice(P.SURNAMES)} {rng.choice(P.SURNAMES)}"),
        legal_org=rng.choice(LEGAL_ORGS),
        attorney=(rng.choice(P.ATTORNEY_FIRST), rng.choice(P.ATTORNEY_LAST)),
        scenario=scenario,
        decisions=decisions,
        family=family,
        costs=_costs(rng, condition.cost, country),
        entry=entry,
        us_address=(street, city, state, f"{zip3}{rng.randint(10, 99)}"),
        treatment_months=rng.randint(*treatment.months),
    )
