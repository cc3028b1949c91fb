"""The on-disk search index: a manifest naming its segments, switched atomically.

The index is a set of immutable segments (segments.py), each with at most one
deletions file. A manifest (a small JSON file) lists the current segments and their
deletions; the CURRENT pointer file names the current manifest. A change writes its
new segments and deletions files, then a new manifest, then replaces the pointer with
`os.replace`, which is atomic: a crash at any moment leaves either the old manifest or
the new one current, never a mix. Readers load the segments they have not loaded yet
and keep the others (a segment never changes).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from .bm25 import Bm25, Part
from .params import IndexParams
from .segments import Segment, load_segment, sync_dir, sync_file

# 3: segments and a manifest; 4: one term list per segment; 5: articles' terms
FORMAT_VERSION = 5
POINTER = "CURRENT"


@dataclass(frozen=True)
class SegmentEntry:
    """A segment as a manifest uses it: with its deletions, if any."""

    segment: Segment
    deletions: str | None
    deleted: np.ndarray | None  # per article of the segment; None: none is deleted
    passage_part: Part
    article_part: Part

    @classmethod
    def of(cls, segment: Segment, deletions: str | None) -> SegmentEntry:
        deleted = segment.deleted_articles(deletions)
        passages_deleted = None if deleted is None else deleted[segment.passage_article]
        return cls(segment, deletions, deleted, Part(segment.passages, passages_deleted),
                   Part(segment.articles, deleted))



@dataclass
class Snapshot:
    """A loaded index: its segments, read as one. Passage number p belongs to article
    `article_ids[passage_article[p]]`; a deleted article keeps its number (and its
    passages theirs) until a merge drops it, and `live_articles` says which are not.

    What spans the segments (the BM25 statistics, the concatenated arrays) is made when
    first used: a writer that only adds a segment never needs it.
    """

    name: str  # the manifest's: every change of the index has a new one
    root: Path
    entries: list[SegmentEntry]
    params: IndexParams  # what it was built with
    meta: dict[str, object]

    @cached_property
    def passages(self) -> Bm25:
        return Bm25([e.passage_part for e in self.entries], self.params.passage_bm25)

    @cached_property
    def articles(self) -> Bm25:
        """Document i is article i."""
        return Bm25([e.article_part for e in self.entries], self.params.article_bm25)

    @property
    def _segments(self) -> list[Segment]:
        return [e.segment for e in self.entries]

    @cached_property
    def article_ids(self) -> list[str]:
        return [i for segment in self._segments for i in segment.article_ids]

    @cached_property
    def _article_bases(self) -> list[int]:
        """Each segment's first article number, and the number of articles last."""
        return np.cumsum([0] + [len(s.article_ids) for s in self._segments]).tolist()

    @cached_property
    def passage_article(self) -> np.ndarray:
        return _concatenate([np.asarray(s.passage_article) + base
                             for s, base in zip(self._segments, self._article_bases,
                                                strict=False)])

    @cached_property
    def _live_article_numbers(self) -> dict[str, int]:
        live = self.live_articles
        return {article_id: i for i, article_id in enumerate(self.article_ids)
                if live is None or live[i]}

    def article_number(self, article_id: str) -> int | None:
        """The number of the live article `article_id`, None if it is not indexed."""
        return self._live_article_numbers.get(article_id)

    def article_terms(self, article: int) -> tuple[int, np.ndarray, np.ndarray]:
        """Article number `article`'s segment (its place in `entries`), and the article's
        distinct terms and counts there (`Segment.article_terms`)."""
        n = bisect_right(self._article_bases, article) - 1
        return n, *self.entries[n].segment.article_terms(article - self._article_bases[n])

    @cached_property
    def passage_start(self) -> np.ndarray:
        return _concatenate([s.passage_start for s in self._segments])

    @cached_property
    def passage_end(self) -> np.ndarray:
        return _concatenate([s.passage_end for s in self._segments])

    @cached_property
    def sources(self) -> list[str]:
        return sorted({source for segment in self._segments for source in segment.sources})

    @cached_property
    def article_source(self) -> np.ndarray:
        """Each article's outlet, as an index into `sources`."""
        number = {s: i for i, s in enumerate(self.sources)}
        return _concatenate([np.asarray([number[x] for x in s.sources],
                                        dtype=np.int32)[s.article_source]
                             for s in self._segments])

    @cached_property
    def article_day(self) -> np.ndarray:
        """Days since 1970-01-01, segments.UNDATED when unknown."""
        return _concatenate([s.article_day for s in self._segments])

    @property
    def passage_first(self) -> np.ndarray:
        """True for the first passage of each article (the lead)."""
        owner = self.passage_article
        first = np.ones(len(owner), dtype=bool)
        first[1:] = owner[1:] != owner[:-1]
        return first

    @property
    def live_articles(self) -> np.ndarray | None:
        """Which articles are not deleted (None when all are live)."""
        return self.articles.live

    def live_sources(self) -> list[str]:
        """The outlets of the articles not deleted, by name."""
        live = self.live_articles
        numbers = self.article_source if live is None else self.article_source[live]
        return [self.sources[i] for i in np.unique(numbers).tolist()]

    @property
    def store_revision(self) -> int:
        return int(self.meta["store_revision"])

    @property
    def change_seq(self) -> int:
        return int(self.meta["change_seq"])

    def disk_bytes(self) -> int:
        """The size of the files this index is made of."""
        files = [self.root / self.name]
        for entry in self.entries:
            folder = entry.segment.folder
            files += [f for f in folder.iterdir() if not f.name.startswith("deleted-")]
            files += [folder / entry.deletions] if entry.deletions else []
        return sum(f.stat().st_size for f in files)


