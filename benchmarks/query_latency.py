"""Query latency of newsdesk's BM25 index against rank-bm25's BM25Okapi, in one run.

The corpus is generated: a Zipf-distributed vocabulary of pseudo-words (syllables with
English endings, so the stemmer has work to do) mixed with real English stop words at
their usual rate, written as articles of sentences. Both engines index the same
passages (newsdesk's cleaning, Punkt sentences, 5-sentence windows every 2, analyzer);
queries are 2-6 words drawn from random passages. Every query's top 10 is compared.

    python benchmarks/query_latency.py --passages 100000
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdesk.index.analyzer import STOPWORDS, Analyzer
from newsdesk.index.bm25 import Bm25, Bm25Params, Part, Postings, Terms, top_k
from newsdesk.index.cleaning import clean_article_text
from newsdesk.index.passages import make_passages, window_starts
from newsdesk.index.sentences import sentence_spans

WINDOW, STRIDE = 5, 2
SENTENCES_PER_ARTICLE = (8, 30)
_ONSETS = "b c d f g h j k l m n p r s t v w z br cl dr fr gr pl st tr ch sh th".split()
_VOWELS = "a e i o u ai ea ou io".split()
_ENDINGS = ["", "", "", "s", "ing", "ed", "er", "ation", "ly", "ment", "ness", "al"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        stem = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS)
                       for _ in range(rng.randint(1, 3)))
        words.add(stem + rng.choice(_ENDINGS))
    return sorted(sorted(words), key=lambda w: rng.random())


def articles(n_passages: int, seed: int) -> list[str]:
    """Raw article texts that cut into about `n_passages` passages."""
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    vocab = vocabulary(max(20_000, n_passages // 2), rng)
    zipf = 1 / np.arange(1, len(vocab) + 1) ** 1.05
    # What Generator.choice(p=zipf) does, with the distribution's cumulative sum made
    # once (choice checks and sums p at every call: quadratic in the corpus size).
    cdf = zipf.cumsum()
    cdf /= cdf[-1]
    stop = sorted(STOPWORDS)
    texts, passages = [], 0
    while passages < n_passages:
        n_sent = rng.randint(*SENTENCES_PER_ARTICLE)
        lengths = nprng.integers(8, 28, size=n_sent)
        content = cdf.searchsorted(nprng.random(int(lengths.sum())), side="right")
        sentences, at = [], 0
        for length in lengths:
            words = [vocab[i] if rng.random() > 0.4 else rng.choice(stop)
                     for i in content[at:at + length]]
            at += length
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs = [" ".join(sentences[i:i + 2]) for i in range(0, n_sent, 2)]
        texts.append("\n\n".join(paragraphs))
        passages += len(window_starts(n_sent, WINDOW, STRIDE))
    return texts


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-reference", action="store_true",
                        help="skip rank-bm25 (for sizes where it is too slow)")
    args = parser.parse_args()
    params = Bm25Params(k1=0.9, b=0.4)

    texts = articles(args.passages, args.seed)
    analyzer = Analyzer()
    began = time.perf_counter()
    docs: list[list[str]] = []
    for n, raw in enumerate(texts):
        text = clean_article_text(raw).text
        for p in make_passages(str(n), sentence_spans(text), WINDOW, STRIDE):
            docs.append(analyzer.terms(text[p.start:p.end]))
    ingest_s = time.perf_counter() - began
    print(f"corpus: {len(texts):,} generated articles, {len(docs):,} passages, "
          f"{statistics.fmean(map(len, docs)):.1f} terms per passage (Zipf pseudo-words)")
    print(f"ingest from raw text: {len(docs) / ingest_s:,.0f} passages/s "
          f"(cleaning, Punkt, windows, stemming; {ingest_s:.1f} s)")

    rng = random.Random(args.seed + 1)
    queries = []
    for _ in range(args.queries):
        doc = rng.choice([d for d in docs[:5000] if len(d) >= 6])
        queries.append(rng.sample(doc, rng.randint(2, 6)))

    began = time.perf_counter()
    postings = Postings.build(docs)
    build_s = time.perf_counter() - began
    with tempfile.TemporaryDirectory() as tmp:
        postings.save(Path(tmp), "bench")
        postings.terms.save(Path(tmp))
        count = len(postings.terms)
        disk = sum(f.stat().st_size for f in Path(tmp).iterdir())
        del postings
        gc.collect()
        before = rss_mib()
        began = time.perf_counter()
        terms = Terms.load(Path(tmp), count)
        ours = Bm25([Part(Postings.load(Path(tmp), "bench", terms))], params)
        load_s = time.perf_counter() - began
        ours.scores(queries[0])
        serving = rss_mib() - before
        print(f"newsdesk: build {build_s:.2f} s, index {disk / 2**20:.1f} MiB on disk, "
              f"load {load_s * 1000:.0f} ms, serving memory +{serving:.0f} MiB RSS")

        ours_ms, our_tops = [], []
        for query in queries:
            began = time.perf_counter()
            top = top_k(ours.scores(query), 10, ours.hint_documents(query, 10)).tolist()
            ours_ms.append((time.perf_counter() - began) * 1000)
            our_tops.append(top)
        print(f"newsdesk query: median {statistics.median(ours_ms):.3f} ms, "
              f"p95 {percentile(ours_ms, 95):.3f} ms")

        if args.no_reference:
            return
        from rank_bm25 import BM25Okapi

        began = time.perf_counter()
        ref = BM25Okapi(docs, k1=params.k1, b=params.b, epsilon=params.epsilon)
        ref_build_s = time.perf_counter() - began
        ref_ms, same = [], 0
        for query, our_top in zip(queries, our_tops, strict=True):
            began = time.perf_counter()
            scores = ref.get_scores(query)
            top = np.argsort(-scores, kind="stable")[:10].tolist()
            ref_ms.append((time.perf_counter() - began) * 1000)
            same += top == our_top
        print(f"rank-bm25: build {ref_build_s:.2f} s; query: median "
              f"{statistics.median(ref_ms):.3f} ms, p95 {percentile(ref_ms, 95):.3f} ms")
        print(f"identical top-10: {same}/{len(queries)} queries")
        print(f"p95 ratio: {percentile(ref_ms, 95) / percentile(ours_ms, 95):.1f}x")
        print(f"speedup_vs_rank_bm25: {statistics.median(ref_ms) / statistics.median(ours_ms):.1f}")


if __name__ == "__main__":
    main()
