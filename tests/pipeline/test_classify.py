"""doc_type from cue words: decisions, medical letters, and letters that only quote them (legal aid, news)."""

from __future__ import annotations

import pytest

from pipeline.classify import classify
from pipeline.models import DocType

APPROVAL = (
    "Department of Homeland Security\nU.S. Citizenship and Immigration Services\nForm I-797, Notice of Action\n"
    "Receipt Number IOE0912345678  Case Type I131 - APPLICATION FOR TRAVEL DOCUMENT\n"
    "Received Date 01/15/2025  Notice Date 03/03/2025\nBeneficiary A212345678 ANA LOPEZ\n"
    "c/o PUBLIC COUNSEL\n610 S ARDMORE AVE\nLOS ANGELES CA 90005\n"
    "Your request for parole has been approved. The parole is valid from 03/03/2025 until 03/02/2026."
)
DENIAL_WITH_REPRESENTATIVE = (
    "U.S. Citizenship and Immigration Services\nRE: Form I-131, Receipt IOE0912345678\n"
    "After review, USCIS has denied your request for parole. A copy of this decision was sent to your "
    "attorney of record.\nNotice Date: March 3, 2025"
)
MEDICAL = (
    "Children's Hospital Los Angeles\nTo whom it may concern:\nI am the attending physician of Ana Lopez, "
    "a 6-year-old patient with short bowel syndrome (ICD-10 K91.2). Her treatment is home parenteral "
    "nutrition. Without it her prognosis is poor. Sincerely, Maria Chen, MD"
)
LEGAL_COVER_EN = (
    "Northwest Immigrant Rights Project\nDate: August 1, 2023\nDear Officer:\n"
    "We write as counsel for our client Ana Lopez, a national of Honduras, and respectfully submit the enclosed "
    "Form I-131 request for humanitarian parole. Her physician confirms the diagnosis of short bowel syndrome; "
    "the treatment is not available in Honduras.\nEnclosures: Tab A - Form I-131; Tab B - medical letter\n"
    "Sincerely,\nJane Doe, Esq.\nG-28 enclosed."
)
LEGAL_UPDATE_ES = (
    "Al Otro Lado\nTijuana, 3 de marzo de 2025\nEstimada señora López:\n"
    "Como sus abogados, le informamos que USCIS aprobó la solicitud de parole de su hija. El permiso es por "
    "12 meses. La paciente continúa su tratamiento en el hospital. Si tiene preguntas, llame a nuestra oficina.\n"
    "Atentamente,\nLic. Rosa Pérez, abogada"
)
NEWS_EN = (
    "A 6-year-old girl with short bowel syndrome was granted humanitarian parole, her lawyer told reporters. "
    "According to the family, USCIS approved the request after doctors at the hospital said her treatment was not "
    "available in Honduras. Immigration attorneys say such grants are rare."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (APPROVAL, DocType.PAROLE_DECISION),
        (DENIAL_WITH_REPRESENTATIVE, DocType.PAROLE_DECISION),
        (MEDICAL, DocType.MEDICAL_LETTER),
        (LEGAL_COVER_EN, DocType.OTHER),
        (LEGAL_UPDATE_ES, DocType.OTHER),
        (NEWS_EN, DocType.OTHER),
        ("Grocery list: milk, eggs, bread.", DocType.OTHER),
    ],
    ids=["approval", "denial-mentions-attorney", "medical", "legal-cover", "legal-update-es", "news", "unrelated"],
)
def test_classify_tells_decisions_letters_and_letters_about_them_apart(text: str, expected: DocType) -> None:
    assert classify(text).doc_type is expected


def test_classify_legal_letter_quoting_a_decision_is_other_with_confidence() -> None:
    result = classify(LEGAL_UPDATE_ES)
    assert result.doc_type is DocType.OTHER
    assert result.language == "es"
    assert 0.5 <= result.confidence <= 0.95
