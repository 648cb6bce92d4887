"""Benchmark the whole build on synthetic corpora (generator.corpus) against the targets in TARGETS.

    python benchmarks/run.py                 # N = 100 and 1,000
    python benchmarks/run.py --sizes 100     # just 100
    python benchmarks/run.py --10k           # also 10,000
    python benchmarks/run.py --sizes 100 --cluster local:1 --cluster local:2
                                             # on Dask clusters (here of one and two local worker
                                             # processes; or a scheduler's address): the speed-up of each

For each N: a cold build (empty cache) timed stage by stage with the peak RSS of the whole
process tree (the build process and its workers) during each stage; documents per second;
the size of the search index (site/pagefind, every chunk); then one document is revised and the build run
again with the cache, which is the incremental rebuild. Each build runs in its own process
so that one build's memory does not count in the next. Finally the extraction of one
disclosure of 30+ Word tables on one core (the real 2024 corpus document and a synthetic one).

The stages are the functions generator.pipeline.build.build calls, found and timed where they are
called: a stage that build() does not call yet is reported as missing. "extract" includes the
checks that read one disclosure alone (they run in the extraction workers); "check" is what
remains (the rules across years); "validate (wait)" is the part of the package's validation,
run in another process during the site build, that the build still waits for.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# What the targets call each stage, by the function build() calls for it.
STAGE_NAMES = {
    "discover_sources": "discover",
    "extract_all": "extract",
    "start_datapackage": "package",
    "wait_for_validation": "validate (wait)",
    "write_report": "report",
    "render_site": "render",
    "build_site": "mkdocs build",
}
EXPECTED_STAGES = ("extract", "check", "package", "render", "mkdocs build", "validate (wait)")
# Called once per document inside the workers: timing them in the parent would see nothing.
PER_DOCUMENT = {"read_document", "extract_disclosure"}
# Not stages: the context around a build on a cluster (reported as what the stages leave of the total),
# and helpers build() calls once per document or once per build (or between stages) that take no measurable time.
NOT_STAGES = PER_DOCUMENT | {"connected", "cache_key", "read_site_config", "return_freed_memory", "recycle_workers"}
STAGE_MARK = "stage: "
TARGETS = {"one_disclosure_ms": 70, "build_1000_s": 90, "build_10000_s": 600, "rss_10000_mb": 2048,
           "incremental_share": 0.10, "search_index_10000_mb": 5}


class TreeMemory:
    """Samples the resident memory of this process and all its descendants (the workers)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def reset(self) -> int:
        peak, self.peak = self.peak, self.tree_rss()
        return peak

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.tree_rss())

    @staticmethod
    def tree_rss() -> int:
        return sum(_status_kb(pid, "VmRSS:") * 1024 for pid in (os.getpid(), *descendants()))


def descendants() -> list[int]:
    """This process's descendants, at any depth (extraction workers are children of a forkserver)."""
    found, pending = [], _children(os.getpid())
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(_children(pid))
    return found


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for task in os.listdir(f"/proc/{pid}/task")
                for child in open(f"/proc/{pid}/task/{task}/children").read().split()]
    except (OSError, ValueError):
        return []  # the process ended while we looked


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field))
    except (OSError, StopIteration, ValueError):
        return 0


def _process_cpu(pid: int) -> float:
    """CPU seconds of a live process and of the children it has reaped (utime, stime, cutime, cstime)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> float:
    """CPU time of this process, of its finished children and of every live descendant (the
    forkserver, whose reaped workers count in its own children's time): unlike wall time, it
    does not grow when other programs share the machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
            + sum(_process_cpu(pid) for pid in descendants()))


