import json
from pathlib import Path

import pytest

from index.evaluate import EvalDataError, contains_answer, evaluate
from index.progress import Silent
from index.ranking import Ranking

from .conftest import write_jsonl


def test_an_answer_must_not_sit_inside_a_longer_word():
    assert contains_answer("Ghazi bin Muhammad spoke.", ("ghazi bin muhammad",))
    assert not contains_answer("The cat sat.", ("at",))
    assert contains_answer("It cost $1.4 million.", ("$1.4  million",))


def make_dataset(folder: Path) -> Path:
    articles = [
        {"id": "a1", "title": None, "source": "CNN", "url": None, "published": None,
         "text": "(CNN) -- The harbour of Port Elm reopened on Monday.\n\n"
                 "Mayor Ann Lee said 300 ships were waiting.\n\nTrade resumed at noon."},
        {"id": "a2", "title": None, "source": "CNN", "url": None, "published": None,
         "text": "The festival in Oakridge drew 40,000 people.\n\nIt ended on Sunday night."},
    ]
    questions = [
        {"id": "q1", "article_id": "a1", "question": "How many ships were waiting?",
         "answers": ["300"], "answer_spans": [[0, 3]]},
        {"id": "q2", "article_id": "a2", "question": "How many people came to the Oakridge "
         "festival?", "answers": ["40,000"], "answer_spans": [[0, 6]]},
        {"id": "q3", "article_id": "a2", "question": "Which bank failed in Zurich?",
         "answers": ["none"], "answer_spans": [[0, 4]]},
    ]
    write_jsonl(folder / "articles.jsonl", articles)
    write_jsonl(folder / "questions.jsonl", questions)
    return folder


def test_evaluate_scores_each_question(tmp_path: Path):
    result = evaluate(make_dataset(tmp_path), Silent(), window=1, stride=1,
                      ranking=Ranking())
    m = result.metrics
    assert m["questions"] == 3
    assert [r.rank for r in result.per_question] == [1, 1, None]
    assert m["R@1"] == m["R@5"] == pytest.approx(2 / 3)
    assert m["MRR@10"] == pytest.approx(2 / 3)
    assert m["Sent@1"] == pytest.approx(2 / 3)
    assert m["avg_passage_words"] == pytest.approx((8 + 8 + 4 + 7 + 5) / 5)
    assert set(m) == {"R@1", "R@5", "R@10", "MRR@10", "ArtR@5", "Sent@1",
                      "avg_passage_words", "median_query_ms", "questions"}


def test_evaluate_names_the_bad_file(tmp_path: Path):
    make_dataset(tmp_path)
    (tmp_path / "questions.jsonl").write_text('{"id": 1}\n', "utf-8")
    with pytest.raises(EvalDataError, match=r"questions.jsonl:1: not a question record"):
        evaluate(tmp_path, Silent(), window=1, stride=1, ranking=Ranking())
    with pytest.raises(EvalDataError, match="no such file"):
        evaluate(tmp_path / "missing", Silent(), window=1, stride=1, ranking=Ranking())


def test_eval_json_from_the_console(tmp_path: Path, capsys):
    from index.cli import main
    assert main(["eval", "--json", str(make_dataset(tmp_path))]) == 0
    assert json.loads(capsys.readouterr().out)["questions"] == 3
