"""Run one call per document in worker processes, so that no document can stop the build.

A call that raises, overruns its time or its memory, or kills its worker (a crash in a C
library, the CPU limit) gives a ``Failure`` in that document's place; every other document
is still processed. Results come back in input order whatever order workers finish in,
so a build is deterministic with any number of jobs.

Time is guarded twice inside the worker: a wall-clock alarm interrupts Python code, and a
CPU-time limit kills the worker when native code (a parser, a regex) never returns to
Python; the pool then breaks and the documents it held are run again one by one, so only
the one that kills its worker again fails.

Memory is bounded per worker: its address space may grow by ``DEFAULT_MEMORY`` past what
it held when it started (the generator's code, forked from the server), so a document that
asks for gigabytes gets a MemoryError within a second instead of taking the machine's memory.
"""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.forkserver
import os
import resource
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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
    count), in input order, each worker under ``memory`` bytes more than it started with.
    ``func`` and the items must pickle (a module-level function)."""
    if remote is not None:
        return remote.map_isolated(func, items, timeout, memory)
    results: dict[int, R | Failure] = {}
    workers = max(1, min(jobs or default_jobs(), len(items)))
    guards = _Guards(timeout, memory)
    broken = _run_pool(func, items, range(len(items)), workers, guards, results)
    if len(broken) == 1:
        results[broken[0]] = _crashed(timeout)
    else:
        for index in broken:
            if _run_pool(func, items, [index], 1, guards, results):
                results[index] = _crashed(timeout)
    return [results[index] for index in range(len(items))]


# Below this many items a pool's start costs more than the second core gives.
PARALLEL_FROM = 64


def map_parallel(func: Callable[[T], R], items: Sequence[T], jobs: int | None = None) -> Iterator[R]:
    """``func(item)`` for every item, in input order, as each is ready, in up to ``jobs`` worker
    processes: for the generator's own work on records it made (no untrusted parsing), so an
    error is raised rather than isolated. ``func`` and the items must pickle."""
    if remote is not None:
        yield from remote.map_parallel(func, items)
        return
    workers = max(1, min(jobs or default_jobs(), len(items)))
    if workers == 1 or len(items) < PARALLEL_FROM:
        yield from map(func, items)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=WORKERS) as pool:
        # Chunks amortise the pipe; results are taken as they come, not held for the whole list.
        yield from pool.map(func, items, chunksize=max(1, min(32, len(items) // (workers * 8))))


@dataclass(frozen=True)
class _Guards:
    timeout: float
    memory: int


def _run_pool(func: Callable[[T], R], items: Sequence[T], indices: Sequence[int], workers: int, guards: _Guards,
              results: dict[int, R | Failure]) -> list[int]:
    """Fill ``results`` for ``indices``; return the indices lost to a broken pool."""
    broken: list[int] = []
    if not indices:
        return broken
    with ProcessPoolExecutor(max_workers=workers, mp_context=WORKERS, initializer=_limit_memory,
                             initargs=(guards.memory,)) as pool:
        futures = {index: pool.submit(_guarded, func, items[index], guards) for index in indices}
        for index, future in futures.items():
            try:
                results[index] = future.result()
            except BrokenProcessPool:
                broken.append(index)
            except (Exception, _Timeout) as error:  # the result did not pickle, or the alarm rang as it returned
                results[index] = Failure("error", f"{type(error).__name__}: {error}")
    return broken


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


def _limit_memory(memory: int) -> None:
    """Worker initializer: its address space bounded to what it holds now plus ``memory``."""
    current = _address_space()
    if not current:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = current + memory
    resource.setrlimit(resource.RLIMIT_AS, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _guarded(func: Callable[[T], R], item: T, guards: _Guards) -> R | Failure:
    """In the worker: ``func(item)`` under the alarm, the CPU and the memory limit, errors as a Failure."""
    timeout = guards.timeout
    signal.signal(signal.SIGALRM, _on_alarm)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    # CPU time never runs ahead of the clock, so the alarm rings first unless native code
    # ignores it; the limit is in whole seconds, hence one more.
    soft = math.ceil(usage.ru_utime + usage.ru_stime + timeout) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
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


def _on_alarm(signum, frame) -> None:
    raise _Timeout
