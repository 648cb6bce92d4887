"""The build's per-document and per-unit work on a Dask cluster (``budget-site build --cluster``).

While a build is connected, generator.runtime.workers hands ``map_isolated`` and ``map_parallel`` to
``DaskRemote``: the stages call them as without a cluster and do not know where their work runs.
Dask is imported only here and only on connecting (the optional ``dask`` extra).

The workers share the build's files rather than sending results back: they read the sources,
write each document's records to the record store and the package's rows to the package cache,
as local workers do, so the records never pass through the build's process. The sources, the
cache folder and the generator (its templates) must therefore be on a filesystem every worker sees
at the same (absolute) path; ``check_workers`` checks that each worker sees them, and runs the same
generator code, before any work.

Isolation: a task is a chunk of documents that the worker runs with ``map_isolated`` itself, in a
process of its own, so each document keeps the time, CPU, memory and crash limits it has without
a cluster. What a cluster adds: when a Dask worker itself dies (its machine, or its nanny's memory
limit), the scheduler runs its tasks again elsewhere up to ``distributed.scheduler.allowed-failures``
times (set that on the scheduler; ``local:N`` clusters allow one retry), after which every
document of the chunk becomes a Failure; a Dask worker must run non-daemonic to start that process.
"""

from __future__ import annotations

import contextlib
import functools
import math
import multiprocessing
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from generator.runtime import workers
from generator.runtime.store import code_fingerprint
from generator.runtime.workers import Failure, map_isolated, run_chunk
from generator.site.paths import TEMPLATES_DIR

T = TypeVar("T")
R = TypeVar("R")

LOCAL = "local:"
"""``local:N``: a cluster of N worker processes on this machine, started for the build."""

# A task costs a scheduler round trip and, for documents, a process start on the worker: a few
# items each, and several tasks per worker thread so that the last ones finish together.
TASKS_PER_THREAD = 4
LARGEST_CHUNK = 16
WORKER_WAIT = 60.0  # seconds for a scheduler's first worker to join


class ClusterError(Exception):
    """The cluster cannot run this build (unreachable, no workers, or workers that cannot share its files)."""


class DaskRemote:
    """Runs the two maps of generator.runtime.workers on the workers of a Dask client, results in input order."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.threads = max(1, sum(client.nthreads().values()))

    def _chunks(self, items: Sequence[T]) -> list[list[T]]:
        size = max(1, min(LARGEST_CHUNK, math.ceil(len(items) / (self.threads * TASKS_PER_THREAD))))
        return [list(items[start:start + size]) for start in range(0, len(items), size)]

    def map_isolated(self, func: Callable[[T], R], items: Sequence[T], timeout: float,
                     memory: int) -> list[R | Failure]:
        chunks = self._chunks(items)
        futures = self.client.map(functools.partial(_isolated_chunk, func, timeout, memory), chunks, pure=False)
        results: list[R | Failure] = []
        for chunk, future in zip(chunks, futures):
            try:
                results.extend(future.result())
            except Exception as error:  # KilledWorker (its workers died as often as allowed), or lost
                results.extend([Failure("crash", f"the Dask task reading it failed ({type(error).__name__}: "
                                                 f"{error})")] * len(chunk))
        return results

    def map_parallel(self, func: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        # Every chunk is submitted at once; each result is let go once taken, as local workers' are.
        pending = deque(self.client.map(functools.partial(run_chunk, func), self._chunks(items), pure=False))
        while pending:
            yield from pending.popleft().result()


def _isolated_chunk(func: Callable[[T], R], timeout: float, memory: int, items: list[T]) -> list[R | Failure]:
    """On a worker: each item in a process of the worker's own, as without a cluster."""
    return map_isolated(func, items, jobs=1, timeout=timeout, memory=memory)


def _worker_state(probe: str, token: str, folders: list[str]) -> tuple[bool, list[str], str]:
    """On each worker: whether it can start processes, which of the build's folders it does not see
    (the cache folder by a file just written there), and its code."""
    try:
        missing = [] if Path(probe).read_text(encoding="utf-8") == token else [str(Path(probe).parent)]
    except OSError:
        missing = [str(Path(probe).parent)]
    missing += [folder for folder in folders if not Path(folder).is_dir()]
    return not multiprocessing.current_process().daemon, missing, code_fingerprint()


def check_workers(client: Any, cache_dir: Path, source_dir: Path) -> None:
    """Raise ClusterError unless every worker can run this build's work on its files."""
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except TimeoutError as error:
        raise ClusterError(f"no Dask worker joined the scheduler within {WORKER_WAIT:g} s") from error
    cache_dir.mkdir(parents=True, exist_ok=True)
    probe, token = cache_dir / f".cluster-probe-{uuid.uuid4().hex}", uuid.uuid4().hex
    probe.write_text(token, encoding="utf-8")
    try:
        # The unit pages' templates are read by the workers from the generator's checkout.
        states = client.run(_worker_state, str(probe), token, [str(source_dir), str(TEMPLATES_DIR)])
    finally:
        probe.unlink()
    here = code_fingerprint()
    for worker, (can_fork, missing, code) in sorted(states.items()):
        if not can_fork:
            raise ClusterError(f"{worker} runs as a daemon and cannot start the process each document is read in: "
                               "start workers with DASK_DISTRIBUTED__WORKER__DAEMON=False (or --no-nanny)")
        if missing:
            raise ClusterError(f"{worker} does not see {', '.join(missing)}: the sources, the cache folder and the "
                               "generator must be on a filesystem every worker shares, at the same path")
        if code != here:
            raise ClusterError(f"{worker} runs other generator code than this build: install the same version")


def _dask() -> Any:
    try:  # the optional extra: only a build given a cluster needs it
        import dask
        import distributed
    except ImportError as error:
        raise ClusterError(f"a build on a cluster needs Dask: pip install 'budget-site[dask]' ({error})") from error
    return dask, distributed


@contextlib.contextmanager
def local_cluster(workers: int) -> Iterator[Any]:
    """A Dask LocalCluster of ``workers`` processes of one thread on this machine, as a build needs them."""
    dask, distributed = _dask()
    # Non-daemonic workers start a process per task; a document that kills a worker gets one retry.
    with dask.config.set({"distributed.worker.daemon": False, "distributed.scheduler.allowed-failures": 1}), \
            distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     dashboard_address=None) as cluster:
        yield cluster


@contextlib.contextmanager
def connected(address: str, cache_dir: Path, source_dir: Path) -> Iterator[None]:
    """Run the build's work on the Dask cluster at ``address`` (or ``local:N``) while inside."""
    _, distributed = _dask()
    with contextlib.ExitStack() as stack:
        if address.startswith(LOCAL):
            count = address[len(LOCAL):]
            if not count.isdigit() or int(count) < 1:
                raise ClusterError(f"{address}: expected {LOCAL}N, N ≥ 1 worker processes")
            address = stack.enter_context(local_cluster(int(count))).scheduler_address
        try:
            client = stack.enter_context(distributed.Client(address))
        except OSError as error:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {error}") from error
        check_workers(client, cache_dir, source_dir)
        workers.remote = DaskRemote(client)
        try:
            yield
        finally:
            workers.remote = None
