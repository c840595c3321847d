"""The flow process's collector settings during a run (pipeline.heap)."""

from __future__ import annotations

import gc
import weakref

import pytest

from warehouse.heap import steady_heap


def test_a_run_freezes_the_heap_and_holds_off_full_collections_then_restores_both() -> None:
    before = gc.get_threshold()
    held = [object()]  # a container: the collector tracks it
    with steady_heap():
        assert gc.get_freeze_count() > 0  # what lived at the start is out of the collector's sight
        assert gc.get_threshold()[:2] == before[:2]  # young collections as always
        assert gc.get_threshold()[2] >= 1000
        assert not any(obj is held for obj in gc.get_objects())
        made = [object()]  # what the run makes stays in sight: its cycles are still collected
        assert any(obj is made for obj in gc.get_objects())
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert any(obj is held for obj in gc.get_objects())


def test_a_failed_run_restores_the_collector_too() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), steady_heap():
        raise RuntimeError("the run failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cyclic_garbage_made_during_a_run_is_collected_by_the_collector_on_its_own() -> None:
    """No explicit gc.collect(): the young collections a run keeps must still free its cycles (a collector held
    off altogether would leave them, and the run's memory would grow)."""

    class Node:
        pass

    with steady_heap():
        first, second = Node(), Node()
        first.other, second.other = second, first  # type: ignore[attr-defined]
        gone = weakref.ref(first)
        del first, second
        churn = []
        for _ in range(20 * gc.get_threshold()[0]):  # enough new containers for several young collections
            churn.append([])
        assert gone() is None


def test_the_server_heap_is_settled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from warehouse import heap

    before = gc.get_threshold()
    monkeypatch.setattr(heap, "_settled", heap.threading.Event())
    try:
        heap.settle_server_heap()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert gc.get_threshold()[:2] == before[:2]
        assert gc.get_threshold()[2] >= 100
        made = [object()]  # made after: still seen by the collector
        heap.settle_server_heap()  # a second script run: nothing more is frozen
        assert gc.get_freeze_count() == frozen
        assert any(obj is made for obj in gc.get_objects())
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
