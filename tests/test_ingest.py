import json
import sqlite3
from pathlib import Path

import pytest

from newsdesk.index import Archive
from newsdesk.index import ingest as ingest_module
from newsdesk.index import readers as readers_module
from newsdesk.index.store import Store

from .conftest import SEEDS, article, write_jsonl


def origins(report) -> list[str]:
    return [r.origin for r in report.rejected]


def test_plain_text_with_front_matter_keeps_its_metadata(archive: Archive, tmp_path: Path):
    path = tmp_path / "story.md"
    path.write_text("---\ntitle: Bridge reopens\nsource: Daily Planet\nurl: https://dp.example/b\n"
                    "published: 2024-03-02\nauthors: Lois Lane; Clark Kent\n---\n"
                    "METROPOLIS — The bridge reopened on Monday after repairs.\n", "utf-8")
    report = archive.add([path])
    assert report.added == 1 and not report.rejected
    stored = archive.article(_ids(archive)[0])
    assert stored.title == "Bridge reopens"
    assert stored.source == "Daily Planet"
    assert stored.published == "2024-03-02"
    assert stored.authors == ("Lois Lane", "Clark Kent")
    assert stored.dateline == "METROPOLIS"
    assert stored.text == "The bridge reopened on Monday after repairs."


def test_plain_text_with_a_sidecar_json_uses_it_and_the_sidecar_is_not_an_article(
        archive: Archive, tmp_path: Path):
    (tmp_path / "a.txt").write_text("The council met on Tuesday to vote.", "utf-8")
    (tmp_path / "a.json").write_text(json.dumps({"title": "Council votes", "source": "Gazette",
                                                 "id": "gazette-1"}), "utf-8")
    report = archive.add([tmp_path])
    assert (report.files, report.added, report.rejected) == (1, 1, [])
    stored = archive.article("gazette-1")
    assert stored is not None and stored.title == "Council votes"
    assert stored.source == "Gazette"


def test_plain_text_headline_line_becomes_the_title(archive: Archive, tmp_path: Path):
    folder = tmp_path / "Metro Desk"
    folder.mkdir()
    (folder / "b.txt").write_text("Storm closes schools\n\nAll schools closed on Friday.", "utf-8")
    archive.add([folder])
    stored = archive.article(_ids(archive)[0])
    assert stored.title == "Storm closes schools"
    assert stored.text == "All schools closed on Friday."
    assert stored.source == "Metro Desk"  # the folder's name when nothing else says


def test_json_file_with_one_object_or_a_list(archive: Archive, tmp_path: Path):
    (tmp_path / "one.json").write_text(json.dumps(article(1)), "utf-8")
    (tmp_path / "many.json").write_text(json.dumps([article(2), article(3)]), "utf-8")
    report = archive.add([tmp_path])
    assert report.added == 3
    assert archive.article("art-2").url == "https://example.org/story/2"


