"""The whole core in one call: records that keep the contract, facts grounded in their text."""

from __future__ import annotations

from pathlib import Path

from pipeline.extract import extract_document
from pipeline.models import DocType, Status


def test_extract_records_validate_against_the_contract(fixture_extractions, contract_validator) -> None:  # type: ignore[no-untyped-def]
    for name, extraction in fixture_extractions.items():
        record = extraction.to_record()
        errors = [e.message for e in contract_validator.iter_errors(record)]
        assert not errors, f"{name}: {errors}"
        assert record["source"] == name


def test_extract_grounds_every_fact_in_the_document_text(fixture_extractions) -> None:  # type: ignore[no-untyped-def]
    for extraction in fixture_extractions.values():
        text = "\f".join(page.text for page in extraction.pages)
        assert extraction.facts, extraction.source
        for fact in extraction.facts:
            assert text[fact.start : fact.end] == fact.text
            assert fact.page is not None and 1 <= fact.page <= len(extraction.pages)


def test_extract_classifies_letters_and_decisions(fixture_extractions) -> None:  # type: ignore[no-untyped-def]
    assert fixture_extractions["letter.pdf"].doc_type is DocType.MEDICAL_LETTER
    assert fixture_extractions["decision.pdf"].doc_type is DocType.PAROLE_DECISION
    assert fixture_extractions["termination.eml"].doc_type is DocType.PAROLE_DECISION
    assert all(e.language == "en" for e in fixture_extractions.values())


def test_extract_normalizes_a_numbers_and_receipts(fixture_extractions) -> None:  # type: ignore[no-untyped-def]
    decision = fixture_extractions["decision.pdf"]
    identifiers = {(f.value, f.attributes["kind"]) for f in decision.facts if f.field == "identifier"}
    assert ("IOE0912345678", "receipt_number") in identifiers
    assert ("A212345678", "a_number") in identifiers


def test_extract_counts_ocr_pages(fixture_extractions) -> None:  # type: ignore[no-untyped-def]
    assert fixture_extractions["scanned_decision.pdf"].to_record()["ocr_pages"] == 1
    assert fixture_extractions["letter.pdf"].to_record()["ocr_pages"] == 0


def test_extract_turns_a_bad_file_into_a_failed_record(tmp_path: Path, contract_validator) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    extraction = extract_document(empty)
    record = extraction.to_record()
    assert extraction.status is Status.FAILED
    assert record["error"]["code"] == "empty"
    assert "upload" in record["error"]["message"]
    assert not list(contract_validator.iter_errors(record))
