"""A document writer's toolkit: one case, one language, one date style; every call returns text with its facts."""

from __future__ import annotations

import random
import re
from datetime import date

from . import fmt
from .data_conditions import FORM_CONDITIONS, FORM_TREATMENTS, NOT_SCHEDULES, OTHER, TREATMENTS
from .data_orgs import Facility, LegalOrg
from .data_people import COUNTRIES
from .model import Para, Seg, Span, distractor, fact
from .story import Case, Person

_SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, **slots: Seg) -> list[Seg]:
    """Split a template on ``{slot}`` markers and put the spans in; plain strings stay plain."""
    out: list[Seg] = []
    pos = 0
    for m in _SLOT.finditer(template):
        if m.start() > pos:
            out.append(template[pos : m.start()])
        out.append(slots[m.group(1)])
        pos = m.end()
    if pos < len(template):
        out.append(template[pos:])
    return out


def para(template: str, style: str = "body", **slots: Seg) -> Para:
    """A paragraph from a template."""
    return Para(fill(template, **slots), style)


class Writer:
    """Helpers bound to one case, language and random stream."""

    def __init__(self, case: Case, rng: random.Random, lang: str, date_style: str | None = None) -> None:
        self.case = case
        self.rng = rng
        self.lang = lang
        self.date_style = date_style or fmt.pick_date_style(rng, lang)
        self.printed_name = fmt.name_forms(case.first, case.last1, case.last2, rng)

    # --- choice helpers -------------------------------------------------------------------------------------
    def pick(self, options: list[str] | tuple[str, ...]) -> str:
        """One of the phrasings."""
        return self.rng.choice(list(options))

    def he(self, en_she: str = "she", en_he: str = "he") -> str:
        """A pronoun (or any gendered word pair) for the patient."""
        return en_she if self.case.she else en_he

    # --- facts ----------------------------------------------------------------------------------------------
    def d(self, day: date, role: str, style: str | None = None) -> Span:
        """A date fact in the document's style (or another)."""
        return fmt.date_span(day, role, self.lang, style or self.date_style)

    def name(self, printed: str | None = None) -> Span:
        """The patient's name as this document prints it."""
        return fmt.name_span(printed or self.printed_name)

    def agency_name(self) -> Span:
        """The name as an agency system prints it (upper case, no accents)."""
        c = self.case
        return fmt.name_span(fmt.name_forms(c.first, c.last1, c.last2, self.rng, agency=True))

    def anum(self, style: str | None = None) -> Span:
        """The A-number."""
        return fmt.a_number_span(self.case.a_number, self.rng, style)

    def receipt(self, number: str, style: str | None = None) -> Span:
        """A receipt number."""
        return fmt.receipt_span(number, self.rng, style)

    def mrn(self) -> Span:
        """The hospital's medical record number."""
        return fact("identifier", self.case.mrn, self.case.mrn, kind="mrn")

    def age(self, on: date, adjective: bool = False) -> Span:
        """The patient's age on a day ("a 7-year-old girl" needs ``adjective``)."""
        return fmt.age_span(self.case.age_on(on), self.lang, self.rng, adjective)

    def dx(self, form: str | None = None) -> Span:
        """The primary diagnosis (assertion present)."""
        cond = self.case.condition
        forms = cond.en if self.lang == "en" else cond.es
        text = form or self.pick(forms)
        return fact("diagnosis", cond.name, text, icd10=cond.icd10, assertion="present")

    def cond(self, key: str, assertion: str) -> Span:
        """A condition that is not the patient's present diagnosis: negated, hypothetical, historical, family..."""
        name, en, es, code = OTHER[key]
        text = self.pick(en if self.lang == "en" else es)
        name, code = FORM_CONDITIONS.get(text, (name, code))
        return fact("diagnosis", name, text, icd10=code, assertion=assertion)

    def tx(self, with_schedule: bool = True) -> Span:
        """The treatment (canonical name, schedule attribute)."""
        t = TREATMENTS[self.case.treatment]
        text = self.pick(t.en if self.lang == "en" else t.es)
        sched = self.schedule() if with_schedule else None
        sched = None if sched in NOT_SCHEDULES else sched
        return fact("treatment", FORM_TREATMENTS.get(text, t.name), text, schedule=sched)

    def schedule(self) -> str:
        """The treatment schedule as written."""
        return self.case.schedule[0 if self.lang == "en" else 1]

    def facility(self, fac: Facility | None = None, alias: bool = False) -> Span:
        """A facility fact; aliases (CHLA) resolve to the canonical name."""
        f = fac or self.case.us_facility
        text = self.pick(f.aliases) if alias and f.aliases else f.name
        return fact("facility", f.name, text, city=f.city, state=f.state)

    def physician(self, specialty: str | None = None, home: bool = False) -> Span:
        """The physician's name (no titles)."""
        first, last = self.case.home_physician if home else self.case.physician
        return fact("physician", f"{first} {last}", f"{first} {last}", specialty=specialty)

    def legal(self, org: LegalOrg | None = None, alias: bool = False) -> Span:
        """A legal organisation fact."""
        o = org or self.case.legal_org
        text = self.pick(o.aliases) if alias and o.aliases else o.name
        return fact("legal_org", o.name, text)

    def country(self, kind: str = "name", code: str | None = None) -> Span:
        """The country of origin: name, demonym, upper-case name..."""
        cc = code or self.case.country
        en, es, fem, masc, demonym = COUNTRIES[cc]
        text = {
            "name": en if self.lang == "en" else es,
            "upper": fmt.strip_accents(en).upper(),
            "demonym": demonym if self.lang == "en" else (fem if self.case.she else masc),
        }[kind]
        return fact("country_of_origin", cc, text)

    def country_word(self, code: str | None = None) -> str:
        """A country name printed without being a fact (e.g. inside an availability statement)."""
        en, es, *_ = COUNTRIES[code or self.case.country]
        return en if self.lang == "en" else es

    def money(self, amount: float, currency: str, period: str, category: str) -> Span:
        """A cost fact."""
        return fmt.money_span(amount, currency, period, category, self.lang, self.rng)

    def duration(self, months: int) -> Span:
        """A parole duration."""
        return fmt.duration_span(months, self.lang, self.rng)

    def authority(self, value: str, text: str) -> Span:
        """The decision authority."""
        return fact("decision_authority", value, text)

    def outcome(self, value: str, text: str) -> Span:
        """The decision outcome."""
        return fact("outcome", value, text)

    def unavailable(self, text: str, value: bool = True, code: str | None = None) -> Span:
        """A statement that the treatment is (not) available in the home country."""
        return fact("treatment_unavailable_in_home_country", value, text, country=code or self.case.country)

    # --- distractors ----------------------------------------------------------------------------------------
    def phone(self, area: str, label: str = "") -> Span:
        """A phone number: looks like an identifier, is not one."""
        r = self.rng
        if len(area) == 3:
            text = r.choice(
                [
                    f"({area}) {r.randint(200, 999)}-{r.randint(0, 9999):04d}",
                    f"{area}-{r.randint(200, 999)}-{r.randint(0, 9999):04d}",
                    f"{area}.{r.randint(200, 999)}.{r.randint(0, 9999):04d}",
                ]
            )
        else:
            cc = {
                "55": "52",
                "33": "52",
                "81": "52",
                "664": "52",
                "2232": "504",
                "2516": "504",
                "2321": "502",
                "2471": "502",
                "2225": "503",
                "2231": "503",
                "2289": "505",
                "212": "58",
                "601": "57",
                "4": "593",
            }
            code = cc.get(area, "52")
            text = r.choice(
                [
                    f"+{code} {area} {r.randint(1000, 9999)} {r.randint(1000, 9999)}",
                    f"({area}) {r.randint(100, 999)}-{r.randint(1000, 9999)}",
                    f"{area}-{r.randint(1000, 9999)}",
                ]
            )
        return distractor("phone", label + text)

    def number(self, kind: str, text: str) -> Span:
        """An invoice, account, folio or case number that must not be read as an A-number or receipt."""
        return distractor(kind, text)

    def relative_age(self, person: Person) -> Span:
        """A relative's age (never the patient's)."""
        if self.lang == "en":
            text = self.pick(
                [f"{person.age}-year-old", f"age {person.age}", f"{person.age} years old", f"aged {person.age}"]
            )
        else:
            # Spanish callers write "madre " before it: every form reads after a kinship noun.
            text = self.pick([f"de {person.age} años", f"de {person.age} años de edad", f"({person.age} años)"])
        return distractor("relative_age", text)
