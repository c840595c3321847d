"""Letters from legal-aid organisations: an English cover letter to USCIS and a Spanish letter to the family."""

from __future__ import annotations

from datetime import date

from .data_orgs import USCIS_ADDRESSES
from .model import KV, Doc, Gap, Para, distractor
from .story import Decision
from .writer import Writer, para

FEMALE_ATTORNEYS = {"Emily", "Sarah", "Rachel", "Jessica", "Lauren", "Diana"}


def _letterhead(w: Writer) -> list[Para]:
    o = w.case.legal_org
    return [
        Para([w.legal()], "title"),
        Para([f"{o.street}, {o.city}, {o.state} ", distractor("zip", o.zip)], "small"),
        Para(["Tel. ", w.phone(o.area), "  |  Fax ", w.phone(o.area)], "small"),
    ]


def cover_letter(w: Writer, day: date, receipt: str | None) -> Doc:
    """An attorney's cover letter for an I-131 parole request, listing the evidence (doc_type other)."""
    c = w.case
    addr = w.rng.choice(USCIS_ADDRESSES)
    meta = KV(
        [
            ("Date", [w.d(day, "document")]),
            ("Beneficiary", [w.name()]),
            ("A-Number", [w.anum()]),
            ("Country", [w.country()]),
        ]
    )
    if receipt:
        meta.rows.append(("Prior receipt", [w.receipt(receipt)]))
    intro = w.pick(
        [
            "{org} represents {n}, a {age} national of {cty}, who urgently needs medical treatment in the "
            "United States.",
            "On behalf of our client {n} ({age}), a citizen of {cty}, {org} respectfully submits this request "
            "for humanitarian parole.",
            "Please find enclosed a request for parole for {n}, {age}, from {cty}, prepared by {org}.",
            "{org} submits the enclosed Form I-131 for {n}, a {age} child from {cty}, on an expedited basis.",
            "We write as counsel for {n} ({age}), a national of {cty}.",
        ]
    )
    body: list = [Para([line]) for line in addr] + [Gap(6)]
    body += [
        Para(
            ["RE: Request for Humanitarian Parole (Form I-131) for ", w.name(), ", DOB ", w.d(c.dob, "birth")], "bold"
        ),
        Para(["Dear Officer:"]),
        para(intro, org=w.legal(alias=True), n=w.name(), age=w.age(day, "a {age}" in intro), cty=w.country()),
        para(
            w.pick(
                [
                    "{n2} has {dx} and is treated at {fac} with {tx}.",
                    "The beneficiary suffers from {dx}; the treating team at {fac} has prescribed {tx}.",
                    "As the enclosed letter from {fac} explains, {dx} requires {tx}.",
                    "Medical records show {dx}. Only {fac} has offered {tx}.",
                    "The child was diagnosed with {dx} and is followed at {fac}, where {tx} is provided.",
                ]
            ),
            n2=c.first,
            dx=w.dx(),
            fac=w.facility(alias=w.rng.random() < 0.5),
            tx=w.tx(with_schedule=False),
        ),
        para(
            "The treating physician, Dr. {doc}, confirms that the treatment {u}.",
            doc=w.physician(),  # the letter names the physician, not the specialty
            u=w.unavailable(f"is not available in {w.country_word()}"),
        ),
        Para(["Enclosures:"], "bold"),
        Para(
            [
                "Tab A - Form I-131 and Form I-134 (sponsor: ",
                distractor("sponsor", w.pick(["Rosa Martínez", "Pedro Sánchez", "Ana Ruiz", "Mario Delgado"])),
                ")",
            ]
        ),
        Para(["Tab B - Letter of medical necessity, cost estimate, birth certificate, parents' consent"]),
        Para(["Tab C - Filing fee and G-1145 e-notification"]),
        Para(["Please direct all correspondence to the undersigned. Thank you for your attention."]),
        Gap(10),
        Para(["Sincerely,"]),
        Gap(10),
        Para(
            [
                f"{w.case.attorney[0]} {w.case.attorney[1]}, Esq.",
            ],
            "sign",
        ),
        Para(["Staff Attorney, ", w.legal()], "small"),
        Para(["G-28 enclosed. State bar no. ", distractor("bar_number", str(w.rng.randint(100000, 399999)))], "small"),
    ]
    return Doc(
        "legal_cover_letter",
        "other",
        "en",
        _letterhead(w),
        meta,
        body,
        footer="Privileged & confidential",
        layouts=("letterhead", "two_column"),
    )


