"""Spanish documents from hospitals in the home country: constancia / resumen clínico and a cost quote."""

from __future__ import annotations

from datetime import date, timedelta

from .data_people import COUNTRIES
from .model import KV, Doc, Fact, Gap, Para, Seg, Span, Table, distractor
from .writer import Writer, para

FEMALE_DOCTORS = {"Alejandra", "María Eugenia", "Gabriela", "Claudia Patricia", "Silvia", "Norma Leticia", "Ana Lucía"}
MINISTRY = {
    "MX": "SECRETARÍA DE SALUD",
    "HN": "SECRETARÍA DE SALUD DE HONDURAS",
    "GT": "MINISTERIO DE SALUD PÚBLICA Y ASISTENCIA SOCIAL",
    "SV": "MINISTERIO DE SALUD",
    "NI": "MINISTERIO DEL PODER CIUDADANO PARA LA SALUD",
    "VE": "MINISTERIO DEL PODER POPULAR PARA LA SALUD",
    "CO": "MINISTERIO DE SALUD Y PROTECCIÓN SOCIAL",
    "EC": "MINISTERIO DE SALUD PÚBLICA",
}


def _letterhead(w: Writer) -> list[Para]:
    f = w.case.home_facility
    assert f is not None
    spec = w.case.condition.specialty[1]
    return [
        Para([MINISTRY.get(f.country, "")], "small"),
        Para([w.facility(f)], "title"),
        Para([f"Servicio de {spec.capitalize()}"], "bold"),
        Para([f"{f.street}, C.P. ", distractor("zip", f.zip), f", {f.city}, {f.state}"], "small"),
        Para(["Tel. ", w.phone(f.area), w.pick([" ext. 2134", " ext. 1410", "", " ext. 301"])], "small"),
    ]


def _negated(w: Writer) -> Para:
    neg = w.cond(w.rng.choice(w.case.condition.negated), "negated")
    t = w.pick(
        [
            "Sin evidencia de {n}.",
            "No presenta datos de {n}.",
            "Se descarta {n}.",
            "Negativo para {n} en los estudios realizados.",
            "Actualmente sin datos clínicos de {n}.",
        ]
    )
    return para(t, n=neg)


def _hypothetical(w: Writer) -> Para:
    hyp = w.cond(w.rng.choice(w.case.condition.hypothetical), "hypothetical")
    t = w.pick(
        [
            "De no recibir el tratamiento, el pronóstico es malo a corto plazo, con alto riesgo de {h}.",
            "La suspensión del tratamiento podría ocasionar {h}.",
            "Sin el tratamiento indicado, "
            + ("la paciente" if w.case.she else "el paciente")
            + " evolucionaría a {h}.",
            "Existe riesgo inminente de {h} si no se continúa la terapia.",
            "En caso de interrumpirse el manejo, podría presentar {h} y fallecer.",
        ]
    )
    return para(t, h=hyp)


def _unavailable(w: Writer) -> Para:
    f = w.case.home_facility
    assert f is not None
    cname = COUNTRIES[f.country][1]
    u_text = w.pick(
        [
            "el tratamiento no se encuentra disponible en esta institución ni en nuestro país",
            f"no se encuentra disponible en {cname}",
            f"en {cname} no se cuenta con este tratamiento",
            "no está disponible en el sistema de salud público del país",
            "nuestra institución no cuenta con los recursos para ofrecer dicho tratamiento",
            f"no existe en {cname} un centro que lo realice",
        ]
    )
    t = w.pick(
        [
            "Cabe señalar que {u}.",
            "Es importante mencionar que {u}.",
            "Hacemos constar que {u}.",
            "Por lo anterior se informa que {u}, por lo que se sugiere su atención en el extranjero.",
            "Lamentablemente {u}.",
        ]
    )
    return para(t, u=w.unavailable(u_text, True, f.country))


def _family(w: Writer) -> Para:
    parts: list[Seg] = [w.pick(["Antecedentes heredofamiliares: ", "Antecedentes familiares: ", "Historia familiar: "])]
    rel_es = {"mother": "madre", "father": "padre", "sister": "hermana", "brother": "hermano"}
    for i, p in enumerate(w.case.family):
        parts += [f"{rel_es[p.relation]} ", w.relative_age(p)]
        if p.condition:
            parts += [
                w.pick([" con ", " portador(a) de ", " con diagnóstico de ", ", padece "]),
                w.cond(p.condition, "family"),
            ]
        else:
            parts.append(w.pick([", aparentemente sano(a)", ", sano(a)", " sin patologías"]))
        parts.append("; " if i < len(w.case.family) - 1 else ".")
    return Para(parts)


