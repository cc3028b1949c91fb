"""Index segments: immutable folders, each indexing some articles and their passages.

A segment holds two BM25 postings over one list of terms (its passages, and its
articles as whole documents), the article postings turned around (each article's
distinct terms, for corroboration signatures), and the arrays that map passages back to
their articles (article number in the segment, character span) and articles to their
outlet and publication day. Once written, a segment never changes: removing an article
writes a new deletions file beside it (a sorted array of the segment's article numbers),
named by the manifest that uses it (see snapshot.py).
"""

from __future__ import annotations

import json
import os
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np

from .bm25 import Postings, Terms, sorted_by
from .npy_map import map_array, read_header

UNDATED = np.iinfo(np.int32).min  # the publication day of an undated article
_EPOCH = date(1970, 1, 1).toordinal()
# Up to this many article ids are looked for in a segment's list one by one (each a scan
# in C); more, through a dictionary of them all.
_IDS_LOOKED_FOR = 8


def day_number(iso: str) -> int:
    return date.fromisoformat(iso[:10]).toordinal() - _EPOCH


@dataclass
class Segment:
    """A loaded segment. Its passage p belongs to its article `passage_article[p]`."""

    folder: Path
    passages: Postings
    articles: Postings  # document i is article i
    article_ids: list[str]
    passage_article: np.ndarray
    passage_start: np.ndarray
    passage_end: np.ndarray
    article_source: np.ndarray  # index into `sources`
    article_day: np.ndarray  # days since 1970-01-01, UNDATED when unknown
    sources: list[str]
    # Article i's distinct terms are term numbers article_term_ids[o[i]:o[i + 1]] (o:
    # article_term_offsets), ascending, each with its (tf, length) pair number in
    # `articles`.
    article_term_offsets: np.ndarray
    article_term_ids: SlicedFile
    article_term_pairs: SlicedFile

    @property
    def name(self) -> str:
        return self.folder.name

    @cached_property
    def article_number(self) -> dict[str, int]:
        return {article_id: i for i, article_id in enumerate(self.article_ids)}

    def numbers_of(self, article_ids: set[str]) -> list[int]:
        """The numbers of those of `article_ids` this segment holds. A few are looked
        for in the list (an add of one article: making `article_number` for a large
        segment would cost more, ~10 ms at 40,000 articles)."""
        if len(article_ids) > _IDS_LOOKED_FOR or "article_number" in self.__dict__:
            return [self.article_number[i] for i in article_ids if i in self.article_number]
        numbers = []
        for article_id in article_ids:
            try:
                numbers.append(self.article_ids.index(article_id))
            except ValueError:
                continue
        return numbers

    def article_terms(self, article: int) -> tuple[np.ndarray, np.ndarray]:
        """Article `article`'s distinct terms (numbers in `articles.terms`, ascending)
        and how often it holds each (its headline's terms included, as its postings
        count them)."""
        lo, hi = self.article_term_offsets[article], self.article_term_offsets[article + 1]
        return (self.article_term_ids.read(lo, hi),
                self.articles.pair_tf[self.article_term_pairs.read(lo, hi)])

    def deleted_articles(self, deletions: str | None) -> np.ndarray | None:
        """The mask of articles a deletions file marks (None: no file, none deleted)."""
        if deletions is None:
            return None
        mask = np.zeros(len(self.article_ids), dtype=bool)
        mask[np.load(self.folder / deletions, allow_pickle=False)] = True
        return mask


class SlicedFile:
    """A one-dimensional .npy array read a slice at a time, never memory-mapped.

    Answers read a few articles' terms at random; from a map, the kernel would also map
    the cached pages around each one read, and the whole array (about 100 MiB at a
    million passages) would soon count in the serving process's memory.
    """

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)
        header = read_header(self._fd)
        if header is None:  # (not the kind np.save writes: let numpy read it, as a map)
            array = np.load(path, mmap_mode="r", allow_pickle=False)
            header = array.dtype, array.shape, array.offset
        self.dtype, shape, self._start = header
        if len(shape) != 1:
            raise ValueError(f"{path}: not a one-dimensional array")
        self._size = shape[0]

    def __len__(self) -> int:
        return self._size

    def read(self, start: int, end: int) -> np.ndarray:
        """The array's [start, end) (safe from any thread: `os.pread` moves no cursor)."""
        size = self.dtype.itemsize
        data = os.pread(self._fd, (end - start) * size, self._start + start * size)
        return np.frombuffer(data, dtype=self.dtype)


@dataclass(frozen=True)
class SegmentData:
    """What a segment is written from."""

    passages: Postings
    articles: Postings
    article_ids: list[str]
    passage_article: np.ndarray
    passage_start: np.ndarray
    passage_end: np.ndarray
    article_sources: list[str]
    article_published: list[str | None]