def family_update(w: Writer, dec: Decision, day: date) -> Doc:
    """A Spanish letter from the legal organisation to the family reporting a decision (doc_type other)."""
    c = w.case
    mother = c.family[0]
    hijo = "su hija" if c.she else "su hijo"
    out = w.pick(
        {
            "granted": ["aprobó", "autorizó", "concedió"],
            "extended": ["aprobó la renovación (re-parole) de", "renovó", "extendió"],
            "denied": ["negó", "denegó", "rechazó"],
            "rfe": ["pidió más pruebas (Request for Evidence) sobre", "solicitó evidencia adicional sobre"],
            "terminated": ["dio por terminado", "canceló"],
            "pending": ["recibió", "tiene en trámite"],
        }[dec.outcome]
    )
    auth = {"USCIS": "USCIS", "ICE": "ICE", "CBP": "CBP", "DHS": "el Departamento de Seguridad Nacional (DHS)"}
    body: list = [
        Para([f"{c.us_address[1]}, ", w.d(day, "document")], "right"),
        Para([f"Estimada señora {mother.first} {mother.last}:"]),
        para(
            w.pick(
                [
                    "Le escribimos de parte de {org} para informarle que el {dd} {a} {o} la solicitud de permiso "
                    "humanitario (parole) de " + hijo + " {n}.",
                    "Por medio de la presente, {org} le informa que {a} {o} la solicitud de parole de {n}; la decisión "
                    "tiene fecha del {dd}.",
                    "Nos da gusto (o pena) comunicarle que {a} {o} el trámite de {n}. Fecha de la decisión: {dd}.",
                    "Como sus representantes en {org}, le comunicamos que el {dd} {a} {o} la solicitud de {n}.",
                    "Queremos avisarle que {a} {o} la petición de parole de " + hijo + " {n} (decisión del {dd}).",
                ]
            ),
            org=w.legal(alias=w.rng.random() < 0.4),
            dd=w.d(dec.notice, "decision"),
            a=w.authority(dec.authority, auth[dec.authority]),
            o=w.outcome(dec.outcome, out),
            n=w.name(),
        ),
    ]
    if dec.months and dec.start and dec.end:
        body.append(
            para(
                w.pick(
                    [
                        "El permiso es por {m}, del {s} al {e}.",
                        "La autorización dura {m}: inicia el {s} y vence el {e}.",
                        "Vigencia: {m} (del {s} al {e}).",
                    ]
                ),
                m=w.duration(dec.months),
                s=w.d(dec.start, "parole_start"),
                e=w.d(dec.end, "parole_end"),
            )
        )
        body.append(
            Para(["Le recomendamos presentar la solicitud de renovación por lo menos 90 días antes del vencimiento."])
        )
    if dec.effective:
        body.append(
            para(
                "Según el aviso, el parole termina el {e}. Si tiene otra solicitud pendiente, no salga del "
                "país sin hablar con nosotros.",
                e=w.d(dec.effective, "termination_effective"),
            )
        )
    if dec.receipt:
        body.append(para("Número de recibo: {r}. Número A: {a}.", r=w.receipt(dec.receipt), a=w.anum()))
    body += [
        para(
            "El tratamiento de {n2} en {fac} continúa con {tx}.",
            n2=c.first,
            fac=w.facility(),
            tx=w.tx(with_schedule=False),
        ),
        Para(["Si tiene preguntas, llame a nuestra oficina al ", w.phone(c.legal_org.area), " de lunes a viernes."]),
        Gap(8),
        Para(["Atentamente,"]),
        Gap(10),
        Para(
            [f"{c.attorney[0]} {c.attorney[1]}, abogad{'a' if c.attorney[0] in FEMALE_ATTORNEYS else 'o'}"],
            "sign",
        ),
    ]
    return Doc(
        "legal_family_letter",
        "other",
        "es",
        _letterhead(w),
        None,
        body,
        footer="Información confidencial abogado-cliente",
        layouts=("letterhead", "typewriter"),
    )