def _timed_build(work: Path, jobs: int | None, cluster: str | None) -> dict[str, Any]:
    """One build in this process, each stage timed; returns the figures as a dict."""
    import importlib

    pipeline = importlib.import_module("generator.pipeline.build")  # generator.pipeline.build is the function

    memory = TreeMemory()
    stages: list[dict[str, Any]] = []

    def wrap(name: str, func: Callable) -> Callable:
        def timed(*args, **kwargs):
            memory.reset()
            started, cpu = time.perf_counter(), cpu_seconds()
            try:
                return func(*args, **kwargs)
            finally:
                stages.append({"stage": STAGE_NAMES.get(name, "check" if "check" in name else name),
                               "function": name, "seconds": time.perf_counter() - started,
                               "cpu_seconds": cpu_seconds() - cpu,
                               "peak_rss_mb": max(memory.reset(), TreeMemory.tree_rss()) / 2 ** 20})
                # As it happens, so that a build stopped by the timeout still reports its stages.
                print(STAGE_MARK + json.dumps(stages[-1]), file=sys.stderr, flush=True)
        return timed

    for name, value in list(vars(pipeline).items()):
        if (inspect.isfunction(value) and value.__module__.startswith("generator.")
                and value.__module__ != pipeline.__name__ and name not in NOT_STAGES):
            setattr(pipeline, name, wrap(name, value))
    # The package validates in another process while the site is built; what is left of it
    # when build() waits is the time validation adds to the build.
    from generator.package.writer import PendingPackage
    PendingPackage.wait = wrap("wait_for_validation", PendingPackage.wait)
    options = pipeline.BuildOptions(source_dir=work / "docs", datapackage_dir=work / "datapackage",
                                    site_dir=work / "site", docs_dir=work / "build" / "docs",
                                    cache_dir=work / "cache", jobs=jobs, cluster=cluster)
    lines: list[str] = []
    memory.start()
    started, cpu = time.perf_counter(), cpu_seconds()
    error = ""
    try:
        result = pipeline.build(options, log=lines.append)
        documents = len(result.headers) + len(result.unreadable)
        unreadable = len(result.unreadable)
    except Exception as failure:  # report what ran before the failing stage
        error, documents, unreadable = f"{type(failure).__name__}: {str(failure)[:300]}", 0, 0
    total, total_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    memory.stop()
    index = work / "site" / "pagefind"
    return {"total_seconds": total, "cpu_seconds": total_cpu, "stages": stages, "documents": documents,
            "unreadable": unreadable, "peak_rss_mb": memory.peak / 2 ** 20,
            "max_process_rss_mb": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024,
            "search_index_bytes": sum(path.stat().st_size for path in index.rglob("*") if path.is_file())
            if index.exists() else None,
            "cache_line": next((line for line in lines if line.startswith("cache:")), ""), "error": error}


def _build_in_child(work: Path, jobs: int | None, cluster: str | None, timeout: float) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child-build", str(work)]
    if jobs:
        command += ["--jobs", str(jobs)]
    if cluster:
        command += ["--cluster", cluster]
    try:
        completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        stderr = expired.stderr.decode() if isinstance(expired.stderr, bytes) else expired.stderr or ""
        stages = [json.loads(line[len(STAGE_MARK):]) for line in stderr.splitlines() if line.startswith(STAGE_MARK)]
        return {"total_seconds": timeout, "cpu_seconds": float("nan"), "stages": stages, "documents": 0,
                "unreadable": 0, "peak_rss_mb": max((s["peak_rss_mb"] for s in stages), default=0),
                "max_process_rss_mb": float("nan"), "search_index_bytes": None, "cache_line": "",
                "error": f"stopped by the {timeout:g} s timeout"}
    if completed.returncode != 0:
        raise RuntimeError(f"build of {work} failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def one_disclosure_ms(repeat: int = 15) -> list[dict[str, Any]]:
    """read + extract of one disclosure with 30 or more Word tables, on one core."""
    from generator.corpus import DEFAULT_TEMPLATE, Package, plan_corpus, render_file
    from generator.extract import extract_disclosure
    from generator.pipeline.sources import discover_sources
    from generator.read import read_document

    candidates = [source for source in discover_sources(ROOT / "source_docs")
                  if source.file.startswith("2024_邯郸市_馆陶县")]
    synthetic_dir = ROOT / ".cache" / "benchmark-one"
    synthetic_dir.mkdir(parents=True, exist_ok=True)
    package = Package(DEFAULT_TEMPLATE)
    for generated in plan_corpus(200, 1):
        path = synthetic_dir / generated.file
        path.write_bytes(render_file(generated, 1, package))
        if sum(1 for _ in read_document(path).tables()) >= 30:
            candidates += [source for source in discover_sources(synthetic_dir) if source.file == generated.file]
            break
    figures = []
    for source in candidates:
        document = read_document(source.path)
        times, cpu_times = [], []
        for _ in range(repeat):
            started, cpu = time.perf_counter(), time.process_time()
            extract_disclosure(read_document(source.path), source)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu) * 1000)
        figures.append({"file": source.file, "word_tables": sum(1 for _ in document.tables()),
                        "median_ms": statistics.median(times), "min_ms": min(times),
                        "median_cpu_ms": statistics.median(cpu_times)})
    shutil.rmtree(synthetic_dir, ignore_errors=True)
    return figures


