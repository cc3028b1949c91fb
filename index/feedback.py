"""What the askers thought of the answers they were shown: 👍, 👎 and "wrong article".

Every answer the bot shows is kept (the question, the hits as shown, when, and a salted
one-way hash of the asker), so its buttons keep working after a restart and a verdict
can be tied to what was on screen. A user's verdict on an answer replaces their
earlier one. `export` writes the verdicts in `newsdesk eval`'s format, so an archive
can be measured on its own users' questions.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections import Counter
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from .database import Database, utc_stamp
from .records import Article, Hit

SCHEMA = """
CREATE TABLE IF NOT EXISTS shown_answers (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    shown TEXT NOT NULL,     -- JSON: the note, the confidence and the hits as shown
    channel INTEGER,         -- where it was shown: its buttons work there only
    asker TEXT NOT NULL,     -- salted hash of the asker's id
    shown_at TEXT NOT NULL   -- UTC, ISO 8601
);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id INTEGER NOT NULL REFERENCES shown_answers(id) ON DELETE CASCADE,
    user TEXT NOT NULL,      -- salted hash of the user's id
    verdict TEXT NOT NULL CHECK (verdict IN ('up', 'down', 'wrong_article')),
    given_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user)
);
CREATE TABLE IF NOT EXISTS feedback_salt (salt TEXT NOT NULL);
"""
VERDICTS = ("up", "down", "wrong_article")


@dataclass(frozen=True)
class ShownAnswer:
    """An answer as it was shown: what its buttons re-render and its verdicts judge."""

    id: int
    question: str
    note: str
    confident: bool
    hits: list[Hit]
    asker: str  # salted hash


@dataclass(frozen=True)
class Judgement:
    answer: ShownAnswer
    verdict: str  # up, down or wrong_article
    given_at: datetime


@dataclass(frozen=True)
class FeedbackSummary:
    since: datetime | None
    answers_shown: int
    verdicts: dict[str, int]  # up / down / wrong_article → count
    recent_down: list[Judgement]  # the latest 👎 and wrong-article verdicts, newest first

    def to_json(self) -> dict[str, object]:
        return {"since": self.since.isoformat() if self.since else None,
                "answers_shown": self.answers_shown, "verdicts": self.verdicts,
                "recent_down": [{"question": j.answer.question, "verdict": j.verdict,
                                 "sentence": j.answer.hits[0].sentence if j.answer.hits else "",
                                 "article_id": j.answer.hits[0].article_id if j.answer.hits
                                 else None, "given_at": j.given_at.isoformat()}
                                for j in self.recent_down]}


class FeedbackLog:
    def __init__(self, db: Database) -> None:
        self._db = db
        db.create(SCHEMA)

    def user_key(self, user: str) -> str:
        """A one-way key for a user id: the ids of a server are few enough to try them
        all, so the hash is salted with a secret kept in the archive."""
        return hashlib.sha256(f"{self._salt()}:{user}".encode()).hexdigest()[:32]

    def record_answer(self, question: str, note: str, confident: bool, hits: list[Hit],
                      asker: str, channel: int | None) -> int:
        shown = json.dumps({"note": note, "confident": confident,
                            "hits": [asdict(h) for h in hits]}, ensure_ascii=False)
        cursor = self._db.execute(
            "INSERT INTO shown_answers (question, shown, channel, asker, shown_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (question, shown, channel, self.user_key(asker), utc_stamp(datetime.now(UTC))))
        return int(cursor.lastrowid or 0)

    def token(self, answer_id: int, channel: int | None) -> str:
        """What a button must carry to act on the answer, in that channel: its ids are
        counted, so without it anyone could page or dismiss another channel's answer."""
        message = f"{answer_id}:{channel}".encode()
        return hmac.new(self._salt().encode(), message, hashlib.sha256).hexdigest()[:16]

    def answer(self, answer_id: int, token: str | None = None,
               channel: int | None = None) -> ShownAnswer | None:
        """A shown answer; with `token`, only if it is the answer's token for `channel`."""
        if token is not None and not hmac.compare_digest(token, self.token(answer_id, channel)):
            return None
        row = self._db.one("SELECT id, question, shown, asker FROM shown_answers WHERE id = ?",
                           (answer_id,))
        return _shown(row) if row else None

    def record(self, answer_id: int, user: str, verdict: str) -> None:
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        self._db.execute(
            "INSERT INTO feedback (answer_id, user, verdict, given_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(answer_id, user) DO UPDATE SET verdict = excluded.verdict,"
            " given_at = excluded.given_at",
            (answer_id, self.user_key(user), verdict, utc_stamp(datetime.now(UTC))))

    def judgements(self, since: datetime | None = None) -> list[Judgement]:
        """Every verdict given since `since`, newest first."""
        rows = self._db.all(
            "SELECT a.id, a.question, a.shown, a.asker, f.verdict, f.given_at FROM feedback f"
            " JOIN shown_answers a ON a.id = f.answer_id WHERE f.given_at >= ?"
            " ORDER BY f.given_at DESC", (utc_stamp(since) if since else "",))
        return [Judgement(_shown(row[:4]), row[4], datetime.fromisoformat(row[5]))
                for row in rows]

    def summary(self, since: datetime | None = None) -> FeedbackSummary:
        shown = self._db.one("SELECT count(*) FROM shown_answers WHERE shown_at >= ?",
                             (utc_stamp(since) if since else "",))
        judgements = self.judgements(since)
        counts = Counter(j.verdict for j in judgements)
        return FeedbackSummary(since, shown[0] if shown else 0,
                               {v: counts.get(v, 0) for v in VERDICTS},
                               [j for j in judgements if j.verdict != "up"][:10])

    def _salt(self) -> str:
        row = self._db.one("SELECT salt FROM feedback_salt")
        if row:
            return row[0]
        with self._db.transaction():
            found = self._db.execute("SELECT salt FROM feedback_salt").fetchone()
            if found:
                return found[0]
            salt = secrets.token_hex(16)
            self._db.execute("INSERT INTO feedback_salt (salt) VALUES (?)", (salt,))
        return salt


