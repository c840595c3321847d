"""The flows end to end, under one temporary Prefect server for the whole module."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from warehouse import db, queries

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def prefect_harness() -> Iterator[str]:
    """A temporary Prefect server; yields its API URL so subprocesses can use it too."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield str(PREFECT_API_URL.value())


@pytest.fixture()
def inbox(tmp_path: Path, data_dir: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("letter.pdf", "decision.pdf", "letter.txt", "termination.eml"):
        shutil.copy(data_dir / name, folder / name)
    (folder / "notes.xyz").write_bytes(b"\x00\x01binary")
    return folder


def _snapshot(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    with db.open_published(path) as con:
        return (
            con.execute("SELECT * EXCLUDE (first_seen_at, extracted_at) FROM documents ORDER BY ALL").fetchall(),
            con.execute("SELECT * FROM pages ORDER BY ALL").fetchall(),
            con.execute("SELECT * EXCLUDE (extractor_version) FROM facts ORDER BY ALL").fetchall(),
        )


def test_ingest_extracts_loads_publishes_and_skips_what_it_knows(
    prefect_harness: str, tmp_path: Path, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    import pipeline.staging as staging
    from pipeline.flows import ingest

    data = tmp_path / "data"
    first = ingest([str(inbox)], data_dir=str(data), workers=2, batch_size=2)
    assert first == {"seen": 5, "new": 5, "skipped": 0, "failed": 1}
    with db.open_published(data / "published.duckdb") as con:
        docs = queries.list_documents(con)
        runs = con.execute("SELECT flow, status, seen, new, skipped, failed FROM runs").fetchall()
        facts = con.execute("SELECT count(*) FROM facts").fetchone()
    assert len(docs) == 5
    assert set(docs.loc[docs.status == "failed", "error_code"]) == {"unsupported_type"}
    assert runs == [("ingest", "completed", 5, 5, 0, 1)]
    assert facts is not None and facts[0] > 0
    # Every file is kept in the content-addressed store, so the inbox can be emptied.
    assert len([p for p in (data / "store").rglob("*") if p.is_file()]) == 5
    before = _snapshot(data / "published.duckdb")

    # A renamed copy is the same document; nothing is read again and the tables stay identical. Only the renamed
    # file is opened, to learn what it holds: the others' stats from the first run vouch for theirs. (These files
    # were written a moment ago, which the stats rightly distrust for 2 s: that window is closed here.)
    (inbox / "letter.pdf").rename(inbox / "renamed-letter.pdf")
    opened: list[str] = []

    def recording_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(Path(file).name)
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(staging, "_RACY_NS", 0)
    monkeypatch.setattr(staging, "open", recording_open, raising=False)
    second = ingest([str(inbox)], data_dir=str(data), workers=2)
    monkeypatch.undo()
    assert opened == ["renamed-letter.pdf"]
    assert second == {"seen": 5, "new": 0, "skipped": 5, "failed": 0}
    assert _snapshot(data / "published.duckdb") == before
    with db.open_published(data / "published.duckdb") as con:
        sources = con.execute("SELECT count(*) FROM document_sources").fetchone()
        assert sources is not None and sources[0] == 6


def test_reextract_redoes_stored_text_only_when_rules_change(prefect_harness: str, tmp_path: Path, inbox: Path) -> None:
    from pipeline.flows import ingest, reextract

    data = tmp_path / "data"
    ingest([str(inbox)], data_dir=str(data), workers=2)
    before = _snapshot(data / "published.duckdb")
    assert reextract(data_dir=str(data), workers=2) == {"seen": 0, "reextracted": 0, "failed": 0}
    # Pretend the facts came from older rules: only stored text is re-read (the inbox is gone).
    shutil.rmtree(inbox)
    con = duckdb.connect(str(data / "warehouse.duckdb"))
    con.execute("UPDATE documents SET extractor_version = 'old' WHERE status <> 'failed'")
    con.close()
    assert reextract(data_dir=str(data), workers=2) == {"seen": 4, "reextracted": 4, "failed": 0}
    after = _snapshot(data / "published.duckdb")
    assert after[1] == before[1] and after[2] == before[2]


def test_ingest_on_a_dask_cluster_of_two_workers(prefect_harness: str, tmp_path: Path, inbox: Path) -> None:
    import dask
    from distributed import LocalCluster

    from pipeline.flows import ingest

    # Extraction workers are child processes of the Dask workers, which Dask makes daemonic by default.
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        counts = ingest(
            [str(inbox)], data_dir=str(tmp_path / "data"), batch_size=2, dask_address=cluster.scheduler_address
        )
    finally:
        cluster.close()
    assert counts == {"seen": 5, "new": 5, "skipped": 0, "failed": 1}
    with db.open_published(tmp_path / "data" / "published.duckdb") as con:
        assert queries.counts(con)["documents"] == 5


def test_kill_9_mid_ingest_leaves_the_published_copy_and_the_next_run_completes(
    prefect_harness: str, tmp_path: Path, data_dir: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for index in range(12):  # distinct contents, so every file is a document of its own
        (inbox / f"letter-{index}.txt").write_text((data_dir / "letter.txt").read_text() + f"\nCopy {index}\n")
    data = tmp_path / "data"
    env = {
        **os.environ,
        "MEDPAROLE_DATA_DIR": str(data),
        "PREFECT_API_URL": prefect_harness,
        "MEDPAROLE_BATCH_SIZE": "2",
    }
    command = [sys.executable, "-m", "pipeline.cli", "ingest", str(inbox), "--workers", "1"]
    subprocess.run([*command[:4], str(data_dir / "letter.txt")], env=env, check=True, capture_output=True, timeout=300)
    published = data / "published.duckdb"
    with db.open_published(published) as con:
        assert queries.counts(con)["documents"] == 1

    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill it once it is writing the warehouse
        time.sleep(0.5)
        if (data / "warehouse.duckdb.wal").exists() or process.poll() is not None:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with db.open_published(published) as con:  # the old copy, whole
        assert queries.counts(con)["documents"] >= 1

    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    with db.open_published(published) as con:
        assert queries.counts(con)["documents"] == 13
        dupes = con.execute("SELECT count(*) - count(DISTINCT (sha256, fact_index)) FROM facts").fetchone()
        statuses = [r[0] for r in con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
    assert dupes == (0,)
    assert statuses[-1] == "completed" and statuses[0] == "completed"


def test_names_in_paths_and_error_details_stay_out_of_prefect(
    prefect_harness: str, tmp_path: Path, inbox: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # File names are often a patient's: the CLI lists them in a file, and an error quoting one (here: a listed
    # file that is gone) reaches Prefect's state and logs only as its type; the details go to the terminal.
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    from pipeline.flows import PrivateError, ingest

    named = inbox / "Rosa Ejemplo Paz - approval.txt"
    shutil.copy(inbox / "letter.txt", named)
    listing = tmp_path / "typed.paths"
    listing.write_text(f"{named}\n{inbox / 'Rosa Ejemplo Paz - gone.pdf'}\n", encoding="utf-8")
    with pytest.raises(PrivateError) as raised:
        ingest.with_options(flow_run_name="private-paths")([], data_dir=str(tmp_path / "data"), path_list=str(listing))
    assert "Rosa" not in str(raised.value) and "FileNotFoundError" in str(raised.value)
    assert "Rosa Ejemplo Paz - gone.pdf" in capfd.readouterr().err

    async def stored() -> tuple[int, str]:
        async with get_client() as client:
            runs = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=["private-paths"]))
            )
            texts = [repr(run.parameters) + repr(run.state) for run in runs]
            texts += [repr(task.state) for task in await client.read_task_runs()]
            texts += [log.message for log in await client.read_logs()]
            return len(runs), "\n".join(texts)

    import asyncio

    runs, everything = asyncio.run(stored())
    assert runs == 1 and "FileNotFoundError in find_files" in everything
    assert "Rosa" not in everything
