"""Agency documents: USCIS notices (receipt, approval, re-parole), denial and RFE letters, ICE/CBP parole letters,
and the 2025 DHS termination e-mail."""

from __future__ import annotations

from .data_orgs import ICE_OFFICES, PORTS_OF_ENTRY, SERVICE_CENTERS
from .model import KV, Doc, Fact, Gap, Para, Seg, distractor, fact
from .story import Decision
from .writer import Writer, fill, para

USCIS_HEAD = ["Department of Homeland Security", "U.S. Citizenship and Immigration Services"]


def _address_block(w: Writer, name_span: Seg) -> list[Para]:
    street, city, state, zip_ = w.case.us_address
    org = w.case.legal_org
    return [
        Para([name_span]),
        # A represented case: the legal organisation on the address block is a fact of the notice.
        Para([w.pick(["C/O ", "c/o "]), fact("legal_org", org.name, org.name.upper())])
        if w.rng.random() < 0.5
        else Gap(1),
        Para([street.upper()]),
        Para([f"{city.upper()} {state} ", distractor("zip", zip_)]),
    ]


def uscis_notice(w: Writer, dec: Decision) -> Doc:
    """Form I-797 / I-797C style notice: boxes with receipt number, dates and the applicant."""
    w.date_style = "mdy0"
    agency_name = w.agency_name()
    kind = {"receipt": "Receipt Notice", "approval": "Approval Notice", "reparole": "Approval Notice"}[dec.kind]
    form = "Form I-797C, Notice of Action" if dec.kind == "receipt" else "Form I-797, Notice of Action"
    assert dec.receipt and dec.filed
    meta = KV(
        [
            ("Receipt Number", [w.receipt(dec.receipt, "plain")]),
            ("Case Type", ["I131 - APPLICATION FOR TRAVEL DOCUMENT"]),
            ("Received Date", [w.d(dec.filed, "filed")]),
            ("Priority Date", [""]),
            ("Page", ["1 of 1"]),
            ("Notice Date", [w.d(dec.notice, "document")]),
            ("Applicant", [w.anum("plain"), " ", agency_name]),
            ("Beneficiary", [w.agency_name()]),
            (
                "Notice Type",
                [w.outcome({"receipt": "pending", "approval": "granted", "reparole": "extended"}[dec.kind], kind)],
            ),
        ]
    )
    body: list = []
    body += _address_block(w, agency_name)
    body.append(Gap(8))
    if dec.kind == "receipt":
        body += [
            para(
                w.pick(
                    [
                        "The above application has been received by {a}.",
                        "This notice confirms that {a} received your application.",
                        "{a} has received the application listed above and it is pending.",
                    ]
                ),
                a=w.authority("USCIS", w.pick(["USCIS", "U.S. Citizenship and Immigration Services"])),
            ),
            Para(
                [
                    "We will notify you when we make a decision. Processing times vary; you can check current "
                    "processing times on our website."
                ]
            ),
            Para(
                [
                    "Please keep this notice for your records. If you have questions, call the USCIS Contact Center "
                    "at ",
                    distractor("phone", "800-375-5283"),
                    " (TTY ",
                    distractor("phone", "800-767-1833"),
                    ").",
                ]
            ),
        ]
    else:
        assert dec.start and dec.end and dec.months
        verb = "approved" if dec.kind == "approval" else w.pick(["approved", "granted"])
        first = "Your request for re-parole has been " if dec.kind == "reparole" else "The above application has been "
        body += [
            Para(
                [
                    first,
                    w.outcome("extended" if dec.kind == "reparole" else "granted", verb),
                    ". ",
                    w.pick(["The beneficiary is authorized parole", "Parole has been authorized"]),
                    " for ",
                    w.duration(dec.months),
                    ".",
                ]
            ),
            Para(["Valid from ", w.d(dec.start, "parole_start"), " to ", w.d(dec.end, "parole_end")], "bold"),
            Para(["Class: Humanitarian Parole (DT)   Country of Birth: ", w.country("upper")]),
            para(
                w.pick(
                    [
                        "This notice was issued by {a}. Present this notice and the enclosed Form I-512L at the "
                        "port of entry.",
                        "Travel must take place while this authorization is valid. Contact "
                        "{a} if any information is incorrect.",
                        "{a} has approved the request; the parole period "
                        "cannot be extended except by a new request for re-parole.",
                    ]
                ),
                a=w.authority("USCIS", w.pick(["USCIS", "U.S. Citizenship and Immigration Services"])),
            ),
        ]
    sc = w.rng.choice(SERVICE_CENTERS)
    body += [
        Gap(10),
        Para([f"U.S. Citizenship and Immigration Services, {sc[0]}"], "small"),
        Para([f"{sc[1]}, {sc[2]}"], "small"),
    ]
    return Doc(
        f"uscis_{dec.kind}_notice",
        "parole_decision",
        "en",
        [Para(["THE UNITED STATES OF AMERICA"], "title"), Para([form], "bold")],
        meta,
        body,
        footer="Form I-797 (Rev. 01/01/24)" if dec.kind != "receipt" else "Form I-797C 04/01/24",
        layouts=("uscis_notice",),
    )