def home_letter(w: Writer, day: date) -> Doc:
    """Constancia médica / resumen clínico from the home-country hospital (Spanish)."""
    c = w.case
    f = c.home_facility
    assert f is not None
    spec = c.condition.specialty[1]
    hist = w.cond(w.rng.choice(c.condition.historical), "historical")
    adm = max(c.diagnosed - timedelta(days=w.rng.randint(10, 200)), c.dob + timedelta(days=2))
    exp = str(w.rng.randint(100000, 9999999))
    exp_span = Span(exp, (Fact("identifier", exp, exp, (("kind", "mrn"),)),))
    initials = "".join(x[0] for x in f.name.replace(".", " ").split() if x[0].isupper())
    folio = f"{initials}/{w.rng.choice(['DG', 'DM', 'SJ', 'JS'])}/{w.rng.randint(1, 999):03d}/{day.year}"
    paciente = "la paciente" if c.she else "el paciente"
    atendido = "atendida" if c.she else "atendido"
    intro = w.pick(
        [
            "Por medio de la presente se hace constar que " + paciente + " {name}, de {age}, con fecha de nacimiento "
            "{dob} y número de expediente {exp}, es " + atendido + " en este hospital desde {since} con diagnóstico "
            "de {dx} (CIE-10 " + c.condition.icd10 + ").",
            "El (la) que suscribe, médico adscrito al servicio de "
            + spec
            + ", hace constar que "
            + paciente
            + " {name}, originari"
            + ("a" if c.she else "o")
            + " de {country}, de {age}, cursa con {dx} desde {since}.",
            "Por este conducto me permito informar que {name}, expediente {exp}, nacid"
            + ("a" if c.she else "o")
            + " el {dob}, tiene diagnóstico de {dx}, establecido el {since}.",
            "Se hace de su conocimiento que " + paciente + " {name} ({age}) de nacionalidad {dem} se encuentra en "
            "control en nuestro servicio por {dx} desde el {since}.",
            "Hago constar que {name}, con número de expediente clínico {exp}, fue diagnosticad"
            + ("a" if c.she else "o")
            + " con {dx} el día {since}.",
        ]
    )
    body: list = [
        Para([w.pick(["Oficio No. ", "Folio: ", "No. de oficio: "]), distractor("folio", folio)], "right"),
        Para([w.pick(["ASUNTO: Constancia médica", "ASUNTO: Resumen clínico", "Asunto: Informe médico"])], "right"),
        Para([f"{f.city}, a ", w.d(day, "document")], "right"),
        Gap(6),
        Para(
            [
                w.pick(
                    [
                        "A QUIEN CORRESPONDA:",
                        "A QUIEN CORRESPONDA",
                        "A LA EMBAJADA DE LOS ESTADOS UNIDOS DE AMÉRICA",
                        "A LAS AUTORIDADES MIGRATORIAS DE LOS ESTADOS UNIDOS:",
                    ]
                )
            ],
            "bold",
        ),
        Para(["P r e s e n t e"]) if w.rng.random() < 0.4 else Gap(2),
        para(
            intro,
            name=w.name(),
            age=w.age(day),
            dob=w.d(c.dob, "birth"),
            exp=exp_span,
            since=w.d(c.diagnosed, "diagnosis"),
            dx=w.dx(),
            country=w.country(),
            dem=w.country("demonym"),
        ),
        para(
            w.pick(
                [
                    "Cuenta con antecedente de {h}, por lo que estuvo hospitalizad{o} del {a} al {b}.",
                    "Con historia de {h}; ingresó el {a} y egresó el {b}.",
                    "Cursó con {h}, requiriendo hospitalización del {a} al {b}.",
                    "Como antecedente de importancia padeció {h} (hospitalización: {a} a {b}).",
                    "Antecedente de {h}, ya resuelta; internamiento del {a} al {b}.",
                ]
            ).replace("{o}", "a" if c.she else "o"),
            h=hist,
            a=w.d(adm, "admission"),
            b=w.d(adm + timedelta(days=w.rng.randint(4, 45)), "discharge"),
        ),
        para(
            w.pick(
                [
                    "Requiere {tx}, " + w.schedule() + ".",
                    "Actualmente recibe {tx} " + w.schedule() + ".",
                    "Su manejo consiste en {tx} (" + w.schedule() + ").",
                    "Amerita {tx}, " + w.schedule() + ", de manera indefinida.",
                    "Se indicó {tx}, " + w.schedule() + ".",
                ]
            ),
            tx=w.tx(),
        ),
        _negated(w),
        _hypothetical(w),
        _unavailable(w),
        _family(w),
    ]
    if w.rng.random() < 0.5 and c.costs.home_currency != "USD":
        body.append(
            para(
                w.pick(
                    [
                        "El costo aproximado del tratamiento en medio privado es de {m}.",
                        "En el sector privado el tratamiento tiene un costo de {m}.",
                        "El costo estimado del tratamiento para la familia sería de {m}, que no puede cubrir.",
                    ]
                ),
                m=w.money(c.costs.home_country_monthly, c.costs.home_currency, "monthly", "treatment"),
            )
        )
    body.append(
        Para(
            [
                w.pick(
                    [
                        "Se extiende la presente a petición del interesado para los fines legales que a él convengan.",
                        "Se extiende la presente a solicitud de la parte interesada, para los usos que "
                        "estime convenientes.",
                        "Se expide la presente a petición de la madre del paciente para los trámites correspondientes.",
                        "Sin otro particular, reciba un cordial saludo.",
                        "Para los fines que a la interesada convengan, se extiende la presente.",
                    ]
                )
            ]
        )
    )
    sign = [
        Gap(10),
        Para([w.pick(["ATENTAMENTE", "Atentamente,", "A T E N T A M E N T E"])], "center"),
        Gap(16),
        Para(["Dra. " if c.home_physician[0] in FEMALE_DOCTORS else "Dr. ", w.physician(spec, home=True)], "center"),
        Para([f"Médico adscrito al servicio de {spec}"], "center"),
        Para(["Céd. Prof. ", distractor("cedula", str(w.rng.randint(1_000_000, 12_999_999)))], "center"),
        Para(["c.c.p. Archivo / Expediente clínico"], "small"),
    ]
    return Doc(
        "home_country_letter",
        "medical_letter",
        "es",
        _letterhead(w),
        None,
        body + sign,
        footer=f"{f.street}, {f.city}",
        layouts=("oficio", "letterhead", "typewriter"),
    )


