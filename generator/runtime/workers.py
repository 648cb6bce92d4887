"""Run one call per document in worker processes, so that no document can stop the build.

A call that raises, overruns its time or its memory, or kills its worker (a crash in a C
library, the CPU limit) gives a ``Failure`` in that document's place; every other document
is still processed. Results come back in input order whatever order workers finish in,
so a build is deterministic with any number of jobs.

Time is guarded twice inside the worker: a wall-clock alarm interrupts Python code, and a
CPU-time limit kills the worker when native code (a parser, a regex) never returns to
Python; the pool then breaks and the documents it held are run again one by one, so only
the one that kills its worker again fails.

Memory is bounded per document: while it runs, its worker's address space may grow by
``DEFAULT_MEMORY`` past what it held, so a document that asks for gigabytes gets a MemoryError
within a second instead of taking the machine's memory.

A build starts one pool of workers (``worker_pool``) that every stage's map uses, from the first
document read to the last unit rendered: no pool is started per batch or per stage. A worker a
document kills is replaced with the pool's other processes, and only the documents in flight
then are run again, one by one.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import os
import resource
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, TypeVar

from generator.runtime.outputs import ENVIRONMENT_ERRORS, environment_message

T = TypeVar("T")
R = TypeVar("R")

# Workers are forked from a small server process that imported the generator once, not from the
# build process: a fork of a build holding thousands of records copies them page by page as the
# worker's garbage collector walks them (3 GB per worker at 10,000 documents).
WORKERS = multiprocessing.get_context("forkserver")
WORKERS.set_forkserver_preload(["generator.pipeline.build"])

def start_workers() -> None:
    """Start the server the workers are forked from on another thread: it takes half a second to
    import the generator, which the build spends meanwhile on what it has cached."""
    threading.Thread(target=multiprocessing.forkserver.ensure_running, daemon=True).start()


DEFAULT_TIMEOUT = 60.0
"""Seconds per document; extraction takes well under one (the target is 70 ms)."""

MB = 1 << 20
DEFAULT_MEMORY = 1024 * MB
"""Bytes of address space a worker may take past its start; reading a corpus document takes
under 20 MB, and the largest package the read guards let through (a 128 MB part) fits."""


@dataclass(frozen=True)
class Failure:
    kind: str  # error / timeout / memory / environment (a full disk…) / crash
    message: str


class _Timeout(BaseException):
    """Not an Exception: the reader's own ``except Exception`` must not swallow it."""


class Remote(Protocol):
    """Another engine for the two maps below (generator.runtime.cluster): the stages call them either way."""

    threads: int  # items it runs at once

    def map_isolated(self, func: Callable[[T], R], items: Sequence[T], timeout: float,
                     memory: int) -> list[R | Failure]: ...

    def map_parallel(self, func: Callable[[T], R], items: Sequence[T]) -> Iterator[R]: ...


remote: Remote | None = None
"""Set while a build runs on a cluster (generator.runtime.cluster.connected); None: local worker processes."""


def default_jobs() -> int:
    return os.cpu_count() or 1


def parallelism(jobs: int | None) -> int:
    """How many items the maps below run at once: a cluster's worker threads, else ``jobs`` or the CPU count."""
    return remote.threads if remote is not None else jobs or default_jobs()


def map_isolated(func: Callable[[T], R], items: Sequence[T], jobs: int | None = None,
                 timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY) -> list[R | Failure]:
    """``func(item)`` for every item in up to ``jobs`` worker processes (default: the CPU
    count), in input order, each worker under ``memory`` bytes more than it held before the item.
    ``func`` and the items must pickle (a module-level function)."""
    return list(iter_isolated(func, items, jobs, timeout, memory))


def iter_isolated(func: Callable[[T], R], items: Sequence[T], jobs: int | None = None,
                  timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY) -> Iterator[R | Failure]:
    """``map_isolated``, each result given as soon as it and those before it are done."""
    if remote is not None:
        yield from remote.map_isolated(func, items, timeout, memory)
    elif pool is not None:
        yield from pool.isolated(func, items, _Guards(timeout, memory))
    elif items:
        with WorkerPool(max(1, min(jobs or default_jobs(), len(items)))) as own:
            yield from own.isolated(func, items, _Guards(timeout, memory))


