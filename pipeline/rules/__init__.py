"""Rules as data: patterns (.jsonl) and lexicons (.csv), each with examples, each validated by a JSON Schema
in rules/schemas/<name>.schema.json (one JSON object per .jsonl line; one object per .csv row).

Adding a term is a data change plus an example, never a code change.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from importlib import resources
from typing import Any


def _read(name: str) -> str:
    return resources.files("pipeline.rules").joinpath(name).read_text(encoding="utf-8")


@functools.cache
def load_jsonl(name: str) -> tuple[dict[str, Any], ...]:
    """The objects of rules/<name>.jsonl (blank lines and lines starting with // are skipped)."""
    items = []
    for line in _read(f"{name}.jsonl").splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            items.append(json.loads(line))
    return tuple(items)


@functools.cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    """The rows of rules/<name>.csv as dicts keyed by the header."""
    return tuple(csv.DictReader(io.StringIO(_read(f"{name}.csv"))))


def rule_files() -> list[str]:
    """Every rule file name (with suffix) in the package."""
    folder = resources.files("pipeline.rules")
    return sorted(item.name for item in folder.iterdir() if item.is_file() and item.name.endswith((".jsonl", ".csv")))


def schema_for(filename: str) -> dict[str, Any]:
    """The JSON Schema that one row of `filename` must satisfy."""
    stem = filename.rsplit(".", 1)[0]
    text = resources.files("pipeline.rules").joinpath("schemas", f"{stem}.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))
