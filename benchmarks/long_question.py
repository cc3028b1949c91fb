"""Cost of a one-word question thousands of characters long, against an ordinary one.

A term the archive does not know goes to spelling correction; a question that is one
huge "word" (pasted junk, a hostile probe) must cost about what an ordinary question
costs. Timed twice: `correct()` alone, against the seed article's term frequencies,
and, when the archive API allows, `Archive.search` on an archive of the seeds/ folder.
Each line gives the median time, the peak memory allocated during one call
(tracemalloc, Python allocations) and the time ratio against the ordinary question.

    python benchmarks/long_question.py --lengths 4000 100000
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdesk.index.analyzer import Analyzer  # noqa: E402
from newsdesk.index.spelling import correct  # noqa: E402

ORDINARY_WORD = "boarder"  # one edit from "border"
ORDINARY_QUESTION = "How many people crossed the boarder fence?"


def long_word(length: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choices(string.ascii_lowercase, k=length))


def measure(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(median seconds, peak KiB allocated) of `call`; the peak from one extra traced run,
    since tracing slows the calls it watches."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 2**10


def report(title: str, cases: list[tuple[str, Callable[[], object]]], repeats: int) -> None:
    print(title)
    base = None
    for label, call in cases:
        try:
            seconds, peak = measure(call, repeats)
        except MemoryError:
            print(f"  {label:<28} MemoryError")
            continue
        base = base or seconds
        print(f"  {label:<28} {seconds * 1000:10.3f} ms  peak +{peak:13,.1f} KiB  "
              f"{seconds / base:9.2f}x ordinary")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[4000, 100_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    words = [(f"{n:,}-character word", long_word(n, args.seed)) for n in args.lengths]

    analyzer = Analyzer()
    df = Counter(t for path in sorted((ROOT / "seeds").glob("*.txt"))
                 for t in set(analyzer.terms(path.read_text(encoding="utf-8"))))
    frequency = df.__getitem__  # a Counter: 0 for unknown terms
    assert correct(ORDINARY_WORD, frequency) == "border"
    report("correct(term, document_frequency):",
           [(f"ordinary ({ORDINARY_WORD!r})", lambda: correct(ORDINARY_WORD, frequency)),
            *[(label, lambda w=word: correct(w, frequency)) for label, word in words]],
           args.repeats)

    # The Archive API is being reworked: time it only if it still works as used here.
    try:
        from newsdesk.index import Archive, IndexSettings

        with tempfile.TemporaryDirectory() as tmp:
            archive = Archive(IndexSettings(Path(tmp)))
            try:
                archive.add([ROOT / "seeds"])
                archive.search(ORDINARY_QUESTION)
                report("Archive.search(question) on the seeds:",
                       [("ordinary question", lambda: archive.search(ORDINARY_QUESTION)),
                        *[(label, lambda w=word: archive.search(w)) for label, word in words]],
                       args.repeats)
            finally:
                archive.close()
    except Exception as error:
        print(f"Archive.search skipped: {type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
