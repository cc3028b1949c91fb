"""How fast `Archive.add` ingests a JSONL file, with nltk's Punkt alone as the reference.

The articles are archive_scale.py's (query_latency.py's generator: about 360 words in
18 sentences each), written as one JSONL file and added to a new archive three ways in
one run, so that the machine's other work weighs on all of them alike:

  reference    every paragraph split by nltk's Punkt, in this process only;
  one process  the fast paths (punkt_spans.py, the analyzer's), in this process only;
  pool         the fast paths, with worker processes for big adds and index builds (the
               default).

Each line gives articles/s for the whole add (index included, as archive_scale.py
prints it), for the stage that reads, cleans, splits, analyses and stores them, and the
seconds of the stage that indexes them (the segment built: reading the store, numbering
terms, postings) and of the one that writes the index; CPU time counts the workers too.
Every way must store the same articles.

    python benchmarks/ingest_speed.py --passages 100000
    python benchmarks/ingest_speed.py --corpus articles.jsonl --modes pool
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from archive_scale import StageClock, record  # noqa: E402
from query_latency import articles  # noqa: E402

from newsdesk.index import Archive, IndexSettings, indexer, ingest, sentences  # noqa: E402

MODES = ("reference", "one process", "pool")


def cpu_s() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        used = resource.getrusage(who)
        total += used.ru_utime + used.ru_stime
    return total


def ingest_once(corpus: Path, data: Path,
                mode: str) -> tuple[int, float, dict[str, float], float, str]:
    """(articles added, seconds, seconds of each stage, CPU seconds, a digest of what was
    stored) for one add in `mode`."""
    fast, pool, index_pool = (sentences._FAST_PUNKT, ingest.POOL_MIN_RECORDS,
                              indexer.POOL_MIN_ARTICLES)
    if mode == "reference":
        sentences._FAST_PUNKT = SimpleNamespace(spans=lambda text: None)
    if mode != "pool":
        ingest.POOL_MIN_RECORDS = indexer.POOL_MIN_ARTICLES = sys.maxsize
    archive = Archive(IndexSettings(data))
    try:
        clock = StageClock()
        began, cpu = time.perf_counter(), cpu_s()
        report = archive.add([corpus], clock)
        ended = time.perf_counter()
        seconds, cpu = ended - began, cpu_s() - cpu
        rows = archive._db.all("SELECT id, title, text, sentences, terms FROM articles"
                               " ORDER BY rowid")
        return report.added, seconds, clock.durations(ended), cpu, str(hash(tuple(rows)))
    finally:
        archive.close()
        sentences._FAST_PUNKT, ingest.POOL_MIN_RECORDS = fast, pool
        indexer.POOL_MIN_ARTICLES = index_pool


def generated(work: Path, passages: int, seed: int) -> Path:
    """A JSONL file of archive_scale.py's articles, about `passages` passages."""
    rng = random.Random(seed)
    texts = articles(passages, seed)
    corpus = work / "articles.jsonl"
    corpus.write_text("".join(json.dumps(record(n, text, rng)) + "\n"
                              for n, text in enumerate(texts)), encoding="utf-8")
    print(f"{len(texts):,} generated articles")
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--corpus", type=Path, metavar="JSONL",
                        help="add these articles instead of generating --passages")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modes", default=",".join(MODES),
                        help=f"comma-separated, of: {', '.join(MODES)}")
    args = parser.parse_args()
    modes = args.modes.split(",")
    print(f"{os.cpu_count()} CPUs; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + " at the start")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = args.corpus or generated(work, args.passages, args.seed)
        digests = set()
        for mode in modes:
            added, seconds, stages, cpu, digest = ingest_once(corpus, work / mode, mode)
            digests.add(digest)
            reading = stages["Reading articles"]
            print(f"{mode:12s} {added / seconds:7,.0f} articles/s ({seconds:.1f} s, index "
                  f"included); reading, cleaning, analysing, storing {added / reading:7,.0f} "
                  f"articles/s ({reading:.1f} s); indexing "
                  f"{stages.get('Indexing articles', 0):.1f} s, writing the index "
                  f"{stages.get('Writing the index', 0):.1f} s; CPU {cpu:.1f} s")
        print("the same articles stored every way" if len(digests) == 1
              else "DIFFERENT articles stored")
        print("load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()) + " at the end")


if __name__ == "__main__":
    main()
