"""Vulnerability audit of the installed packages (the test command runs it: `make audit`).

pip-audit asks PyPI for each installed version's advisories (the Python Packaging Advisory Database). Where that
per-version page cannot be had (some networks, this project's CI among them, serve PyPI's project pages but not
its per-version ones), a package whose installed version is PyPI's latest is checked against the project page,
whose advisories are the latest version's. Fails on any known vulnerability, and when no package could be audited
at all (no network: say so rather than pass); prints which packages could not be checked and why.

    .venv/bin/python scripts/audit.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"


def pip_audit() -> list[dict[str, Any]]:
    """pip-audit's verdict on every installed distribution (medparole itself, editable, is skipped)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner", "off"]
        subprocess.run([*command, "--format", "json", "--output", str(out)], check=False, capture_output=True)
        if not out.exists():
            return []
        return list(json.loads(out.read_text(encoding="utf-8")).get("dependencies", []))


def project_page(name: str) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(PROJECT_JSON.format(name=name), timeout=30) as response:  # noqa: S310
            return dict(json.loads(response.read()))
    except (OSError, ValueError):
        return None


def latest_advisories(name: str) -> tuple[str, list[str]] | None:
    """("checked" or why not, advisory ids) for a package pip-audit could not look up."""
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
    page = project_page(name)
    if page is None:
        return "PyPI did not answer", []
    latest = str(page.get("info", {}).get("version", ""))
    if latest != installed:
        return f"installed {installed}, PyPI's latest is {latest}: its advisories are not this version's", []
    return "checked", [str(v.get("id")) for v in page.get("vulnerabilities", [])]


def main() -> int:
    deps = pip_audit()
    found: list[str] = []
    audited = 0
    unchecked: list[str] = []
    fallback = []
    for dep in deps:
        if "skip_reason" not in dep:
            audited += 1
            found += [f"{dep['name']} {dep.get('version')}: {v['id']}" for v in dep.get("vulns", [])]
        elif "editable" not in str(dep["skip_reason"]).lower() and dep["name"] != "medparole":
            fallback.append(dep["name"])
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(latest_advisories, fallback))
    for name, answer in zip(fallback, answers, strict=True):
        if answer is None:
            continue
        status, advisories = answer
        if status == "checked":
            audited += 1
            found += [f"{name} {metadata.version(name)}: {advisory}" for advisory in advisories]
        else:
            unchecked.append(f"{name}: {status}")
    print(f"audited {audited} of {audited + len(unchecked)} installed packages against PyPI's advisories")
    for line in unchecked:
        print(f"  not checked: {line}")
    if found:
        print("known vulnerabilities (upgrade these packages):")
        for line in found:
            print(f"  {line}")
        return 1
    if audited == 0:
        print("no package could be audited: check the network can reach https://pypi.org, then run `make audit`")
        return 1
    print("no known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main())
