"""One bad file per failure mode, with its expected error code; the big ones are built at test time."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pypdfium2 as pdfium

from sample_docs import BAD_DIR
from sample_docs.bad import BUILT_AT_TEST_TIME, EXPECTED, build_big

CODES = {"encrypted", "corrupt", "empty", "unsupported_type", "too_large", "timeout", "no_text"}


def test_one_file_per_failure_mode_with_its_code() -> None:
    expected = json.loads((BAD_DIR / "expected.json").read_text(encoding="utf-8"))
    readme = (BAD_DIR / "README.md").read_text(encoding="utf-8")
    for name, (code, _) in EXPECTED.items():
        assert (BAD_DIR / name).exists(), name
        assert expected[name] == code and code in CODES and name in readme
    assert {c for c, _ in EXPECTED.values()} | {c for c, _ in BUILT_AT_TEST_TIME.values()} >= CODES - {"timeout"}


def test_the_empty_file_is_empty_and_the_encrypted_one_needs_a_password() -> None:
    assert (BAD_DIR / "empty.pdf").stat().st_size == 0
    assert b"/Encrypt" in (BAD_DIR / "encrypted.pdf").read_bytes()


def test_big_files_are_built_at_test_time(tmp_path: Path) -> None:
    built = build_big(tmp_path)
    bomb = built["bomb.pdf"].read_bytes()
    assert len(bomb) < 1_000_000
    start = bomb.index(b"stream\n") + 7
    inflated = zlib.decompressobj().decompress(bomb[start:], 0)
    assert len(inflated) >= 64 * 1024 * 1024
    doc = pdfium.PdfDocument(built["pages_2000.pdf"])
    assert len(doc) == 2000
    doc.close()