def export(judgements: list[Judgement], articles: dict[str, Article], out_dir: Path) -> int:
    """Write `questions.jsonl` and `articles.jsonl` in `newsdesk eval`'s format: a 👍
    makes the sentence shown the answer; a 👎 or "wrong article" is kept as a negative
    judgement (`wrong_sentence`, `wrong_article`). The articles are every one the judged
    answers showed, so eval ranks among what the users saw. Returns how many questions."""
    out_dir.mkdir(parents=True, exist_ok=True)
    questions, used = [], set()
    for judgement in judgements:
        shown = judgement.answer
        if not shown.hits or shown.hits[0].article_id not in articles:
            continue  # nothing shown, or the article was removed since
        first = shown.hits[0]
        record: dict[str, object] = {"id": f"feedback-{shown.id}-{len(questions)}",
                                     "article_id": first.article_id, "question": shown.question,
                                     "answers": [first.sentence] if judgement.verdict == "up"
                                     else []}
        if judgement.verdict == "down":
            record["wrong_sentence"] = first.sentence
        elif judgement.verdict == "wrong_article":
            record["wrong_article"] = first.article_id
        questions.append(record)
        used.update(h.article_id for h in shown.hits if h.article_id in articles)
    with open(out_dir / "questions.jsonl", "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(q, ensure_ascii=False) + "\n" for q in questions)
    with open(out_dir / "articles.jsonl", "w", encoding="utf-8") as handle:
        for article_id in sorted(used):
            a = articles[article_id]
            handle.write(json.dumps({"id": a.id, "title": a.title, "source": a.source,
                                     "url": a.url, "published": a.published,
                                     "authors": list(a.authors), "text": a.text},
                                    ensure_ascii=False) + "\n")
    return len(questions)


def _shown(row: tuple) -> ShownAnswer:
    answer_id, question, shown, asker = row
    data = json.loads(shown)
    known = {f.name for f in fields(Hit)}  # hits stored by another version may differ
    hits = [Hit(**{k: tuple(v) if isinstance(v, list) else v for k, v in h.items() if k in known})
            for h in data["hits"]]
    return ShownAnswer(answer_id, question, data["note"], data["confident"], hits, asker)
