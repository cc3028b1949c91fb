"""The on-disk search index: one snapshot folder per build, switched atomically.

A snapshot holds the passage BM25 index and the arrays that map passages back to their
articles (article number, character span, source, publication day). A new snapshot is
written beside the current one under a temporary name, renamed, and only then made
current by replacing the CURRENT pointer file with `os.replace`, which is atomic: a
crash at any moment leaves either the old snapshot or the new one current, never a mix.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from .bm25 import Bm25

FORMAT_VERSION = 2  # 2: adds the whole-article BM25 index
POINTER = "CURRENT"
UNDATED = np.iinfo(np.int32).min  # the publication day of an undated article
_EPOCH = date(1970, 1, 1).toordinal()


@dataclass
class Snapshot:
    """A loaded index snapshot.

    Passage number p belongs to article `article_ids[passage_article[p]]`.
    """

    folder: Path
    passages: Bm25
    articles: Bm25  # document i is article i
    article_ids: list[str]
    passage_article: np.ndarray
    passage_start: np.ndarray
    passage_end: np.ndarray
    article_source: np.ndarray  # index into `sources`
    article_day: np.ndarray  # days since 1970-01-01, UNDATED when unknown
    sources: list[str]
    meta: dict[str, object]

    @property
    def passage_first(self) -> np.ndarray:
        """True for the first passage of each article (the lead)."""
        owner = np.asarray(self.passage_article)
        first = np.ones(len(owner), dtype=bool)
        first[1:] = owner[1:] != owner[:-1]
        return first

    @property
    def store_revision(self) -> int:
        return int(self.meta["store_revision"])


def day_number(iso: str) -> int:
    return date.fromisoformat(iso[:10]).toordinal() - _EPOCH


def write_snapshot(root: Path, *, passages: Bm25, articles: Bm25, article_ids: list[str],
                   passage_article: list[int], passage_spans: list[tuple[int, int]],
                   article_sources: list[str], article_published: list[str | None],
                   meta: dict[str, object]) -> Path:
    """Write a complete snapshot and make it current; return its folder."""
    root.mkdir(parents=True, exist_ok=True)
    _remove_unfinished(root)
    name = f"snapshot-{uuid.uuid4().hex[:12]}"
    tmp = root / f"{name}.tmp"
    tmp.mkdir()

    sources = sorted(set(article_sources))
    source_no = {s: i for i, s in enumerate(sources)}
    spans = np.asarray(passage_spans, dtype=np.int32).reshape(-1, 2)
    arrays = {
        "passage_article": np.asarray(passage_article, dtype=np.int32),
        "passage_start": spans[:, 0].copy(),
        "passage_end": spans[:, 1].copy(),
        "article_source": np.asarray([source_no[s] for s in article_sources], dtype=np.int32),
        "article_day": np.asarray(
            [UNDATED if p is None else day_number(p) for p in article_published], dtype=np.int32),
    }
    passages.save(tmp, "passages")
    articles.save(tmp, "articles")
    for name_, array in arrays.items():
        np.save(tmp / f"{name_}.npy", array)
    (tmp / "article_ids.txt").write_text("\n".join(article_ids), encoding="utf-8")
    (tmp / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    (tmp / "meta.json").write_text(
        json.dumps({"format": FORMAT_VERSION, **meta}, indent=1), encoding="utf-8")
    _fsync_tree(tmp)

    final = root / name
    os.rename(tmp, final)
    previous = current_snapshot_folder(root)
    pointer_tmp = root / f"{POINTER}.tmp"
    pointer_tmp.write_text(name, encoding="utf-8")
    _fsync_file(pointer_tmp)
    os.replace(pointer_tmp, root / POINTER)
    _fsync_dir(root)
    _remove_old(root, keep={name, previous.name if previous else name})
    return final


def clear_snapshots(root: Path) -> None:
    """Make no index current (the archive is empty): the pointer goes first, atomically,
    then the snapshots."""
    (root / POINTER).unlink(missing_ok=True)
    if root.is_dir():
        _fsync_dir(root)
        _remove_old(root, keep=set())


def current_snapshot_folder(root: Path) -> Path | None:
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = root / name
    return folder if folder.is_dir() else None


def load_snapshot(root: Path) -> Snapshot | None:
    """The current snapshot under `root`, or None when no index has been built.

    A build may switch the pointer, and remove what it pointed to two builds ago, while
    this reads; a folder gone under our feet means "read the pointer again".
    """
    for _ in range(5):
        folder = current_snapshot_folder(root)
        if folder is None:
            return None
        try:
            return _load(folder)
        except FileNotFoundError:
            continue
    raise RuntimeError(f"{root}: the index changed five times while loading it")


def _load(folder: Path) -> Snapshot | None:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT_VERSION:
        return None

    def array(name: str) -> np.ndarray:
        return np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)

    ids_text = (folder / "article_ids.txt").read_text(encoding="utf-8")
    return Snapshot(
        folder=folder,
        passages=Bm25.load(folder, "passages"),
        articles=Bm25.load(folder, "articles"),
        article_ids=ids_text.split("\n") if ids_text else [],
        passage_article=array("passage_article"),
        passage_start=array("passage_start"),
        passage_end=array("passage_end"),
        article_source=array("article_source"),
        article_day=array("article_day"),
        sources=json.loads((folder / "sources.json").read_text(encoding="utf-8")),
        meta=meta,
    )


def _remove_unfinished(root: Path) -> None:
    """Remove what an interrupted build left behind (never the current snapshot)."""
    for path in root.glob("*.tmp"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _remove_old(root: Path, keep: set[str]) -> None:
    """Remove snapshots but the current and the one before it.

    The one before is kept so that a reader that read the pointer just before the
    switch can still open it; open memory maps of a removed snapshot stay valid on
    POSIX, so a searcher still holding an older one keeps answering.
    """
    for path in root.glob("snapshot-*"):
        if path.name not in keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for child in folder.iterdir():
        _fsync_file(child)
    _fsync_dir(folder)
