"""The PDF parser we feed untrusted files to is a release with its known code-execution bugs fixed, both as
installed and as pyproject.toml requires it (the vulnerability audit of every package runs in `make test`)."""

from __future__ import annotations

import importlib.util
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
# pdfminer.six 20251230 loads CMaps as JSON, not pickle: the code execution of CVE-2025-64512 / GHSA-f83h-ghpp-7wcc.
FIXED_PDFMINER = Version("20251230")


def test_installed_pdfminer_six_has_the_cmap_fix() -> None:
    assert Version(version("pdfminer.six")) >= FIXED_PDFMINER


def test_pyproject_requires_a_fixed_pdfminer_six() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [Requirement(r) for r in project["dependencies"] if Requirement(r).name == "pdfminer.six"]
    assert len(pins) == 1, "pdfminer.six must be pinned directly (pdfplumber alone would allow any release)"
    specifier = pins[0].specifier
    assert FIXED_PDFMINER in specifier and not specifier.contains("20251229")
    assert not specifier.contains("20251107") and not specifier.contains("20250506")


def test_make_test_runs_the_vulnerability_audit() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "audit" in test_recipe
    assert "scripts/audit.py" in makefile.split("\naudit:", 1)[1].split("\n\n", 1)[0]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(Requirement(r).name == "pip-audit" for r in extras["dev"])


def _audit_module() -> Any:
    spec = importlib.util.spec_from_file_location("medparole_audit", ROOT / "scripts" / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_audit_fails_on_a_known_vulnerability_and_without_any_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    audit = _audit_module()
    clean = {"name": "pdfminer-six", "version": "20260107", "vulns": []}
    monkeypatch.setattr(audit, "pip_audit", lambda: [clean])
    assert audit.main() == 0
    vulnerable = {"name": "pillow", "version": "9.0.0", "vulns": [{"id": "PYSEC-2022-10", "fix_versions": ["9.0.1"]}]}
    monkeypatch.setattr(audit, "pip_audit", lambda: [clean, vulnerable])
    assert audit.main() == 1
    # pip-audit could look nothing up, and PyPI's project page of the latest release names an advisory.
    skipped = {"name": "pillow", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    monkeypatch.setattr(audit, "pip_audit", lambda: [skipped])
    monkeypatch.setattr(audit, "latest_advisories", lambda name: ("checked", ["GHSA-xxxx"]))
    assert audit.main() == 1
    monkeypatch.setattr(audit, "latest_advisories", lambda name: ("PyPI did not answer", []))
    assert audit.main() == 1  # nothing audited at all is not a pass