def _uscis_letterhead(w: Writer) -> list[Para]:
    return [
        Para([USCIS_HEAD[0]], "small"),
        Para([USCIS_HEAD[1]], "title"),
        Para(["International and Refugee Affairs Division, Humanitarian Affairs Branch"], "small"),
        Para(["5900 Capital Gateway Drive, Camp Springs, MD ", distractor("zip", "20588")], "small"),
    ]


def denial_or_rfe(w: Writer, dec: Decision) -> Doc:
    """A denial decision or a request for evidence, as a letter."""
    c = w.case
    assert dec.receipt
    head = [Para([w.d(dec.notice, "document")]), Gap(6)]
    head += _address_block(w, w.agency_name())
    head += [
        Gap(6),
        Para(
            fill("RE: Form I-131, Application for Travel Document (Parole) - Receipt {r}", r=w.receipt(dec.receipt)),
            "bold",
        ),
        Para(["Beneficiary: ", w.agency_name(), "   A-Number: ", w.anum()], "bold"),
        Gap(6),
    ]
    usc = w.authority("USCIS", w.pick(["U.S. Citizenship and Immigration Services (USCIS)", "USCIS"]))
    if dec.kind == "denial":
        body = [
            Para([w.pick(["DECISION", "NOTICE OF DECISION"])], "heading"),
            para(
                w.pick(
                    [
                        "{a} has reviewed your request for parole filed on {f}. After a thorough review of the record, "
                        "we have determined that you have not established urgent humanitarian reasons or a significant "
                        "public benefit that warrant a favorable exercise of discretion.",
                        "You filed a request for humanitarian parole on {f}. {a} has carefully considered all evidence "
                        "submitted and finds that the request does not merit parole as a matter of discretion.",
                    ]
                ),
                a=usc,
                f=w.d(dec.filed or dec.notice, "filed"),
            ),
            Para(["Accordingly, your request for parole is ", w.outcome("denied", w.pick(["denied", "DENIED"])), "."]),
        ]
        if w.rng.random() < 0.6:
            home = c.home_facility.name if c.home_facility else "facilities in the region"
            body.append(
                para(
                    "The record indicates that {u}, including at " + home + ".",
                    u=w.unavailable(
                        w.pick(
                            [
                                f"comparable treatment is available in {w.country_word()}",
                                f"care for this condition is available in {w.country_word()}",
                            ]
                        ),
                        False,
                    ),
                )
            )
        body += [
            Para(
                [
                    "There is no appeal from a denial of parole. You may file a new Form I-131 with new "
                    "evidence, with the required fee."
                ]
            ),
            Para(["Sincerely,"]),
            Gap(12),
            Para(["Chief, Humanitarian Affairs Branch"], "sign"),
        ]
        kind = "uscis_denial_letter"
    else:
        assert dec.due
        body = [
            Para([w.outcome("rfe", w.pick(["REQUEST FOR EVIDENCE", "Request for Evidence"]))], "heading"),
            para(
                "{a} needs additional information to decide the request for parole for {n}. Submit:",
                a=usc,
                n=w.agency_name(),
            ),
            Para(
                [
                    "1. A letter from the treating physician stating the diagnosis, prognosis and expected length of "
                    "treatment."
                ]
            ),
            Para(
                [
                    "2. Evidence that the treatment is not available in the beneficiary's country or a neighboring "
                    "country."
                ]
            ),
            Para(["3. An estimate of the cost of treatment and evidence of who will pay for it (Form I-134)."]),
            Para(["4. For a minor, the written consent of both parents."]),
            para(
                w.pick(
                    [
                        "Your response must be received by {due}.",
                        "Send the requested evidence so that we receive it no later than {due}.",
                        "The deadline to respond is {due}; if you do not respond, the request may be denied.",
                    ]
                ),
                due=w.d(dec.due, "other"),
            ),
            Para(["Sincerely,"]),
            Gap(12),
            Para(["Humanitarian Affairs Branch"], "sign"),
        ]
        kind = "uscis_rfe_letter"
    return Doc(
        kind,
        "parole_decision",
        "en",
        _uscis_letterhead(w),
        None,
        head + body,
        running=f"Receipt {dec.receipt}",
        footer="www.uscis.gov",
        layouts=("letterhead", "multipage", "typewriter"),
    )


