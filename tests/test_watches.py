"""Watches: each new story on a watched topic is announced once, copies folded in."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk.index import Archive, IndexSettings
from newsdesk.index.cli import main

from .conftest import write_jsonl

BRIDGE = ("The Harbor Bridge closed on Monday after inspectors found cracks in two of its "
          "steel supports, and the city said repairs would take at least three weeks.")


def story(n: str, source: str, text: str, title: str = "Harbor Bridge closes") -> dict:
    return {"id": n, "title": title, "source": source, "published": "2025-03-20", "text": text}


def test_a_new_story_is_announced_once_with_its_copies_and_never_again(tmp_path: Path):
    data = tmp_path / "data"
    archive = Archive(IndexSettings(data))
    try:
        watch = archive.add_watch("Harbor Bridge", channel=42)
        console_only = archive.add_watch("seals harbor")
        first = archive.add([write_jsonl(tmp_path / "a.jsonl", [
            story("wire", "Wire", BRIDGE), story("post", "Post", BRIDGE + " Updates follow."),
            story("seals", "Bay News", "Seals returned to the harbor this week.", "Seals")])])
        assert [(a.watch.id, a.article_id, a.outlets) for a in first.alerts] == [
            (watch.id, "wire", ("Wire", "Post")), (console_only.id, "seals", ("Bay News",))]
        assert first.alerts[0].line == "Watch “Harbor Bridge”: Harbor Bridge closes — Wire, Post"

        late_copy = archive.add([write_jsonl(tmp_path / "b.jsonl", [
            story("gazette", "Gazette", "HARBOR CITY — " + BRIDGE)])])
        assert late_copy.added == 1 and late_copy.alerts == []  # the same story, late
        news = archive.add([write_jsonl(tmp_path / "c.jsonl", [story(
            "reopen", "Wire", "The Harbor Bridge reopened on Friday, weeks ahead of plan, "
            "after crews replaced the cracked supports.", "Harbor Bridge reopens")])])
        assert [a.article_id for a in news.alerts] == ["reopen"]

        unposted = archive.unposted_alerts()  # only the watch with a channel is posted
        assert [a.article_id for a in unposted] == ["wire", "reopen"]
        archive.mark_alerts_posted([a.id for a in unposted])
    finally:
        archive.close()
    restarted = Archive(IndexSettings(data))
    try:
        assert restarted.unposted_alerts() == []
        assert [w.topic for w in restarted.watches()] == ["Harbor Bridge", "seals harbor"]
        assert restarted.remove_watch(watch.id) and not restarted.remove_watch(watch.id)
    finally:
        restarted.close()


def test_the_console_adds_lists_and_removes_watches_and_add_prints_alerts(
        tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    assert main(["watch", "add", "Harbor Bridge", "--channel", "42"]) == 0
    assert "Watching “Harbor Bridge” (watch 1, posted to channel 42)" in capsys.readouterr().out
    assert main(["add", str(write_jsonl(tmp_path / "a.jsonl", [story("w", "Wire", BRIDGE)]))]) == 0
    assert "Watch “Harbor Bridge”: Harbor Bridge closes — Wire" in capsys.readouterr().out
    assert main(["watch", "list", "--json"]) == 0
    assert [w["topic"] for w in json.loads(capsys.readouterr().out)] == ["Harbor Bridge"]
    assert main(["watch", "remove", "1"]) == 0
    assert main(["watch", "remove", "1"]) == 2
    assert "no watch has the id 1" in capsys.readouterr().err


def test_an_alert_line_shows_a_hostile_topic_and_title_escaped_on_one_line():
    from datetime import UTC, datetime

    from newsdesk.index import Alert, Watch

    watch = Watch(1, "harbor\nbridge", None, datetime(2024, 1, 1, tzinfo=UTC))
    alert = Alert(7, watch, "a1", "Bridge \x1b[31mreopens\u202e", ("Wire",), None, None)
    assert alert.line == "Watch “harbor\\nbridge”: Bridge \\x1b[31mreopens\\u202e — Wire"


def test_an_alert_line_is_bounded_whatever_the_title():
    from datetime import UTC, datetime

    from newsdesk.index import Alert, Watch
    from newsdesk.index.watches import ALERT_LINE_CHARS

    watch = Watch(1, "bridge", None, datetime(2024, 1, 1, tzinfo=UTC))
    line = Alert(7, watch, "a1", "Bridge " * 100_000, ("Wire",) * 1000, None, None).line
    assert len(line) == ALERT_LINE_CHARS and line.startswith("Watch “bridge”: Bridge ")
    assert line.endswith("…")
