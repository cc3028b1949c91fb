"""Ingest: files to validated, cleaned articles and their passages in the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .articles import build_article
from .passages import make_passages
from .progress import Progress
from .readers import Rejection, find_files, read_file
from .records import Article, Passage
from .store import Store

# Articles are committed in batches: a crash loses at most one batch, never the store.
BATCH_SIZE = 500


@dataclass
class IngestReport:
    files: int = 0
    added: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def ingest(store: Store, paths: Iterable[Path], window: int, stride: int,
           progress: Progress) -> IngestReport:
    """Read every article under `paths` into `store`; bad files and records are skipped
    and reported, duplicates (by id) are counted and not stored again."""
    report = IngestReport()
    files: list[Path] = []
    for found in find_files(paths, skip=store.path.parent.resolve()):
        if isinstance(found, Rejection):
            report.rejected.append(found)
        else:
            files.append(found)
    report.files = len(files)
    progress.stage("Reading articles", len(files))

    batch: list[tuple[Article, list[tuple[int, int]], list[Passage]]] = []
    batch_ids: set[str] = set()

    def flush() -> None:
        report.added += store.add(batch)
        batch.clear()
        batch_ids.clear()

    for path in files:
        for item in read_file(path):
            built = item if isinstance(item, Rejection) else build_article(item)
            if isinstance(built, Rejection):
                report.rejected.append(built)
                continue
            article, sentences = built
            if article.id in batch_ids or store.contains(article.id):
                report.duplicates += 1
                continue
            batch_ids.add(article.id)
            batch.append((article, sentences,
                          make_passages(article.id, sentences, window, stride)))
            if len(batch) >= BATCH_SIZE:
                flush()
        progress.advance()
    flush()
    return report
