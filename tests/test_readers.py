"""Readers of every format, from bytes and from files, and the fixes for hostile input:
each bad file or record is one one-line Rejection, and its good neighbours still come."""

import json
import os
import sqlite3
from pathlib import Path

import pytest

from newsdesk.index import readers as readers_module
from newsdesk.index.articles import article_id, build_article
from newsdesk.index.one_line import one_line
from newsdesk.index.readers import (
    MAX_ARTICLE_BYTES,
    SUPPORTED_SUFFIXES,
    find_files,
    read_bytes,
    read_file,
)
from newsdesk.index.records import Article, RawRecord, Rejection

GOOD_TEXT = "The bridge reopened on Monday after repairs, the mayor said."
CSV_TEXT = '"The bridge reopened on Monday after repairs, the mayor said."'


def good(n: int, **fields) -> dict:
    return {"id": f"g{n}", "title": f"Bridge {n} reopens", "text": GOOD_TEXT, **fields}


def jsonl(*lines: object) -> bytes:
    return "".join((line if isinstance(line, str) else json.dumps(line)) + "\n"
                   for line in lines).encode()


def read(name: str, data: bytes, source: str = "Desk") -> list[RawRecord | Rejection]:
    return list(read_bytes(name, data, source))


def build(items: list[RawRecord | Rejection]) -> list[Article | Rejection]:
    out: list[Article | Rejection] = []
    for item in items:
        made = item if isinstance(item, Rejection) else build_article(item)
        out.append(made if isinstance(made, Rejection) else made[0])
    return out


def only_rejection(items: list) -> Rejection:
    assert len(items) == 1 and isinstance(items[0], Rejection), items
    return items[0]


