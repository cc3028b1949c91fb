"""The archive: the article store plus its search index, behind one small API.

`Archive` is the core's one front door: the console and the Discord bot call its
methods and lay out what they return; the store, the index and the searcher
stay inside it.

    archive = Archive(load_config(path).index)
    archive.add([Path("seeds")])
    answer = archive.ask("How many fighters were killed?", k=3)
    answer.hits[0].sentence
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .analyzer import ANALYZER_VERSION, Analyzer
from .database import Database
from .errors import UserError
from .params import IndexParams
from .progress import Progress, Silent
from .ranking import Ranking
from .records import Article, Hit
from .snapshot import Snapshot, clear_index, current_manifest, has_index, load_snapshot
from .store import Store
from .wording import plural, window_label

# What only writing, feeds, briefings, feedback or watches need is imported where it is
# used, so that a process that only asks (`newsdesk ask`) starts without loading it.
if TYPE_CHECKING:
    from .briefing import Briefing
    from .config import FeedSource, IndexSettings
    from .feedback import FeedbackLog, FeedbackSummary, ShownAnswer
    from .feedlog import FeedLog, FeedPoll
    from .feeds import FeedReport
    from .fetch import Fetcher
    from .indexer import AddedArticles
    from .ingest import IngestReport
    from .markers import Marker, Markers
    from .records import RawRecord, Rejection
    from .search import Answer, Searcher
    from .timeline import Timeline
    from .watches import Alert, Watch, Watches


class NoIndexError(UserError):
    """The archive has no index yet."""


@dataclass(frozen=True)
class ArchiveStats:
    data_dir: Path
    articles: int
    sources: list[tuple[str, int]]  # every outlet with its number of articles
    first_date: str | None
    last_date: str | None
    undated: int
    indexed_passages: int | None  # None when there is no index
    index_segments: int
    index_built_at: str | None  # when it last changed
    index_stale: bool
    params: IndexParams  # what the index is built with (window, stride, k1, b)
    index_bytes: int
    feeds: list[FeedPoll]  # each polled feed's latest poll

    def to_json(self) -> dict[str, object]:
        return {
            "data_dir": str(self.data_dir), "articles": self.articles,
            "sources": [{"name": name, "articles": count} for name, count in self.sources],
            "first_date": self.first_date, "last_date": self.last_date,
            "undated": self.undated, "indexed_passages": self.indexed_passages,
            "index_segments": self.index_segments,
            "index_built_at": self.index_built_at, "index_stale": self.index_stale,
            "index_params": self.params.to_json(), "index_bytes": self.index_bytes,
            "feeds": [{"url": f.url, "polled_at": f.polled_at.isoformat(),
                       "outcome": f.outcome, "ok": f.ok} for f in self.feeds],
        }


@dataclass(frozen=True)
class Selection:
    """Articles picked by id (or a unique id prefix) or by outlet, and what matched none."""

    articles: list[Article]
    problems: list[str]  # one line per id or outlet that picks no single article


@dataclass(frozen=True)
class TitleMatch:
    article_id: str
    title: str
    source: str


def bundled_seeds() -> Path:
    """The seed articles: index/seeds/ when installed (pyproject.toml maps seeds/ there),
    or seeds/ beside index/ in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "seeds"
    return installed if installed.is_dir() else here.parent / "seeds"


