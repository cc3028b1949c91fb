"""Hostile files of every kind an attacker's probe found, made at test time beside good
ones, read as `ingest` reads them (find_files, read_file, build_article): nothing may
raise, every bad file or record has a one-line reason naming it (and its line), and
every good record comes through and builds into an article the store can hold. Then
seeded random junk in every format, which may only ever give records or rejections."""

import json
import os
import random
from pathlib import Path

import pytest

from newsdesk.index.articles import build_article
from newsdesk.index.one_line import one_line
from newsdesk.index.readers import (
    MAX_ARTICLE_BYTES,
    SUPPORTED_SUFFIXES,
    find_files,
    read_bytes,
    read_file,
)
from newsdesk.index.records import Article, RawRecord, Rejection

from .test_readers import stores_in_sqlite

TOO_BIG = MAX_ARTICLE_BYTES + 1000


def story(n: int, **fields) -> dict:
    return {"id": f"good-{n}", "title": f"Ferry {n} returns",
            "text": f"The ferry{n} service resumed on Monday after the storm, crews said.",
            **fields}


def line(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


class Tree:
    """A folder of files, with what reading it must give: the origin of every good
    record, and a reason (or part of one) for every bad file or record."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.good: set[str] = set()
        self.bad: dict[str, str] = {}
        self.deepest = root

    def make_deep(self, depth: int) -> None:
        """Folders `depth` deep: mkdir -p (and rmtree) recurse, so one at a time."""
        for _ in range(depth):
            self.deepest /= "d"
            self.deepest.mkdir(parents=True)  # only its parent may be missing

    def remove_deep(self) -> None:
        for path in self.deepest.glob("*"):
            path.unlink()
        while self.deepest != self.root:
            self.deepest.rmdir()
            self.deepest = self.deepest.parent

    def file(self, name: str, data: bytes | str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # str: a lone surrogate escape (\udce9) is written as the byte it stands for
        path.write_bytes(data.encode("utf-8", "surrogateescape") if isinstance(data, str)
                         else data)
        return path

    def good_file(self, name: str, data: bytes | str) -> None:
        self.good.add(one_line(str(self.file(name, data))))

    def bad_file(self, name: str, data: bytes | str, reason: str) -> None:
        self.bad[one_line(str(self.file(name, data)))] = reason

    def lines(self, name: str, lines: list[tuple[object, str | None]]) -> None:
        """A .jsonl file: each line with None when it is good, or why it is bad."""
        path = self.file(name, "".join(line(value) + "\n" for value, _ in lines))
        for number, (_, reason) in enumerate(lines, start=1):
            origin = f"{path}:{number}"
            if reason is None:
                self.good.add(origin)
            else:
                self.bad[origin] = reason


def ingest_without_a_store(paths: list[Path]) -> tuple[list[Article], list[Rejection]]:
    """What `ingest` does with files, up to the store."""
    articles: list[Article] = []
    rejections: list[Rejection] = []
    for found in find_files(paths):
        if isinstance(found, Rejection):
            rejections.append(found)
            continue
        for item in read_file(found):
            built = item if isinstance(item, Rejection) else build_article(item)
            if isinstance(built, Rejection):
                rejections.append(built)
            else:
                articles.append(built[0])
    return articles, rejections


def assert_storable(article: Article) -> None:
    stores_in_sqlite(article)
    assert article.title and article.text.strip()


def assert_one_line(rejection: Rejection) -> None:
    assert len(str(rejection).splitlines()) == 1, rejection
    assert rejection.origin and rejection.reason, rejection
    str(rejection).encode("utf-8")  # printable: no lone surrogates


@pytest.fixture
def tree(tmp_path: Path):
    tree = Tree(tmp_path / "archive")
    yield tree
    tree.remove_deep()  # which pytest's rmtree of old temporary folders could not


def fill_with_hostile_files(tree: Tree) -> None:
    # Good files beside the bad ones.
    tree.good_file("Gazette/one.txt", "Storm closes schools\n\nAll schools closed on Friday.")
    tree.good_file("Gazette/two.md", "---\ntitle: Bridge reopens\n---\nThe bridge reopened.")
    tree.good_file("Gazette/name\nwith\x1b[31m controls\u202e.txt", "Council votes today.")
    tree.good_file(os.fsdecode(b"Gazette/not-utf8-\xff.txt"), "Markets fell sharply today.")
    tree.good_file("Gazette/real.txt", "Rain is expected all week.")
    (tree.root / "Gazette/inside.txt").symlink_to(tree.root / "Gazette/real.txt")
    tree.good.add(f"{tree.root}/Gazette/inside.txt")  # a link to a file in the tree
    tree.make_deep(1100)  # deeper than Python's recursion limit
    tree.good_file(f"{tree.deepest}/bottom.txt", "Deep folders are read too.")
    long_field = "word " * 40_000  # 200 KB: over csv's default field limit of 128 KiB
    csv_path = tree.file("Wire/export.csv", (
        "id,title,text\n"
        'c1,First,"The port reopened on Monday, officials said."\n'
        "c2,Too,many,fields,here\n"
        f'c3,Long,"{long_field}"\n'
        f'c4,Huge,"{"w" * TOO_BIG}"\n'
        "c5,Bad bytes,caf\udce9 closed\n"  # written as the byte 0xe9: not UTF-8
        'c6,Last,"The last ferry left at noon."\n'))
    tree.good |= {f"{csv_path}:2", f"{csv_path}:4", f"{csv_path}:7"}
    tree.bad |= {f"{csv_path}:3": "5 fields but the header has 3",
                 f"{csv_path}:5": "record too large",
                 f"{csv_path}:6": "not UTF-8 text"}

    # Twenty good records and a bad line of every kind among them.
    records: list[tuple[object, str | None]] = [(story(n), None) for n in range(1, 21)]
    for at, bad in enumerate([
        ("[" * 1000 + "]" * 1000, "invalid JSON: nested too deeply"),
        ('{"text": ' + "9" * 5000 + "}", "invalid JSON: a number too long to read"),
        (story(21, url="http://[::1"), "url is not a valid URL"),
        (story(22, title={"x": 1}), "title must be text, got an object"),
        (story(23, source=["a"]), "source must be text, got a list"),
        (story(24, published=20240101), "published must be text, got a number"),
        (story(25, text="w " * (TOO_BIG // 2)), "record too large"),
        (story(26, text="." * 5000), "no words: not an article"),
        ("{oops", "invalid JSON"),
        ("[1, 2]", "expected a JSON object, got a list"),
    ]):
        records.insert(2 * at + 1, bad)
    # A lone surrogate ("\udc00" in the JSON) is repaired, not rejected, and so are the
    # records of its file.
    records.append((story(27, title="Ferry \udc00 returns"), None))
    tree.lines("Wire/records.jsonl", records)

    # Files bad as a whole.
    tree.bad_file("deep.json", "[" * 1000 + "]" * 1000, "invalid JSON: nested too deeply")
    tree.bad_file("bigint.json", '{"text": ' + "1" * 5000 + "}", "a number too long")
    tree.bad_file("empty_list.json", "[]", "empty list: no articles")
    tree.bad_file("object_title.json", json.dumps(story(30, title={"a": 1})), "title must be")
    tree.bad_file("header_only.csv", "id,title,text\n", "CSV has a header but no rows")
    tree.bad_file("rows_only.csv", "1,A,Some text here\n", "no 'text' column in the header")
    tree.bad_file("one_byte.csv", "x", "no 'text' column in the header")
    tree.bad_file("bom_only.jsonl", b"\xef\xbb\xbf", "empty file")
    tree.bad_file("dots.txt", "." * 5_000_000, "no words: not an article")
    tree.bad_file("huge.txt", b"word " * (TOO_BIG // 5), "file too large")
    tree.bad_file("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file")
    tree.bad_file("latin1.txt", "café".encode("latin-1"), "not UTF-8 text")
    tree.bad_file("bad\nname\x1b.json", "{oops", "invalid JSON at line 1")
    tree.bad_file("photo.jpg", b"\xff\xd8", "unsupported file type")

    # Not regular files, and links.
    links = tree.root / "links"
    links.mkdir()
    (links / "proc.txt").symlink_to("/proc/self/status")
    (links / "loop").symlink_to(tree.root)
    (links / "broken.txt").symlink_to(links / "nowhere.txt")
    os.mkfifo(links / "pipe.jsonl")
    tree.bad |= {f"{links}/proc.txt": "a link to a file outside the folder: not followed",
                 f"{links}/loop": "a link to a folder: not followed",
                 f"{links}/broken.txt": "cannot read: No such file or directory",
                 f"{links}/pipe.jsonl": "not a regular file"}
    tree.file(".hidden/ignored.txt", b"\x00")  # hidden: passed over silently


def refusing(function, refused: Path):
    """`function` (os.scandir, os.open), but refusing permission for `refused`."""
    def refuse(*args, **kwargs):
        if args and isinstance(args[0], str | Path) and Path(args[0]) == refused:
            raise PermissionError(13, "Permission denied", str(refused))
        return function(*args, **kwargs)
    return refuse


def test_hostile_files_cost_only_themselves(tree: Tree, tmp_path: Path, monkeypatch):
    fill_with_hostile_files(tree)
    locked = tree.root / "locked"
    tree.file("locked/secret.txt", "Nobody reads this.")
    private = tree.file("private.txt", "Nobody reads this either.")
    tree.bad[str(locked)] = "cannot read the folder: Permission denied"
    tree.bad[str(private)] = "cannot read: Permission denied"
    if os.geteuid() == 0:  # root reads whatever the permissions: simulate the refusals
        monkeypatch.setattr(os, "scandir", refusing(os.scandir, locked))
        monkeypatch.setattr(os, "open", refusing(os.open, private))
    else:
        locked.chmod(0)
        private.chmod(0)
    try:
        articles, rejections = ingest_without_a_store([tree.root, tmp_path / "missing"])
    finally:
        locked.chmod(0o755)

    for rejection in rejections:
        assert_one_line(rejection)
    reasons = {r.origin: r.reason for r in rejections}
    assert reasons.pop(str(tmp_path / "missing")) == "no such file or folder"
    assert reasons.keys() == tree.bad.keys()
    for origin, reason in tree.bad.items():
        assert reason in reasons[origin], origin

    assert {a.origin for a in articles} == tree.good
    for article in articles:
        assert_storable(article)
    repaired = next(a for a in articles if a.id == "good-27")
    assert repaired.title == "Ferry \ufffd returns"


# Seeded random junk -------------------------------------------------------------------

def random_text(rng: random.Random, size: int) -> str:
    """Code points of every kind: ASCII with controls, Latin, surrogates, and any."""
    return "".join(chr(rng.choice([rng.randrange(0, 0x80), rng.randrange(0, 0x800),
                                   rng.randrange(0xd800, 0xe000), rng.randrange(0x110000)]))
                   for _ in range(rng.randrange(size)))


def junk(rng: random.Random) -> bytes:
    """Random bytes or code points, records whose fields are random text, or a good file
    cut short or with bytes flipped."""
    kind = rng.randrange(5)
    if kind == 0:
        return rng.randbytes(rng.randrange(3000))
    if kind == 1:
        return random_text(rng, 500).encode("utf-8", "surrogatepass")
    if kind == 2:  # JSON escapes carry surrogates and controls into every field
        keys = ["text", *rng.sample(["id", "title", "source", "url", "authors"], 3)]
        return "".join(json.dumps({key: random_text(rng, 80) for key in keys}) + "\n"
                       for _ in range(5)).encode()
    records = [story(n, authors=["A B"], published="2024-01-02") for n in range(5)]
    good = rng.choice([
        json.dumps(records),
        "".join(json.dumps(r) + "\n" for r in records),
        "id,title,text\n" + "".join(f'{r["id"]},{r["title"]},"{r["text"]}"\n' for r in records),
        "---\ntitle: Ferry returns\n---\n" + records[0]["text"],
    ]).encode()
    if kind == 3:
        return good[:rng.randrange(len(good) + 1)]
    data = bytearray(good)
    for _ in range(rng.randrange(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


NAME_TAILS = ["", "\u2028", "\udcff", "\x1b[2J"]


@pytest.mark.parametrize("seed", range(5))
def test_random_junk_only_ever_gives_records_or_rejections(seed: int):
    rng = random.Random(seed)
    names = sorted(SUPPORTED_SUFFIXES - {".html", ".htm"})
    for n in range(300):
        name = f"junk{n}\x00\n{rng.choice(NAME_TAILS)}{rng.choice(names)}"
        for item in read_bytes(name, junk(rng), "Fuzz"):
            assert isinstance(item, RawRecord | Rejection)
            built = item if isinstance(item, Rejection) else build_article(item)
            if isinstance(built, Rejection):
                assert_one_line(built)
            else:
                assert_storable(built[0])
                assert len(built[0].origin.splitlines()) == 1


def test_random_junk_as_a_web_page():
    rng = random.Random(7)
    for n in range(20):
        for item in read_bytes(f"page{n}.html", junk(rng), "Fuzz"):
            built = item if isinstance(item, Rejection) else build_article(item)
            if isinstance(built, Rejection):
                assert_one_line(built)
            else:
                assert_storable(built[0])
