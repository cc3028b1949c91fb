"""Corroboration: outlets that report a story on their own, copies counted once."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from newsdesk.index import Archive, search
from newsdesk.index.analyzer import ANALYZER_VERSION
from newsdesk.index.bm25 import term_key
from newsdesk.index.corroboration import (
    SIGNATURE_TERMS,
    Report,
    Signature,
    corroborate,
    corroboration_of,
    signature,
    strongest,
)
from newsdesk.index.numbering import headline_terms
from newsdesk.index.records import Article

from .conftest import SEEDS, article, write_jsonl

CLOSURE = ("The Harbor Bridge closed on Monday after inspectors found cracks in two steel "
           "supports. Mayor Lena Ortiz said repairs would take three weeks and ferries would "
           "run every twenty minutes from Pier Nine meanwhile.")
RETOLD = ("Inspectors found cracks in two of the Harbor Bridge's steel supports, and the "
          "bridge was shut on Monday. Ferries from Pier Nine will run every twenty minutes "
          "during three weeks of repairs, Mayor Lena Ortiz told reporters.")
OTHER = ("The city council approved a budget for new school buses on Tuesday after a long "
         "debate about fuel prices and routes in the northern districts.")


def test_independent_reports_count_once_each_and_copies_apart():
    def sign(text: str) -> Signature:
        return signature(text.lower().split(), lambda terms: [1.0] * len(terms))

    found = corroborate([Report("Wire", ("Post", "Gazette"), sign(CLOSURE)),
                         Report("Coast Times", (), sign(RETOLD)),
                         Report("Herald", (), sign(OTHER))])
    assert found[0].outlets == ("Wire", "Coast Times")
    assert found[0].summary == "reported by 2 outlets, and copies in 2 more"
    assert found[2].outlets == ("Herald",) and found[2].summary == "reported by 1 outlet"
    assert corroboration_of("Wire", (), ("Wire", "Post")).summary == (
        "reported by 1 outlet, and copies in 1 more")


def test_answers_and_briefings_say_how_many_outlets_report_a_story(archive: Archive,
                                                                  tmp_path: Path):
    archive.add([write_jsonl(tmp_path / "b.jsonl", [
        {"id": "w", "title": "Harbor Bridge shut", "source": "Wire", "text": CLOSURE,
         "published": "2025-03-20"},
        {"id": "p", "title": "Harbor Bridge shut", "source": "Post", "text": CLOSURE,
         "published": "2025-03-20"},
        {"id": "c", "title": "Cracks close bridge", "source": "Coast Times", "text": RETOLD,
         "published": "2025-03-20"},
        {"id": "o", "title": "Buses", "source": "Herald", "text": OTHER,
         "published": "2025-03-20"}])])
    hits = archive.ask("Why did the Harbor Bridge close?", k=5).hits
    first = hits[0].to_json()
    assert first["independent_outlets"] == 2
    assert set(first["reported_by"]) == {"Wire", "Coast Times"}
    [item] = [i for i in archive.brief("Harbor Bridge cracks").items if "Post" in i.outlets]
    assert item.corroboration.summary == "reported by 2 outlets, and copies in 1 more"


def test_strongest_terms_are_those_a_stable_sort_of_every_term_gives():
    """The keys of the highest scores, ties going to the smallest keys, in whatever order
    the terms come."""
    rng = random.Random(7)
    for _ in range(300):
        keys = rng.sample(range(1 << 32), rng.randint(0, 60))
        # Few distinct scores: ties at the cut are the rule, not the exception.
        scores = [rng.choice([0.0, 0.5, 1.0, 1.5, 2.0]) for _ in keys]
        by_key = sorted(zip(keys, scores, strict=True))
        expected = frozenset(key for key, _ in sorted(by_key, key=lambda ks: -ks[1])[
            :SIGNATURE_TERMS])
        assert strongest(np.asarray(scores), np.asarray(keys, dtype=np.uint32)) == expected


def test_a_texts_signature_holds_the_keys_of_its_strongest_terms():
    """Count times weight: a word said three times outweighs one of twice its weight."""
    weights = {f"w{i}": 1.0 + i / 10 for i in range(SIGNATURE_TERMS + 5)}
    terms = [*weights, "w0", "w0", "w1", "w1"]  # w0, w1: 3 x 1.0 and 3 x 1.1
    strongest_ = ["w0", "w1", *sorted(weights, key=weights.__getitem__)[-SIGNATURE_TERMS + 2:]]
    assert signature(terms, lambda distinct: [weights[t] for t in distinct]) == frozenset(
        term_key(t) for t in strongest_)


def test_an_indexed_articles_signature_is_that_of_its_terms_as_indexed(
        archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The signature read from the index (any segment, after removals) is the one of the
    article's index terms: its headline's (see `headline_terms`) and its sentences'."""
    archive.add([SEEDS])
    archive.add([write_jsonl(tmp_path / "more.jsonl",
                             [article(n, text=f"{CLOSURE if n % 2 else RETOLD} Note {n}.")
                              for n in range(1, 9)])])
    assert archive.remove(["art-3"]) == 1
    searcher = archive._search()
    snapshot = searcher.snapshot
    assert len(snapshot.entries) >= 2
    ids = [i for i in snapshot.article_ids if snapshot.article_number(i) is not None]
    stored = searcher.store.cached_terms(ids, ANALYZER_VERSION)
    articles, expected = [], []
    for article_id in ids:
        found = searcher.store.article(article_id)
        assert found is not None
        sentences = searcher.store.with_sentences([article_id], ANALYZER_VERSION)[article_id][2]
        title = headline_terms(searcher.analyzer.terms(found.title), sentences)
        articles.append(found)
        expected.append(signature(title + stored[article_id], searcher._bm25.term_weights))
        assert searcher.signatures([found]) == [expected[-1]], article_id
    assert snapshot.article_number("art-3") is None
    # Many at once (from several segments, one repeated, one not indexed: from its text),
    # computed afresh; then through a cache that must start again (a small one).
    unindexed = Article("elsewhere", "Bridge", "Herald", RETOLD)
    from_text = signature(searcher.analyzer.terms(RETOLD), searcher._bm25.term_weights)
    asked = [*articles, unindexed, articles[0]]
    wanted = [*expected, from_text, expected[0]]
    searcher._signatures = {}
    assert searcher.signatures(asked) == wanted
    monkeypatch.setattr(search, "_SIGNATURES_KEPT", 3)
    searcher._signatures = {}
    assert searcher.signatures(articles[:2]) == expected[:2]
    assert searcher.signatures(articles[1:5]) == expected[1:5]  # one kept, three new
    assert len(searcher._signatures) == 3  # started again with the three
    assert searcher.signatures(asked) == wanted
