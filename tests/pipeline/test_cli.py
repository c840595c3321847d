"""The CLI: `medparole extract --format jsonl` prints the contract, one line per file, in input order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app


def test_cli_extract_prints_one_valid_record_per_file_in_order(data_dir: Path, contract_validator) -> None:  # type: ignore[no-untyped-def]
    files = [data_dir / "decision.pdf", data_dir / "letter.txt", data_dir / "build_fixtures.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "extract", *map(str, files), "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(f) for f in files]
    for record in records:
        assert not list(contract_validator.iter_errors(record))
    assert records[2]["status"] == "failed"
    assert records[2]["error"]["code"] == "unsupported_type"
    assert "1 of 3 files could not be read" in result.stderr


def test_cli_extract_table_format_is_for_people(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(data_dir / "letter.txt"), "--format", "table", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "A212345678" in result.output
    assert "medical_letter" in result.output


def test_cli_every_command_explains_itself() -> None:
    runner = CliRunner()
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    for command in ("extract", "ingest", "dashboard", "settings"):
        assert command in top.output
        helped = runner.invoke(app, [command, "--help"])
        assert helped.exit_code == 0 and len(helped.output) > 200


def test_cli_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "nope.pdf")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_readme_documents_every_setting_and_command() -> None:
    from warehouse.settings import SETTINGS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, setting.name
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        assert f"medparole {name}" in readme, name


def test_an_unusable_pseudonym_key_stops_ingest_before_any_work(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # It used to surface after every document had been extracted, as a Prefect traceback.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "letter.txt").write_text("Dear officer, the child needs dialysis.", encoding="utf-8")
    monkeypatch.setenv("MEDPAROLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MEDPAROLE_PSEUDONYM_KEY", "short")
    for command in (["ingest", str(inbox)], ["reextract"], ["publish"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, (command, result.output)
        assert "pseudonym key is too short" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "data" / "warehouse.duckdb").exists()
