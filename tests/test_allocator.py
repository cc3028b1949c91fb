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