def bench_size(count: int, work_root: Path, seed: int, jobs: int | None, timeout: float,
               cluster: str | None = None, family: str = "mixed") -> dict[str, Any]:
    from generator.corpus import generate_corpus, revise_file

    work = work_root / f"n{count}"
    shutil.rmtree(work, ignore_errors=True)
    started = time.perf_counter()
    files = generate_corpus(count, seed, work / "docs", family=family)
    generate_seconds = time.perf_counter() - started
    cold = _build_in_child(work, jobs, cluster, timeout)
    revise_file(work / "docs", files[count // 2], seed, revision=1)
    incremental = _build_in_child(work, jobs, cluster, timeout)
    return {"n": count, "family": family, "generate_seconds": generate_seconds, "cold": cold,
            "incremental": incremental, "cluster": cluster}


def report_size(item: dict[str, Any]) -> str:
    cold, incremental = item["cold"], item["incremental"]
    n = item["n"]
    where = f" on the Dask cluster {item['cluster']}" if item.get("cluster") else ""
    lines = [f"N = {n}{where}, {item.get('family', 'mixed')} templates  "
             f"(corpus generated in {item['generate_seconds']:.1f} s; load average "
             + " ".join(f"{load:.1f}" for load in os.getloadavg()) + ")"]
    for name, run in (("cold", cold), ("incremental", incremental)):
        if run["error"]:
            lines.append(f"  {name} build did not finish: {run['error']}")
    lines.append(f"  {'stage':<18}{'cold s':>9}{'cold CPU s':>12}{'peak RSS MB':>13}{'incremental s':>15}")
    seen = []
    for stage in cold["stages"]:
        again = next((s for s in incremental["stages"] if s["function"] == stage["function"]), None)
        lines.append(f"  {stage['stage']:<18}{stage['seconds']:>9.2f}{stage['cpu_seconds']:>12.2f}"
                     f"{stage['peak_rss_mb']:>13.0f}{again['seconds'] if again else float('nan'):>15.2f}")
        seen.append(stage["stage"])
    lines.append(f"  {'total':<18}{cold['total_seconds']:>9.2f}{cold['cpu_seconds']:>12.2f}"
                 f"{cold['peak_rss_mb']:>13.0f}{incremental['total_seconds']:>15.2f}")
    if item.get("cluster"):
        outside = cold["total_seconds"] - sum(stage["seconds"] for stage in cold["stages"])
        lines.append(f"  cluster start and stop (outside the stages): {outside:.2f} s cold")
    missing = [stage for stage in EXPECTED_STAGES if stage not in seen]
    if missing:
        lines.append(f"  stages not run: {', '.join(missing)}")
    extract = next((s["seconds"] for s in cold["stages"] if s["stage"] == "extract"), None)
    if extract:
        lines.append(f"  documents/s: {n / extract:.1f} extraction, {n / cold['total_seconds']:.2f} whole build")
    size = cold["search_index_bytes"]
    lines.append("  search index (Pagefind, all chunks; one query loads a few: benchmarks/search.py): "
                 + (f"{size / 2 ** 20:.2f} MB ({size / n / 1024:.1f} KB per document)" if size else "none (no site built)"))
    lines.append(f"  incremental rebuild after one change: {incremental['total_seconds']:.2f} s = "
                 f"{100 * incremental['total_seconds'] / cold['total_seconds']:.0f}% of the cold build; "
                 f"{incremental['cache_line']}")
    lines.append(f"  largest single process: {cold['max_process_rss_mb']:.0f} MB; unreadable: {cold['unreadable']}")
    return "\n".join(lines)


def report_one(one: list[dict[str, Any]]) -> str:
    lines = ["read+extract of one disclosure, one core:"]
    for figure in one:
        lines.append(f"  {figure['file']} ({figure['word_tables']} Word tables): median {figure['median_ms']:.0f} ms, "
                     f"best {figure['min_ms']:.0f} ms, median CPU {figure['median_cpu_ms']:.0f} ms "
                     f"(target ≤ {TARGETS['one_disclosure_ms']} ms)")
    return "\n".join(lines)


def _stage_seconds(run: dict[str, Any], stage: str) -> float:
    return sum(s["seconds"] for s in run["stages"] if s["stage"] == stage)


def report_speedup(items: list[dict[str, Any]]) -> str:
    """Each cluster's cold build against the first's: extraction (per document) and the whole build."""
    first = items[0]
    lines = [f"speed-up against {first['cluster'] or 'the local pool'} at N = {first['n']} (wall time; on a "
             f"loaded machine these move with the other load: load average "
             + " ".join(f"{load:.1f}" for load in os.getloadavg()) + ")"]
    for item in items:
        extract, total = _stage_seconds(item["cold"], "extract"), item["cold"]["total_seconds"]
        lines.append(f"  {item['cluster'] or 'local pool':<24} extract {extract:7.2f} s (×"
                     f"{_stage_seconds(first['cold'], 'extract') / extract:.2f})   whole build {total:7.2f} s (×"
                     f"{first['cold']['total_seconds'] / total:.2f})   CPU {item['cold']['cpu_seconds']:7.1f} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--10k", dest="ten_thousand", action="store_true", help="also N = 10,000")
    parser.add_argument("--jobs", type=int, default=None, help="build worker processes [default: CPU count]")
    parser.add_argument("--cluster", action="append", default=[],
                        help="build on this Dask cluster (a scheduler address, or local:N worker processes); "
                             "given more than once, each in turn, with the speed-up against the first")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--template", choices=("hebei", "mof", "provincial", "mixed"), default="mixed",
                        help="the corpus's template family (hebei: the layout builds before the families read)")
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "benchmark")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per build")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--child-build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        print(json.dumps(_timed_build(args.child_build, args.jobs, args.cluster[0] if args.cluster else None)))
        return
    sizes = sorted(set(args.sizes + ([10000] if args.ten_thousand else [])))
    print(f"machine: {os.cpu_count()} CPUs, build jobs = {args.jobs or os.cpu_count()}", flush=True)
    figures: dict[str, Any] = {"sizes": []}
    for count in sizes:
        runs = []
        for cluster in args.cluster or [None]:
            runs.append(bench_size(count, args.work, args.seed, args.jobs, args.timeout, cluster, args.template))
            print("\n" + report_size(runs[-1]), flush=True)
        figures["sizes"] += runs
        if len(runs) > 1:
            print("\n" + report_speedup(runs), flush=True)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    figures["one_disclosure"] = one_disclosure_ms()
    print("\n" + report_one(figures["one_disclosure"]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