# Without the build's pool, below this many items a pool's start costs more than the second core gives.
PARALLEL_FROM = 64


def map_parallel(func: Callable[[T], R], items: Sequence[T], jobs: int | None = None) -> Iterator[R]:
    """``func(item)`` for every item, in input order, as each is ready, in up to ``jobs`` worker
    processes: for the generator's own work on records it made (no untrusted parsing), so an
    error is raised rather than isolated. ``func`` and the items must pickle."""
    if remote is not None:
        yield from remote.map_parallel(func, items)
        return
    workers = pool.workers if pool is not None else max(1, min(jobs or default_jobs(), len(items)))
    if workers == 1 or (pool is None and len(items) < PARALLEL_FROM):
        yield from map(func, items)
    elif pool is not None:
        yield from pool.parallel(func, items)
    else:
        with WorkerPool(workers) as own:
            yield from own.parallel(func, items)


pool: WorkerPool | None = None
"""The build's workers while it runs (worker_pool); None: each map starts its own."""


@contextmanager
def worker_pool(jobs: int | None) -> Iterator[WorkerPool]:
    """One pool of ``jobs`` workers (None: the CPU count) for every map called inside."""
    global pool
    with WorkerPool(jobs or default_jobs()) as started:
        pool = started
        try:
            yield started
        finally:
            pool = None


def recycle_workers() -> None:
    """The build's workers replaced by new ones at their next task (see WorkerPool.recycle)."""
    if pool is not None:
        pool.recycle()


@dataclass(frozen=True)
class _Guards:
    timeout: float
    memory: int


# Items (or chunks) handed to the workers ahead of the one awaited, per worker: enough that they
# do not wait while the build takes a result, few enough that a crash sends few back to be rerun.
AHEAD = 4


