"""Verdicts on shown answers: kept with what was shown, one per user, exported as an eval
set that `newsdesk eval` reads back."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk.index import Archive, IndexSettings
from newsdesk.index.cli import main

from .conftest import SEEDS, article, write_jsonl

QUESTION = "How many SDF fighters did ISIS kill?"


def test_a_shown_answer_comes_back_whole_and_users_are_kept_only_as_hashes(seeded: Archive):
    answer = seeded.ask(QUESTION, k=3)
    answer_id = seeded.record_answer(answer, asker="1234567890")
    shown = seeded.shown_answer(answer_id)
    assert shown is not None and shown.question == QUESTION
    assert shown.hits == answer.hits and shown.confident == answer.confident
    assert seeded.is_asker(shown, "1234567890") and not seeded.is_asker(shown, "42")
    assert "1234567890" not in shown.asker
    seeded.record_feedback(answer_id, "42", "down")
    seeded.record_feedback(answer_id, "42", "up")  # a user's latest verdict counts
    seeded.record_feedback(answer_id, "43", "wrong_article")
    summary = seeded.feedback_summary()
    assert summary.answers_shown == 1
    assert summary.verdicts == {"up": 1, "down": 0, "wrong_article": 1}
    assert [j.verdict for j in summary.recent_down] == ["wrong_article"]


def test_feedback_exported_is_read_back_by_eval(tmp_path: Path, capsys, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(data))
    others = write_jsonl(tmp_path / "others.jsonl", [article(n) for n in range(1, 4)])
    archive = Archive(IndexSettings(data))
    try:
        archive.add([SEEDS, others])
        good = archive.ask(QUESTION, k=3)
        archive.record_feedback(archive.record_answer(good, "7"), "7", "up")
        wrong = archive.ask("Did the bridge2 reopen in town2?", k=3)
        archive.record_feedback(archive.record_answer(wrong, "8"), "8", "down")
    finally:
        archive.close()

    assert main(["feedback", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["verdicts"] == {"up": 1, "down": 1, "wrong_article": 0}

    out_dir = tmp_path / "judged"
    assert main(["feedback", "export", str(out_dir)]) == 0
    assert "Wrote 2 judged questions" in capsys.readouterr().out
    questions = [json.loads(line) for line in (out_dir / "questions.jsonl").open()]
    assert [bool(q["answers"]) for q in questions] == [False, True]  # newest first
    assert questions[0]["wrong_sentence"] == wrong.hits[0].sentence
    assert questions[1]["answers"] == [good.hits[0].sentence]

    assert main(["eval", str(out_dir), "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["questions"] == 1 and metrics["Sent@1"] == 1.0  # the 👍 answer holds
    assert metrics["negatives"] == 1 and metrics["negatives_repeated"] == 1.0  # still shown
