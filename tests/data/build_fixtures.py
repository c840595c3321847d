"""Builds the small fixture files in tests/data/ (committed; run again only to change them).

    .venv/bin/python tests/data/build_fixtures.py

All people, numbers and letters here are fictional.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document as WordDocument
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

HERE = Path(__file__).parent

LETTER = [
    "Children's Hospital Los Angeles",
    "4650 Sunset Blvd, Los Angeles, CA 90027  Tel (323) 555-0142  Fax (323) 555-0199",
    "",
    "March 3, 2025",
    "",
    "To: U.S. Citizenship and Immigration Services",
    "RE: Sofia Ramirez Lopez, DOB 04/12/2020, A-Number: A 212 345 678",
    "",
    "To whom it may concern:",
    "I am the attending physician of Sofia Ramirez Lopez, a 4-year-old girl from Honduras who has",
    "short bowel syndrome (ICD-10 K90.829) after a midgut volvulus. There is no evidence of liver disease.",
    "She receives home parenteral nutrition infused over 14 hours daily through a central venous catheter.",
    "Without parenteral nutrition she would develop sepsis and dehydration within days. Her mother has",
    "type 2 diabetes. This treatment is not available in Honduras.",
    "The estimated cost of home care is $15,000 per month, against about $450,000 per month in hospital.",
    "",
    "Sincerely,",
    "Laura Chen, MD, Pediatric Gastroenterology",
]

DECISION = [
    "U.S. Department of Homeland Security",
    "U.S. Citizenship and Immigration Services",
    "I-797C, Notice of Action",
    "Receipt Number: IOE0912345678          Case Type: I-131, Application for Travel Document",
    "Received Date: 03/10/2025              Notice Date: 06/02/2025",
    "Beneficiary: SOFIA RAMIREZ LOPEZ      A# 212-345-678",
    "",
    "Your request for parole has been approved. Parole is valid from June 2, 2025 until June 1, 2026,",
    "for a period of 12 months. This notice does not grant any other immigration status.",
]


def write_pdf(path: Path, lines: list[str]) -> None:
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    pdf.setFont("Helvetica", 10)
    y = 740
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 16
    pdf.showPage()
    pdf.save()


def write_scan(path: Path, lines: list[str]) -> None:
    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=30)
    y = 150
    for line in lines:
        draw.text((120, y), line, fill=0, font=font)
        y += 48
    image.save(path, "PDF", resolution=200)


def write_docx(path: Path, lines: list[str]) -> None:
    document = WordDocument()
    document.core_properties.author = "medparole tests"
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    # Fixed timestamps so the file is byte-stable.
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))


def write_email(path: Path) -> None:
    path.write_text(
        "From: Notices <noreply@example.dhs.gov>\n"
        "To: beneficiary@example.org\n"
        "Date: Fri, 11 Apr 2025 09:12:00 -0400\n"
        "Subject: Notice of termination of parole\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "DHS is exercising its discretion to terminate your parole. Your parole will terminate 7 days\n"
        "from the date of this notice. A-Number: A098765432\n",
        encoding="utf-8",
    )


def main() -> None:
    write_pdf(HERE / "letter.pdf", LETTER)
    write_pdf(HERE / "decision.pdf", DECISION)
    write_scan(HERE / "scanned_decision.pdf", DECISION)
    write_docx(HERE / "letter.docx", LETTER)
    write_email(HERE / "termination.eml")
    (HERE / "letter.txt").write_text("\n".join(LETTER) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
