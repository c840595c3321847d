"""English medical documents from the treating hospital: letter of medical necessity, discharge summary, estimate."""

from __future__ import annotations

from datetime import date, timedelta

from .data_conditions import TREATMENTS
from .data_orgs import USCIS_ADDRESSES
from .model import KV, Doc, Fact, Gap, Para, Seg, Span, distractor
from .writer import Writer, fill, para

DEPARTMENTS = {
    "gastro": "Division of Gastroenterology, Hepatology and Nutrition",
    "onc": "Cancer and Blood Disease Institute",
    "neph": "Division of Pediatric Nephrology",
    "card": "Heart Institute",
    "neuro": "Department of Neurology",
    "gen": "Division of Medical Genetics",
    "pulm": "Division of Pulmonary Medicine",
    "surg": "Department of Surgery",
}


def department(specialty: str) -> str:
    """The letterhead department for a specialty."""
    s = specialty.lower()
    for key, words in (
        ("gastro", "gastro"),
        ("onc", "onc"),
        ("neph", "nephro"),
        ("card", "cardio"),
        ("neuro", "neuro"),
        ("gen", "genetic"),
        ("pulm", "pulmo"),
        ("onc", "hemat"),
    ):
        if words in s:
            return DEPARTMENTS[key]
    return DEPARTMENTS["surg"] if "surg" in s else "Department of Pediatrics"


def hospital_letterhead(w: Writer) -> list[Para]:
    """Facility name, department, address with ZIP, phone and fax."""
    f = w.case.us_facility
    spec = w.case.condition.specialty[0]
    return [
        Para([w.facility()], "title"),
        Para([department(spec)], "bold"),
        Para([f"{f.street}, {f.city}, {f.state} ", distractor("zip", f.zip)], "small"),
        Para(["Tel ", w.phone(f.area), "   Fax ", w.phone(f.area)], "small"),
    ]


def _kid(w: Writer, age: int) -> str:
    if age >= 18:
        return w.pick(["woman", "patient"]) if w.case.she else w.pick(["man", "patient"])
    return w.pick(["girl", "patient", "child"]) if w.case.she else w.pick(["boy", "patient", "child"])


def _intro(w: Writer, day: date, since: date) -> Para:
    c = w.case
    his = w.he("her", "his")
    age = c.age_on(day)
    kid = _kid(w, age)
    t = w.pick(
        [
            "I am the attending physician of {name}, a {age} {kid} from {country} who has been under my care at "
            "{fac} since {since}.",
            "I am writing on behalf of my patient, {name}, born {dob}, in support of " + his + " request for "
            "humanitarian parole.",
            "{name} is a {age} " + kid + " and a native of {country} whom I have followed in our clinic since {since}.",
            "This letter confirms that {name} (date of birth {dob}) is currently receiving care at {alias}.",
            "Please accept this letter of medical necessity for {name}, a {age} " + kid + " and citizen of {country}.",
            "I have been the treating physician for {name}, {age}, since " + his + " admission to {fac} on {since}.",
            "It is my privilege to write regarding {name}, DOB {dob}, a {demonym} "
            + kid
            + " who has been seen in our program since {since}.",
        ]
    )
    adjective = "a {age}" in t
    # Only a hospital admission is an admission date; the first clinic visit ("followed since") is not.
    since_role = "admission" if "admission to" in t else "other"
    return para(
        t,
        name=w.name(),
        age=w.age(day, adjective),
        kid=kid,
        country=w.country(),
        fac=w.facility(),
        since=w.d(since, since_role),
        dob=w.d(c.dob, "birth"),
        alias=w.facility(alias=True),
        demonym=w.country("demonym"),
    )


def _diagnosis(w: Writer) -> Para:
    c = w.case
    he, his = w.he("She", "He"), w.he("Her", "His")
    code = c.condition.icd10
    t = w.pick(
        [
            he + " was diagnosed with {dx} (ICD-10 " + code + ") on {when}.",
            his + " primary diagnosis is {dx}, ICD-10-CM " + code + ".",
            he + " carries a diagnosis of {dx}, first established in {when}.",
            "{name2} suffers from {dx}, which was confirmed on {when}.",
            "On {when} " + he.lower() + " was found to have {dx} [" + code + "].",
            "Diagnosis: {dx} (" + code + "), confirmed {when}.",
        ]
    )
    return para(t, dx=w.dx(), when=w.d(c.diagnosed, "diagnosis"), name2=w.case.first)


def _history(w: Writer, day: date) -> list[Para]:
    c = w.case
    he, his = w.he("she", "he"), w.he("her", "his")
    key = w.rng.choice(c.condition.historical)
    adm = c.diagnosed - timedelta(days=w.rng.randint(20, 400))
    adm = max(adm, c.dob + timedelta(days=3))
    dis = adm + timedelta(days=w.rng.randint(5, 60))
    t = w.pick(
        [
            his.capitalize()
            + " past medical history is notable for {h}, for which "
            + he
            + " was hospitalized from {adm} to {dis}.",
            he.capitalize() + " has a history of {h} and was admitted on {adm} and discharged on {dis}.",
            "Previously " + he + " was treated for {h} (admitted {adm}, discharged {dis}).",
            "Of note, " + he + " had {h} in the past, now resolved; that admission lasted from {adm} to {dis}.",
            "Relevant history includes {h}; " + he + " was an inpatient between {adm} and {dis}.",
        ]
    )
    return [para(t, h=w.cond(key, "historical"), adm=w.d(adm, "admission"), dis=w.d(dis, "discharge"))]


