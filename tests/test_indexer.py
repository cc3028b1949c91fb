"""Building the index from the store: cached terms, and the index's own settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from newsdesk.index import Archive, IndexParams, IndexSettings
from newsdesk.index.analyzer import Analyzer

from .conftest import SEEDS


def analysed_texts(monkeypatch) -> list[str]:
    """Every text the analyzer is asked for, from now on."""
    seen: list[str] = []
    original = Analyzer.terms

    def recording(self: Analyzer, text: str) -> list[str]:
        seen.append(text)
        return original(self, text)

    monkeypatch.setattr(Analyzer, "terms", recording)
    return seen


def test_re_indexing_analyses_no_sentence_whose_terms_are_cached(seeded: Archive, monkeypatch):
    seen = analysed_texts(monkeypatch)
    seeded.rebuild()
    body = seeded.article(seeded.titles("")[0].article_id)
    assert body is not None
    assert seen == [body.title]  # the headline only: every sentence came from the cache


def test_terms_cached_by_another_analyzer_are_recomputed_to_the_same_index(
        seeded: Archive, monkeypatch):
    [before] = [e.segment.passages for e in seeded._search().snapshot.entries]
    seeded._db.execute("UPDATE articles SET terms_version = 'an older analyzer'")
    seen = analysed_texts(monkeypatch)
    seeded.rebuild()
    [after] = [e.segment.passages for e in seeded._search().snapshot.entries]
    assert len(seen) > 10  # the sentences were analysed again
    assert after.terms.words == before.terms.words
    for array in ("offsets", "docs", "pairs", "pair_tf", "pair_len", "doc_len"):
        assert np.array_equal(getattr(after, array), getattr(before, array)), array


def test_an_index_built_with_other_settings_is_stale_and_rebuilt(tmp_path: Path):
    data = tmp_path / "data"
    first = Archive(IndexSettings(data))
    first.add([SEEDS])
    k1_before = first._search().snapshot.passages.params.k1
    first.close()

    other = Archive(IndexSettings(data, IndexParams(passage_k1=1.5, window=3)))
    try:
        assert other.stale_reason() == ("its settings changed (window 5 → 3, "
                                        "passage_k1 0.9 → 1.5)")
        assert other.ensure_searchable() == ("the index was rebuilt: its settings changed "
                                             "(window 5 → 3, passage_k1 0.9 → 1.5)")
        rebuilt = other._search().snapshot
        assert (k1_before, rebuilt.passages.params.k1) == (0.9, 1.5)
        assert rebuilt.meta["params"]["window"] == 3
        assert other.stale_reason() is None
    finally:
        other.close()


def test_an_index_written_by_an_older_newsdesk_is_rebuilt_and_its_files_removed(
        seeded: Archive):
    root = seeded._index_root
    shutil.rmtree(root)
    (root / "snapshot-0123456789ab").mkdir(parents=True)  # the layout before segments
    (root / "snapshot-0123456789ab" / "meta.json").write_text('{"format": 2}', "utf-8")
    (root / "CURRENT").write_text("snapshot-0123456789ab", "utf-8")
    seeded._searcher = None
    assert seeded.stale_reason() == "it was built by an older newsdesk"
    assert seeded.ensure_searchable() == ("the index was rebuilt: it was built by an older "
                                          "newsdesk")
    assert seeded.ask("How many SDF fighters did ISIS kill?").hits
    assert not (root / "snapshot-0123456789ab").exists()
