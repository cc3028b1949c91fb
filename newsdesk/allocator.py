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

`newsdesk`'s long commands (the bot, a rebuild, a big add: command.py) also have glibc
back their heaps with transparent huge pages (2 MiB pages, where the system grants them to
programs that ask: `run_with_huge_pages`). Memos of hundreds of thousands of words and
arrays over a million passages are then reached through far fewer page-table entries and
faulted in 2 MiB at a time. At 1M passages: ingest 1,354 -> 1,453 articles/s (reading
80.3 -> 74.0 s); `ask` in process, a first pass over 200 questions, median 8.8 / 8.0 ->
4.8 / 5.6 ms and p95 26.4 / 20.8 -> 14.0 / 15.6 ms, page faults 12-13k -> 5.2k, VmRSS the
same (334 / 336 MiB). Only a process's start can ask for it (glibc reads its tunables
then), so the command runs itself again at once, before anything is loaded; a short
command would lose more than it gains (about 45 ms a process: starting again, and each
2 MiB page zeroed when first touched).
"""

from __future__ import annotations

import os
import sys

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
    if _glibc_version() is None:
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


# glibc's tunable (2.35 on) for malloc's use of transparent huge pages: madvise them.
_HUGE_PAGES = "glibc.malloc.hugetlb=1"
_THP_MODE = "/sys/kernel/mm/transparent_hugepage/enabled"


def run_with_huge_pages() -> None:
    """Run this process's command again, in its place, with glibc's malloc asking for
    transparent huge pages, when that will change anything: glibc 2.35 or later, the
    system grants them on request ("madvise" mode; "always" needs no asking), and not
    asked for already (so it happens once). Otherwise, or if it cannot, it returns."""
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    if _HUGE_PAGES in tunables or (_glibc_version() or (0, 0)) < (2, 35) \
            or _thp_mode() != "madvise":
        return
    os.environ["GLIBC_TUNABLES"] = f"{tunables}:{_HUGE_PAGES}" if tunables else _HUGE_PAGES
    try:
        os.execv(sys.executable, sys.orig_argv)
    except OSError:
        return  # (the environment keeps it: processes started from here get it)


def _glibc_version() -> tuple[int, int] | None:
    """The C library's version if it is glibc (None otherwise)."""
    try:
        name, _, number = (os.confstr("CS_GNU_LIBC_VERSION") or "").partition(" ")
        major, minor = map(int, number.split(".")[:2])
    except (ValueError, OSError, AttributeError):  # not a GNU system, or not a version
        return None
    return (major, minor) if name == "glibc" else None


def _thp_mode() -> str | None:
    """The system's transparent huge page mode ("always", "madvise", "never"), if known."""
    try:
        with open(_THP_MODE, encoding="ascii") as modes:
            text = modes.read()
    except OSError:
        return None
    start, end = text.find("["), text.find("]")
    return text[start + 1:end] if 0 <= start < end else None
