"""AppTest smoke test: the dashboard reads the published warehouse and shows documents and facts."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def test_dashboard_shows_documents_facts_and_a_filter(
    published_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDPAROLE_DATA_DIR", str(published_warehouse))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [m.value for m in at.metric][:1] == ["6"]
    assert at.caption[0].value.endswith("facts")
    at.multiselect(key="fields").select("identifier").run()
    assert not at.exception
    assert at.caption[0].value.endswith("where field is identifier")
    facts = at.dataframe[0].value
    assert set(facts["field"]) == {"identifier"}
    assert len(at.get("download_button")) == 1


def test_dashboard_explains_what_to_do_without_a_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDPAROLE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "medparole ingest" in at.info[0].value


def test_dashboard_config_is_hardened() -> None:
    import tomllib

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True
    assert 0 < config["server"]["maxUploadSize"] <= 100
