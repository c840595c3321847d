"""Every rule file has a schema, and every row satisfies it (STYLE.md, example 1)."""

from __future__ import annotations

import jsonschema
import pytest

from pipeline import rules


@pytest.mark.parametrize("filename", rules.rule_files())
def test_rule_file_rows_satisfy_their_schema(filename: str) -> None:
    schema = rules.schema_for(filename)
    stem, suffix = filename.rsplit(".", 1)
    rows = rules.load_jsonl(stem) if suffix == "jsonl" else rules.load_csv(stem)
    assert rows, f"{filename} is empty"
    validator = jsonschema.Draft202012Validator(schema)
    for number, row in enumerate(rows, start=1):
        errors = [e.message for e in validator.iter_errors(row)]
        assert not errors, f"{filename} row {number}: {errors}"