def ice_cbp_letter(w: Writer, dec: Decision) -> Doc:
    """An ICE or CBP parole letter (parole granted from inside the US or at a port of entry)."""
    c = w.case
    assert dec.start and dec.end and dec.months
    if dec.authority == "ICE":
        office, st = w.rng.choice(ICE_OFFICES)
        head = [
            Para(["U.S. Department of Homeland Security"], "small"),
            Para([w.authority("ICE", "U.S. Immigration and Customs Enforcement")], "title"),
            Para([f"Enforcement and Removal Operations - {office} Field Office, {st}"], "small"),
        ]
    else:
        port = w.rng.choice(PORTS_OF_ENTRY)
        head = [
            Para(["U.S. Department of Homeland Security"], "small"),
            Para([w.authority("CBP", "U.S. Customs and Border Protection")], "title"),
            Para([f"Office of Field Operations - {port} Port of Entry"], "small"),
        ]
    body = [
        Para([w.d(dec.notice, "document")]),
        Gap(6),
        Para(["Name: ", w.agency_name(), "    A#: ", w.anum()], "bold"),
        Para(["Country of citizenship: ", w.country("upper"), "    Date of birth: ", w.d(c.dob, "birth")]),
        Gap(6),
        Para(["NOTICE OF PAROLE"], "heading"),
        Para(
            [
                w.pick(["You are hereby ", "This is to certify that you have been "]),
                w.outcome("granted", "paroled"),
                " into the United States pursuant to section 212(d)(5)(A) of the Immigration and Nationality Act "
                "for urgent humanitarian reasons, for ",
                w.duration(dec.months),
                ".",
            ]
        ),
        Para(
            [
                "This parole begins on ",
                w.d(dec.start, "parole_start"),
                " and expires on ",
                w.d(dec.end, "parole_end"),
                ".",
            ]
        ),
        Para(["Parole may be terminated upon notice. You must report any change of address within 10 days."]),
        Para(
            [
                "Event No. ",
                distractor(
                    "event_number",
                    f"{w.rng.choice(['LOS', 'SNA', 'HOU', 'ELP'])}{w.rng.randint(2200000000, 2599999999)}",
                ),
            ],
            "small",
        ),
        Gap(12),
        Para(
            [
                "Supervisory Detention and Deportation Officer"
                if dec.authority == "ICE"
                else "CBP Officer / Watch Commander"
            ],
            "sign",
        ),
    ]
    return Doc(
        f"{dec.authority.lower()}_parole_letter",
        "parole_decision",
        "en",
        head,
        None,
        body,
        footer="Form I-94 record updated",
        layouts=("letterhead", "typewriter"),
    )


def termination_email(w: Writer, dec: Decision) -> Doc:
    """The April 2025 style DHS e-mail: parole terminates 7 days from the date of the notice."""
    assert dec.effective
    n = dec.notice
    w.date_style = "long"
    stamp = f"{['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][n.weekday()]}, {n.day} {n.strftime('%b')} {n.year}"
    header_date = f"{stamp} {w.rng.randint(8, 20):02d}:{w.rng.randint(0, 59):02d}:{w.rng.randint(0, 59):02d} -0400"
    name = w.agency_name()
    effective = w.pick(
        [
            "7 days from the date of this notice",
            "seven (7) days from the date of this notice",
            "7 days from the date of this notice",
        ]
    )
    explicit = w.rng.random() < 0.4
    body: list = [
        para("Dear {n},", n=name),
        Para(["A-Number: ", w.anum("plain")]),
        para(
            w.pick(
                [
                    "The {dhs} is exercising its discretion to {t} your parole.",
                    "This notice is to inform you that the {dhs} has decided to {t} your parole.",
                    "The {dhs} will {t} your parole.",
                    "Pursuant to 8 CFR 212.5(e), the {dhs} hereby gives notice that it will {t} your parole.",
                ]
            ),
            dhs=w.authority(
                "DHS",
                w.pick(
                    [
                        "Department of Homeland Security (DHS)",
                        "Department of Homeland Security",
                        "U.S. Department of Homeland Security",
                    ]
                ),
            ),
            t=w.outcome("terminated", "terminate"),
        ),
        Para(
            fill(
                "Your parole will terminate {e}" + (", on {x}." if explicit else "."),
                e=fact("date", dec.effective.isoformat(), effective, role="termination_effective"),
                x=w.d(dec.effective, "termination_effective"),
            )
        ),
        Para(
            [
                "It is time for you to leave the United States. If you do not depart the United States immediately, "
                "you will be subject to potential law enforcement actions that will result in your removal, unless "
                "you have otherwise obtained a lawful basis to remain here."
            ]
        ),
        Para(
            [
                "Any benefits you receive in the United States connected with your parole, such as work "
                "authorization, will also terminate."
            ]
        ),
        Para(["Date of this notice: ", w.d(n, "document")]),
        Para(
            [
                "Reference: ",
                distractor("reference_number", f"TP-{w.rng.randint(10**8, 10**9 - 1)}"),
                "  Questions: ",
                distractor("phone", "1-866-347-2423"),
            ]
        ),
        Para(["Do not reply to this message. This mailbox is not monitored."]),
    ]
    email = {
        "From": "DHS Notifications <do-not-reply@notifications.dhs.gov>",
        "To": f"{w.case.first.split()[0].lower()}.{w.case.last1.lower()}{w.rng.randint(1, 99)}@gmail.com",
        "Subject": "Notice of Termination of Parole",
        "Date": header_date,
    }
    header_fact = Fact("date", n.isoformat(), stamp.split(", ", 1)[1], (("role", "document"),))
    return Doc(
        "dhs_termination_email",
        "parole_decision",
        "en",
        [],
        None,
        body,
        layouts=("email",),
        email=email,
        extra_facts=[header_fact],
    )