def home_cost_quote(w: Writer, day: date) -> Doc:
    """Cotización: what the treatment would cost privately at home, in local currency."""
    c = w.case
    f = c.home_facility
    assert f is not None
    cur = c.costs.home_currency
    total = c.costs.home_country_monthly
    items = [
        ("Medicamentos e insumos", 0.5, "medication"),
        ("Honorarios médicos", 0.2, "treatment"),
        ("Hospitalización (día cama)", 0.3, "inpatient"),
    ]
    rows: list[list[list[Seg]]] = []
    for label, share, cat in items:
        amount = round(total * share / 100) * 100
        period = "daily" if "día" in label else "monthly"
        if period == "daily":
            amount = round(amount / 30 / 10) * 10
        rows.append([[label], ["diario" if period == "daily" else "mensual"], [w.money(amount, cur, period, cat)]])
    meta = KV(
        [
            ("Fecha", [w.d(day, "document")]),
            ("Paciente", [w.name()]),
            ("Cotización", [distractor("quote_number", f"COT-{w.rng.randint(1000, 99999)}")]),
        ]
    )
    body = [
        Para(
            [w.pick(["COTIZACIÓN DE TRATAMIENTO", "PRESUPUESTO DE ATENCIÓN MÉDICA", "ESTIMADO DE COSTOS"])], "heading"
        ),
        para("Diagnóstico: {dx}. Tratamiento: {tx}.", dx=w.dx(), tx=w.tx(with_schedule=False)),
        Table(["Concepto", "Periodo", "Importe"], rows, [230, 90, 170]),
        Gap(6),
        para(
            w.pick(["Costo mensual estimado: {t}.", "Total mensual aproximado: {t}.", "Importe total: {t}."]),
            # A total over medication, fees and hospital days names no one category: `other`.
            t=w.money(total, cur, "monthly", "other"),
        ),
        Para(["Precios sujetos a cambio sin previo aviso. Vigencia: 30 días."], "small"),
    ]
    return Doc(
        "home_cost_quote",
        "medical_letter",
        "es",
        _letterhead(w),
        meta,
        body,
        footer="Departamento de Trabajo Social",
        layouts=("cost_table", "two_column"),
    )
