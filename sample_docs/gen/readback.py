"""Read a generated document's text back the way an extractor would, to check the gold against it."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
from docx import Document as DocxDocument


def document_text(corpus: Path, gold: dict[str, object]) -> str:
    """The document's text: pdfium text layer, python-docx paragraphs and cells, raw txt/eml; for scans and photos
    the text the generator rendered before rasterizing (``rendered_text``)."""
    if gold.get("ocr_expected"):
        return str(gold["rendered_text"])
    path = corpus / str(gold["source"])
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        doc = pdfium.PdfDocument(path)
        try:
            parts = []
            for i in range(len(doc)):
                tp = doc[i].get_textpage()
                parts.append(tp.get_text_range())
                tp.close()
            return "\f".join(parts)
        finally:
            doc.close()
    if suffix == ".docx":
        d = DocxDocument(str(path))
        texts = [p.text for p in d.paragraphs]
        for table in d.tables:
            for row in table.rows:
                texts += [cell.text for cell in row.cells]
        return "\n".join(texts)
    return path.read_text(encoding="utf-8")


def missing_facts(corpus: Path, gold_path: Path) -> list[str]:
    """Gold fact texts that do not occur in the document's text."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = document_text(corpus, gold)
    return [f"{f['field']}: {f['text']!r}" for f in gold["facts"] if f["text"] not in text]
