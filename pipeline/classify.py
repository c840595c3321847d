"""doc_type and language, from cue words: cheap, explainable, and good enough for typed paperwork."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.models import DocType
from pipeline.prefilter import finditer

_WORD = re.compile(r"[a-záéíóúñü]+", re.IGNORECASE)

# Function words that separate English from Spanish even in short, formulaic letters.
_STOPWORDS = {
    "en": {
        "the",
        "of",
        "and",
        "to",
        "is",
        "in",
        "that",
        "for",
        "with",
        "this",
        "has",
        "was",
        "be",
        "your",
        "her",
        "his",
        "she",
        "he",
        "will",
        "from",
        "are",
        "on",
        "not",
        "by",
        "we",
        "our",
        "have",
    },
    "es": {
        "el",
        "la",
        "de",
        "que",
        "y",
        "en",
        "los",
        "las",
        "del",
        "se",
        "por",
        "con",
        "para",
        "una",
        "es",
        "su",
        "al",
        "lo",
        "como",
        "más",
        "pero",
        "sus",
        "le",
        "ha",
        "este",
        "esta",
        "presente",
    },
}

# (pattern, weight) cues per type; English and Spanish.
_CUES: dict[DocType, list[tuple[re.Pattern[str], float]]] = {
    DocType.PAROLE_DECISION: [
        (re.compile(p, re.IGNORECASE), w)
        for p, w in [
            (r"\bparole\b|\bpermiso humanitario\b|\bparole humanitario\b", 1.0),
            (r"\bI-131\b|\bI-512L?\b|\bI-797C?\b|\bI-94\b", 2.0),
            (r"\breceipt (number|#)|\bn[uú]mero de recibo\b", 1.5),
            (r"\bnotice (date|of action|of termination)|\bnotice type\b|\baviso\b", 1.5),
            (
                r"\b(approved|denied|terminated|granted|den(y|ial)|terminat(e|ion)|revoked|aprobad[ao]|negad[ao]"
                r"|denegad[ao]|terminad[ao]|concedid[ao])\b",
                1.0,
            ),
            (
                r"\bU\.?S\.? Citizenship and Immigration Services\b|\bUSCIS\b|\bDepartment of Homeland Security\b"
                r"|\bDHS\b|\bImmigration and Customs Enforcement\b|\bCustoms and Border Protection\b",
                1.5,
            ),
            (r"\brequest for evidence\b|\bsolicitud de evidencia\b", 2.0),
            (r"\bvalid (from|until|through)\b|\bv[aá]lid[oa] (desde|hasta)\b", 1.5),
            (r"\bbeneficiary\b|\bapplicant\b|\bbeneficiari[oa]\b|\bsolicitante\b", 0.5),
            (r"\bA-?number\b|\bA#|\bAlien (Registration )?Number\b", 1.0),
        ]
    ],
    DocType.MEDICAL_LETTER: [
        (re.compile(p, re.IGNORECASE), w)
        for p, w in [
            (r"\bdiagnos(is|ed|tic)|\bdiagn[oó]stic[oa]\b", 1.5),
            (r"\bpatient\b|\bpaciente\b", 1.5),
            (r"\btreatment\b|\btratamiento\b|\btherapy\b|\bterapia\b", 1.0),
            (r"\bM\.?D\.?\b|\bphysician\b|\bm[eé]dic[oa]\b|\bDr\.|\bDra\.", 1.0),
            (r"\bmedical necessity\b|\bnecesidad m[eé]dica\b|\bdischarge summary\b|\bresumen de (egreso|alta)\b", 2.5),
            (r"\bhospital\b|\bclinic\b|\bcl[ií]nica\b", 0.5),
            (r"\bcost estimate\b|\bestimated cost\b|\bcosto estimado\b|\bpresupuesto\b", 1.5),
            (r"\bhace constar\b|\bse extiende la presente\b", 2.0),
            (r"\bICD-?10\b|\bCIE-?10\b", 1.5),
            (r"\bprognosis\b|\bpron[oó]stico\b", 1.5),
        ]
    ],
    # Letters written by lawyers and advocates (cover letters, updates to families) and news reports quote
    # decisions and diagnoses, but they are neither the decision nor the medical letter: doc_type other.
    DocType.OTHER: [
        (re.compile(p, re.IGNORECASE), w)
        for p, w in [
            (r"\bEsq\.|\b(?:attorney|lawyer)s?\b|\babogad[oa]s?\b|\bcounsel for\b|\bas counsel\b|\bG-28\b", 2.0),
            (
                r"\bour client\b|\bnuestr[oa]s? client[ea]s?\b|\bwe represent\b|\brepresents\b|\bsus representantes\b"
                r"|\ben representaci[óo]n de\b|\bon behalf of our\b",
                2.0,
            ),
            (
                r"\b(?:le|les) (?:informamos|comunicamos|escribimos|recomendamos)\b"
                r"|\bqueremos (?:avisarle|informarle)\b|\ble informa que\b|\bnuestra oficina\b",
                1.5,
            ),
            (r"\bestimad[oa]s? (?:señora?|sra?\.|familia)\b|\bdear officer\b|\brespectfully submits?\b", 1.5),
            (r"\benclosures?\b|\btab [A-F]\b|\bprivileged\b|\babogado-cliente\b|\battorney-client\b", 1.5),
            (
                r"\blegal (?:aid|services|defense|immigration network)\b"
                r"|\bimmigra\w* (?:rights|advocacy|justice|legal)\b"
                r"|\badvocacy (?:center|project)\b|\bimmigrant justice\b",
                1.0,
            ),
            (
                r"\b(?:reported|according to|told reporters|news|staff writer|periodista"
                r"|seg[úu]n (?:inform[óo]|dijo))\b",
                1.0,
            ),
            # The agency in the third person: someone telling what USCIS or DHS did, not the agency deciding.
            (
                r"\b(?:USCIS|DHS|ICE|CBP|the agency)\s+(?:has\s+|had\s+)?(?:approved|granted|denied|extended|terminated"
                r"|told|sent|issued|decided|asked|notified|informed|answered|re-?paroled)\b"
                r"|\bwas (?:granted|given|denied) (?:humanitarian )?parole by\b"
                r"|\b(?:USCIS|DHS|ICE|CBP)\)?\s+(?:le\s+|les\s+)?(?:aprob[óo]|renov[óo]|extendi[óo]|neg[óo]|otorg[óo]|concedi[óo]|termin[óo]|envi[óo]"
                r"|notific[óo]|decidi[óo]|inform[óo])\b",
                2.0,
            ),
            (
                r"\bmin(?:ute)? read\b|\bupdated \d{1,2}:\d\d\b|\b(?:he|she|they) said\b"
                r"|\bsaid (?:his|her|their|the) (?:mother|father|aunt|uncle|lawyer|attorney|doctor)\b"
                r"|\bdijo (?:su|la|el) (?:madre|padre|t[íi][ao]|abogad[ao]|m[ée]dic[ao])\b",
                1.5,
            ),
            # An advocate writing to the family or to a coalition about the case.
            (
                r"\b(?:hi|hello) (?:all|everyone|team|friends)\b|\bcase update\b|\bcoalition\b|\bsupport letters?\b"
                r"|\bhere is (?:a|the) (?:written )?summary\b|\bcase stands\b|\bnext deadlines?\b"
                r"|\bwe (?:will|can) (?:help|file|prepare|remind|send)\b|\b(?:call|contact) (?:us|our office)\b"
                r"|\bhola a todos\b|\bactualizaci[óo]n del caso\b|\ble recordamos\b|\bpr[óo]xim[oa]s? fechas?\b"
                r"|\ble resumo\b|\bresumimos\b|\bresumen del caso\b|\bequipo legal\b|\bpor\s+\w+\s+\w+\s*\|",
                1.5,
            ),
        ]
    ],
}
# A letter counts as `other` when its authorship cues reach this score, however many decision or medical
# words it quotes.
_OTHER_MIN = 4.0


@dataclass(frozen=True)
class Classification:
    doc_type: DocType
    confidence: float
    language: str


def detect_language(text: str) -> str:
    """en or es by function-word counts; en when there is too little text to tell."""
    counts = {lang: 0 for lang in _STOPWORDS}
    for word in _WORD.findall(text[:20000].lower()):
        for lang, words in _STOPWORDS.items():
            if word in words:
                counts[lang] += 1
    if counts["es"] > counts["en"] * 1.2:
        return "es"
    return "en"


@functools.cache
def _cue_list() -> tuple[re.Pattern[str], list[tuple[DocType, re.Pattern[str], float]]]:
    """Every cue, and one regex that finds where any of them starts (a lookahead, so it consumes nothing)."""
    cues = [(doc_type, pattern, weight) for doc_type, listed in _CUES.items() for pattern, weight in listed]
    starts = re.compile("(?=" + "|".join(f"(?:{pattern.pattern})" for _, pattern, _ in cues) + ")", re.IGNORECASE)
    return starts, cues


def _cue_counts(sample: str) -> list[int]:
    """How many times each cue occurs, counted as its own `findall` would (non-overlapping, leftmost first).

    A cue that starts with \\b gives the regex engine no first character to skip ahead by, so running the cues one
    by one scans the text once per cue; here one scan finds the places where some cue starts, and only those places
    are tried for each cue."""
    starts, cues = _cue_list()
    counts = [0] * len(cues)
    ends = [0] * len(cues)
    for found in finditer(starts, sample):
        position = found.start()
        for index, (_, pattern, _) in enumerate(cues):
            if position < ends[index]:
                continue
            match = pattern.match(sample, position)
            if match:
                counts[index] += 1
                ends[index] = max(match.end(), position + 1)
    return counts


def classify(text: str) -> Classification:
    """doc_type with a confidence in [0, 1] (share of the winning score), and the language."""
    sample = text[:30000]
    scores: dict[DocType, float] = dict.fromkeys(_CUES, 0.0)
    for (doc_type, _, weight), count in zip(_cue_list()[1], _cue_counts(sample), strict=True):
        scores[doc_type] += weight * min(count, 3)
    language = detect_language(text)
    other = scores.pop(DocType.OTHER)
    best = max(scores, key=lambda d: scores[d])
    total = sum(scores.values()) + other
    if other >= _OTHER_MIN and other >= 0.5 * scores[best]:
        return Classification(DocType.OTHER, round(min(0.95, other / total + 0.3), 3), language)
    if scores[best] < 3.0:
        return Classification(DocType.OTHER, 0.5, language)
    return Classification(best, round(scores[best] / total, 3), language)
