"""Sign-in end to end: `st.login` against a real OpenID provider (oidc-provider-mock, in a thread of this process),
the dashboard under `streamlit run` with its hardened config, Debian's Chromium through the provider's own
authorize form. Only an allowlisted e-mail may switch to Identified mode and see names."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, wait_for_dashboard

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
ALLOWED_EMAIL = "coordinator@example.org"
# Identity providers keep the case people typed: the allowlist must match regardless of it.
ALLOWED_CLAIMS = {"email": "Coordinator@Example.org", "email_verified": True, "name": "Casey Coordinator"}
OTHER_CLAIMS = {"email": "volunteer@example.org", "email_verified": True, "name": "Val Volunteer"}
# The coordinator's address, claimed at a provider that has not verified it: could be anyone.
UNVERIFIED_CLAIMS = {"email": ALLOWED_EMAIL, "email_verified": False, "name": "Not Casey"}
SIGN_IN = "Sign in to see identified data"
WAIT = 30_000


@dataclass(frozen=True)
class SignedInDashboard:
    url: str
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _put_user(provider: str, sub: str, claims: dict[str, Any]) -> None:
    """The mock provider's user API: these claims go into the ID token of whoever signs in as `sub`."""
    request = urllib.request.Request(
        f"{provider}/users/{sub}",
        data=json.dumps(claims).encode(),
        headers={"Content-Type": "application/json"},
        method="PUT",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 204


@pytest.fixture()
def oidc_provider() -> Iterator[str]:
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=0) as server:
        provider = f"http://localhost:{server.server_port}"
        _put_user(provider, "coordinator", ALLOWED_CLAIMS)
        _put_user(provider, "volunteer", OTHER_CLAIMS)
        _put_user(provider, "claimant", UNVERIFIED_CLAIMS)
        yield provider


@pytest.fixture()
def dashboard(case_warehouse: Path, oidc_provider: str, tmp_path: Path) -> Iterator[SignedInDashboard]:
    """The dashboard with sign-in configured. Its secrets file lives in tmp_path (`--secrets.files` replaces the
    default ~/.streamlit and <cwd>/.streamlit ones), so nothing is written into the repository and no secrets.toml
    of the developer's is read; cwd is dashboard/ so its hardened .streamlit/config.toml applies."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        f"""
[auth]
redirect_uri = "{url}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "medparole-test"
client_secret = "not-a-secret"
server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"

[medparole]
identified_allowlist = ["{ALLOWED_EMAIL}"]
""",
        encoding="utf-8",
    )
    log = tmp_path / "streamlit.log"
    env = {**os.environ, "MEDPAROLE_DATA_DIR": str(case_warehouse)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(APP),
                "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets_file),
            ],
            env=env,
            cwd=APP.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_dashboard(url, process, log)
        yield SignedInDashboard(url, log)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _a_named_case(data_dir: Path) -> tuple[str, list[str]]:
    """A case's pseudonym and one patient name it has, and every patient name in the warehouse."""
    import duckdb

    con = duckdb.connect(str(data_dir / "published.duckdb"), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT cs.pseudonym, ci.patient_names
            FROM case_summary AS cs JOIN case_identities AS ci USING (case_id)
            WHERE ci.patient_names IS NOT NULL ORDER BY cs.pseudonym
            """
        ).fetchall()
    finally:
        con.close()
    assert rows, "the sample warehouse has no named case"
    names = sorted({name.strip() for _, joined in rows for name in str(joined).split(";") if name.strip()})
    return str(rows[0][0]), names


def _mode_options(page: Any) -> list[str]:
    radio = page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').first
    radio.wait_for(timeout=WAIT)
    return [text.strip() for text in radio.locator("label").all_inner_texts() if text.strip() and text != "Mode"]


def _sign_in(page: Any, url: str, sub: str) -> None:
    """From the app's sign-in button through the provider's authorize form, back to the app."""
    page.goto(url)
    page.get_by_role("button", name=SIGN_IN).click()
    page.locator("#subject-input").wait_for(timeout=WAIT)  # the provider's authorize form
    assert page.url.startswith("http://localhost:"), page.url
    page.locator("#subject-input").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(re.compile(re.escape(url) + r"/?(\?.*)?$"), timeout=WAIT)
    page.get_by_role("heading", name="Patterns").wait_for(timeout=WAIT)


def _open_case(page: Any, url: str, pseudonym: str) -> str:
    page.goto(f"{url}/case?case={pseudonym}")
    page.get_by_role("heading", name="Timeline").wait_for(timeout=WAIT)
    page.wait_for_timeout(500)
    return str(page.inner_text("body"))


def test_only_an_allowlisted_sign_in_sees_names(dashboard: SignedInDashboard, case_warehouse: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    pseudonym, names = _a_named_case(case_warehouse)
    url = dashboard.url
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:

                def new_page() -> Any:
                    context = browser.new_context(viewport={"width": 1400, "height": 1400})
                    # The provider's pages link a stylesheet on a CDN: never fetched.
                    context.route(re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])"), lambda r: r.abort())
                    return context.new_page()

                # Before sign-in: no Identified mode, no name, a sign-in button.
                page = new_page()
                page.goto(url)
                page.get_by_role("heading", name="Patterns").wait_for(timeout=WAIT)
                page.get_by_role("button", name=SIGN_IN).wait_for(timeout=WAIT)
                assert _mode_options(page) == ["De-identified", "Shared"]
                body = _open_case(page, url, pseudonym)
                assert "De-identified view" in body
                assert not [n for n in names if n in body]

                # An allowlisted e-mail: signed in, Identified offered (and selected first, as the app does for
                # whoever may see it), the patient's name shown.
                _sign_in(page, url, "coordinator")
                page.get_by_text(f"Signed in as {ALLOWED_CLAIMS['email']}").wait_for(timeout=WAIT)
                assert _mode_options(page) == ["Identified", "De-identified", "Shared"]
                body = _open_case(page, url, pseudonym)
                assert "Identified view" in body and "De-identified view" not in body
                assert [n for n in names if n in body], f"no patient name on the case page: {body[:2000]}"

                # Signing out ends it: back to the sign-in button, no Identified mode.
                page.get_by_role("button", name="Sign out").click()
                page.get_by_role("button", name="End session").click()  # the provider's end-session form
                page.get_by_role("button", name=SIGN_IN).wait_for(timeout=WAIT)
                assert _mode_options(page) == ["De-identified", "Shared"]
                page.context.close()

                # Another e-mail, in a fresh browser: signed in, but Identified refused and no name shown.
                page = new_page()
                _sign_in(page, url, "volunteer")
                page.get_by_text(f"Signed in as {OTHER_CLAIMS['email']}").wait_for(timeout=WAIT)
                assert _mode_options(page) == ["De-identified", "Shared"]
                body = _open_case(page, url, pseudonym)
                assert "De-identified view" in body and "Identified view" not in body
                assert not [n for n in names if n in body]
                page.context.close()

                # The allowlisted address, but not verified by the provider: refused as well.
                page = new_page()
                _sign_in(page, url, "claimant")
                page.get_by_text(f"Signed in as {ALLOWED_EMAIL}").wait_for(timeout=WAIT)
                assert _mode_options(page) == ["De-identified", "Shared"]
                assert not [n for n in names if n in _open_case(page, url, pseudonym)]
                page.context.close()
            finally:
                browser.close()
    except BaseException:
        print(f"--- streamlit output ({dashboard.log}) ---\n{dashboard.log.read_text(errors='replace')}")
        raise
