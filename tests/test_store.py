"""The archive's database: the article store, the feed log and the schedule markers,
each in its own tables of one SQLite file, opened safely by many processes at once."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.index import database as database_module
from newsdesk.index.database import PAGE_BYTES, Database
from newsdesk.index.feedlog import FeedLog
from newsdesk.index.markers import Marker, Markers
from newsdesk.index.records import Article
from newsdesk.index.sentence_codec import decode_spans, decode_terms, encode_spans, encode_terms
from newsdesk.index.store import Store, StoredArticle

MOMENT = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def stored(n: int, source: str = "Wire", text: str | None = None) -> StoredArticle:
    body = text or f"Story {n} happened. It was news."
    return StoredArticle.of(Article(f"a{n}", f"Title {n}", source, body), [(0, len(body))],
                            [["stori"]])


def test_articles_are_stored_once_per_outlet_and_the_revision_moves(tmp_path: Path):
    db = Database(tmp_path / "s.sqlite3")
    store = Store(db)
    assert store.is_empty() and store.count() == 0
    assert store.add([stored(1), stored(2)], "v1") == ["a1", "a2"]
    assert not store.is_empty()
    revision = store.revision()
    assert store.add([stored(1), stored(3, text="Story 1 happened. It was news.")], "v1") == []
    assert store.revision() == revision  # nothing new: the index stays current
    assert store.add([stored(4, source="Post", text="Story 1 happened. It was news.")],
                     "v1") == ["a4"]  # the same text from another outlet is its copy
    assert store.count() == 3 and store.revision() == revision + 1
    assert set(store.articles(["a1", "a4", "missing"])) == {"a1", "a4"}
    assert store.remove(["a1", "a2", "a4"]) == 3 and store.is_empty()
    db.close()


def test_a_passage_read_alone_is_the_slice_of_the_text_whatever_its_characters(
        tmp_path: Path):
    db = Database(tmp_path / "s.sqlite3")
    store = Store(db)
    text = "Zoë's café: 北京 said 🙂 ünïcödé — “quoted”.\u00a0Ω and ßtraße."
    store.add([stored(1, text=text)], "v1")
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 2):
            assert store.text_between("a1", start, end) == text[start:end]
    assert store.text_between("missing", 0, 5) is None
    with_nul = "Officials said\x00 the bridge reopened."  # (an older row: cleaning drops NUL)
    store.add([stored(2, text=with_nul)], "v1")
    assert store.text_between("a2", 10, 30) == with_nul[10:30]
    db.close()


def test_lookups_by_many_ids_are_chunked_under_sqlite_s_parameter_limit(tmp_path: Path):
    db = Database(tmp_path / "s.sqlite3")
    store = Store(db)
    store.add([stored(n) for n in range(1200)], "v1")
    ids = [f"a{n}" for n in range(1200)] * 2  # repeated ids are asked once
    assert len(store.articles(ids)) == 1200
    assert len(store.sentence_spans(ids)) == 1200
    assert store.added_since(datetime(2000, 1, 1, tzinfo=UTC)) == set(ids)
    db.close()


def test_the_feed_log_keeps_validators_and_each_feed_s_latest_poll(tmp_path: Path):
    db = Database(tmp_path / "s.sqlite3")
    log = FeedLog(db)
    assert log.validators("https://f.example/rss") == (None, None)
    log.set_validators("https://f.example/rss", '"v1"', "Wed, 01 May 2024 09:00:00 GMT")
    assert log.validators("https://f.example/rss")[0] == '"v1"'
    log.record_poll("https://f.example/rss", MOMENT, "2 entries, 2 added", ok=True)
    log.record_poll("https://f.example/rss", MOMENT, "failed: HTTP 500", ok=False)
    [poll] = log.polls()
    assert (poll.outcome, poll.ok, poll.polled_at) == ("failed: HTTP 500", False, MOMENT)
    db.close()


def test_markers_survive_a_reopen_and_old_briefing_runs_are_carried_over(tmp_path: Path):
    path = tmp_path / "s.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("CREATE TABLE briefing_runs (key TEXT PRIMARY KEY, slot TEXT NOT NULL,"
                      " cutoff TEXT NOT NULL); INSERT INTO briefing_runs VALUES ('old',"
                      " '2024-05-01T09:30:00.000000+00:00', '2024-05-01T09:31:00.000000+00:00')")
    old.commit()
    old.close()
    db = Database(path)
    markers = Markers(db)
    assert markers.get("old") == Marker(MOMENT, MOMENT.replace(minute=31))
    markers.set("new", Marker(MOMENT, MOMENT))
    db.close()
    db = Database(path)
    assert Markers(db).get("new") == Marker(MOMENT, MOMENT)
    assert "briefing_runs" not in {r[0] for r in db.all("SELECT name FROM sqlite_master")}
    db.close()


def _open_when_released(path: str, barrier: multiprocessing.synchronize.Barrier,
                        errors: multiprocessing.Queue) -> None:
    try:
        barrier.wait(timeout=30)
        db = Database(Path(path))
        Store(db)
        FeedLog(db)
        Markers(db)
        db.close()
    except Exception as exc:  # reported to the test, which fails with it
        errors.put(f"{type(exc).__name__}: {exc}")


def test_many_processes_opening_one_new_data_folder_at_once_never_see_a_lock(tmp_path: Path):
    """Released together by a barrier, repeated: no "database is locked", ever."""
    context = multiprocessing.get_context("fork")
    for round_ in range(8):
        path = tmp_path / f"round{round_}" / "newsdesk.sqlite3"
        barrier = context.Barrier(6)
        errors = context.Queue()
        workers = [context.Process(target=_open_when_released, args=(str(path), barrier, errors))
                   for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert all(w.exitcode == 0 for w in workers)
        assert errors.empty(), errors.get()


def test_a_reader_never_waits_for_a_writer_of_the_same_process(tmp_path: Path):
    """A rebuild or a batch being committed holds the write connection; questions read
    through their own connections meanwhile."""
    db = Database(tmp_path / "s.sqlite3")
    store = Store(db)
    store.add([stored(1)], "v1")
    writing, release = threading.Event(), threading.Event()

    def writer() -> None:
        with db.transaction():
            db.execute("INSERT INTO meta (key, value) VALUES ('busy', '1')")
            writing.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(timeout=30)
        read: list[object] = []
        reader = threading.Thread(target=lambda: read.append(store.article("a1")))
        reader.start()
        reader.join(timeout=10)  # a hang guard, not a timing: it would wait for `release`
        assert not reader.is_alive() and read[0].title == "Title 1"
        assert db.one("SELECT value FROM meta WHERE key = 'busy'") is None  # not committed
    finally:
        release.set()
        thread.join()
    assert db.one("SELECT value FROM meta WHERE key = 'busy'") == ("1",)
    db.close()


def test_closing_while_another_thread_reads_waits_for_the_read(tmp_path: Path):
    """The bot closes its archive on shutdown while a worker thread may be mid-query;
    closing a connection under a running query crashed the process (a segfault)."""
    db = Database(tmp_path / "a.sqlite3")
    running = threading.Event()  # set as the slow query starts: the close comes during it
    outcomes: list[object] = []
    slow = ("WITH RECURSIVE n(i) AS (SELECT running() UNION ALL SELECT i + 1 FROM n"
            " WHERE i < ?) SELECT count(*) FROM n")

    def read() -> None:
        db.one("SELECT 1")
        db._reader().connection.create_function("running", 0,
                                                lambda: running.set() or 1)
        for _ in range(2):
            try:
                outcomes.append(db.one(slow, (2_000_000,)))
            except sqlite3.ProgrammingError:  # closed: a clean error
                outcomes.append("closed")

    thread = threading.Thread(target=read)
    thread.start()
    running.wait()
    db.close()
    thread.join()
    assert len(outcomes) == 2 and set(outcomes) <= {(2_000_000,), "closed"}


# How sentences and terms are kept ---------------------------------------------------


SENTENCES = [["stori", "happen"], [], ["stori", "news", "news"], ["x" * 3]]


@pytest.mark.parametrize("vocabulary", [1, 300, 70_000])  # places of 1, 2 and 4 bytes
def test_sentence_terms_come_back_as_they_were_stored(vocabulary: int):
    words = [f"t{n}" for n in range(vocabulary)]
    sentences = [*SENTENCES, words, words[::-1]]
    stored = encode_terms(sentences)
    assert decode_terms(stored).sentences() == sentences
    assert decode_terms(stored).flat() == [t for s in sentences for t in s]
    assert decode_terms(stored).first() == sentences[0]
    assert decode_terms(encode_terms([])).sentences() == decode_terms(encode_terms([])).first()
    spans = [(0, 5), (6, 6), (7, 2**31 - 1)]
    assert decode_spans(encode_spans(spans)) == spans and decode_spans(encode_spans([])) == []


def test_terms_are_kept_more_compactly_than_as_json():
    sentences = [["stori", "happen", "today"], ["stori", "happen", "again"]] * 10
    as_json = json.dumps([" ".join(s) for s in sentences])
    assert len(encode_terms(sentences)) < len(as_json) / 2


def test_a_store_written_as_json_by_an_earlier_newsdesk_reads_as_a_new_one(tmp_path: Path):
    db = Database(tmp_path / "s.sqlite3")
    store = Store(db)
    body = "Story one happened. It was news."
    spans = [(0, 19), (20, 32)]
    sentences = [["stori", "one", "happen"], ["news"]]
    store.add([StoredArticle.of(Article("new", "T", "Wire", body), spans, sentences)], "v1")
    store.add([StoredArticle.of(Article("old", "T", "Post", body), spans, sentences)], "v1")
    db.execute("UPDATE articles SET sentences = ?, terms = ? WHERE id = 'old'",
               (json.dumps(spans), json.dumps([" ".join(s) for s in sentences])))
    [(kind,)] = db.all("SELECT typeof(terms) FROM articles WHERE id = 'old'")
    assert kind == "text"
    both = ["new", "old"]
    found = store.with_sentences(both, "v1")
    assert found["new"][1:] == found["old"][1:] == (spans, sentences)
    assert store.sentence_spans(both) == {"new": spans, "old": spans}
    assert store.cached_terms(both, "v1") == {i: ["stori", "one", "happen", "news"] for i in both}
    rows = list(store.iter_index_rows("v1"))
    assert [r.spans() for r in rows] == [spans, spans]
    assert [r.cached_terms().sentences() for r in rows] == [sentences, sentences]
    db.close()


def test_tables_an_earlier_newsdesk_kept_are_dropped_and_the_articles_kept(tmp_path: Path):
    db = Database(tmp_path / "s.sqlite3")
    Store(db).add([StoredArticle.of(Article("a", "T", "Wire", "Story one happened."),
                                    [(0, 19)], [["stori", "one", "happen"]])], "v1")
    db.execute("CREATE TABLE stem_memo (word TEXT PRIMARY KEY, stem TEXT NOT NULL)")
    db.execute("CREATE TABLE passages (id TEXT)")
    db.close()
    db = Database(tmp_path / "s.sqlite3")
    store = Store(db)
    assert not db.columns("stem_memo") and not db.columns("passages")
    assert list(store.articles(["a"])) == ["a"]
    db.close()


def test_opening_a_current_store_and_its_tables_never_waits_for_a_writer(tmp_path: Path,
                                                                         monkeypatch):
    path = tmp_path / "s.sqlite3"
    db = Database(path)
    Store(db).add([StoredArticle.of(Article("a", "T", "Wire", "Story one happened."),
                                    [(0, 19)], [["stori", "one", "happen"]])], "v1")
    Markers(db)  # (their tables made)
    FeedLog(db)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process, in the middle of a write
    try:
        monkeypatch.setattr(database_module, "BUSY_TIMEOUT_S", 0.05)  # (a wait would fail)
        reader = Database(path)
        assert list(Store(reader).articles(["a"])) == ["a"]
        assert Markers(reader).get("brief") is None and FeedLog(reader) is not None
        reader.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        db.close()


def test_a_new_database_has_pages_an_article_fits_in_and_an_old_one_keeps_its_own(
        tmp_path: Path):
    old = sqlite3.connect(tmp_path / "old.sqlite3")
    old.execute("CREATE TABLE t (x)")
    old.commit()
    old.close()
    for name, size in (("new.sqlite3", PAGE_BYTES), ("old.sqlite3", 4096)):
        db = Database(tmp_path / name)
        Store(db)
        assert db.one("PRAGMA page_size") == (size,)
        db.close()
