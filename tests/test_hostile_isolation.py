"""Each document in its own worker: its failure, hang or crash costs that document only."""

from __future__ import annotations

import os
import time

from generator.runtime.workers import Failure, default_jobs, map_isolated


def behave(item: str) -> str:
    """Module level, so that worker processes can unpickle it."""
    if item == "hang":
        time.sleep(60)
    if item == "crash":
        os._exit(3)
    if item == "raise":
        raise ValueError("bad cell")
    if item == "native":  # a C loop that never returns to Python, so the alarm cannot interrupt it
        sum(range(10**12))
    return item.upper()


def test_results_come_back_in_input_order_with_any_number_of_jobs():
    items = [f"doc{n}" for n in range(9)]
    for jobs in (1, 2, 4):
        assert map_isolated(behave, items, jobs=jobs) == [item.upper() for item in items]


def test_default_jobs_is_the_cpu_count():
    assert default_jobs() == os.cpu_count()


def test_an_error_and_a_hang_cost_only_their_own_document():
    started = time.perf_counter()
    results = map_isolated(behave, ["a", "hang", "b", "raise", "c"], jobs=2, timeout=0.5)
    assert time.perf_counter() - started < 10  # not the 60 s of the hang
    assert results == ["A", Failure("timeout", "took longer than 0.5 s"), "B",
                       Failure("error", "ValueError: bad cell"), "C"]


def test_a_crashed_worker_costs_only_its_own_document():
    results = map_isolated(behave, ["a", "b", "crash", "c", "d", "e"], jobs=2)
    assert [r for r in results if isinstance(r, Failure)] == [results[2]]
    assert results[2].kind == "crash"
    assert results[:2] + results[3:] == ["A", "B", "C", "D", "E"]


def test_native_code_past_the_cpu_limit_is_stopped():
    results = map_isolated(behave, ["a", "b", "native"], jobs=1, timeout=0.1)
    assert results[:2] == ["A", "B"]
    assert results[2].kind == "crash" and "native code" in results[2].message


def test_no_items():
    assert map_isolated(behave, []) == []
