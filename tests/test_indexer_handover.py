"""An add hands its articles to the index already numbered (indexer.AddedArticles): the
segment it makes is the one a build from the store makes, file for file, and the store
is read instead whenever the rows to index are not exactly those articles.

Also here: the pieces of the faster ingest that must change nothing (passage bounds as
`make_passages` cuts them, JSONL lines as the regular expression split them)."""

from __future__ import annotations

import pickle
import random
import re
import sys
from pathlib import Path

import pytest

from newsdesk.index import Archive, IndexParams, IndexSettings, Silent, indexer, readers
from newsdesk.index import ingest as ingest_module
from newsdesk.index.analysis_pool import map_in_order
from newsdesk.index.analyzer import ANALYZER_VERSION, Analyzer
from newsdesk.index.numbering import ArticleNumbers, passage_bounds
from newsdesk.index.passages import make_passages
from newsdesk.index.records import RawRecord
from newsdesk.index.segments import write_segment
from newsdesk.index.store import Store

from .conftest import REPO, SEEDS, article, write_jsonl

sys.path.insert(0, str(REPO / "benchmarks"))
from query_latency import articles as generated_articles


def records(count: int, seed: int = 5, prefix: str = "g") -> list[dict]:
    """Generated articles, some untitled (their first sentence is their title), some
    undated, from three outlets."""
    rng = random.Random(seed)
    texts = generated_articles(count * 12, seed=seed)[:count]
    return [{"id": f"{prefix}{n}", "source": f"Outlet {n % 3}", "text": text,
             **({} if n % 7 == 0 else {"title": f"Story {n}: {text[:40]}"}),
             **({"published": f"2024-0{1 + n % 9}-1{n % 10}"} if rng.random() < 0.7 else {})}
            for n, text in enumerate(texts)]


def with_copies(items: list[dict]) -> list[dict]:
    """`items` with articles the store leaves out: an id seen in an earlier batch, the
    same text from the same outlet under another id, and an id twice in one batch."""
    items = list(items)
    items.insert(5, dict(items[30], title="Another title"))  # id g30 again, before it
    items.insert(40, dict(items[12], id="copy-of-12"))  # same outlet, same text
    items.insert(41, dict(items[13]))  # g13 twice in one batch
    items.append(dict(items[2], id="late-copy-of-2"))
    return items


def segment_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def only_segment(archive: Archive) -> Path:
    [entry] = archive._search().snapshot.entries
    return entry.segment.folder


def store_built(store: Store, root: Path, ids: list[str] | None = None) -> Path:
    """The segment of these stored articles (all of them without `ids`), built from the
    store's rows."""
    data = indexer.segment_data(store.iter_index_rows(ANALYZER_VERSION, ids), Analyzer(),
                                IndexParams(), Silent())
    return root / write_segment(root, data)


@pytest.fixture
def reads_of_index_rows(monkeypatch) -> list[object]:
    """Every time the index builder reads rows from the store."""
    reads: list[object] = []
    original = Store.iter_index_rows

    def recording(self, terms_version, ids=None):
        reads.append(ids)
        return original(self, terms_version, ids)

    monkeypatch.setattr(Store, "iter_index_rows", recording)
    return reads


def pooled(monkeypatch, workers: int) -> None:
    monkeypatch.setattr(ingest_module, "POOL_MIN_RECORDS", 10)
    monkeypatch.setattr(ingest_module, "pool_workers", lambda: workers)


@pytest.mark.parametrize("workers", [0, 1])
@pytest.mark.usefixtures("workers_started_first")  # (so that a worker numbers articles too)
def test_a_new_archive_s_first_index_is_the_one_a_build_from_the_store_makes(
        tmp_path: Path, monkeypatch, reads_of_index_rows, workers: int):
    pooled(monkeypatch, workers)
    monkeypatch.setattr(ingest_module, "BATCH_SIZE", 25)
    corpus = write_jsonl(tmp_path / "corpus.jsonl", with_copies(records(240)))
    archive = Archive(IndexSettings(tmp_path / "data"))
    try:
        report = archive.add([corpus, SEEDS])
        assert (report.added, report.duplicates) == (241, 4)
        assert reads_of_index_rows == []  # handed over: the store was not read back
        handed = only_segment(archive)
        expected = store_built(archive._store, tmp_path / "reference")
        assert segment_files(handed) == segment_files(expected)
        archive.rebuild()  # and as the archive itself rebuilds it
        assert segment_files(only_segment(archive)) == segment_files(handed)
    finally:
        archive.close()


def test_an_update_s_new_segment_is_the_one_a_build_from_the_store_makes(
        seeded: Archive, tmp_path: Path, monkeypatch, reads_of_index_rows):
    pooled(monkeypatch, 1)
    monkeypatch.setattr(ingest_module, "BATCH_SIZE", 30)
    known = seeded._search().snapshot.article_ids
    items = with_copies(records(120, seed=8, prefix="u"))
    items.insert(60, {"id": known[0], "text": "Stored already: left out."})
    seeded.add([write_jsonl(tmp_path / "more.jsonl", items)])
    assert reads_of_index_rows == []
    old, new = seeded._search().snapshot.entries
    assert old.segment.article_ids == known
    expected = store_built(seeded._store, tmp_path / "reference", new.segment.article_ids)
    assert segment_files(new.segment.folder) == segment_files(expected)
    assert new.segment.article_ids == seeded._store.ids_in_order(new.segment.article_ids)
    assert len(new.segment.article_ids) == 120