def test_jsonl_bad_record_is_reported_with_its_line_and_the_rest_kept(
        archive: Archive, tmp_path: Path):
    path = write_jsonl(tmp_path / "feed.jsonl", [article(1), article(2)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
        handle.write(json.dumps(article(4, published="last Tuesday")) + "\n")
        handle.write(json.dumps(article(5, text="")) + "\n")
        handle.write(json.dumps(article(6)) + "\n")
    report = archive.add([path])
    assert report.added == 3
    assert origins(report) == [f"{path}:3", f"{path}:4", f"{path}:5"]
    assert "not an ISO 8601 date" in report.rejected[1].reason
    assert archive.article("art-6") is not None


def test_csv_with_header_and_a_malformed_row(archive: Archive, tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text(
        "id,title,source,published,text\n"
        "c1,Port strike ends,Harbour News,2024-02-01,"
        '"Dock workers returned on Monday, the union said."\n'
        "c2,Too,many,fields,here,oops\n"
        'c3,Rail fares rise,Harbour News,,"Fares rise by 5 percent in March."\n', "utf-8")
    report = archive.add([path])
    assert report.added == 2
    assert origins(report) == [f"{path}:3"]
    assert archive.article("c3").published is None


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"   \n", "empty file"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    ("latin1.txt", "caf\u00e9 au lait".encode("latin-1"), "not UTF-8"),
    ("photo.jpg", b"whatever", "unsupported file type"),
])
def test_files_that_are_not_article_text_are_rejected_with_a_reason(
        archive: Archive, tmp_path: Path, name: str, content: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(content)
    report = archive.add([path])
    assert report.added == 0
    assert len(report.rejected) == 1
    assert report.rejected[0].origin == str(path)
    assert reason in report.rejected[0].reason


def test_oversized_file_is_rejected(archive: Archive, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(readers_module, "MAX_ARTICLE_BYTES", 100)
    path = tmp_path / "huge.txt"
    path.write_text("word " * 100, "utf-8")
    report = archive.add([path])
    assert "file too large" in report.rejected[0].reason


def test_one_bad_file_never_stops_a_batch_and_nothing_stored_is_lost(
        seeded: Archive, tmp_path: Path):
    before = seeded.stats().articles
    (tmp_path / "bad.json").write_text("{oops", "utf-8")
    (tmp_path / "good.json").write_text(json.dumps(article(1)), "utf-8")
    report = seeded.add([tmp_path])
    assert report.added == 1 and len(report.rejected) == 1
    assert "invalid JSON at line 1" in report.rejected[0].reason
    after = seeded.stats().articles
    assert after == before + 1
    assert seeded.ask("How many SDF fighters did ISIS kill?").hits


def test_adding_the_same_articles_twice_stores_them_once(archive: Archive, tmp_path: Path):
    write_jsonl(tmp_path / "a.jsonl", [article(1), article(2)])
    first = archive.add([tmp_path])
    revision = archive._store.revision()
    second = archive.add([tmp_path, SEEDS, SEEDS])
    assert (first.added, second.added, second.duplicates) == (2, 1, 3)
    assert archive.stats().articles == 3
    third = archive.add([SEEDS])
    assert (third.added, third.duplicates) == (0, 1)
    assert archive._store.revision() == revision + 1  # only the seeds changed anything


def test_without_an_id_the_url_or_the_text_decides_identity(archive: Archive, tmp_path: Path):
    same_url = [article(1, id=None, text="First version of the story."),
                article(1, id=None, text="A later, edited version.")]
    write_jsonl(tmp_path / "a.jsonl", same_url)
    write_jsonl(tmp_path / "b.jsonl", [article(2, id=None, url=None, text="Same  TEXT."),
                                       article(3, id=None, url=None, text="same text.")])
    report = archive.add([tmp_path])
    assert (report.added, report.duplicates) == (2, 2)


def test_missing_path_is_reported(archive: Archive, tmp_path: Path):
    report = archive.add([tmp_path / "nowhere"])
    assert report.rejected[0].reason == "no such file or folder"


def _ids(archive: Archive) -> list[str]:
    return [match.article_id for match in archive.titles("", limit=1000)]


def test_an_outlet_s_repost_of_the_same_text_is_stored_once(archive: Archive, tmp_path: Path):
    same = "The bridge reopened on Monday after repairs, the mayor said."
    report = archive.add([write_jsonl(tmp_path / "a.jsonl", [
        article(1, source="Gazette", url="https://g.example/a", text=same),
        article(2, source="Gazette", url="https://g.example/a-amp", text=same.upper()),
        article(3, source="Planet", url="https://p.example/a", text=same),  # another outlet
    ])])
    assert (report.added, report.duplicates) == (2, 1)


def test_a_store_from_before_text_keys_is_brought_up_to_date(tmp_path: Path):
    import sqlite3

    from newsdesk.index.database import Database
    from newsdesk.index.store import Store
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL,"
        " url TEXT, published TEXT, authors TEXT NOT NULL DEFAULT '[]', dateline TEXT,"
        " credits TEXT NOT NULL DEFAULT '[]', text TEXT NOT NULL, sentences TEXT NOT NULL,"
        " origin TEXT NOT NULL DEFAULT '', added_at TEXT NOT NULL);"
        "INSERT INTO articles VALUES ('a1', 'T', 'S', NULL, NULL, '[]', NULL, '[]',"
        " 'Some text.', '[[0, 10]]', '', '2024-01-01');")
    db.commit()
    db.close()
    database = Database(path)
    store = Store(database)
    assert store.article("a1").text == "Some text."
    assert store.count() == 1
    database.close()


def test_batches_stored_beside_the_analysis_are_counted_in_order(archive: Archive,
                                                                 tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ingest_module, "BATCH_SIZE", 2)
    records = [article(n) for n in range(1, 9)]
    records[5] = article(6, id="art-2")  # stored already, by an earlier batch
    records[7] = article(8, source="Test Wire", text=records[0]["text"])  # a repost
    report = archive.add([write_jsonl(tmp_path / "a.jsonl", records)])
    assert (report.added, report.duplicates) == (6, 2)
    assert [a.id for a in report.added_articles] == [f"art-{n}" for n in (1, 2, 3, 4, 5, 7)]
    assert archive._store.revision() == 4  # a transaction for each batch


def test_a_failing_write_stops_the_add_and_keeps_the_batches_before_it(
        archive: Archive, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ingest_module, "BATCH_SIZE", 2)
    real_add = Store.add
    calls = []

    def add(self, items, version):
        calls.append(len(items))
        if len(calls) == 3:
            raise sqlite3.OperationalError("disk I/O error")
        return real_add(self, items, version)

    monkeypatch.setattr(Store, "add", add)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        archive.add([write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(1, 12)])])
    assert archive._store.count() == 4  # the two batches before it, none after it
    monkeypatch.undo()
    assert archive.add([tmp_path / "a.jsonl"]).added == 7  # running it again finishes


def test_the_thread_that_stores_batches_opens_no_connection_of_its_own(
        archive: Archive, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ingest_module, "BATCH_SIZE", 2)
    archive.add([write_jsonl(tmp_path / "a.jsonl", [article(1)])])
    readers = len(archive._db._readers)
    archive.add([write_jsonl(tmp_path / "b.jsonl", [article(n) for n in range(2, 9)])])
    assert len(archive._db._readers) == readers  # a bot adding all day leaks none
