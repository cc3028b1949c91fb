from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsdesk.index import Archive, IndexSettings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
NEWSQA = REPO.parent / "shared" / "newsqa-dev"

needs_newsqa = pytest.mark.skipif(
    not (NEWSQA / "articles.jsonl").is_file(),
    reason="../shared/newsqa-dev is not beside this checkout")


@pytest.fixture
def archive(tmp_path: Path):
    archive = Archive(IndexSettings(tmp_path / "data"))
    yield archive
    archive.close()


@pytest.fixture
def seeded(archive: Archive) -> Archive:
    archive.add([SEEDS])
    return archive


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def article(n: int, **fields) -> dict:
    """A small made-up article record with distinct words."""
    record = {
        "id": f"art-{n}",
        "title": f"Story number {n}",
        "source": "Test Wire",
        "url": f"https://example.org/story/{n}",
        "published": f"2024-01-{n:02d}",
        "text": f"Officials in town{n} said the bridge{n} reopened on Monday. "
                f"Traffic returned to normal, the mayor of town{n} said.",
    }
    record.update(fields)
    return record


def waiting_for_start(usable: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """`analysis_pool._Worker.usable` that first waits for a new worker to say it has
    started, so that workers get the first chunks whatever the machine's speed
    (otherwise a fast machine may do all the work here before a worker is up). Also
    used by scripts the tests run in processes of their own."""
    import select

    def once_started(self: Any) -> bool:
        if self._alive and not self._ready:
            select.select([self._process.stdout], [], [], 60)
        return usable(self)

    return once_started


@pytest.fixture
def workers_started_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes get the first chunks (see `waiting_for_start`)."""
    from newsdesk.index import analysis_pool

    monkeypatch.setattr(analysis_pool._Worker, "usable",
                        waiting_for_start(analysis_pool._Worker.usable))
