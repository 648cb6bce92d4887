"""Package rows and unit pages made in worker processes give the bytes made in the build process."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from generator.check import run_checks
from generator.check.tally import CheckTally
from generator.corpus import generate_corpus
from generator.pipeline.build import BuildOptions, build
from generator.pipeline.extraction import store_disclosure
from generator.pipeline.stored import check_records
from generator.runtime import workers
from generator.runtime.store import RecordStore
from generator.runtime.workers import Failure, map_isolated, map_parallel, recycle_workers, worker_pool
from tests.test_check_rules import fact, sample
from tests.test_hostile_isolation import behave

SEED = 5


def _build(root: Path, source: Path, jobs: int, cache: bool) -> dict[str, bytes]:
    build(BuildOptions(source, root / "datapackage", root / "site", jobs=jobs, docs_dir=root / "build" / "docs",
                       cache_dir=root / "cache" if cache else None, changelog=root / "CHANGELOG.md"),
          log=lambda line: None)
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for folder in ("datapackage", "site") for path in sorted((root / folder).rglob("*")) if path.is_file()}


def test_workers_make_the_same_package_and_site(tmp_path, monkeypatch):
    source = tmp_path / "docs"
    generate_corpus(8, SEED, source)  # two units: seven years and one
    serial = _build(tmp_path / "serial", source, jobs=1, cache=True)
    # Every stage in two workers, even for eight documents, all in the one pool of the build, whose
    # workers are replaced once, after render; the records in a store for this build only.
    pools = []

    class Counted(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Counted)
    parallel = _build(tmp_path / "parallel", source, jobs=2, cache=False)
    assert pools == [2, 2]
    assert parallel.keys() == serial.keys()
    assert [path for path in serial if parallel[path] != serial[path]] == []
    assert sum(path.startswith("site/units/") and path.endswith("/index.html") for path in serial) == 2


def _two_years(unit_id: str):
    later, earlier = sample(), sample()
    for disclosure, year in ((later, 2026), (earlier, 2025)):
        disclosure.unit = dataclasses.replace(disclosure.unit, unit_id=unit_id)
        disclosure.disclosure_id, disclosure.year = f"{unit_id}-{year}", year
    later.narrative.facts.append(fact("change_vs_last_year", "0", qualifier="2025"))
    return [later, earlier]


def test_years_are_checked_against_each_other_in_workers(tmp_path, monkeypatch):
    disclosures = [*_two_years("hebei-a-224"), *_two_years("hebei-b-224")]
    store = RecordStore(tmp_path / "records")
    extracted = [store_disclosure(store, f"{number:064x}", d) for number, d in enumerate(disclosures)]
    monkeypatch.setattr(workers, "PARALLEL_FROM", 1)
    for anew in (2, 0):  # the second time from the store
        lines: list[str] = []
        records = check_records(store, extracted, lines.append, jobs=2)
        assert lines == [f"checked 2 disclosures against their unit's previous year ({anew} anew)"]
        loaded = [outcome for header in sorted(records.headers, key=lambda h: h.disclosure_id)
                  for outcome in records.load(header)[1]]
        assert loaded == run_checks(disclosures)
        assert [o.status for o in loaded if o.rule == "years.change_vs_last_year"] == \
            ["not_applicable", "pass", "not_applicable", "pass"]
        assert records.checks(extracted[0].header) == CheckTally.of(
            [o for o in loaded if o.disclosure_id == disclosures[0].disclosure_id])


def worker(item: object) -> int:
    return os.getpid()


def test_one_pool_serves_every_map_and_a_worker_killed_costs_one_document():
    with worker_pool(2) as pool:
        read = set(map_isolated(worker, range(40)))
        made = set(map_parallel(worker, range(400)))
        assert len(read | made) <= 2 and pool.started == 1
        results = map_isolated(behave, ["a", "b", "crash", "c", "d", "e"])
        assert [r for r in results if isinstance(r, Failure)] == [results[2]] and results[2].kind == "crash"
        assert results[:2] + results[3:] == ["A", "B", "C", "D", "E"]
        # The broken pool was replaced once, and its new workers serve the maps after it.
        after = set(map_parallel(worker, range(400)))
        assert pool.started == 2 and len(after) <= 2 and not after & (read | made)
        # Recycled between stages: new workers at the next task, none before it.
        recycle_workers()
        assert pool.started == 2
        assert set(map_parallel(worker, range(400))).isdisjoint(after) and pool.started == 3


def slow_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_recycling_does_not_wait_for_a_task_under_way_which_still_finishes():
    with worker_pool(2) as pool:
        validating = pool.submit(slow_pid, 10.0)
        time.sleep(0.5)  # under way
        started = time.monotonic()
        recycle_workers()
        assert time.monotonic() - started < 5  # waiting for the task would take 9.5 s
        after = set(map_parallel(worker, range(400)))
        assert validating.result(timeout=30) not in after and pool.started == 2


# A build that starts its pool's workers, then is killed (SIGKILL): it cannot shut them down.
KILLED = """
import os, signal
from generator.runtime.workers import worker_pool
with worker_pool(2) as pool:
    print(pool.submit(os.getpid).result(), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_workers_of_a_killed_build_exit_with_it():
    # Its output pipes close only once every worker, which holds them, has exited: until then run() reads on.
    run = subprocess.run([sys.executable, "-c", KILLED], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).parent.parent)
    assert run.returncode == -9, run.stderr
    assert int(run.stdout) > 0  # a worker ran


def started_then_sleep(mark: Path) -> None:
    mark.write_text(str(os.getpid()))
    time.sleep(120)


def test_a_failed_build_kills_its_workers_instead_of_waiting_for_them(tmp_path):
    mark = tmp_path / "started"
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="the build failed"), worker_pool(1) as pool:
        pool.submit(started_then_sleep, mark)
        while not mark.exists():
            time.sleep(0.05)
        raise RuntimeError("the build failed")
    assert time.monotonic() - started < 60  # not the task's 120 s
    with pytest.raises(ProcessLookupError):
        os.kill(int(mark.read_text()), 0)