def write_segment(root: Path, data: SegmentData) -> str:
    """Write a segment folder under `root` (complete and synced before it gets its
    name); its name."""
    name = f"seg-{uuid.uuid4().hex[:12]}"
    tmp = root / f"{name}.tmp"
    tmp.mkdir(parents=True)
    sources = sorted(set(data.article_sources))
    source_no = {s: i for i, s in enumerate(sources)}
    # The articles' terms are turned around in a thread (its sort holds no GIL), and the
    # postings' files flushed in another, while this one writes the rest.
    with ThreadPoolExecutor(max_workers=2) as threads:
        article_terms = threads.submit(_article_terms, data.articles)
        data.passages.terms.save(tmp)
        data.passages.save(tmp, "passages")
        data.articles.save(tmp, "articles")
        written = list(tmp.iterdir())
        flushed = threads.submit(lambda: [sync_file(path) for path in written])
        arrays = {
            "passage_article": np.asarray(data.passage_article, dtype=np.int32),
            "passage_start": np.asarray(data.passage_start, dtype=np.int32),
            "passage_end": np.asarray(data.passage_end, dtype=np.int32),
            "article_source": np.asarray([source_no[s] for s in data.article_sources],
                                         dtype=np.int32),
            "article_day": np.asarray([UNDATED if p is None else day_number(p)
                                       for p in data.article_published], dtype=np.int32),
            **article_terms.result(),
        }
        for array_name, array in arrays.items():
            np.save(tmp / f"{array_name}.npy", array)
        (tmp / "article_ids.txt").write_text("\n".join(data.article_ids), encoding="utf-8")
        (tmp / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
        (tmp / "meta.json").write_text(json.dumps({"terms": len(data.passages.terms)}),
                                       encoding="utf-8")
        flushed.result()
    for path in tmp.iterdir():
        if path not in written:
            sync_file(path)
    sync_dir(tmp)
    os.rename(tmp, root / name)
    return name


def _article_terms(articles: Postings) -> dict[str, np.ndarray]:
    """The article postings turned around: per article, its terms and pair numbers
    (`Segment.article_term_ids` and the rest)."""
    docs = np.asarray(articles.docs)
    pairs = np.asarray(articles.pairs)
    terms = len(articles.offsets) - 1
    term_of = np.repeat(np.arange(terms, dtype=np.int32), articles.df)
    offsets = np.zeros(articles.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(docs, minlength=articles.size), out=offsets[1:])
    # An article holds a term once, and term numbers ascend within each article's postings
    # once ordered by article.
    ids, term_pairs = sorted_by(docs, term_of, pairs, articles.size, terms)
    return {"article_term_offsets": offsets, "article_term_ids": ids,
            "article_term_pairs": term_pairs}


def write_deletions(segment: Segment, deleted: np.ndarray) -> str:
    """Write the (sorted) deleted article numbers of `segment`; the file's name."""
    name = f"deleted-{uuid.uuid4().hex[:12]}.npy"
    tmp = segment.folder / f"{name}.tmp"
    with open(tmp, "wb") as handle:
        np.save(handle, np.flatnonzero(deleted).astype(np.int32))
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(tmp, segment.folder / name)
    sync_dir(segment.folder)
    return name


def load_segment(folder: Path) -> Segment:
    def array(name: str) -> np.ndarray:
        return map_array(folder / f"{name}.npy")

    ids_text = (folder / "article_ids.txt").read_text(encoding="utf-8")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    terms = Terms.load(folder, meta["terms"])
    segment = Segment(
        folder=folder,
        passages=Postings.load(folder, "passages", terms),
        articles=Postings.load(folder, "articles", terms),
        article_ids=ids_text.split("\n") if ids_text else [],
        passage_article=array("passage_article"),
        passage_start=array("passage_start"),
        passage_end=array("passage_end"),
        article_source=array("article_source"),
        article_day=array("article_day"),
        sources=json.loads((folder / "sources.json").read_text(encoding="utf-8")),
        article_term_offsets=np.asarray(array("article_term_offsets")),
        article_term_ids=SlicedFile(folder / "article_term_ids.npy"),
        article_term_pairs=SlicedFile(folder / "article_term_pairs.npy"),
    )
    if len(segment.article_ids) != len(segment.article_source):
        raise ValueError(f"{folder}: {len(segment.article_ids)} article ids for "
                         f"{len(segment.article_source)} articles")
    offsets = segment.article_term_offsets
    if not (len(offsets) == len(segment.article_ids) + 1 and offsets[-1] == len(
            segment.article_term_ids) == len(segment.article_term_pairs)):
        raise ValueError(f"{folder}: the article terms do not fit the articles")
    return segment


def sync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