class WorkerPool(Executor):
    """Worker processes kept for every map until closed; a broken pool is replaced on its next use."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.started = 0  # pools of processes started: one, unless a document killed a worker
        self._executor: ProcessPoolExecutor | None = None
        self._retired: list[ProcessPoolExecutor] = []  # recycled, finishing the tasks they hold

    def submit(self, func: Callable[..., R], /, *args: object, **kwargs: object) -> Future[R]:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=WORKERS,
                                                 initializer=_exit_with_the_build)
            self.started += 1
        return self._executor.submit(func, *args, **kwargs)

    def _replace(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def recycle(self) -> None:
        """Between stages: the workers, which keep what a stage grew them to (230–270 MB each after
        the unit pages at 10,000 disclosures, the site's files after its pages' conversion), exit
        once idle, and the next task starts new ones from the fork server (130 MB), so that the
        next stage does not run beside them. A task under way (the package's validation) is not
        waited for: it finishes in its worker, which then exits."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._retired.append(self._executor)
            self._executor = None

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._replace()

    def __exit__(self, error_type: type[BaseException] | None, *rest: object) -> None:
        if error_type is None:
            self._replace()
            for retired in self._retired:
                retired.shutdown(wait=True)
        else:
            self._abandon()
        self._retired.clear()

    def _abandon(self) -> None:
        """A failed build's workers killed, not awaited: what they run (a validation, the documents
        read ahead) is no longer wanted, and a worker stuck in native code would hold the build for
        its CPU limit. The package's database, which writes into the staging folder, was awaited
        before (generator.package.writer.PendingPackage)."""
        executors = [*self._retired, *([self._executor] if self._executor is not None else [])]
        processes = [process for executor in executors for process in (executor._processes or {}).values()]
        for executor in executors:
            executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()
        for process in processes:
            process.join()
        self._executor = None

    def isolated(self, func: Callable[[T], R], items: Sequence[T], guards: _Guards) -> Iterator[R | Failure]:
        done: dict[int, R | Failure] = {}
        flight: dict[int, Future[R | Failure]] = {}
        following = 0
        for index in range(len(items)):
            while following < len(items) and len(flight) < AHEAD * self.workers:
                flight[following] = self.submit(_guarded, func, items[following], guards)
                following += 1
            if index not in done:
                try:
                    done[index] = flight.pop(index).result()
                except BrokenProcessPool:
                    self._recover(func, items, guards, [index, *flight], flight, done)
                except (Exception, _Timeout) as error:  # the result did not pickle, or the alarm rang as it returned
                    done[index] = Failure("error", f"{type(error).__name__}: {error}")
            yield done.pop(index)

    def _recover(self, func: Callable[[T], R], items: Sequence[T], guards: _Guards, lost: list[int],
                 flight: dict[int, Future[R | Failure]], done: dict[int, R | Failure]) -> None:
        """A worker died: keep what finished, start new workers, and run what was in flight alone,
        so that only the document that kills its worker again fails."""
        broken = []
        for index in lost:
            future = flight.pop(index, None)
            if future is not None and future.done() and not future.cancelled() and future.exception() is None:
                done[index] = future.result()
            else:
                broken.append(index)
        self._replace()
        if len(broken) == 1:
            done[broken[0]] = _crashed(guards.timeout)
            return
        for index in broken:
            with WorkerPool(1) as alone:
                [done[index]] = alone.isolated(func, [items[index]], guards)

    def parallel(self, func: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        # Chunks amortise the pipe; results are taken as they come, not held for the whole list.
        size = max(1, min(32, len(items) // (self.workers * 8)))
        chunks = iter([items[start:start + size] for start in range(0, len(items), size)])
        flight: list[Future[list[R]]] = []
        while True:
            flight.extend(self.submit(run_chunk, func, chunk)
                          for chunk in itertools.islice(chunks, AHEAD * self.workers - len(flight)))
            if not flight:
                return
            yield from flight.pop(0).result()


def _exit_with_the_build() -> None:
    """In a worker as it starts: exit as soon as the build process is gone. A build killed (SIGKILL)
    cannot shut its pool down, and its workers would otherwise wait forever for work, holding the
    forkserver and the build's output pipes open (a caller reading them to the end never returns)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_on_close, args=(parent.sentinel,), daemon=True).start()


def _exit_on_close(sentinel: int) -> None:
    # The sentinel is a pipe whose other end only the build holds: readable (at its end) once the build is gone.
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def run_chunk(func: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """In a worker: ``func`` on each of a chunk of items."""
    return [func(item) for item in items]


def _crashed(timeout: float) -> Failure:
    return Failure("crash", f"the worker processing it died (a crash, native code over the memory limit, or "
                            f"stuck in native code past the {timeout:g} s limit)")


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux; 0 where /proc does not tell)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _limit(kind: int, soft: int | None) -> None:
    """The soft limit of ``kind`` set to ``soft`` (never past the hard limit); None: back to the hard limit."""
    _, hard = resource.getrlimit(kind)
    resource.setrlimit(kind, (hard if soft is None or (hard != resource.RLIM_INFINITY and soft > hard) else soft, hard))


def _guarded(func: Callable[[T], R], item: T, guards: _Guards) -> R | Failure:
    """In the worker: ``func(item)`` under the alarm, the CPU and the memory limit, errors as a Failure."""
    timeout = guards.timeout
    signal.signal(signal.SIGALRM, _on_alarm)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # CPU time never runs ahead of the clock, so the alarm rings first unless native code
    # ignores it; the limit is in whole seconds, hence one more.
    _limit(resource.RLIMIT_CPU, math.ceil(usage.ru_utime + usage.ru_stime + timeout) + 1)
    current = _address_space()
    if current:
        _limit(resource.RLIMIT_AS, current + guards.memory)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return func(item)
    except _Timeout:
        return Failure("timeout", f"took longer than {timeout:g} s")
    except MemoryError:  # what it held is freed as the error unwinds: the worker goes on
        return Failure("memory", f"over the memory limit of {guards.memory // MB:,} MB per document")
    except OSError as error:
        if error.errno in ENVIRONMENT_ERRORS:  # a full disk: no document after it would fare better
            return Failure("environment", environment_message(error))
        return Failure("error", f"{type(error).__name__}: {error}")
    except Exception as error:  # a bug or a library failure on this one document
        return Failure("error", f"{type(error).__name__}: {error}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        # The worker runs other items after this one: the next sets its own limits, if any.
        _limit(resource.RLIMIT_CPU, None)
        _limit(resource.RLIMIT_AS, None)


def _on_alarm(signum, frame) -> None:
    raise _Timeout
