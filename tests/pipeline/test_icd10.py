"""The bundled ICD-10-CM list is exactly simple-icd-10-cm's, and answers as the package does."""

from __future__ import annotations

import pytest
import simple_icd_10_cm as cm

from pipeline import icd10


def test_bundled_code_list_equals_the_package_list() -> None:
    assert icd10.all_codes() == frozenset(cm.get_all_codes(with_dots=True))


@pytest.mark.parametrize(
    "code", ["K90.829", "K90829", "N18.6", "C91.00", "Q44.2", "K90", "K90-K95", "E84.0", "Z99.2", "G40.919", "C91.0"]
)
def test_valid_codes_agree_with_the_package(code: str) -> None:
    assert icd10.is_valid(code) is cm.is_valid_item(code) is True


@pytest.mark.parametrize("code", ["K90.899", "N18.9X", "XX1.2", "Q99.99", "A00.00", "90.829"])
def test_invalid_codes_agree_with_the_package(code: str) -> None:
    assert icd10.is_valid(code) is cm.is_valid_item(code) is False