def _treatment(w: Writer) -> Para:
    he, his = w.he("She", "He"), w.he("Her", "His")
    sched = w.schedule()
    t = w.pick(
        [
            he + " currently requires {tx}, " + sched + ".",
            his + " treatment consists of {tx} " + sched + ".",
            "The plan of care includes {tx} (" + sched + ").",
            he + " is dependent on {tx}, administered " + sched + ".",
            "Current therapy: {tx}, " + sched + ".",
            "We have started {tx}; it is given " + sched + " and must not be interrupted.",
        ]
    )
    return para(t, tx=w.tx())


def _risks(w: Writer) -> list[Para]:
    c = w.case
    he, him = w.he("she", "he"), w.he("her", "him")
    hyp = w.cond(w.rng.choice(c.condition.hypothetical), "hypothetical")
    neg = w.cond(w.rng.choice(c.condition.negated), "negated")
    pos = w.cond(w.rng.choice(c.condition.possible), "possible")
    t1 = w.pick(
        [
            "Without this therapy " + he + " would develop {hyp} within days.",
            "Any interruption of treatment would put " + him + " at high risk of {hyp}.",
            "If treatment were discontinued, " + he + " would likely develop {hyp}, which could be fatal.",
            he.capitalize() + " is at risk of {hyp} should care be interrupted.",
            "Interruption could lead to {hyp} and death.",
        ]
    )
    t2 = w.pick(
        [
            "Fortunately, there is no evidence of {neg} at this time.",
            he.capitalize() + " has no signs of {neg}.",
            "Work-up was negative for {neg}.",
            "Imaging and laboratory studies show no {neg}.",
            "{neg_cap} has been ruled out.",
        ]
    )
    t3 = w.pick(
        [
            "We are also monitoring for possible {pos}.",
            "Recent results raise concern for {pos}, which is under evaluation.",
            "Early {pos} cannot be excluded.",
            "There is a suspected {pos} that requires further testing.",
            "Findings are concerning for {pos}.",
        ]
    )
    cap = neg.text[0].upper() + neg.text[1:]
    neg_cap = Span(cap, tuple(Fact(f.field, f.value, cap, f.attributes) for f in neg.facts))
    out = [para(t1, hyp=hyp), para(t2, neg=neg, neg_cap=neg_cap)]
    if w.rng.random() < 0.6:
        out.append(para(t3, pos=pos))
    return out


def _unavailable(w: Writer) -> Para:
    cw = w.country_word()
    t = w.pick(
        [
            "This level of care {u}.",
            "To my knowledge, {tx_word} {u}, nor in neighboring countries.",
            "The family was told by the treating team at home that the therapy {u}.",
            "Comparable care {u} or in any neighboring country.",
            "Specialized centers able to provide this care do not exist in " + cw + "; the treatment {u}.",
        ]
    )
    utext = w.pick(
        [
            f"is not available in {cw}",
            f"is not available in {cw}",
            f"is unavailable in {cw}",
            f"cannot be provided in {cw}",
            f"is not offered anywhere in {cw}",
        ]
    )
    if "does not exist" in t or "Specialized" in t:
        utext = "is not available there"
    tx_word = TREATMENTS[w.case.treatment].name
    return para(t, u=w.unavailable(utext), tx_word=tx_word)


def family_paragraph(w: Writer) -> Para:
    """Relatives with their ages and illnesses: distractors whose conditions carry assertion=family."""
    his = w.he("Her", "His")
    parts: list[Seg] = [
        w.pick(
            [
                f"{his} family lives with {w.he('her', 'him')} in {w.case.us_address[1]}. ",
                "Family history: ",
                "Social history: ",
                f"{his} family: ",
            ]
        )
    ]
    for i, p in enumerate(w.case.family):
        lead = f"{his if i == 0 else his.lower()} {p.relation}, {p.first}, "
        parts += [lead, w.relative_age(p)]
        if p.condition:
            parts += [w.pick([", has ", ", with ", ", who has ", ", diagnosed with "]), w.cond(p.condition, "family")]
        else:
            parts.append(w.pick([", is healthy", ", in good health", ", without medical problems"]))
        parts.append("; " if i < len(w.case.family) - 1 else ".")
    return Para(parts)


