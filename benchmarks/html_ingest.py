"""How fast saved web pages become articles, and how soon a new one is answerable.

Pages are generated: sentences of the seed articles (read at run time) recombined into
articles, each with a unique place name so it can be asked about, wrapped in a page
with navigation, a cookie banner and related-story links like a real news site.

    python benchmarks/html_ingest.py --pages 2000
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdesk.index import Archive, IndexSettings  # noqa: E402
from newsdesk.index.cleaning import clean_article_text  # noqa: E402
from newsdesk.index.sentences import sentence_spans  # noqa: E402


def seed_sentences() -> list[str]:
    out = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = clean_article_text(path.read_text(encoding="utf-8")).text
        out += [text[s:e] for s, e in sentence_spans(text)]
    return out


def page(n: int, sentences: list[str], rng: random.Random) -> str:
    place = f"Townsville{n}"
    body = [f"Officials in {place} said the new bridge opened on Monday."]
    body += rng.sample(sentences, min(12, len(sentences)))
    paragraphs = "".join(f"<p>{s}</p>" for s in body)
    return (f"<!doctype html><html><head><title>Report {n} | Gazette {n % 7}</title>"
            f'<meta property="og:site_name" content="Gazette {n % 7}">'
            f'<meta property="article:published_time" content="2024-05-{n % 28 + 1:02d}">'
            f'<link rel="canonical" href="https://gazette{n % 7}.example/report/{n}"></head>'
            "<body><nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
            "<div class='cookies'>We use cookies. Accept all</div>"
            f"<article><h1>Report {n}</h1>{paragraphs}</article>"
            "<aside><h3>Related stories</h3><a href='/x'>Other news</a></aside></body></html>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--probes", type=int, default=5, help="new pages timed one by one")
    args = parser.parse_args()
    rng = random.Random(7)
    sentences = seed_sentences()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        for n in range(args.pages):
            (folder / f"report{n}.html").write_text(page(n, sentences, rng), encoding="utf-8")
        archive = Archive(IndexSettings(Path(tmp) / "data"))
        began = time.perf_counter()
        report = archive.add([folder])
        took = time.perf_counter() - began
        passages = archive.stats().indexed_passages
        print(f"ingest: {report.added:,} of {args.pages:,} pages in {took:.1f} s = "
              f"{report.added / took:.0f} articles/s (extraction, cleaning, Punkt, SQLite, "
              f"index of {passages:,} passages included); {len(report.rejected)} rejected")

        delays = []
        for probe in range(args.probes):
            n = args.pages + probe
            path = Path(tmp) / f"new{n}.html"
            path.write_text(page(n, sentences, rng), encoding="utf-8")
            began = time.perf_counter()
            archive.add([path])
            hits = archive.ask(f"When did the bridge in Townsville{n} open?", k=1).hits
            delays.append(time.perf_counter() - began)
            assert hits and hits[0].title == f"Report {n}", "the new page is not answerable"
        print(f"new page answerable after: median {statistics.median(delays):.2f} s "
              f"(add, re-index {passages:,} passages, switch, search; {args.probes} probes)")
        archive.close()


if __name__ == "__main__":
    main()
