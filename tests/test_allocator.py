import os
import subprocess
import sys

import pytest

# Three rounds of four 8 MB arrays made and dropped, then twenty more counted: the page
# faults they cost (the first rounds fault in any case).
ROUNDS = """
import resource, sys
import numpy as np
from newsdesk.allocator import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory()
for _ in range(3):
    arrays = [np.ones(1_000_000) for _ in range(4)]
    del arrays
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    arrays = [np.ones(1_000_000) for _ in range(4)]
    del arrays
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError, AttributeError):
        return False


def page_faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", ROUNDS, mode], capture_output=True,
                          text=True, check=True)
    return int(done.stdout)


@pytest.mark.skipif(not glibc(), reason="the C library is not glibc")
def test_freed_arrays_are_reused_without_new_page_faults():
    as_is, kept = page_faults("as-is"), page_faults("keep")
    assert as_is > 20 * 4 * 100  # each array faulted in afresh (hundreds of pages)
    assert kept * 20 < as_is


def test_it_says_whether_it_could():
    said = subprocess.run(
        [sys.executable, "-c", "from newsdesk.allocator import keep_freed_memory as k; "
                               "print(k(), k())"],  # (twice: no harm)
        capture_output=True, text=True, check=True).stdout.split()
    assert said == [str(glibc())] * 2


RUN_AGAIN = """
import os, sys
print("started", flush=True)
from newsdesk.allocator import run_with_huge_pages
run_with_huge_pages()
print(os.environ.get("GLIBC_TUNABLES", ""))
"""


def started_with_huge_pages(tunables: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"}
    if tunables is not None:
        env["GLIBC_TUNABLES"] = tunables
    return subprocess.run([sys.executable, "-c", RUN_AGAIN], capture_output=True, text=True,
                          check=True, env=env, timeout=60).stdout.splitlines()


def test_a_command_runs_again_once_with_huge_pages_where_the_system_grants_them():
    from newsdesk.allocator import _glibc_version, _thp_mode

    if (_glibc_version() or (0, 0)) >= (2, 35) and _thp_mode() == "madvise":
        assert started_with_huge_pages(None) == ["started", "started", "glibc.malloc.hugetlb=1"]
        assert started_with_huge_pages("glibc.malloc.check=0") == [
            "started", "started", "glibc.malloc.check=0:glibc.malloc.hugetlb=1"]
    else:  # nothing to gain: it goes on as it is
        assert started_with_huge_pages(None) == ["started", ""]
    # Asked for already: not again.
    assert started_with_huge_pages("glibc.malloc.hugetlb=1") == ["started",
                                                                 "glibc.malloc.hugetlb=1"]


@pytest.mark.parametrize(("libc", "mode", "runs_again"), [
    ("glibc 2.36", "madvise", True), ("glibc 2.34", "madvise", False),
    ("glibc 2.36", "always", False), ("glibc 2.36", "never", False),
    ("glibc 2.36", None, False), ("", "madvise", False)])
def test_it_runs_again_only_where_huge_pages_must_be_asked_for(
        monkeypatch: pytest.MonkeyPatch, libc: str, mode: str | None, runs_again: bool):
    import newsdesk.allocator as allocator

    calls = []
    monkeypatch.setenv("GLIBC_TUNABLES", "")  # (restored after the test)
    monkeypatch.setattr(os, "confstr", lambda name: libc)
    monkeypatch.setattr(allocator, "_thp_mode", lambda: mode)
    monkeypatch.setattr(os, "execv", lambda *args: calls.append(args))
    allocator.run_with_huge_pages()
    assert calls == ([(sys.executable, sys.orig_argv)] if runs_again else [])


def test_a_command_that_cannot_run_again_goes_on(monkeypatch: pytest.MonkeyPatch):
    import newsdesk.allocator as allocator

    def refused(*_: object) -> None:
        raise OSError("exec refused")

    monkeypatch.setenv("GLIBC_TUNABLES", "")  # (restored after the test)
    monkeypatch.setattr(os, "confstr", lambda name: "glibc 2.36")
    monkeypatch.setattr(allocator, "_thp_mode", lambda: "madvise")
    monkeypatch.setattr(os, "execv", refused)
    allocator.run_with_huge_pages()  # returns
    assert os.environ["GLIBC_TUNABLES"] == "glibc.malloc.hugetlb=1"  # (for its children)