def _costs(w: Writer) -> list[Para]:
    k = w.case.costs
    his = w.he("her", "his")
    t = w.pick(
        [
            "The estimated cost of home care is {home}, compared with {inp} if "
            + w.he("she", "he")
            + " remains hospitalized.",
            "Care at home costs approximately {home}; inpatient care at our institution is billed at about {inp}.",
            "Home-based treatment runs {home}, far below the inpatient rate of {inp}.",
            "Our financial counselors estimate {home} for " + his + " home care versus {inp} in hospital.",
            "In hospital, the daily charge is {inp}; at home the cost falls to {home}.",
        ]
    )
    out = [
        para(
            t,
            home=w.money(k.home_monthly, "USD", "monthly", "home_care"),
            inp=w.money(k.inpatient_daily, "USD", "daily", "inpatient"),
        )
    ]
    if w.rng.random() < 0.6:
        t2 = w.pick(
            ["Medications alone cost {med}.", "Medication costs are about {med}.", "Pharmacy charges add {med}."]
        )
        out.append(para(t2, med=w.money(k.medication_monthly, "USD", "monthly", "medication")))
    if w.rng.random() < 0.4:
        out.append(
            para(
                w.pick(
                    [
                        "The procedure itself is estimated at {one} (one-time).",
                        "A one-time estimate for the surgical phase is {one}.",
                    ]
                ),
                one=w.money(k.one_time, "USD", "one_time", "treatment"),
            )
        )
    payer = w.pick(
        [
            "Costs are covered by the hospital's charity care program.",
            "The family's sponsor has filed Form I-134 and will cover expenses.",
            "Emergency Medicaid and hospital financial assistance cover the cost of care.",
            "A private foundation has committed to pay for the treatment.",
        ]
    )
    out.append(Para([payer]))
    return out


def lmn(w: Writer, day: date) -> Doc:
    """The treating physician's letter of medical necessity."""
    c = w.case
    since = max(c.entry, c.diagnosed) if c.entry < day else c.diagnosed
    spec = c.condition.specialty[0]
    body: list = []
    meta = KV(
        [("Date", [w.d(day, "document")]), ("Patient", [w.name()]), ("DOB", [w.d(c.dob, "birth")]), ("MRN", [w.mrn()])]
    )
    addr = w.rng.choice(USCIS_ADDRESSES)
    salutation = w.pick(
        [
            "To Whom It May Concern:",
            "Dear USCIS Officer:",
            "Dear Sir or Madam:",
            "To the U.S. Citizenship and Immigration Services:",
            "Dear Adjudicating Officer:",
        ]
    )
    if w.rng.random() < 0.5:
        body += [Para([a]) for a in addr[:2] + addr[2:]] + [Gap(6)]
    body.append(
        Para(fill("RE: Letter of medical necessity for {n}, DOB {dob}", n=w.name(), dob=w.d(c.dob, "birth")), "bold")
    )
    body += [Gap(4), Para([salutation]), _intro(w, day, since), _diagnosis(w)]
    body += _history(w, day)
    body.append(_treatment(w))
    body += _risks(w)
    body.append(_unavailable(w))
    body.append(family_paragraph(w))
    body.append(
        para(
            w.pick(
                [
                    "With treatment the prognosis is guarded but favorable. "
                    "{He} will need care for at least {m} months.",
                    "The expected length of treatment is {m} months, after which {he} will be re-evaluated.",
                    "Prognosis is good if therapy continues; we anticipate treatment for approximately {m} months.",
                    "I expect {him} to need this care for a minimum of {m} months.",
                    "Duration of treatment: at least {m} months.",
                ]
            )
            .replace("{He}", w.he("She", "He"))
            .replace("{he}", w.he("she", "he"))
            .replace("{him}", w.he("her", "him")),
            m=distractor("treatment_months", str(c.treatment_months)),
        )
    )
    body += _costs(w)
    body.append(
        para(
            w.pick(
                [
                    "I strongly support this request. Please contact me at {ph} with any questions.",
                    "Please do not hesitate to contact my office at {ph}.",
                    "I am available at {ph} should you need further information.",
                    "Thank you for your consideration. My direct line is {ph}.",
                    "For questions, call {ph} (clinic) or e-mail our office.",
                ]
            ),
            ph=w.phone(c.us_facility.area),
        )
    )
    sign = [
        Gap(6),
        Para([w.pick(["Sincerely,", "Respectfully,", "Best regards,", "Yours sincerely,"])]),
        Gap(14),
        Para([w.physician(spec), w.pick([", MD", ", M.D.", ", MD, PhD", ", DO"])], "sign"),
        Para(
            [
                w.pick(
                    ["Attending Physician", "Associate Professor of Pediatrics", "Medical Director", "Staff Physician"]
                )
                + ", "
                + spec.title()
            ],
            "small",
        ),
        Para(
            [
                "NPI ",
                distractor("npi", str(w.rng.randint(1_000_000_000, 1_999_999_999))),
                "  License ",
                distractor("license", f"A {w.rng.randint(10000, 99999)}"),
            ],
            "small",
        ),
    ]
    return Doc(
        "medical_necessity_letter",
        "medical_letter",
        "en",
        hospital_letterhead(w),
        meta,
        body + sign,
        running=f"{c.us_facility.name} - Confidential patient information",
        footer=w.pick(
            [
                "CONFIDENTIAL: protected health information",
                "This letter contains PHI.",
                f"{c.us_facility.street}, {c.us_facility.city}",
            ]
        ),
        layouts=("letterhead", "two_column", "multipage", "typewriter"),
    )
