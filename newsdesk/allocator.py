"""Keeping freed memory for reuse in a process that answers questions (glibc's malloc).

Answering at a million passages makes and drops arrays of several MiB: a score for every
passage, a common word's weight at every passage, the places of the candidates. glibc
maps a block that big afresh from the kernel and unmaps it when it is freed, so every
question touches new pages, one page fault each 4 KiB (about 90 a question; costly in
a virtual machine). Served from the heap and kept there once freed, the same memory is
used again. At 1M passages, `ask` in process over 200 questions, three alternations:
p95 25-26 -> 19-22 ms, median 7.0 -> 6.0-6.5 ms, page faults a question 86 -> 2-8.

Each thread that allocates may get a heap (an arena) of its own, which now keeps what it
freed: the bot searches in worker threads, and with six of them VmRSS grew from 557-572
to 609-613 MiB. With no more arenas than cores it was 544-555 MiB. Index builds gained
nothing measurable (rebuild at 1M, alternated), so only the bot sets this (and the
benchmark's answering processes, as the bot's).
"""

from __future__ import annotations

import os

# mallopt's parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
# Blocks below this come from a heap: glibc's largest (32 MiB on 64-bit systems).
_HEAP_BLOCKS_BELOW = 32 << 20
# Freed memory at the top of a heap is given back to the system beyond this.
_KEPT_FREE = 256 << 20


def keep_freed_memory() -> bool:
    """Have glibc serve blocks below 32 MiB from its heaps, keep up to 256 MiB freed at
    the top of each, and make no more heaps than the cores this process may use.
    Returns whether it could: False where the C library is not glibc."""
    try:
        libc_version = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (ValueError, OSError, AttributeError):  # not a GNU system
        return False
    if not libc_version.startswith("glibc"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    cores = len(os.sched_getaffinity(0))
    return all(mallopt(parameter, value) for parameter, value in (
        (_M_ARENA_MAX, max(cores, 1)), (_M_MMAP_THRESHOLD, _HEAP_BLOCKS_BELOW),
        (_M_TRIM_THRESHOLD, _KEPT_FREE)))
