"""The `newsdesk` command (and `python -m newsdesk`): the command line in a process of
its own, with what such a process sets before it loads anything."""

from __future__ import annotations

import gc
import os
import stat
import sys

from newsdesk.allocator import run_with_huge_pages

# Commands that run long or read much, for which huge pages pay (allocator.py). A short
# one (`ask`, adding a file or two) spends more starting again with them than it gains:
# at 300k passages, adding one article and asking for it took 0.81 -> 0.90 s with them.
_LONG_COMMANDS = frozenset({"bot", "rebuild"})
# `add` of this much in files, or of a folder, is long too.
_LONG_ADD_BYTES = 64 << 20


def main() -> int:
    """The command as a program (the `newsdesk` script, `python -m newsdesk`): a long
    one is started again first, with huge pages, where that helps (allocator.py)."""
    if runs_long(sys.argv[1:]):
        run_with_huge_pages()  # (may run the command again in this process's place, at once)
    return run_here()


def run_here() -> int:
    """The command in this process as it is (what `main` runs; tests call it)."""
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


def runs_long(argv: list[str]) -> bool:
    """Whether the command line `argv` (the program's name left out) runs long: `bot`,
    `rebuild`, or `add` of a folder or of files of `_LONG_ADD_BYTES` in all. (Read before
    anything is loaded, so without the parser: its one option with a value before the
    command is --config.)"""
    args = iter(argv)
    for token in args:
        if token == "--config":
            next(args, None)  # (its value)
        elif not token.startswith("-"):
            command = token
            break
    else:
        return False
    if command != "add":
        return command in _LONG_COMMANDS
    total = 0
    for arg in args:
        try:
            found = os.stat(arg)
        except (OSError, ValueError):  # an option, a URL, a path that is not there
            continue
        if stat.S_ISDIR(found.st_mode):
            return True
        total += found.st_size
    return total >= _LONG_ADD_BYTES
