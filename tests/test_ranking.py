"""The query-time knobs of `Ranking`, each pinned where it acts: the answer gate, the
lead boost and the article weight."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsdesk.index import Archive, IndexSettings, Ranking

from .conftest import SEEDS, article, write_jsonl

QUESTION = "How many SDF fighters did ISIS kill?"


def seeded_with(tmp_path: Path, ranking: Ranking) -> Archive:
    """The seeds and ten other stories indexed once (so the question's words have a
    positive IDF), opened with `ranking` (query-time: no rebuild)."""
    data = tmp_path / "data"
    if not data.exists():
        others = write_jsonl(tmp_path / "others.jsonl", [article(n) for n in range(1, 11)])
        Archive(IndexSettings(data)).add([SEEDS, others])
    return Archive(IndexSettings(data), ranking)


def best_coverage(archive: Archive, question: str) -> float:
    searcher = archive._search()
    query = searcher.parse(question)
    return float(searcher.coverage(query, searcher.snapshot.passages).max())


def test_the_answer_gate_opens_just_below_the_question_s_coverage(tmp_path: Path):
    # Every passage that names Sousa covers the same share: Sousa's weight against that
    # of a word no article has (weighed as the rarest).
    question = "Sousa zzqqxx"
    share = best_coverage(seeded_with(tmp_path, Ranking()), question)
    assert 0.05 < share < 0.95
    below = seeded_with(tmp_path, Ranking(answer_coverage=share - 0.01, min_coverage=0.0))
    above = seeded_with(tmp_path, Ranking(answer_coverage=share + 0.01, min_coverage=0.0))
    assert below.ask(question).hits
    assert above.ask(question).hits == []


def passage_scores(archive: Archive, question: str) -> tuple[np.ndarray, np.ndarray]:
    """The score of every passage that holds a question word, and those passages."""
    searcher = archive._search()
    query = searcher.parse(question)
    candidates = searcher._passages_holding(query.known_terms)
    scores, _ = searcher._score(query, candidates)
    return scores, candidates


def test_the_lead_boost_multiplies_each_article_s_first_passage_only(tmp_path: Path):
    plain, passages = passage_scores(seeded_with(tmp_path, Ranking(lead_boost=1.0)), QUESTION)
    boosted, _ = passage_scores(seeded_with(tmp_path, Ranking(lead_boost=2.0)), QUESTION)
    snapshot = seeded_with(tmp_path, Ranking())._search().snapshot
    lead = np.asarray(snapshot.passage_start)[passages] == 0
    assert lead.sum() >= 1 and (~lead).sum() >= 1 and plain[lead].min() > 0
    assert boosted[lead] == pytest.approx(2 * plain[lead])
    assert boosted[~lead] == pytest.approx(plain[~lead])


def test_the_article_weight_adds_the_article_s_score_to_each_passage(tmp_path: Path):
    def scores(weight: float) -> tuple[np.ndarray, np.ndarray]:
        return passage_scores(
            seeded_with(tmp_path, Ranking(article_weight=weight, lead_boost=1.0)), QUESTION)

    (none, passages), (half, _), (full, _) = scores(0.0), scores(0.5), scores(1.0)
    snapshot = seeded_with(tmp_path, Ranking())._search().snapshot
    seed = np.asarray(snapshot.passage_article)[passages] == 0
    gains = full - none
    assert seed.sum() > 2 and gains[seed][0] > 0  # the seed article is about the question
    assert gains[seed] == pytest.approx(np.full(seed.sum(), gains[seed][0]))  # one lift
    assert half - none == pytest.approx(gains / 2)  # linear in the weight
