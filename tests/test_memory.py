"""Freed memory returned to the system between stages (generator.runtime.memory)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# In a process of its own: the test runner's heap would blur the figures.
FREED = """
import gc, resource
from generator.runtime.memory import return_freed_memory, then_return_freed_memory

def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20

def churn():
    # 300 MB of objects over CPython's small-object size and below glibc's mmap threshold, in the
    # heap; one in fifty outlives the call, as a stage's results do, so the heap cannot shrink
    # from its top and keeps the freed pages between them unless trimmed
    held = [bytes(1_000) + bytes([index % 256]) for index in range(300_000)]
    survivors.extend(held[::50])
    return len(held)

survivors = []
start = resident_mb()
churn(); gc.collect()
kept = resident_mb() - start
assert then_return_freed_memory(churn) == 300_000
trimmed = resident_mb() - start
return_freed_memory()
print(round(kept), round(trimmed))
"""


def test_a_stage_s_freed_heap_goes_back_to_the_system():
    run = subprocess.run([sys.executable, "-c", FREED], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    kept, trimmed = map(int, run.stdout.split())
    assert kept > 200 and trimmed < kept / 3, run.stdout  # measured: 302 and 57 MB
