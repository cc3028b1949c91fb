"""The `newsdesk` command (and `python -m newsdesk`): the command line in a process of
its own, with what such a process sets before it loads anything."""

from __future__ import annotations

import gc
import os


def main() -> int:
    # newsdesk's arrays need no BLAS. Left to itself, numpy's OpenBLAS starts a thread a
    # core that spins for about 0.1 s of CPU in every command. (Only before numpy loads.)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from newsdesk.bot.cli import main as run

    try:
        return run()
    finally:
        # The process ends next. Python's last garbage collection would walk every
        # object still alive (modules, classes, the loaded index): frozen, they are
        # skipped, which saves a command 50-70 ms. Nothing is left unflushed or unclosed.
        gc.freeze()