def test_an_add_of_only_articles_stored_already_changes_nothing(seeded: Archive,
                                                                tmp_path: Path,
                                                                reads_of_index_rows):
    manifest = seeded._search().snapshot.name
    seeded.add([SEEDS])
    assert seeded._search().snapshot.name == manifest
    assert reads_of_index_rows == [] and not seeded.needs_rebuild()


def test_an_index_that_was_behind_takes_in_every_change_from_the_store(
        seeded: Archive, tmp_path: Path, monkeypatch, reads_of_index_rows):
    def full_disk(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(indexer, "write_segment", full_disk)
    with pytest.raises(OSError):  # stored, then the index update failed
        seeded.add([write_jsonl(tmp_path / "one.jsonl", [article(1)])])
    monkeypatch.undo()
    reads = []
    original = Store.iter_index_rows
    monkeypatch.setattr(Store, "iter_index_rows",
                        lambda self, version, ids=None: reads.append(ids) or
                        original(self, version, ids))
    seeded.add([write_jsonl(tmp_path / "two.jsonl", [article(2)])])
    assert [sorted(ids) for ids in reads] == [["art-1", "art-2"]]  # both, from the store
    assert not seeded.needs_rebuild()
    for n in (1, 2):
        assert seeded.ask(f"bridge{n} reopened in town{n}").hits[0].article_id == f"art-{n}"


def test_articles_handed_over_are_let_go_when_they_are_not_the_rows_to_index(
        archive: Archive, tmp_path: Path):
    archive.add([write_jsonl(tmp_path / "a.jsonl", [article(1), article(2)])])
    params = IndexParams()

    def handed(kept: list[bool]) -> indexer.AddedArticles:
        added = indexer.AddedArticles(params)
        analysis = ingest_module.RecordAnalysis(
            Analyzer(), ArticleNumbers(added.terms), params.window, params.stride)
        for article_id in ("art-1", "art-2"):
            added.add(*analysis(stored_record(archive, article_id)))
        added.settle(kept)
        return added

    for ids, fits in [(["art-1", "art-2"], True), (["art-2", "art-1"], False),
                      (["art-1"], False), (["art-1", "art-2", "art-3"], False), ([], False)]:
        added = handed([True, True])
        assert (added.take(params, ids) is not None) == fits
        with pytest.raises(AssertionError, match="let go already"):
            added.terms  # noqa: B018 (let go, either way)
    assert handed([True, True]).take(IndexParams(window=4), ["art-1", "art-2"]) is None
    assert handed([False, True]).take(params, ["art-2"]) is not None
    unsettled = handed([])
    assert unsettled.take(params, ["art-1", "art-2"]) is None


def stored_record(archive: Archive, article_id: str) -> RawRecord:
    found = archive.article(article_id)
    assert found is not None
    return RawRecord({"id": found.id, "title": found.title, "source": found.source,
                      "text": found.text, "url": found.url, "published": found.published},
                     "test", "Folder")


def test_passage_bounds_are_make_passages_windows():
    rng = random.Random(4)
    for _ in range(500):
        count = rng.randint(0, 40)
        ends = sorted(rng.sample(range(1, 10_000), 2 * count)) if count else []
        spans = list(zip(ends[::2], ends[1::2], strict=True))
        counts = [rng.randint(0, 30) for _ in range(count)]
        window, stride = rng.randint(1, 8), rng.randint(1, 8)
        starts = [sum(counts[:i]) for i in range(count + 1)]
        expected = [n for p in make_passages("a", spans, window, stride)
                    for n in (starts[p.first], starts[p.last], p.start, p.end)]
        assert passage_bounds(spans, counts, window, stride).tolist() == expected


_LINE_END = re.compile(rb"\r\n?|\n")


def reference_lines(data: bytes, start: int) -> list[tuple[int, int]]:
    lines = []
    while start < len(data):
        found = _LINE_END.search(data, start)
        end = found.end() if found else len(data)
        lines.append((start, end))
        start = end
    return lines


def test_lines_end_where_the_regular_expression_ends_them():
    rng = random.Random(9)
    for _ in range(5000):
        data = bytes(rng.choice(b"ab \r\n") for _ in range(rng.randint(0, 40)))
        start = rng.randint(0, len(data))
        assert list(readers._lines(data, start)) == reference_lines(data, start), data


def test_a_worker_s_factory_takes_only_plain_values():
    with pytest.raises(TypeError):
        list(map_in_order(abs, range(3), "nowhere:nothing", workers=0, min_items=10,
                          factory_args=(1.5,)))
    assert list(map_in_order(abs, [-1, 2], "nowhere:nothing", workers=0, min_items=10,
                             factory_args=(5, "x", None, True))) == [1, 2]


def test_what_a_stored_article_was_made_from_stays_in_the_process_that_made_it():
    text = "Officials in Town said the bridge reopened. Traffic returned to normal."
    stored = ingest_module.analyse_record(
        RawRecord({"id": "a", "title": "Bridge", "text": text}, "test", "Folder"), Analyzer())
    assert isinstance(stored, ingest_module.StoredArticle)
    copy = pickle.loads(pickle.dumps(stored))
    assert copy == stored and "_analysed" not in copy.__dict__
    spans, terms = copy.analysed()  # decoded from what is stored
    made_spans, made_terms = stored.analysed()  # as analysed, once
    assert "_analysed" not in stored.__dict__
    assert spans == made_spans and terms.vocabulary == made_terms.vocabulary
    assert terms.counts == made_terms.counts
    assert terms.places.tolist() == made_terms.places.tolist()
