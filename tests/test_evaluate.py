import json
from pathlib import Path

import pytest

from newsdesk.index.evaluation import EvalDataError, contains_answer, evaluate
from newsdesk.index.params import IndexParams
from newsdesk.index.progress import Silent
from newsdesk.index.ranking import Ranking

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
    result = evaluate(make_dataset(tmp_path), Silent(), params=IndexParams(window=1, stride=1),
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
        evaluate(tmp_path, Silent(), params=IndexParams(window=1, stride=1), ranking=Ranking())
    with pytest.raises(EvalDataError, match="no such file"):
        evaluate(tmp_path / "missing", Silent(), params=IndexParams(window=1, stride=1),
                 ranking=Ranking())


def test_eval_json_from_the_console(tmp_path: Path, capsys):
    from newsdesk.index.cli import main
    assert main(["eval", "--json", str(make_dataset(tmp_path))]) == 0
    assert json.loads(capsys.readouterr().out)["questions"] == 3


def test_compare_reports_both_configurations_and_per_question_changes(tmp_path: Path, capsys):
    from newsdesk.index.cli import main
    data = make_dataset(tmp_path)
    assert main(["eval", "--json", str(data), "--compare", "defaults",
                 "window=2,stride=2,answer_coverage=0.99"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["A"]["config"] == "defaults"
    assert report["B"]["config"] == "window=2,stride=2,answer_coverage=0.99"
    assert report["A"]["R@1"] > report["B"]["R@1"]  # B's gate refuses to answer
    # q2 uses a word ("came") no article has: under the 0.99 gate B does not answer it.
    assert report["A_better"] == ["q2"] and report["B_better"] == []


def test_a_bad_compare_setting_is_a_one_line_error(tmp_path: Path, capsys):
    from newsdesk.index.cli import main
    assert main(["eval", str(make_dataset(tmp_path)), "--compare", "defaults", "k2=3"]) == 2
    assert "unknown ranking setting 'k2=3'" in capsys.readouterr().err


def test_ranking_specs_override_defaults_by_name():
    ranking = Ranking.parse("lead_boost=1.5,answer_passages=2")
    assert ranking.lead_boost == 1.5 and ranking.answer_passages == 2
    assert ranking.describe() == "lead_boost=1.5,answer_passages=2"
    assert Ranking.parse("defaults") == Ranking()
    with pytest.raises(ValueError, match="must be a number"):
        Ranking.parse("lead_boost=high")
