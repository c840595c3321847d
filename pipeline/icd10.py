"""The ICD-10-CM code list, loaded in milliseconds from rules/icd10cm_codes.txt.gz.

The list is simple-icd-10-cm's (chapters, blocks, categories and leaves); a test checks the file still equals
the installed package's list. Loading the package itself parses its XML, about 4 s per worker process.
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources


@functools.cache
def all_codes() -> frozenset[str]:
    """Every ICD-10-CM item, codes written with their dot (K90.829), blocks as ranges (K90-K95)."""
    data = resources.files("pipeline.rules").joinpath("icd10cm_codes.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("ascii").split())


def normalize(code: str) -> str:
    """'k90829' or 'K90.829' -> 'K90.829'; blocks and chapters unchanged."""
    code = code.strip().upper()
    if "." not in code and "-" not in code and len(code) > 3 and code[0].isalpha():
        return f"{code[:3]}.{code[3:]}"
    return code


def is_valid(code: str) -> bool:
    """Whether `code` names an ICD-10-CM item (chapter, block, category or leaf code)."""
    return normalize(code) in all_codes()
