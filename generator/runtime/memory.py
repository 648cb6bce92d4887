"""Freed memory given back to the system between stages.

CPython frees a stage's objects into glibc's heap, which keeps the pages for the next
allocation: after the package stage of 10,000 disclosures the build's process still held
about 990 MB of which most was free, and the site stage then ran beside it. malloc_trim
hands the free pages back. Elsewhere (musl, macOS, Windows) it is a no-op.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def return_freed_memory() -> None:
    """Give the heap's free pages back to the system (glibc's malloc_trim), where there is one."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def then_return_freed_memory(func: Callable[..., R], *args: object) -> R:
    """``func(*args)``, then the memory it freed returned: for a long task in a worker that
    stays alive (the package's database, its validation) and must not keep its peak."""
    try:
        return func(*args)
    finally:
        return_freed_memory()