def write_manifest(root: Path, segments: list[tuple[str, str | None]],
                   meta: dict[str, object]) -> str:
    """Make the index the (segment name, deletions file) pairs, in this order, with
    `meta`: write a manifest and switch the pointer to it. Files no longer used by it
    or by the one before it are removed. Returns the manifest's name."""
    name = f"manifest-{uuid.uuid4().hex[:12]}.json"
    manifest = {"format": FORMAT_VERSION, **meta,
                "segments": [{"name": s, "deletions": d} for s, d in segments]}
    tmp = root / f"{name}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    sync_file(tmp)
    os.rename(tmp, root / name)
    previous = current_manifest(root)
    pointer_tmp = root / f"{POINTER}.tmp"
    pointer_tmp.write_text(name, encoding="utf-8")
    sync_file(pointer_tmp)
    os.replace(pointer_tmp, root / POINTER)
    sync_dir(root)
    # (The previous manifest stays for readers that read the pointer just before; an
    # index of the format before segments goes at once: this newsdesk cannot read it.)
    keep = [name, *([previous] if previous and (root / previous).is_file() else [])]
    remove_unused(root, keep)
    return name


def clear_index(root: Path) -> None:
    """Make no index current (the archive is empty): the pointer goes first, atomically,
    then the files."""
    (root / POINTER).unlink(missing_ok=True)
    if root.is_dir():
        sync_dir(root)
        remove_unused(root, keep=[])


def has_index(root: Path) -> bool:
    """Whether there is an index under `root`, loadable or not (an older newsdesk's)."""
    return (root / POINTER).exists()


def current_manifest(root: Path) -> str | None:
    """The name the pointer gives (the manifest itself may be gone already: a writer
    switched twice since), or None when there is no index."""
    try:
        return (root / POINTER).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def load_snapshot(root: Path, previous: Snapshot | None = None) -> Snapshot | None:
    """The current index under `root`, or None when there is none (or it was written by
    an older newsdesk). Segments already loaded by `previous` are reused.

    A writer may switch the pointer, and remove what it pointed to two changes ago,
    while this reads; a file gone under our feet means "read the pointer again".
    """
    for _ in range(5):
        name = current_manifest(root)
        if name is None:
            return None
        try:
            return _load(root, name, previous)
        except FileNotFoundError:
            continue
    raise RuntimeError(f"{root}: the index changed five times while loading it")


def _load(root: Path, name: str, previous: Snapshot | None) -> Snapshot | None:
    if (root / name).is_dir():
        return None  # an index of the format before segments: one folder
    manifest = json.loads((root / name).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        return None
    params = IndexParams.from_json(manifest.get("params"))
    if params is None:
        return None
    known = {(e.segment.name, e.deletions): e for e in previous.entries} if previous else {}
    loaded = {e.segment.name: e.segment for e in previous.entries} if previous else {}
    entries = []
    for item in manifest["segments"]:
        key = (item["name"], item["deletions"])
        if key not in known:
            segment = loaded.get(item["name"]) or load_segment(root / item["name"])
            known[key] = SegmentEntry.of(segment, item["deletions"])
        entries.append(known[key])
    return Snapshot(name, root, entries, params, manifest)


def _concatenate(arrays: list[np.ndarray]) -> np.ndarray:
    if not arrays:
        return np.zeros(0, dtype=np.int32)
    return np.concatenate([np.asarray(a) for a in arrays]).astype(np.int32, copy=False)


def remove_unused(root: Path, keep: list[str]) -> None:
    """Remove what the manifests `keep` do not use: other manifests, segments and
    deletions files, what an interrupted change left behind (`*.tmp`), and indexes of
    older formats.

    The manifest before the current one is kept, with its files, so that a reader that
    read the pointer just before the switch can still open it; open memory maps of a
    removed segment stay valid on POSIX, so a searcher holding an older one keeps
    answering.
    """
    used: dict[str, set[str | None]] = {}
    for name in keep:
        try:
            manifest = json.loads((root / name).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            continue
        for item in manifest.get("segments", []):
            used.setdefault(item["name"], set()).add(item["deletions"])
    for path in root.iterdir() if root.is_dir() else []:
        if path.name == POINTER or path.name in keep:
            continue
        if path.is_dir() and path.name in used:
            for file in path.glob("deleted-*"):
                if file.name not in used[path.name]:
                    file.unlink(missing_ok=True)
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
