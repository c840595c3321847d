"""Nothing identifying leaves the identified stores: after one real ingest of corpus documents and its exports
(see leak_run.py), a search of everything left behind for every name, A-number, receipt number and date of birth
in the corpus: the logs (every logger, every level), the output of the CLI and of the worker processes, Prefect's
records (flow and task runs, their parameters and states, logs, artifacts, the whole server database) and its
result storage, and the shared exports and downloads in every format.

Positive controls keep the search honest: it finds each ingested case's identifiers in the identified export and in
the documents' stored text, so a leak could not pass unseen.
"""

from __future__ import annotations

import duckdb
import pytest
from identifiers import Hit, Identifiers
from leak_run import CANARY, LeakRun

pytestmark = pytest.mark.flow


def _report(hits: list[Hit]) -> str:
    return "\n".join(f"{h.where}: {h.kind} {h.needle!r} in …{h.context}…" for h in hits[:10])


def test_the_search_finds_each_ingested_case_in_the_identified_export(
    leak_run: LeakRun, corpus_ids: Identifiers
) -> None:
    """The positive control: the same search finds the slice's names, A-numbers, receipts and birth dates where
    they belong, so a leak of any of them into the artifacts below would be found too."""
    found = {(h.kind, h.needle) for h in corpus_ids.find(leak_run.identified_export, "identified export")}
    for kind in ("name", "a_number", "receipt_number", "date_of_birth"):
        assert any(k == kind for k, _ in found), f"no {kind} found in the identified export"
    printed = {n for case in leak_run.cases for n in corpus_ids.by_case[case].get("a_number", ())}
    assert printed and printed <= {n for k, n in found if k == "a_number"}
    assert sum(1 for k, _ in found if k == "date_of_birth") >= len(leak_run.cases) // 2
    assert sum(1 for k, _ in found if k == "name") >= len(leak_run.cases)


def test_the_search_finds_every_identifier_of_the_documents_in_their_stored_text(
    leak_run: LeakRun, corpus_ids: Identifiers
) -> None:
    """Every A-number, receipt number and birth date of the slice is found in the documents' text as the warehouse
    stores it (the printed forms: A# 049-508-083, IOE-240-876-3442, AUGUST 07, 2024, 08/07/2024)."""
    with duckdb.connect(str(leak_run.data / "published.duckdb"), read_only=True) as con:
        text = "\n".join(r[0] for r in con.execute("SELECT text FROM pages").fetchall())
    found = {(h.kind, h.needle) for h in corpus_ids.find(text, "pages")}
    missing = []
    for case in leak_run.cases:
        for kind in ("a_number", "receipt_number"):
            missing += [(case, kind, n) for n in corpus_ids.by_case[case].get(kind, ()) if (kind, n) not in found]
    assert not missing, missing
    assert sum(1 for k, _ in found if k == "date_of_birth") >= len(leak_run.cases) // 2
    assert sum(1 for k, _ in found if k == "name") >= len(leak_run.cases)


@pytest.mark.parametrize(
    "where",
    ["CLI ingest output", "ingest logs", "stdout and stderr of the process and its workers", "export logs",
     "CLI export output"],
)  # fmt: skip
def test_logs_and_output_hold_no_identifiers(leak_run: LeakRun, corpus_ids: Identifiers, where: str) -> None:
    text = leak_run.artifacts[where]
    if where.endswith(("logs", "workers")):
        assert CANARY in text, f"{where}: the capture missed its canary, so it proves nothing"
    hits = corpus_ids.find(text, where)
    assert not hits, _report(hits)


def test_prefect_records_and_storage_hold_no_identifiers(leak_run: LeakRun, corpus_ids: Identifiers) -> None:
    assert leak_run.vanished, "the file that vanishes mid-run was never read: its error path went untested"
    prefect = {k: v for k, v in leak_run.artifacts.items() if k.startswith(("prefect", "Prefect", "PREFECT_HOME"))}
    assert {"prefect flow runs", "prefect task runs", "prefect logs (API)", "Prefect server database"} <= set(prefect)
    assert '"paths"' in prefect["prefect flow runs"]  # the parameters are there, and were searched
    hits = [h for where, text in prefect.items() for h in corpus_ids.find(text, where)]
    assert not hits, _report(hits)


def test_task_results_are_never_persisted(leak_run: LeakRun) -> None:
    stored = [p for p in leak_run.storage_files if p.parent.name == "storage"]
    assert not stored, f"Prefect persisted results: {stored}"


def test_shared_exports_and_downloads_hold_no_identifiers(leak_run: LeakRun, corpus_ids: Identifiers) -> None:
    shared = {k: v for k, v in leak_run.artifacts.items() if k.startswith(("shared export", "dashboard shared"))}
    assert len(shared) == 7  # three formats from the CLI, three downloads and the notes
    assert all("suppressed" in text for text in shared.values())
    hits = [h for where, text in shared.items() for h in corpus_ids.find(text, where)]
    assert not hits, _report(hits)
