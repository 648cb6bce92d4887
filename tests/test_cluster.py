"""The build on a Dask cluster (generator.runtime.cluster) publishes the bytes of the local build."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SOURCE_DOCS
from distributed import Client, get_task_stream

from generator.corpus import generate_corpus
from generator.pipeline.build import BuildOptions, build
from generator.runtime import workers
from generator.runtime.cluster import ClusterError, DaskRemote, check_workers, local_cluster
from generator.runtime.workers import Failure
from tests.test_hostile_isolation import behave

SEED = 21
GENERATED = 20


def _corpus(folder: Path) -> int:
    """The five real disclosures and twenty generated ones in one folder; how many units they
    are (the generated ones, three units publishing 7, 7 and 6 years)."""
    generate_corpus(GENERATED, SEED, folder)
    with (SOURCE_DOCS / "manifest.csv").open(encoding="utf-8", newline="") as manifest:
        rows = list(csv.DictReader(manifest))
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as manifest:
        columns = next(csv.reader(manifest))
    with (folder / "manifest.csv").open("a", encoding="utf-8", newline="") as manifest:
        csv.DictWriter(manifest, columns).writerows(rows)
    for row in rows:
        shutil.copy(SOURCE_DOCS / row["file"], folder / row["file"])
    (folder / "2024_石家庄市_正定县_损坏_部门预算.docx").write_bytes(b"PK\x03\x04 not a zip")  # unreadable either way
    return 3 + len(rows)


def _build(root: Path, source: Path, cluster: str | None) -> dict[str, bytes]:
    result = build(BuildOptions(source, root / "datapackage", root / "site", jobs=2, docs_dir=root / "docs",
                                cache_dir=root / "cache", changelog=root / "CHANGELOG.md", cluster=cluster),
                   log=lambda line: None)
    assert [item.file for item in result.unreadable] == ["2024_石家庄市_正定县_损坏_部门预算.docx"]
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for folder in ("datapackage", "site", "docs") for path in sorted((root / folder).rglob("*"))
            if path.is_file()}


@pytest.fixture(scope="module")
def cluster():
    with local_cluster(2) as running:
        yield running


def test_a_build_on_two_dask_workers_publishes_the_local_bytes(tmp_path, cluster):
    source = tmp_path / "sources"
    units = _corpus(source)
    local = _build(tmp_path / "local", source, None)
    with Client(cluster) as client, get_task_stream(client) as tasks:
        remote = _build(tmp_path / "cluster", source, cluster.scheduler_address)
    assert remote.keys() == local.keys()
    assert [path for path in local if remote[path] != local[path]] == []
    assert b"\xe6\x8d\x9f\xe5\x9d\x8f" in local["datapackage/build_report.json"]  # 损坏 listed as unreadable
    assert sum(path.startswith("site/units/") and path.endswith("/index.html") for path in local) == units
    # Every document was read on the two workers, and package rows and unit pages were made there.
    ran = {(task["key"].split("-")[0], task["worker"]) for task in tasks.data}
    assert {name for name, _ in ran} >= {"_isolated_chunk", "run_chunk"}
    assert len({worker for _, worker in ran}) == 2


def test_isolation_holds_on_the_cluster(cluster):
    with Client(cluster) as client:
        workers.remote = DaskRemote(client)
        try:
            results = workers.map_isolated(behave, ["a", "raise", "crash", "b", "hang"], timeout=1)
            made = list(workers.map_parallel(str.upper, ["x", "y", "z"]))
        finally:
            workers.remote = None
    assert results[:2] == ["A", Failure("error", "ValueError: bad cell")]
    assert results[2].kind == "crash" and results[3] == "B"
    assert results[4] == Failure("timeout", "took longer than 1 s")
    assert made == ["X", "Y", "Z"]


class _LostTasks:
    """A client of one worker thread whose every task is lost (its workers died as often as allowed)."""

    class Lost:
        def result(self):
            raise RuntimeError("KilledWorker: attempted to run the task 2 times and all workers died")

    def nthreads(self) -> dict[str, int]:
        return {"tcp://10.0.0.2:40000": 1}

    def map(self, func, chunks, pure):
        return [self.Lost() for _ in chunks]


def test_documents_of_a_lost_task_are_failures_in_their_places():
    results = DaskRemote(_LostTasks()).map_isolated(str.upper, [f"doc{n}" for n in range(6)], timeout=1,
                                                    memory=workers.DEFAULT_MEMORY)
    assert len(results) == 6
    assert {result.kind for result in results} == {"crash"}
    assert "KilledWorker" in results[0].message


def test_batches_of_documents_keep_every_worker_thread_of_a_cluster_busy(monkeypatch):
    class Large(_LostTasks):
        def nthreads(self) -> dict[str, int]:
            return {f"tcp://10.0.0.{n}:40000": 8 for n in range(6)}

    assert workers.parallelism(3) == 3 and workers.parallelism(None) == workers.default_jobs()
    monkeypatch.setattr(workers, "remote", DaskRemote(Large()))
    assert workers.parallelism(3) == 48


class _OneWorker:
    """A client whose one worker is this process."""

    def wait_for_workers(self, count: int, timeout: float) -> None:
        pass

    def run(self, func, *args):
        return {"tcp://10.0.0.2:40000": func(*args)}


class _OtherMachine(_OneWorker):
    """A worker with a cache folder of its own at the build's path (not shared)."""

    def run(self, func, probe, token, folders):
        return {"tcp://10.0.0.3:40000": func(probe, "another build's token", folders)}


def test_a_worker_that_cannot_see_the_build_s_files_stops_the_build(tmp_path):
    with pytest.raises(ClusterError, match=r"10.0.0.2:40000 does not see .*elsewhere: .*shares"):
        check_workers(_OneWorker(), tmp_path / "cache", tmp_path / "elsewhere")
    with pytest.raises(ClusterError, match=r"10.0.0.3:40000 does not see .*cache: "):
        check_workers(_OtherMachine(), tmp_path / "cache", tmp_path)
    check_workers(_OneWorker(), tmp_path / "cache", tmp_path)
    assert list((tmp_path / "cache").iterdir()) == []  # the probe is gone


def test_a_build_on_a_cluster_needs_a_cache_folder(tmp_path):
    with pytest.raises(ClusterError, match="cache folder"):
        build(BuildOptions(SOURCE_DOCS, tmp_path / "dp", tmp_path / "site", cluster="local:1"))


def test_the_build_does_not_import_dask_without_a_cluster():
    code = ("import sys, generator.cli, generator.pipeline.build, generator.runtime.cluster; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    found = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