def stores_in_sqlite(article: Article) -> None:
    """What made the store lose a batch: text that UTF-8, and so SQLite, cannot hold."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE a (id, title, source, url, published, authors, text, origin)")
    db.execute("INSERT INTO a VALUES (?,?,?,?,?,?,?,?)",
               (article.id, article.title, article.source, article.url, article.published,
                json.dumps(article.authors, ensure_ascii=False), article.text, article.origin))


# Every format from bytes --------------------------------------------------------------

def test_plain_text_with_front_matter_from_bytes():
    data = b"---\ntitle: Bridge reopens\nsource: Gazette\n---\nThe bridge reopened on Monday.\n"
    [record] = read("uploads/story.md", data, "Discord upload")
    assert record.origin == "uploads/story.md"
    assert record.fields["title"] == "Bridge reopens" and record.from_plain_text
    article = build([record])[0]
    assert (article.title, article.source) == ("Bridge reopens", "Gazette")


def test_a_record_naming_no_outlet_gets_the_source_given():
    [article] = build(read("story.txt", b"Storm closes schools\n\nAll schools closed today.",
                           "Discord upload"))
    assert article.source == "Discord upload"
    assert article.title == "Storm closes schools"


def test_json_object_and_list_from_bytes():
    [one] = read("one.json", json.dumps(good(1)).encode())
    assert one.origin == "one.json"
    many = read("many.json", json.dumps([good(2), 7, good(3)]).encode())
    assert [m.origin for m in many] == ["many.json[1]", "many.json[2]", "many.json[3]"]
    assert many[1].reason == "expected a JSON object, got a number"


def test_jsonl_from_bytes_with_a_bom_and_crlf_line_ends():
    data = b"\xef\xbb\xbf" + jsonl(good(1), good(2)).replace(b"\n", b"\r\n")
    items = read("feed.jsonl", data)
    assert [i.origin for i in items] == ["feed.jsonl:1", "feed.jsonl:2"]
    assert all(isinstance(i, RawRecord) for i in items)


def test_csv_from_bytes():
    data = (b"\xef\xbb\xbfID,Title,Text\r\n"
            b'c1,Port strike ends,"Dock workers returned on Monday,\r\nthe union said."\r\n'
            b"\r\n"
            b"c2,Fares rise,Fares rise by 5 percent in March.\r\n")
    items = read("export.csv", data)
    assert [i.origin for i in items] == ["export.csv:2", "export.csv:5"]
    assert items[0].fields["id"] == "c1" and "\n" in items[0].fields["text"]


def test_html_from_bytes():
    words = " ".join(f"word{n}" for n in range(60))
    page = (f"<html><head><title>Flood warning</title></head><body><article>"
            f"<p>The river rose overnight. {words}.</p></article></body></html>").encode()
    [record] = read("saved/page.html", page, "Discord upload")
    assert isinstance(record, RawRecord) and "river rose" in record.fields["text"]


def test_an_unsupported_name_is_rejected_by_its_suffix():
    reason = only_rejection(read("photo.JPG", b"whatever")).reason
    assert "unsupported file type '.JPG'" in reason
    assert ".jsonl" in SUPPORTED_SUFFIXES


def test_read_file_is_read_bytes_of_the_file_with_its_folder_as_the_source(tmp_path: Path):
    folder = tmp_path / "Metro Desk"
    folder.mkdir()
    (folder / "a.txt").write_text("The council met on Tuesday to vote.", "utf-8")
    (folder / "a.json").write_text(json.dumps({"title": "Council votes", "id": "x1"}), "utf-8")
    assert list(find_files([tmp_path])) == [folder / "a.txt"]  # the sidecar is no article
    [record] = read_file(folder / "a.txt")
    assert record.folder == "Metro Desk"
    assert record.fields["title"] == "Council votes" and record.fields["id"] == "x1"


def test_a_bad_sidecar_is_named(tmp_path: Path):
    (tmp_path / "a.txt").write_text("The council met on Tuesday to vote.", "utf-8")
    (tmp_path / "a.json").write_text("[1]", "utf-8")
    [rejection] = read_file(tmp_path / "a.txt")
    assert rejection == Rejection(str(tmp_path / "a.json"), "sidecar must hold one JSON object")
    (tmp_path / "a.json").unlink()
    (tmp_path / "a.json").symlink_to("/proc/self/status")
    [rejection] = read_file(tmp_path / "a.txt")
    assert rejection == Rejection(str(tmp_path / "a.json"), "a link as a sidecar: not followed")


# B1: nesting and numbers past Python's limits -----------------------------------------

@pytest.mark.parametrize(("value", "reason"), [
    ("[" * 1000 + "]" * 1000, "invalid JSON: nested too deeply"),
    ('{"text": ' + "7" * 5000 + "}", "invalid JSON: a number too long to read"),
])
def test_json_beyond_python_s_limits_is_one_rejection(value: str, reason: str):
    assert only_rejection(read("bad.json", value.encode())) == Rejection("bad.json", reason)
    items = read("bad.jsonl", jsonl(good(1), value, good(2)))
    assert items[1] == Rejection("bad.jsonl:2", reason)
    assert [type(i) for i in items] == [RawRecord, Rejection, RawRecord]


# B2: a URL that urlsplit refuses ------------------------------------------------------

def test_an_unparseable_url_rejects_its_record_only():
    built = build(read("f.jsonl", jsonl(good(1), good(2, url="http://[::1"), good(3))))
    assert built[1] == Rejection("f.jsonl:2", "url is not a valid URL: 'http://[::1'")
    assert [a.id for a in built if isinstance(a, Article)] == ["g1", "g3"]
    assert article_id("http://[::1", "") != article_id("http://[::2", "")  # as feeds call it


# B3: text UTF-8 cannot hold -----------------------------------------------------------

def test_lone_surrogates_in_any_field_are_repaired_so_the_store_can_hold_them():
    line = ('{"id": "s\\udc00", "title": "T\\udc00", "source": "S\\ud800", '
            '"url": "https://x.example/\\udc00", "authors": ["A\\udc00", "B"], '
            '"text": "Words \\udc00 and more words.\\u0000"}')
    [article] = build(read("f.jsonl", jsonl(line)))
    assert article.title == "T\ufffd" and article.source == "S\ufffd"
    assert article.authors == ("A\ufffd", "B")
    assert article.text == "Words \ufffd and more words."
    stores_in_sqlite(article)


def test_a_file_or_folder_name_that_is_not_utf8_is_escaped(tmp_path: Path):
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/d\xff"))
    folder.mkdir()
    (folder / os.fsdecode(b"s\xfe.txt")).write_text(GOOD_TEXT, "utf-8")
    [path] = find_files([tmp_path])
    [article] = build(list(read_file(path)))
    assert "\\udcfe" in article.origin
    stores_in_sqlite(article)


# B4: unreadable folders and files -----------------------------------------------------

def test_a_folder_that_cannot_be_listed_is_one_rejection_and_the_rest_is_read(
        tmp_path: Path, monkeypatch):
    (tmp_path / "a.txt").write_text(GOOD_TEXT, "utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "secret.txt").write_text(GOOD_TEXT, "utf-8")
    (tmp_path / "z.txt").write_text(GOOD_TEXT, "utf-8")
    real_scandir = os.scandir

    def scandir(path):  # root ignores permissions: the refusal is simulated
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert list(find_files([tmp_path])) == [
        tmp_path / "a.txt",
        Rejection(str(locked), "cannot read the folder: Permission denied"),
        tmp_path / "z.txt",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders and files whatever "
                                               "their permissions")
def test_permissions_really_refused(tmp_path: Path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (tmp_path / "secret.txt").write_text(GOOD_TEXT, "utf-8")
    (tmp_path / "secret.txt").chmod(0)
    locked.chmod(0)
    try:
        found = list(find_files([tmp_path]))
        assert Rejection(str(locked), "cannot read the folder: Permission denied") in found
        assert list(read_file(tmp_path / "secret.txt")) == [
            Rejection(str(tmp_path / "secret.txt"), "cannot read: Permission denied")]
    finally:
        locked.chmod(0o755)


# B5: only regular files ---------------------------------------------------------------

def test_links_fifos_and_pseudo_files(tmp_path: Path):
    (tmp_path / "real.txt").write_text(GOOD_TEXT, "utf-8")
    (tmp_path / "inside.txt").symlink_to(tmp_path / "real.txt")
    (tmp_path / "proc.txt").symlink_to("/proc/self/status")
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    found = {str(f) if isinstance(f, Path) else f.origin:
             None if isinstance(f, Path) else f.reason for f in find_files([tmp_path])}
    assert found == {
        f"{tmp_path}/broken.txt": "cannot read: No such file or directory",
        f"{tmp_path}/inside.txt": None,
        f"{tmp_path}/loop": "a link to a folder: not followed",
        f"{tmp_path}/pipe.txt": "not a regular file (a device, FIFO or socket): not read",
        f"{tmp_path}/proc.txt": "a link to a file outside the folder: not followed",
        f"{tmp_path}/real.txt": None,
    }
    # Named explicitly, a pseudo-file or a FIFO is still not read (nor opened).
    [proc] = read_file(tmp_path / "proc.txt")
    assert "its size changed while it was read" in proc.reason
    [pipe] = read_file(tmp_path / "pipe.txt")
    assert pipe.reason.startswith("not a regular file")
    [named] = find_files([tmp_path / "pipe.txt"])
    assert named.reason.startswith("not a regular")


# B6: one size limit per article ------------------------------------------------------

def test_a_record_over_the_article_limit_is_one_rejection_with_its_line(monkeypatch):
    monkeypatch.setattr(readers_module, "MAX_ARTICLE_BYTES", 1000)
    big = good(2, text="word " * 400)
    items = read("f.jsonl", jsonl(good(1), big, good(3)))
    assert items[1].origin == "f.jsonl:2" and "record too large" in items[1].reason
    assert [type(i) for i in items] == [RawRecord, Rejection, RawRecord]
    rows = read("f.csv", f"id,text\n1,{CSV_TEXT}\n2,\"{'word ' * 400}\"\n3,{CSV_TEXT}\n"
                .encode())
    assert rows[1].origin == "f.csv:3" and "record too large" in rows[1].reason
    assert [type(i) for i in rows] == [RawRecord, Rejection, RawRecord]
    assert "file too large" in only_rejection(read("a.txt", b"word " * 300)).reason
    assert "file too large" in only_rejection(read("a.json", b"[" + b" " * 1000 + b"]")).reason


def test_the_limits_are_read_when_used(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(readers_module, "MAX_ARTICLE_BYTES", 100)
    path = tmp_path / "huge.txt"
    path.write_text("word " * 100, "utf-8")
    [rejection] = read_file(path)
    assert "file too large" in rejection.reason
    assert MAX_ARTICLE_BYTES == 10 * 2**20


# B7: CSV fields over 128 KiB, and malformed rows -------------------------------------

def test_csv_field_over_128_kib_is_read_and_rows_after_it_too():
    long_text = "word " * 60_000  # 300 KB
    data = f"id,text\n1,{long_text}\n2,{CSV_TEXT}\n".encode()
    items = read("f.csv", data)
    assert [i.fields["id"] for i in items] == ["1", "2"]


def test_csv_field_over_the_article_limit_is_one_rejection_and_the_rest_read():
    data = b"id,text\n1," + b"w" * (MAX_ARTICLE_BYTES + 10) + b"\n2,two words\n"
    items = read("f.csv", data)
    assert items[0].origin == "f.csv:2" and "record too large" in items[0].reason
    assert items[1].fields == {"id": "2", "text": "two words"}


def test_csv_malformed_row_names_its_line_and_later_rows_read():
    data = (f"id,text\n1,{CSV_TEXT}\n2,a,b\n3,{CSV_TEXT}\n4,ok\xff\n5,{CSV_TEXT}\n"
            .encode("latin-1"))
    items = read("f.csv", data)
    assert [str(i) for i in items if isinstance(i, Rejection)] == [
        "f.csv:3: 3 fields but the header has 2", "f.csv:5: not UTF-8 text"]
    assert [i.fields["id"] for i in items if isinstance(i, RawRecord)] == ["1", "3", "5"]


# B8: bad files that got no reason -----------------------------------------------------

@pytest.mark.parametrize(("name", "data", "reason"), [
    ("header.csv", b"id,title,text\n", "CSV has a header but no rows"),
    ("rows.csv", b"1,Bridge,The bridge reopened.\n", "no 'text' column in the header"),
    ("one.csv", b"x", "no 'text' column in the header"),
    ("quote.csv", b'"', "no 'text' column in the header"),
    ("list.json", b"[]", "empty list: no articles"),
    ("number.json", b"42", "expected a JSON object or a list of them, got a number"),
    ("bom.jsonl", b"\xef\xbb\xbf", "empty file"),
    ("blank.jsonl", b"\n \r\n", "empty file"),
    ("bom.txt", b"\xef\xbb\xbf\n", "empty file"),
    ("empty.html", b"", "empty file"),
    ("nul.csv", b"id,text\x00\n", "binary file, not text"),
    ("latin1.txt", "caf\u00e9".encode("latin-1"), "not UTF-8 text (undecodable byte at "
                                                   "offset 3)"),
    ("open.md", b"---\ntitle: x\n", "front matter opened with '---' but never closed"),
    ("front.md", b"---\nThe text.\n---\n", "line 2: front matter needs 'key: value'"),
])
def test_bad_files_get_a_reason(name: str, data: bytes, reason: str):
    rejection = only_rejection(read(name, data))
    assert rejection.origin == name and reason in rejection.reason


# B9: fields of the wrong type ---------------------------------------------------------

@pytest.mark.parametrize(("fields", "reason"), [
    ({"title": {"a": 1}}, "title must be text, got an object"),
    ({"title": None, "headline": [1, 2]}, "title must be text, got a list"),
    ({"source": 3}, "source must be text, got a number"),
    ({"url": ["https://x.example"]}, "url must be text, got a list"),
    ({"date": {"y": 2024}}, "published must be text, got an object"),
    ({"published": True}, "published must be text, got true or false"),
    ({"text": ["a", "b"]}, "text must be text, got a list"),
    ({"authors": ["Ann", {"n": "Bob"}]}, "authors must be text or a list of text, got a "
                                         "list holding an object"),
])
def test_a_field_of_the_wrong_type_is_named(fields: dict, reason: str):
    [rejection] = build(read("f.json", json.dumps(good(1, **fields)).encode()))
    assert rejection == Rejection("f.json", reason)


def test_authors_as_a_list_or_one_string_and_a_numeric_id():
    a, b = build(read("f.jsonl", jsonl(good(1, id=17, authors=["Ann Lee", "Bo Ma"]),
                                       good(2, authors="By Ann Lee and Bo Ma"))))
    assert a.id == "17" and a.authors == b.authors == ("Ann Lee", "Bo Ma")


# B10: an article has words ------------------------------------------------------------

@pytest.mark.parametrize(("text", "reason"), [
    ("." * 100_000, "no words: not an article"),
    ("12 34 56 -- 78", "no words: not an article"),
    ("Hello.", "too few words: not an article"),
])
def test_text_without_words_is_not_an_article(text: str, reason: str):
    assert build(read("a.txt", text.encode())) == [Rejection("a.txt", reason)]


def test_two_words_are_enough():
    [article] = build(read("a.json", json.dumps({"text": "Same  TEXT."}).encode()))
    assert article.text == "Same TEXT."


# B11: one line per rejection ----------------------------------------------------------

def test_a_name_with_control_characters_stays_on_one_line():
    items = read("evil\nname\r\u2028\u202e.jsonl", jsonl("{bad", good(1)))
    rejection = items[0]
    assert rejection.origin == "evil\\nname\\r\\u2028\\u202e.jsonl:1"
    assert len(str(rejection).splitlines()) == 1
    [article] = build(items[1:])
    assert article.origin == "evil\\nname\\r\\u2028\\u202e.jsonl:2"


def test_one_line_escapes_only_what_breaks_a_line():
    assert one_line("a\nb\x00c\x85d\udcffé — “ok”") == "a\\nb\\x00c\\x85d\\udcffé — “ok”"
    assert one_line(one_line("a\nb")) == "a\\nb"
