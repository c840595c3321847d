"""The corpus has the size, mix and variety the issue asks for."""

from __future__ import annotations

import re
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import simple_icd_10_cm as cm

from sample_docs import PACKAGE_DIR
from sample_docs.gen.data_conditions import CONDITIONS, OTHER

PDF_LAYOUTS = {"letterhead", "two_column", "uscis_notice", "cost_table", "multipage", "oficio", "typewriter"}


def test_every_icd10_code_exists_and_is_billable(golds: list[dict]) -> None:
    codes = {c.icd10 for c in CONDITIONS} | {v[3] for v in OTHER.values()}
    codes |= {f["attributes"]["icd10"] for g in golds for f in g["facts"] if f["field"] == "diagnosis"}
    bad = [c for c in sorted(codes) if not (cm.is_valid_item(c) and cm.is_leaf(c))]
    assert bad == []


def test_conditions_span_enough_chapters(cases: list[dict]) -> None:
    diagnoses = {c["diagnosis"] for c in cases}
    chapters = {cm.get_ancestors(c["icd10"])[-1] for c in cases}
    assert len(diagnoses) >= 25 and len(chapters) >= 8
    assert len({c.key for c in CONDITIONS}) >= 25


def test_corpus_size_and_mix(manifest: dict, cases: list[dict]) -> None:
    docs = manifest["documents"]
    assert len(cases) >= 60 and len(docs) >= 180
    share = Counter(d["language"] for d in docs)["es"] / len(docs)
    assert share >= 0.25
    assert sum(d["scanned"] for d in docs) / len(docs) >= 0.10
    assert len({d["layout"] for d in docs} & PDF_LAYOUTS) >= 4
    assert {"pdf", "docx", "eml", "txt"} <= {d["format"] for d in docs}
    assert {"jpg", "png"} & {d["format"] for d in docs}
    assert {"parole_decision", "medical_letter", "other"} == {d["doc_type"] for d in docs}


def test_years_2021_to_2026_are_covered(golds: list[dict]) -> None:
    years = {
        f["value"][:4]
        for g in golds
        for f in g["facts"]
        if f["field"] == "date" and f["attributes"]["role"] in ("document", "decision", "filed")
    }
    assert {str(y) for y in range(2021, 2027)} <= years


def test_decisions_cover_every_outcome_and_duration(golds: list[dict]) -> None:
    outcomes = {f["value"] for g in golds for f in g["facts"] if f["field"] == "outcome"}
    assert outcomes == {"granted", "denied", "terminated", "extended", "pending", "rfe"}
    durations = {f["value"] for g in golds for f in g["facts"] if f["field"] == "parole_duration_months"}
    assert {6, 12, 24} <= durations


def _shape(text: str) -> str:
    """Digits become 9, long words w; short words (de, del, per, a) stay: the form, not the values."""
    text = re.sub(r"\d", "9", text)
    return re.sub(r"[A-Za-zÁÉÍÓÚáéíóúñÑü]{4,}", "w", text)


@pytest.mark.parametrize("field", ["date", "cost", "identifier", "age_years", "parole_duration_months"])
def test_each_fact_type_has_five_phrasings_per_language(golds: list[dict], field: str) -> None:
    shapes: dict[str, set[str]] = defaultdict(set)
    for g in golds:
        for f in g["facts"]:
            if f["field"] == field:
                shapes[g["language"]].add(_shape(f["text"]))
    assert len(shapes["en"]) >= 5 and len(shapes["es"]) >= 5, shapes


@pytest.mark.parametrize(
    "field",
    ["diagnosis", "treatment", "treatment_unavailable_in_home_country", "outcome", "patient_name", "country_of_origin"],
)
def test_each_worded_fact_has_five_wordings_per_language(golds: list[dict], field: str) -> None:
    texts: dict[str, set[str]] = defaultdict(set)
    for g in golds:
        for f in g["facts"]:
            if f["field"] == field:
                texts[g["language"]].add(f["text"])
    assert len(texts["en"]) >= 5 and len(texts["es"]) >= 5


def test_scanned_pdfs_have_no_text_layer(corpus_dir: Path, manifest: dict) -> None:
    scans = [d for d in manifest["documents"] if d["scanned"]]
    for d in scans[:10]:
        doc = pdfium.PdfDocument(corpus_dir / d["path"])
        assert all(doc[i].get_textpage().get_text_range().strip() == "" for i in range(len(doc)))
        doc.close()


def test_a_scanned_page_is_readable_by_tesseract(
    corpus_dir: Path, manifest: dict, golds: list[dict], tmp_path: Path
) -> None:
    gold = next(g for g in golds if g["format"] == "scan" and g["language"] == "en")
    doc = pdfium.PdfDocument(corpus_dir / gold["source"])
    png = tmp_path / "page.png"
    img = doc[0].render(scale=200 / 72).to_pil()
    img.crop((0, 0, img.width, img.height // 2)).save(png)  # the top half keeps the test quick
    doc.close()
    ocr = subprocess.run(["tesseract", str(png), "-", "-l", "eng"], capture_output=True, text=True, check=True).stdout
    words = set(re.findall(r"[A-Za-z]{5,}", gold["rendered_text"].split("\f")[0]))
    found = {w for w in words if w in ocr}
    assert len(found) >= 20 and len(found) / len(words) > 0.25  # whole-page words, OCR of the top half


def test_sample_docs_folder_is_under_25_mb() -> None:
    size = sum(p.stat().st_size for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert size < 25 * 1024 * 1024
