"""Python's cyclic garbage collector in medparole's long-lived processes: a flow's and the dashboard's server.

Both hold a large heap that lives as long as they do: Prefect's client or Streamlit's server, pydantic's models,
DuckDB, pyarrow, pandas and Altair, a million objects or more. CPython's full collection walks all of it whenever
the objects that survived young collections grow by a quarter, and holds every thread while it does:
- in a first ingest of 10,425 files that was a 0.2-0.3 s pause every 10 s, in which the pool's thread could hand
  no file to the workers, so both of them stood idle too;
- in the dashboard's server under ten sessions, 6 full collections in 86 s of up to 0.19 s (0.56 s in all), each
  holding every session's rerun; with its libraries frozen, 3 of at most 0.045 s (0.09 s in all).
Freezing what is alive once the libraries are loaded moves it out of the collector's sight (`gc.freeze`), and
full collections are made rarer. Young objects are collected as always, and what a run or a rerun makes and
drops is freed by reference counting, so memory stays as it was (a first ingest's flow process: peak RSS 708 MB
against 696 MB)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

# Young collections between two full ones (CPython's default is 10).
_FULL_AFTER_RUN = 1000  # a flow: a run is bounded, and its process ends or restores the default after it
_FULL_AFTER_SERVER = 100  # the dashboard's server runs for weeks: its sessions' cycles are still collected

_settled = threading.Event()
_settle_lock = threading.Lock()


@contextlib.contextmanager
def steady_heap() -> Iterator[None]:
    """Within the block, what is alive at its start is not walked by the collector again, and full collections
    are a hundred times rarer; both are undone at its end (`medparole serve` runs flow after flow)."""
    young, middle, full = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young, middle, max(full, _FULL_AFTER_RUN))
    try:
        yield
    finally:
        gc.set_threshold(young, middle, full)
        gc.unfreeze()


def settle_server_heap() -> None:
    """Once per process (later calls return at once): freeze what is alive, the server's libraries and modules,
    and make full collections ten times rarer. For the dashboard, called at the top of every script run."""
    if _settled.is_set():
        return
    with _settle_lock:
        if _settled.is_set():
            return
        gc.freeze()
        young, middle, full = gc.get_threshold()
        gc.set_threshold(young, middle, max(full, _FULL_AFTER_SERVER))
        _settled.set()