class Archive:
    def __init__(self, settings: IndexSettings, ranking: Ranking | None = None) -> None:
        self.settings = settings
        self.ranking = ranking or Ranking()
        self._db = Database(settings.data_dir / "newsdesk.sqlite3")
        self._store = Store(self._db)
        self._index_root = settings.data_dir / "index"
        self._analyzer = Analyzer()
        self._snapshot: Snapshot | None = None
        self._searcher: Searcher | None = None  # over _snapshot, made when first asked
        self._lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._writers = 0

    def close(self) -> None:
        self._db.close()

    @cached_property
    def _feed_log(self) -> FeedLog:
        from .feedlog import FeedLog

        return FeedLog(self._db)

    @cached_property
    def _markers(self) -> Markers:
        from .markers import Markers

        return Markers(self._db)

    @cached_property
    def _feedback(self) -> FeedbackLog:
        from .feedback import FeedbackLog

        return FeedbackLog(self._db)

    @cached_property
    def _watches(self) -> Watches:
        from .watches import Watches

        return Watches(self._db)

    # Changing the archive ------------------------------------------------------

    def add(self, sources: Iterable[Path | str], progress: Progress | None = None,
            fetcher: Fetcher | None = None) -> IngestReport:
        """Ingest files, folders and http(s) page URLs, then bring the index up to date
        if anything changed. Pages are fetched before the write lock is taken."""
        from .ingest import IngestReport, fetch_pages, is_url, read_paths

        progress = progress or Silent()
        sources = list(sources)
        urls = [s for s in sources if is_url(s)]
        paths = [Path(s) for s in sources if not is_url(s)]
        pages: list[RawRecord | Rejection] = []
        if urls:  # (fetch.py loads ssl and http: only when there are pages to fetch)
            from .fetch import Fetcher

            pages = fetch_pages(urls, fetcher or Fetcher(), progress)
        report = IngestReport(files=len(urls))
        with self._writing():
            records = chain(read_paths(paths, self.settings.data_dir.resolve(), report,
                                       progress), pages)
            self._store_and_index(records, report, progress)
        return report

    def add_bytes(self, files: Iterable[tuple[str, bytes]], source: str,
                  progress: Progress | None = None) -> IngestReport:
        """Ingest files' contents (uploads), each a (name, data) pair whose name says its
        format; `source` is the outlet of records that name none. The index is updated
        once, after all of them."""
        from .ingest import IngestReport
        from .readers import read_bytes

        files = list(files)
        with self._writing():
            report = IngestReport(files=len(files))
            records = chain.from_iterable(read_bytes(name, data, source) for name, data in files)
            self._store_and_index(records, report, progress or Silent())
        return report

    def add_records(self, records: Iterable[RawRecord | Rejection],
                    progress: Progress | None = None) -> IngestReport:
        """Ingest records read elsewhere (feed entries), then update the index."""
        from .ingest import IngestReport

        with self._writing():
            report = IngestReport()
            self._store_and_index(records, report, progress or Silent())
        return report

    def _store_and_index(self, records: Iterable[RawRecord | Rejection], report: IngestReport,
                         progress: Progress) -> None:
        """Store the records, update the index and announce the new stories (under the
        write lock). When the index is to take in only the articles added, they are
        numbered for it as they are analysed and handed over (indexer.AddedArticles)."""
        from .ingest import store_records

        added = self._added_articles()
        store_records(self._store, self._analyzer, records, report, added)
        self._update_index(progress, added)
        report.alerts = self._announce(report.added_articles)

    def _added_articles(self) -> AddedArticles | None:
        """Somewhere to number an add's articles for the index, when they will be all it
        takes in (a new archive's first build, or an update of an index that was current):
        else None. (Only a guess, made cheaply: the index update checks before it uses
        them.)"""
        from .indexer import AddedArticles

        params = self.settings.params
        if params.analyzer != ANALYZER_VERSION:  # the terms stored are not the index's
            return None
        current = self._current_snapshot()
        if current is None or current.params != params:
            fresh = self._store.is_empty()  # a full build: of just these
        else:
            fresh = (current.store_revision == self._store.revision()
                     and not self._store.changes_since(current.change_seq)[1])
        return AddedArticles(params) if fresh else None

    def select(self, ids: Iterable[str] = (), source: str | None = None) -> Selection:
        """The articles `ids` name (each an id or a unique prefix of one) and, with
        `source`, every article of that outlet: what `remove` would remove."""
        chosen: dict[str, Article] = {}
        problems = []
        for given in ids:
            article_id = self.resolve_id(given)
            if article_id is None:
                matches = len(self._store.ids_starting(given.strip(), 2))
                problems.append(f"{given}: " + ("no article has this id" if not matches else
                                                "more than one article's id starts so"))
            else:
                chosen.setdefault(article_id, None)
        if source is not None:
            from_source = self._store.ids_from(source)
            if not from_source:
                problems.append(f"{source}: no article is from this outlet")
            chosen.update(dict.fromkeys(from_source))
        found = self._store.articles(chosen)  # (an empty prefix picks nothing: resolve_id)
        return Selection([found[i] for i in chosen if i in found], problems)

    def remove(self, article_ids: Iterable[str], progress: Progress | None = None) -> int:
        """Remove these articles (a retracted story, a wrong upload) and update the index;
        returns how many were removed."""
        with self._writing():
            removed = self._store.remove(article_ids)
            self._update_index(progress or Silent())
        return removed

    def poll_feed(self, feed: FeedSource, fetcher: Fetcher) -> FeedReport:
        """Fetch one feed and add its new entries; never raises for a bad feed."""
        from .feeds import poll

        return poll(feed, fetcher, self._feed_log, self._store.known, self.add_records)

    def rebuild(self, progress: Progress | None = None) -> None:
        """Build a fresh index from the store, as one segment, and switch to it
        atomically."""
        from .indexer import build_index

        with self._writing():
            build_index(self._store, self._index_root, self._analyzer, self.settings.params,
                        progress or Silent())

    def ensure_searchable(self, progress: Progress | None = None, *,
                          seed: bool = False) -> str | None:
        """Make sure there is an index to search: an index behind the store or built with
        other settings is rebuilt, and with `seed` (the quick start's default archive
        only) a new, empty archive gets the bundled seed articles. Returns what was done,
        or None."""
        if self._store.is_empty():
            if self._store.revision():
                raise NoIndexError("the archive is empty (every article was removed); add "
                                   "articles with 'newsdesk add PATH'")
            if not seed:
                raise NoIndexError(f"the archive in {self.settings.data_dir} is empty; add "
                                   "articles with 'newsdesk add PATH'")
            seeds = bundled_seeds()
            if not seeds.is_dir():
                raise NoIndexError(f"the archive is empty and the bundled seeds are missing "
                                   f"({seeds}); add articles with 'newsdesk add PATH'")
            self.add([seeds], progress)
            return f"the archive was empty: indexed the bundled seed articles from {seeds}"
        why = self.stale_reason()
        if why:
            with self._writing():
                rebuilt = self._update_index(progress or Silent())
            return f"the index was {'rebuilt' if rebuilt else 'brought up to date'}: {why}"
        return None

    def has_index(self) -> bool:
        return self._current_snapshot() is not None

    def is_ready(self) -> bool:
        """True when there is something to search and the index is current."""
        return not self._store.is_empty() and self.stale_reason() is None

    def needs_rebuild(self) -> bool:
        return self.stale_reason() is not None

    def stale_reason(self) -> str | None:
        """Why the index does not reflect the store and the settings, or None."""
        snapshot = self._current_snapshot()
        if snapshot is None:
            if self._store.is_empty():
                return None
            return ("it was built by an older newsdesk" if has_index(self._index_root)
                    else "there is no index yet")
        built = snapshot.params
        if built != self.settings.params:
            changes = ", ".join(self.settings.params.differences(built))
            return f"its settings changed ({changes})"
        if snapshot.store_revision != self._store.revision():
            return "articles were added or removed since it was built"
        return None

    def _update_index(self, progress: Progress, added: AddedArticles | None = None) -> bool:
        """Index what changed in the store: only the changes when the index is current
        otherwise (see indexer.py), everything when it is missing or was built with
        other settings. `added`: the articles just added, numbered (used when they are
        all there is to index). Returns whether everything was indexed anew."""
        from .indexer import build_index, update_index

        if self._store.is_empty():
            if added is not None:
                added.let_go()
            clear_index(self._index_root)  # everything was removed
            return True
        current = self._current_snapshot()
        params = self.settings.params
        if current is None or current.params != params:
            build_index(self._store, self._index_root, self._analyzer, params, progress,
                        added)
            return True
        update_index(self._store, current, self._analyzer, params, progress, added)
        updated = self._current_snapshot()
        if (updated is None or updated.meta.get("articles") != self._store.count()
                or updated.store_revision != self._store.revision()):
            # The store changed without logging it (an older newsdesk, a restored backup):
            # only a full build can tell what.
            build_index(self._store, self._index_root, self._analyzer, params, progress)
            return True
        return False

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time, across threads and processes (the bot polling feeds
        while someone runs `newsdesk add`): readers never wait for it."""
        with self._write_lock:
            if self._writers:  # re-entered by this thread: the file lock is held already
                yield
                return
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            with open(self.settings.data_dir / "write.lock", "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                self._writers += 1
                try:
                    yield
                finally:
                    self._writers -= 1
                    fcntl.flock(handle, fcntl.LOCK_UN)

    # Reading the archive -------------------------------------------------------

    def ask(self, question: str, k: int = 5, *, source: str | None = None,
            since: date | None = None, until: date | None = None,
            today: date | None = None) -> Answer:
        """The best `k` passages that answer `question`, the answering one first; see
        `Searcher.ask`. When filters leave nothing, the answer says which and what the
        archive holds (`Answer.filters_note`)."""
        answer = self._search().ask(question, k, source=source, since=since, until=until,
                                    today=today)
        return self._explain_filters(answer, source, since, until)

    def search(self, query: str, k: int = 10, *, source: str | None = None,
               since: date | None = None, until: date | None = None,
               today: date | None = None) -> Answer:
        """Like `ask`, but a looser listing: any passage with a real share of the query's
        words is listed."""
        from .search import LOOSE_COVERAGE

        answer = self._search().ask(query, k * 3, source=source, since=since, until=until,
                                    min_coverage=LOOSE_COVERAGE, today=today)
        listing = replace(answer, hits=_first_per_article(answer.hits)[:k])
        return self._explain_filters(listing, source, since, until)

    def _explain_filters(self, answer: Answer, source: str | None, since: date | None,
                         until: date | None) -> Answer:
        if answer.hits or (source is None and since is None and until is None):
            return answer
        from .search import LOOSE_COVERAGE

        if not self._search().ask(answer.question, 1, min_coverage=LOOSE_COVERAGE).hits:
            return answer  # nothing matches without the filters either: they are not why
        parts = []
        if source is not None:
            outlets = self._store.sources()
            if not any(name.casefold() == source.strip().casefold() for name, _ in outlets):
                listed = ", ".join(f"{name} ({count})" for name, count in outlets[:8])
                more = f" and {len(outlets) - 8} more" if len(outlets) > 8 else ""
                parts.append(f"no article is from “{source}”; the outlets are {listed}{more}")
        if since is not None or until is not None:
            first, last, undated = self._store.date_range()
            dates = f"articles are dated {first} to {last}" if first else "no article is dated"
            left_out = (f"; {plural(undated, 'undated article')} "
                        f"{'is' if undated == 1 else 'are'} left out by a date filter"
                        if undated else "")
            parts.append(f"the window is {window_label(since, until)}: {dates}{left_out}")
        if not parts:
            parts.append("nothing matches within the filters; try without them")
        note = "; ".join(parts)
        return replace(answer, filters_note=note[:1].upper() + note[1:])

    def brief(self, topic: str, *, since: date | None = None, until: date | None = None,
              added_after: datetime | None = None, limit: int = 8) -> Briefing:
        """What the archive says on `topic`; see `briefing.build_briefing`."""
        from .briefing import build_briefing

        return build_briefing(self._search(), topic, since=since, until=until,
                              added_after=added_after, limit=limit)

    def timeline(self, topic: str, *, since: date | None = None, until: date | None = None,
                 limit: int = 30) -> Timeline:
        """The dated stories on `topic`, oldest first, grouped by day (timeline.py)."""
        from .timeline import timeline_of

        return timeline_of(self.brief(topic, since=since, until=until, limit=limit))

    def article(self, article_id: str) -> Article | None:
        """The article with this id, or with a unique id prefix (ids are long to type)."""
        resolved = self.resolve_id(article_id)
        return self._store.article(resolved) if resolved else None

    def resolve_id(self, text: str) -> str | None:
        """The id `text` names: itself, or the one id it is a unique prefix of."""
        text = text.strip()
        if not text:
            return None
        if self._store.contains(text):
            return text
        matches = self._store.ids_starting(text, 2)
        return matches[0] if len(matches) == 1 else None

    def sources(self) -> list[str]:
        """The outlets in the index, by name."""
        snapshot = self._current_snapshot()
        return snapshot.live_sources() if snapshot else []

    def titles(self, text: str, limit: int = 25) -> list[TitleMatch]:
        """Articles whose title or id contains `text`, newest first."""
        return [TitleMatch(*row) for row in self._store.titles_matching(text, limit)]

    def passage_words(self) -> list[int]:
        """Words (split on white space) in each indexed passage: what a reader reads."""
        snap = self._search().snapshot
        live = snap.passages.live
        passages = np.arange(snap.passages.size) if live is None else np.flatnonzero(live)
        texts = self._store.articles(snap.article_ids)  # (not those removed since)
        ids = [snap.article_ids[a] for a in snap.passage_article[passages].tolist()]
        return [len(texts[i].text[s:e].split()) for i, s, e in zip(
            ids, snap.passage_start[passages].tolist(), snap.passage_end[passages].tolist(),
            strict=True) if i in texts]

    # Feedback on answers --------------------------------------------------------

    def record_answer(self, answer: Answer, asker: str, channel: int | None = None) -> int:
        """Keep an answer as shown to `asker` (any id: only its salted hash is kept) in
        `channel`, so that its buttons work after a restart and verdicts on it can be
        given; its id."""
        return self._feedback.record_answer(answer.question, answer.note, answer.confident,
                                            answer.hits, asker, channel)

    def answer_token(self, answer_id: int, channel: int | None) -> str:
        """The token a shown answer's buttons carry (see FeedbackLog.token)."""
        return self._feedback.token(answer_id, channel)

    def shown_answer(self, answer_id: int, token: str | None = None,
                     channel: int | None = None) -> ShownAnswer | None:
        """A shown answer; with `token`, only when the token is its own for `channel`."""
        return self._feedback.answer(answer_id, token, channel)

    def is_asker(self, shown: ShownAnswer, user: str) -> bool:
        return self._feedback.user_key(user) == shown.asker

    def record_feedback(self, answer_id: int, user: str, verdict: str) -> None:
        """`user`'s verdict on a shown answer: up, down or wrong_article (the latest
        counts)."""
        self._feedback.record(answer_id, user, verdict)

    def feedback_summary(self, since: datetime | None = None) -> FeedbackSummary:
        return self._feedback.summary(since)

    def export_feedback(self, out_dir: Path, since: datetime | None = None) -> int:
        """Write the verdicts as an eval set (see feedback.export); how many questions."""
        from .feedback import export

        judgements = self._feedback.judgements(since)
        ids = {h.article_id for j in judgements for h in j.answer.hits}
        return export(judgements, self._store.articles(ids), out_dir)

    # Watches ----------------------------------------------------------------------

    def add_watch(self, topic: str, channel: int | None = None) -> Watch:
        """Follow `topic`: each new story on it is announced once (watches.py)."""
        if not topic.strip():
            raise ValueError("a watch needs a topic")
        return self._watches.add(topic.strip()[:200], channel)

    def watches(self) -> list[Watch]:
        return self._watches.all()

    def remove_watch(self, watch_id: int) -> bool:
        return self._watches.remove(watch_id)

    def unposted_alerts(self) -> list[Alert]:
        """Alerts for watches with a channel that no bot has posted yet."""
        return self._watches.unposted()

    def mark_alerts_posted(self, alert_ids: list[int]) -> None:
        self._watches.mark_posted(alert_ids)

    def _announce(self, added: list[Article]) -> list[Alert]:
        """The new stories among `added` on each watched topic, recorded once."""
        watches = self._watches.all()
        if not added or not watches or self._current_snapshot() is None:
            return []
        searcher = self._search()
        new = {a.id: a for a in added}
        ids = searcher.snapshot.article_ids
        matches = {}
        for watch in watches:
            # Not spell-corrected: a watch names what the archive may not hold yet.
            topic = searcher.parse(watch.topic, correct_spelling=False)
            on_topic = np.flatnonzero(searcher.articles_on(topic))
            matches[watch.id] = [new[ids[i]] for i in on_topic.tolist() if ids[i] in new]
        return self._watches.announce(matches, self._store.article)

    def marker(self, key: str) -> Marker | None:
        """A scheduler's marker: the last slot its job covered (see markers.py)."""
        return self._markers.get(key)

    def set_marker(self, key: str, marker: Marker) -> None:
        self._markers.set(key, marker)

    def stats(self) -> ArchiveStats:
        first, last, undated = self._store.date_range()
        snapshot = self._current_snapshot()
        meta = snapshot.meta if snapshot else {}
        try:
            size = snapshot.disk_bytes() if snapshot else 0
        except FileNotFoundError:  # another process's change removed a file of it
            size = 0
        return ArchiveStats(
            data_dir=self.settings.data_dir, articles=self._store.count(),
            sources=self._store.sources(), first_date=first, last_date=last, undated=undated,
            indexed_passages=meta.get("passages"),
            index_segments=len(snapshot.entries) if snapshot else 0,
            index_built_at=meta.get("built_at"),
            index_stale=self.needs_rebuild(),
            params=snapshot.params if snapshot else self.settings.params,
            index_bytes=size, feeds=self._feed_log.polls(),
        )

    def _search(self) -> Searcher:
        """The searcher over the current index (search.py is imported only by processes
        that search)."""
        snapshot = self._current_snapshot()
        if snapshot is None:
            raise NoIndexError("no index yet: add articles with 'newsdesk add PATH'")
        with self._lock:
            searcher = self._searcher
            if searcher is None or searcher.snapshot is not snapshot:
                from .search import Searcher

                searcher = Searcher(snapshot, self._store, self._analyzer, self.ranking)
                if snapshot is self._snapshot:  # (not one a newer index replaced meanwhile)
                    self._searcher = searcher
            return searcher

    def _current_snapshot(self) -> Snapshot | None:
        """The current index, reloaded when a writer (here or in another process)
        switched it."""
        name = current_manifest(self._index_root)
        with self._lock:
            if name is None:
                self._snapshot = None
            elif self._snapshot is None or self._snapshot.name != name:
                # (may be newer than `name`; segments already loaded are kept)
                self._snapshot = load_snapshot(self._index_root, self._snapshot)
            return self._snapshot


def _first_per_article(hits: list[Hit]) -> list[Hit]:
    """The best hit of each article, in order: a listing shows one row per article."""
    seen: set[str] = set()
    kept = []
    for hit in hits:
        if hit.article_id not in seen:
            seen.add(hit.article_id)
            kept.append(hit)
    return kept
