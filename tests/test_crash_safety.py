import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsdesk.index import Archive, IndexSettings
from newsdesk.index import ingest as ingest_module
from newsdesk.index import snapshot as snapshot_module
from newsdesk.index.snapshot import POINTER, current_manifest

from .conftest import REPO, SEEDS, article, write_jsonl

QUESTION = "How many SDF fighters did ISIS kill?"


def test_a_build_that_fails_while_writing_leaves_the_old_index_current(
        seeded: Archive, tmp_path: Path, monkeypatch):
    old = current_manifest(seeded._index_root)
    answer = seeded.ask(QUESTION).hits
    write_jsonl(tmp_path / "new.jsonl", [article(1)])

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(snapshot_module.os, "rename", fail)
    with pytest.raises(OSError):
        seeded.add([tmp_path / "new.jsonl"])
    assert current_manifest(seeded._index_root) == old
    assert seeded.ask(QUESTION).hits == answer
    assert seeded.needs_rebuild()  # the new article is stored, the index is behind

    monkeypatch.undo()
    seeded.rebuild()
    assert not list(seeded._index_root.glob("*.tmp"))  # leftovers are cleared
    assert seeded.ask("bridge1 reopened in town1").hits[0].article_id == "art-1"


def test_ctrl_c_during_ingest_keeps_committed_batches_and_the_old_index(
        seeded: Archive, tmp_path: Path, monkeypatch):
    old = current_manifest(seeded._index_root)
    write_jsonl(tmp_path / "many.jsonl", [article(n) for n in range(1, 8)])
    monkeypatch.setattr(ingest_module, "BATCH_SIZE", 3)
    real_build = ingest_module.build_article
    calls = []

    def interrupt_on_fifth(raw):
        calls.append(raw)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real_build(raw)

    monkeypatch.setattr(ingest_module, "build_article", interrupt_on_fifth)
    with pytest.raises(KeyboardInterrupt):
        seeded.add([tmp_path / "many.jsonl"])
    assert seeded.stats().articles == 1 + 3  # the first batch only
    assert current_manifest(seeded._index_root) == old
    assert seeded.ask(QUESTION).hits

    monkeypatch.undo()
    report = seeded.add([tmp_path / "many.jsonl"])  # running it again finishes the job
    assert (report.added, report.duplicates) == (4, 3)
    assert not seeded.needs_rebuild()


KILL_DURING_SWITCH = """
import os, signal, sys
from pathlib import Path
from newsdesk.index import Archive, IndexSettings
from newsdesk.index import snapshot

def killed(*args):
    os.kill(os.getpid(), signal.SIGKILL)

snapshot.os.replace = killed  # die the moment the new snapshot would become current
archive = Archive(IndexSettings(Path(sys.argv[1])))
archive.add([Path(sys.argv[2])])
"""


def test_kill_9_just_before_the_switch_leaves_the_previous_index_usable(tmp_path: Path):
    data = tmp_path / "data"
    first = Archive(IndexSettings(data))
    first.add([SEEDS])
    old = current_manifest(first._index_root)
    first.close()
    write_jsonl(tmp_path / "new.jsonl", [article(1), article(2)])

    proc = subprocess.run([sys.executable, "-c", KILL_DURING_SWITCH, str(data),
                           str(tmp_path / "new.jsonl")], cwd=REPO, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert (data / "index" / f"{POINTER}.tmp").exists()  # it really died mid-switch

    after = Archive(IndexSettings(data))
    try:
        assert current_manifest(after._index_root) == old
        assert after.ask(QUESTION).hits
        assert after.stats().articles == 3
        after.rebuild()
        assert after.ask("bridge2 town2").hits[0].article_id == "art-2"
        assert json.loads((after._index_root / current_manifest(after._index_root))
                          .read_text())["articles"] == 3
    finally:
        after.close()


def test_questions_asked_during_updates_always_get_an_answer(seeded: Archive, tmp_path: Path):
    """A reader thread asks while the archive is extended and re-indexed again and again:
    every answer comes from the old index or the new one, never an error."""
    import threading

    reader = Archive(seeded.settings)  # another process's view, as the bot's would be
    stop = threading.Event()
    failures: list[BaseException] = []
    answers: list[int] = []

    def ask() -> None:
        while not stop.is_set():
            try:
                answers.append(len(reader.ask(QUESTION).hits))
            except BaseException as exc:
                failures.append(exc)
                return

    thread = threading.Thread(target=ask)
    thread.start()
    try:
        for n in range(1, 7):
            seeded.add([write_jsonl(tmp_path / f"batch{n}.jsonl", [article(n)])])
    finally:
        stop.set()
        thread.join(timeout=30)
    reader.close()
    assert failures == []
    assert answers and min(answers) > 0
    assert len(list(seeded._index_root.glob("manifest-*"))) == 2  # current and previous
    assert not list(seeded._index_root.glob("*.tmp"))


ADD_ONE = """
import sys
from pathlib import Path
from newsdesk.index import Archive, IndexSettings
Archive(IndexSettings(Path(sys.argv[1]))).add([Path(sys.argv[2])])
"""


def test_two_processes_adding_at_once_both_land_in_the_index(tmp_path: Path):
    data = tmp_path / "data"
    files = [write_jsonl(tmp_path / f"p{n}.jsonl", [article(n), article(n + 10)])
             for n in (1, 2)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", ADD_ONE, str(data), str(f)], cwd=REPO,
                              env=env, stderr=subprocess.PIPE) for f in files]
    for proc in procs:
        assert proc.wait(timeout=60) == 0, proc.stderr.read().decode()
    archive = Archive(IndexSettings(data))
    try:
        assert archive.stats().articles == 4
        assert not archive.needs_rebuild()
        assert archive.ask("bridge12 town12").hits[0].article_id == "art-12"
    finally:
        archive.close()


def test_every_file_of_a_new_segment_is_on_disk_before_it_is_named(tmp_path: Path,
                                                                      monkeypatch):
    """A segment folder gets its name only once each of its files, and then the folder,
    is synced (some files are synced in a thread while the rest is written)."""
    from newsdesk.index import segments
    from newsdesk.index.bm25 import Postings

    events: list[tuple[str, str]] = []
    sync_file, sync_dir, rename = segments.sync_file, segments.sync_dir, os.rename
    monkeypatch.setattr(segments, "sync_file",
                        lambda path: (events.append(("file", path.name)), sync_file(path)))
    monkeypatch.setattr(segments, "sync_dir",
                        lambda path: (events.append(("dir", path.name)), sync_dir(path)))
    monkeypatch.setattr(segments.os, "rename",
                        lambda old, new: (events.append(("rename", Path(old).name)),
                                          rename(old, new)))
    documents = [["storm", "coast", "storm"], ["flood", "coast"], ["storm"]]
    postings = Postings.build(documents)
    data = segments.SegmentData(
        passages=postings, articles=postings, article_ids=["a", "b", "c"],
        passage_article=np.arange(3, dtype=np.int32), passage_start=np.zeros(3, np.int32),
        passage_end=np.full(3, 10, np.int32),
        article_sources=["Wire"] * 3, article_published=["2024-01-02", None, None])
    name = segments.write_segment(tmp_path, data)
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "rename" and kinds[-2] == "dir" and kinds.count("rename") == 1
    synced = [file for kind, file in events if kind == "file"]
    assert sorted(synced) == sorted(p.name for p in (tmp_path / name).iterdir())
    assert segments.load_segment(tmp_path / name).article_ids == ["a", "b", "c"]
