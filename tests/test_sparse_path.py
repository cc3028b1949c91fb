"""The answer path touches only the passages that hold a question term; its ranking is
the same as scoring every passage densely, as it was done before (the reference here)."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from newsdesk.index import Archive, IndexSettings, Ranking, search
from newsdesk.index.bm25 import top_k
from newsdesk.index.evaluation import load_questions
from newsdesk.index.search import _CANDIDATES_PER_HIT, _boost

from .conftest import NEWSQA, needs_newsqa, write_jsonl

TODAY = date(2024, 7, 1)


Pool = tuple[list[int], list[float], list[float]]


def dense_pool(archive: Archive, question: str, k: int, min_coverage: float,
               source: str | None = None, since: date | None = None) -> Pool:
    """The ranked pool of passages, their scores and coverage, by the dense path as it
    was first written: every passage scored, coverage computed for every passage."""
    searcher = archive._search()
    snap, ranking = searcher.snapshot, searcher.ranking
    query = searcher.parse(question, TODAY)
    owner = np.asarray(snap.passage_article)
    scores = snap.passages.scores(query.known_terms)
    scores += ranking.article_weight * snap.articles.scores(query.known_terms)[owner]
    _boost(scores, snap.passage_first, ranking.lead_boost)
    if query.period is not None:
        _boost(scores, searcher._articles_in_period(query.period)[owner], ranking.period_boost)
    coverage = searcher.coverage(query, snap.passages)
    allowed = searcher.articles_allowed(source, since, None)
    if allowed is not None:
        coverage[~allowed[owner]] = 0.0
    gated = np.where((coverage >= min_coverage - 1e-9) & (coverage > 0), scores, -np.inf)
    top = top_k(gated, k * _CANDIDATES_PER_HIT)
    top = top[np.isfinite(gated[top])]
    top = top[np.lexsort((top, -coverage[top], -scores[top]))]
    return top.tolist(), scores[top].tolist(), coverage[top].tolist()


def ranked_pool(archive: Archive, question: str, k: int, min_coverage: float,
                source: str | None = None, since: date | None = None) -> Pool:
    """The ranked pool of passages, their scores and coverage, as `ask` makes them."""
    searcher = archive._search()
    query = searcher.parse(question, TODAY)
    allowed = searcher.articles_allowed(source, since, None)
    pool = searcher._pool(query, k * _CANDIDATES_PER_HIT, min_coverage, allowed)
    return pool.passages, pool.scores, pool.coverage


def assert_same_pools(archive: Archive, questions: list[str]) -> None:
    ranked = 0
    for question in questions:
        for min_coverage in (0.0, 0.15, 0.2):
            for source, since in ((None, None), ("Outlet 3", None), (None, date(2024, 3, 1))):
                dense = dense_pool(archive, question, 10, min_coverage, source, since)
                assert ranked_pool(archive, question, 10, min_coverage, source, since) == dense
                ranked += len(dense[0]) >= 10
    assert ranked > len(questions)  # most questions rank a full pool: a real comparison


# Scoring every passage over whole arrays (always, never, or when most passages are
# candidates, the default) ranks the same passages with the same scores, to the bit;
# so does looking for a closer bound (see _gated_top) always or never, scoring the
# candidates' articles or every article, and scoring passages and articles in two
# threads (alongside.py) or one.
SCORING = [pytest.param((10**9, 10**9, 10**9, 0), id="whole-arrays"),
           pytest.param((0, 10**9, 10**9, 0), id="candidates-only"),
           pytest.param((0, 10**9, 10**9, 10**9), id="candidates-only-every-article"),
           pytest.param((10**9, 1, 10**9, 0), id="whole-arrays-closer-bound"),
           pytest.param((0, 1, 0, 0), id="candidates-only-closer-bound-two-threads"),
           pytest.param((0, 1, 0, 10**9), id="every-article-closer-bound-two-threads"),
           pytest.param((search._DENSE_FROM, search._TIGHTEN_FROM, search._ALONGSIDE_FROM,
                         search._WHOLE_ARTICLES_FROM), id="default")]


@pytest.fixture(params=SCORING)
def scoring(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    dense_from, tighten_from, alongside_from, whole_articles_from = request.param
    monkeypatch.setattr(search, "_DENSE_FROM", dense_from)
    monkeypatch.setattr(search, "_TIGHTEN_FROM", tighten_from)
    monkeypatch.setattr(search, "_ALONGSIDE_FROM", alongside_from)
    monkeypatch.setattr(search, "_WHOLE_ARTICLES_FROM", whole_articles_from)


@needs_newsqa
@pytest.mark.usefixtures("scoring")
def test_the_same_ranking_as_the_dense_path_on_newsqa(tmp_path: Path):
    archive = Archive(IndexSettings(tmp_path / "data"), Ranking())
    try:
        archive.add([NEWSQA / "articles.jsonl"])
        assert_same_pools(archive, [q.text for q in load_questions(NEWSQA / "questions.jsonl")])
    finally:
        archive.close()


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.usefixtures("scoring")
def test_the_same_ranking_as_the_dense_path_on_generated_news(tmp_path: Path, seed: int):
    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(600)]
    weights = [1 / (n + 1) for n in range(600)]  # Zipf: a few words in most passages

    def sentence() -> str:
        return " ".join(rng.choices(vocabulary, weights, k=rng.randint(6, 14))) + "."

    records = [{"id": f"a{n}", "title": sentence(), "source": f"Outlet {n % 7}",
                "published": f"2024-{1 + n % 6:02d}-{1 + n % 28:02d}" if n % 5 else None,
                "text": " ".join(sentence() for _ in range(rng.randint(3, 14)))}
               for n in range(300)]
    archive = Archive(IndexSettings(tmp_path / "data"))
    try:
        archive.add([write_jsonl(tmp_path / "gen.jsonl", records)])
        questions = [" ".join(rng.choices(vocabulary, weights, k=rng.randint(1, 5)))
                     + (" in March 2024" if n % 3 == 0 else "")  # a period favoured
                     for n in range(60)]
        assert_same_pools(archive, questions)
        # Removed articles stay in the index, marked deleted, until a merge drops them.
        assert archive.remove([f"a{n}" for n in range(0, 300, 4)]) == 75
        assert archive._search().snapshot.passages.live is not None
        assert_same_pools(archive, questions)
    finally:
        archive.close()


@pytest.mark.parametrize("seed", range(30))
def test_when_only_positive_scores_can_be_relevant_the_rest_is_not_looked_at(seed: int):
    # Few relevant places (a filter, a narrow question), all scoring above 0: the short
    # cut returns what looking at every place returns, without looking at the others.
    rng = np.random.default_rng(seed)
    size = 500
    scores = np.where(rng.random(size) < 0.3, rng.random(size) * 5, 0.0)
    coverage = np.where((scores > 0) & (rng.random(size) < 0.05), rng.random(size), 0.0)
    looked_at: list[np.ndarray] = []

    def coverage_of(at: np.ndarray) -> np.ndarray:
        looked_at.append(at)
        return coverage[at]

    hint = rng.choice(size, size=12, replace=False)
    for k in (1, 5, 40):
        full = search._gated_top(scores, coverage_of, 0.2, k, hint)
        looked_at.clear()
        short = search._gated_top(scores, coverage_of, 0.2, k, hint, relevant_positive=True)
        assert [a.tolist() for a in short] == [a.tolist() for a in full]
        assert all(scores[at].min(initial=1) > 0 for at in looked_at[1:])  # (after the hint)
