"""Two parts of one question's work at once, on the machine's second core.

numpy lets other threads run during its loops (bincount, take, searchsorted), so
scoring a question's passages and scoring their articles can go side by side. One side
thread serves the whole process: when another question's work holds it, the second
part runs after the first in the caller's thread, as it would without it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import TypeVar

First = TypeVar("First")
Second = TypeVar("Second")

_FREE = threading.Lock()  # held while the side thread works for a caller


@cache
def _has_second_core() -> bool:
    """Whether this process may run on two cores or more (its affinity, where known)."""
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except AttributeError:  # not Linux
        return (os.cpu_count() or 1) >= 2


@cache
def _side_thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsdesk-alongside")


def alongside(first: Callable[[], First], second: Callable[[], Second]
              ) -> tuple[First, Second]:
    """`(first(), second())`, the second computed in the side thread while the caller
    computes the first, when there is a second core and the side thread is free."""
    if not _has_second_core() or not _FREE.acquire(blocking=False):
        return first(), second()
    try:
        try:
            future = _side_thread().submit(second)
        except RuntimeError:  # the interpreter is shutting down: no new threads
            return first(), second()
        try:
            result = first()
        finally:
            done = future.result()  # (waited for even if `first` raised)
        return result, done
    finally:
        _FREE.release()
