"""Retrieval quality on a NewsQA-style question set (../shared/newsqa-dev's format).

`DATA_DIR/articles.jsonl` is indexed into a throw-away archive, every question in
`DATA_DIR/questions.jsonl` is asked, and the answers are scored:

- R@k: a top-k passage comes from the question's article and contains an answer
  string (case-insensitive, not inside a longer word);
- MRR@10: the mean of 1/rank of the first such passage (0 when none in the top 10);
- ArtR@5: the question's article is among the articles of the top 5 passages;
- Sent@1: the sentence shown as "the answer" contains an answer string.
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .archive import Archive
from .config import IndexSettings
from .errors import UserError
from .params import IndexParams
from .progress import Progress
from .ranking import Ranking
from .records import Hit


class EvalDataError(UserError):
    """The evaluation data is missing or malformed (one line naming the file)."""


@dataclass(frozen=True)
class Question:
    id: str
    article_id: str
    text: str
    answers: tuple[str, ...]  # none for a negative judgement (from `newsdesk feedback export`)
    wrong_sentence: str | None = None  # a 👎: this sentence was shown and is not the answer
    wrong_article: str | None = None  # "wrong article": this article was shown first

    @property
    def negative(self) -> bool:
        return not self.answers


@dataclass(frozen=True)
class QuestionResult:
    id: str
    rank: int | None  # 1-based rank of the first answering passage in the top 10
    article_rank: int | None
    sentence_ok: bool


@dataclass
class EvalResult:
    metrics: dict[str, float]
    per_question: list[QuestionResult] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)


@dataclass(frozen=True)
class EvalConfig:
    """What is evaluated: index params and ranking, from a spec such as
    "window=4,stride=2,lead_boost=1.3" (unnamed settings keep their defaults)."""

    params: IndexParams
    ranking: Ranking
    spec: str

    @classmethod
    def parse(cls, spec: str, params: IndexParams) -> EvalConfig:
        index_keys = set(params.to_json())
        baked: dict[str, str] = {}
        rest = []
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key, _, value = part.partition("=")
            if key.strip() in index_keys:
                baked[key.strip()] = value.strip()
            else:
                rest.append(part)
        return cls(params.with_changes(baked), Ranking.parse(",".join(rest)), spec or "defaults")


@dataclass(frozen=True)
class Comparison:
    """Per-question differences between two evaluations of the same questions."""

    better_a: list[tuple[Question, QuestionResult, QuestionResult]]
    better_b: list[tuple[Question, QuestionResult, QuestionResult]]
    sentence_a_only: list[Question]
    sentence_b_only: list[Question]


def compare(a: EvalResult, b: EvalResult) -> Comparison:
    """Which questions each configuration answers better (by the rank of the first
    answering passage, missing counting as worst), and whose answer sentence is right."""
    def rank(r: QuestionResult) -> int:
        return r.rank if r.rank is not None else 99

    better_a, better_b, sent_a, sent_b = [], [], [], []
    for question, ra, rb in zip(a.questions, a.per_question, b.per_question, strict=True):
        if rank(ra) < rank(rb):
            better_a.append((question, ra, rb))
        elif rank(rb) < rank(ra):
            better_b.append((question, ra, rb))
        if ra.sentence_ok and not rb.sentence_ok:
            sent_a.append(question)
        elif rb.sentence_ok and not ra.sentence_ok:
            sent_b.append(question)
    return Comparison(better_a, better_b, sent_a, sent_b)


def load_questions(path: Path) -> list[Question]:
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalDataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            questions.append(Question(str(item["id"]), str(item["article_id"]),
                                      str(item["question"]), tuple(item["answers"]),
                                      item.get("wrong_sentence"), item.get("wrong_article")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvalDataError(f"{path}:{lineno}: not a question record ({exc})") from None
    return questions


def contains_answer(text: str, answers: tuple[str, ...]) -> bool:
    for answer in answers:
        answer = " ".join(answer.split())
        if answer and re.search(rf"(?<!\w){re.escape(answer)}(?!\w)", text, re.IGNORECASE):
            return True
    return False


def score_question(question: Question, hits: list[Hit]) -> QuestionResult:
    rank = next((i for i, h in enumerate(hits[:10], start=1)
                 if h.article_id == question.article_id
                 and contains_answer(h.passage, question.answers)), None)
    article_rank = next((i for i, h in enumerate(hits[:10], start=1)
                         if h.article_id == question.article_id), None)
    sentence_ok = bool(hits) and hits[0].article_id == question.article_id and (
        contains_answer(hits[0].sentence, question.answers))
    return QuestionResult(question.id, rank, article_rank, sentence_ok)


def evaluate(data_dir: Path, progress: Progress, *, params: IndexParams,
             ranking: Ranking) -> EvalResult:
    """Index `data_dir`'s articles in a throw-away archive and score every question."""
    articles = data_dir / "articles.jsonl"
    if not articles.is_file():
        raise EvalDataError(f"{articles}: no such file")
    questions = load_questions(data_dir / "questions.jsonl")
    with tempfile.TemporaryDirectory(prefix="newsdesk-eval-") as tmp:
        archive = Archive(IndexSettings(Path(tmp), params), ranking)
        try:
            report = archive.add([articles], progress)
            if report.rejected:
                raise EvalDataError(str(report.rejected[0]))
            progress.stage("Asking questions", len(questions))
            results, latencies, repeated = [], [], []
            for question in questions:
                began = time.perf_counter()
                hits = archive.ask(question.text, k=10).hits
                latencies.append(time.perf_counter() - began)
                if question.negative:
                    repeated.append(repeats_a_wrong_answer(question, hits))
                else:
                    results.append(score_question(question, hits))
                progress.advance()
            words = archive.passage_words()
        finally:
            archive.close()
    metrics = _metrics(results, latencies, words)
    if repeated:  # judged by users: how many of the answers they called wrong come back
        metrics.update({"negatives": len(repeated),
                        "negatives_repeated": sum(repeated) / len(repeated)})
    return EvalResult(metrics, results, [q for q in questions if not q.negative])


def repeats_a_wrong_answer(question: Question, hits: list[Hit]) -> bool:
    """The first hit shows again what a user called wrong (the sentence, or the article)."""
    if not hits:
        return False
    first = hits[0]
    if question.wrong_article is not None and first.article_id == question.wrong_article:
        return True
    return first.sentence == question.wrong_sentence


def _metrics(results: list[QuestionResult], latencies: list[float],
             words: list[int]) -> dict[str, float]:
    n = len(results) or 1

    def recall(k: int) -> float:
        return sum(r.rank is not None and r.rank <= k for r in results) / n

    return {
        "R@1": recall(1),
        "R@5": recall(5),
        "R@10": recall(10),
        "MRR@10": sum(1 / r.rank for r in results if r.rank) / n,
        "ArtR@5": sum(r.article_rank is not None and r.article_rank <= 5 for r in results) / n,
        "Sent@1": sum(r.sentence_ok for r in results) / n,
        "avg_passage_words": statistics.fmean(words) if words else 0.0,
        "median_query_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "questions": len(results),
    }
