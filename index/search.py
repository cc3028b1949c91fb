"""Answering a question from a loaded index snapshot and the article store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property, partial

import numpy as np

from .alongside import alongside
from .analyzer import ANALYZER_VERSION, Analyzer
from .answer import Candidate, best_index, score_sentences
from .bm25 import Bm25, summed_at, top_k
from .corroboration import Report, Signature, corroborate, signature, strongest
from .duplicates import same_story, shingles
from .periods import Period, question_period, without_relative_time
from .question import search_text
from .ranking import Ranking
from .records import Article, Hit
from .segments import UNDATED, day_number
from .snapshot import Snapshot
from .spelling import correct
from .store import Store

# `search` lists looser matches than `ask` (Ranking.min_coverage): any passage with a
# real share of the question's words.
LOOSE_COVERAGE = 0.15
# How many top passages to look through to collect k that do not overlap.
_CANDIDATES_PER_HIT = 8
# A question is searched for by its first this many characters: no real question is
# longer, and the cost of parsing grows with the length of what is pasted.
MAX_QUESTION_CHARS = 1000
# When the needed terms' postings add up to over 1 / this share of the passages (a bound
# on the candidates, cheap to know), every passage is scored over whole arrays (cheaper
# then: at 300k, p95 of scoring 14.8 -> 12.2 ms; from 1/8 on it was slower).
_DENSE_FROM = 3
# From this many candidates, their passages and their articles are scored side by side
# (alongside.py); for fewer, handing work to another thread costs more than it saves.
_ALONGSIDE_FROM = 10_000
# When the candidates number at least 1 / this of the articles (deleted ones included),
# every article is scored over whole arrays (`Bm25.scores`) rather than the candidates'
# articles placed one by one (at 1M passages, from 1/8 on it was as fast or faster: 4.4
# -> 2.0 ms at 127k candidates).
_WHOLE_ARTICLES_FROM = 8
# `_gated_top` looks for a closer bound when more than this many times k places score
# above the first one.
_TIGHTEN_FROM = 8
# Corroboration signatures kept per index, enough for the articles a team asks about.
_SIGNATURES_KEPT = 50_000


@dataclass(frozen=True)
class Query:
    """A question as the index sees it."""

    text: str
    terms: list[str]  # as typed (analysed)
    known_terms: list[str]  # as searched: terms the archive knows, misspellings corrected
    corrections: dict[str, str]  # typed term -> the known term searched instead
    period: Period | None = None  # the time the question names, if any
    period_articles: int = 0  # how many articles were published in that period
    cut: bool = False  # the question was longer than MAX_QUESTION_CHARS: `text` is its start

    def note(self) -> str:
        """What the search did that the asker did not type: "Searched for “border”
        (typed: “boarder”); favoured articles from March 2008", or ""."""
        parts = [f"searched for “{fixed}” (typed: “{typed}”)"
                 for typed, fixed in self.corrections.items()]
        if self.period is not None:
            named = f"{self.period.describe()} (“{self.period.phrase.strip()}”)"
            parts.append(f"favoured articles from {named}" if self.period_articles else
                         f"no article is from {named}: best matches of any date")
        if self.cut:
            parts.append(f"only the first {MAX_QUESTION_CHARS:,} characters of the question "
                         "were searched")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Answer:
    """What `Archive.ask` and `Archive.search` return: the question as it was searched
    and the passages found, best first (the one whose sentence answers leads)."""

    query: Query
    hits: list[Hit]
    # The answer sentence (hits[0]'s) holds Ranking.confident_coverage of the question's
    # weight: shown as the answer. Otherwise the hits are the closest passages.
    confident: bool = False
    # When filters left nothing: which, and what the archive holds ("" otherwise).
    filters_note: str = ""

    @property
    def question(self) -> str:
        return self.query.text

    @property
    def note(self) -> str:
        """What the search did that the asker did not type (see `Query.note`)."""
        return self.query.note()

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"question": self.question, "confident": self.confident,
                                   "hits": [h.to_json() for h in self.hits]}
        if self.note:
            data["note"] = self.note
        if self.filters_note:
            data["filters_note"] = self.filters_note
        return data


class Searcher:
    """Searches one snapshot. Thread-safe: its only state is what it reads of the snapshot
    when first needed (the same whichever thread reads it) and a cache of corroboration
    signatures, which threads may fill at once (a lost entry is recomputed)."""

    def __init__(self, snapshot: Snapshot, store: Store, analyzer: Analyzer,
                 ranking: Ranking) -> None:
        self.snapshot = snapshot
        self.ranking = ranking
        self.store = store
        self.analyzer = analyzer
        self._signatures: dict[int, Signature] = {}  # by article number

    # Made when first asked for (a writer that only checks the index needs none of it).

    @cached_property
    def _bm25(self) -> Bm25:
        return self.snapshot.passages

    @cached_property
    def _passage_article(self) -> np.ndarray:
        return self.snapshot.passage_article

    @cached_property
    def _lead(self) -> np.ndarray:
        return self.snapshot.passage_first

    @cached_property
    def _passages_per_article(self) -> np.ndarray:
        return np.bincount(self._passage_article, minlength=len(self.snapshot.article_ids))

    @cached_property
    def _lead_passages(self) -> np.ndarray:
        return np.flatnonzero(self._lead)

    @cached_property
    def _source_no(self) -> dict[str, int]:
        return {s.casefold(): i for i, s in enumerate(self.snapshot.sources)}

    def term_weight(self, term: str) -> float | None:
        """How informative a term is in this archive (None if no passage has it)."""
        return self._bm25.term_weight(term)

    def parse(self, question: str, today: date | None = None, *,
              correct_spelling: bool = True) -> Query:
        """The question's search terms, misspellings corrected, and the period it names
        (relative to `today`, by default the local date)."""
        cut = len(question) > MAX_QUESTION_CHARS
        question = question[:MAX_QUESTION_CHARS]
        period = question_period(question, today or date.today())
        terms = self.analyzer.terms(search_text(without_relative_time(question, period)))
        knows = self._bm25.knows
        if period is not None:
            # "March 2024" is searched for where articles say it, but neither counts
            # against the relevance of those that do not nor is "corrected" to 2014.
            unsaid = {t for t in self.analyzer.terms(period.phrase) if not knows(t)}
            terms = [t for t in terms if t not in unsaid]
        corrections = {}
        for term in dict.fromkeys(terms) if correct_spelling else ():
            if not knows(term):
                fixed = correct(term, self._bm25.document_frequency)
                if fixed is not None:
                    corrections[term] = fixed
        searched = [corrections.get(t, t) for t in terms]
        in_period = 0 if period is None else int(self._articles_in_period(period).sum())
        return Query(question, terms, [t for t in searched if knows(t)], corrections,
                     period, in_period, cut)

    def ask(self, question: str, k: int = 5, source: str | None = None,
            since: date | None = None, until: date | None = None,
            min_coverage: float | None = None, today: date | None = None) -> Answer:
        """The top `k` distinct passages for `question`, best first, with the question as
        it was searched; no hits when none is relevant.

        `source` keeps only articles from that outlet (case-insensitive); `since` and
        `until` keep only articles published in that date range (inclusive), which
        leaves out undated articles. `min_coverage` is the share of the question's
        weight a passage must match to count as relevant (default: the ranking's; use
        LOOSE_COVERAGE for listings). A time the question names ("in March 2008", "last
        week", relative to `today`) favours articles published then (see periods.py).
        """
        if min_coverage is None:
            min_coverage = self.ranking.min_coverage
        query = self.parse(question, today)
        if not query.known_terms or k < 1:
            return Answer(query, [])
        pool = self._pool(query, k * _CANDIDATES_PER_HIT, min_coverage,
                          self.articles_allowed(source, since, until))
        chosen, copies = self._distinct(pool, k)
        coverage = dict(zip(pool.passages, pool.coverage, strict=True))
        if not any(coverage[p] >= self.ranking.answer_coverage - 1e-9 for p in chosen):
            return Answer(query, [])  # only weak matches: "nothing found" is the honest answer
        hits, answering_terms = self._hits(query, chosen, copies, pool.score_of)
        said = sum(share for term, share in pool.shares.items() if term in answering_terms)
        return Answer(query, hits, said >= self.ranking.confident_coverage - 1e-9)

    def _pool(self, query: Query, size: int, min_coverage: float,
              allowed: np.ndarray | None) -> _Pool:
        """The `size` best relevant passages (see `_gated_top`) of the `allowed`
        articles (all when None).

        A relevant passage holds `min_coverage` of the question's weight. Taking terms
        from the weightiest down until the rest weigh less than that, a passage that
        holds none of those taken cannot be relevant: only passages holding one of them
        are candidates, and the common words of a question add their postings to no
        candidate, only their weight to those found. When most passages are candidates
        (a question of common words), every passage is scored over whole arrays, which
        is cheaper than placing each one, and coverage is computed only for those that
        score high enough to be ranked.
        """
        shares = self._shares(query)
        needed = _needed_terms(shares, min_coverage)
        bm25 = self._bm25
        hint = bm25.hint_documents(query.known_terms, size)
        if sum(map(bm25.document_frequency, needed)) * _DENSE_FROM > bm25.size:
            scores = self._dense_scores(query)
            passages = None

            def coverage_of(at: np.ndarray) -> np.ndarray:
                return self._coverage_of(shares, at)
        else:
            passages = self._passages_holding(needed)
            if not len(passages):
                return _Pool(shares, [], [], [])
            scores, coverage = self._score(query, passages, shares)
            at = np.minimum(np.searchsorted(passages, hint), len(passages) - 1)
            hint = at[passages[at] == hint]  # (the rarest term may not make candidates)

            def coverage_of(at: np.ndarray) -> np.ndarray:
                return coverage[at]
        if allowed is not None:
            owner = self._passage_article if passages is None else (
                self._passage_article[passages])
            unfiltered = coverage_of

            def coverage_of(at: np.ndarray) -> np.ndarray:
                return np.where(allowed[owner[at]], unfiltered(at), 0.0)
        top, coverage = _gated_top(scores, coverage_of, min_coverage, size, hint,
                                   self._relevant_score_positive(shares))
        # Okapi scores tie (at 0 even) on tiny archives, where its IDF degenerates, so
        # coverage breaks ties, then the passage number.
        order = np.lexsort((top, -coverage, -scores[top]))
        top, coverage = top[order], coverage[order]
        numbers = top if passages is None else passages[top]
        return _Pool(shares, numbers.tolist(), scores[top].tolist(), coverage.tolist())

    def _relevant_score_positive(self, shares: dict[str, float]) -> bool:
        """Whether every question term weighs above 0, in passages and in articles: then
        a passage holding one (as every relevant passage does) scores above 0. (Okapi's
        IDF is 0 or below only for common words of a tiny archive.)"""
        return all(weight is None or weight > 0 for term in shares
                   for weight in (self._bm25.idf(term), self.snapshot.articles.idf(term)))

    def _passages_holding(self, terms: list[str]) -> np.ndarray:
        """The passages that hold any of `terms` (ascending)."""
        return _union([self._bm25.documents_with(term) for term in terms], self._bm25.size)

    def _dense_scores(self, query: Query) -> np.ndarray:
        """Every passage's score (see `_score`), added over arrays of all passages."""
        ranking = self.ranking
        terms = query.known_terms
        if ranking.article_weight:
            scores, whole = alongside(partial(self._bm25.scores, terms),
                                      partial(self.snapshot.articles.scores, terms))
            # (Repeating each article's score for its passages is cheaper than indexing.)
            scores += np.repeat(ranking.article_weight * whole, self._passages_per_article)
        else:
            scores = self._bm25.scores(terms)
        _boost_at(scores, self._lead_passages, ranking.lead_boost)
        if query.period is not None:
            _boost(scores, self._articles_in_period(query.period)[self._passage_article],
                   ranking.period_boost)
        return scores

    def _coverage_of(self, shares: dict[str, float], passages: np.ndarray) -> np.ndarray:
        """The share of the question's weight each of `passages` (ascending) holds:
        `coverage` for those passages alone, added in the same order (0 if deleted)."""
        coverage = _coverage(self._bm25.matches(shares, passages), shares, len(passages))
        if self._bm25.live is not None:
            coverage[~self._bm25.live[passages]] = 0.0
        return coverage

    def _score(self, query: Query, candidates: np.ndarray, shares: dict[str, float] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """The candidates' scores, and each one's share of the question's term weight.

        A passage scores its BM25, plus `article_weight` times its article's BM25 as a
        whole document, times `lead_boost` if it opens its article, times `period_boost`
        if its article was published in the period the question names.
        """
        ranking = self.ranking
        terms = query.known_terms
        articles = np.take(self._passage_article, candidates)  # ascending, as passages are
        match_passages = partial(self._bm25.matches, terms, candidates)
        if ranking.article_weight and len(candidates):
            whole_index = self.snapshot.articles
            if len(candidates) * _WHOLE_ARTICLES_FROM >= whole_index.size:
                # Many candidates: scoring every article over arrays costs less than
                # placing theirs.
                at, score_articles = articles, partial(whole_index.scores, terms)
            else:
                first = np.ones(len(articles), dtype=bool)
                first[1:] = articles[1:] != articles[:-1]
                unique = np.compress(first, articles)
                at = np.cumsum(first) - 1

                def score_articles() -> np.ndarray:
                    return _summed(whole_index.matches(terms, unique), terms, len(unique))
            if len(candidates) >= _ALONGSIDE_FROM:
                found, whole = alongside(match_passages, score_articles)
            else:
                found, whole = match_passages(), score_articles()
            scores = _summed(found, terms, len(candidates))
            scores += ranking.article_weight * np.take(whole, at)
        else:
            found = match_passages()
            scores = _summed(found, terms, len(candidates))
        shares = self._shares(query) if shares is None else shares
        coverage = _coverage(found, shares, len(candidates))
        _boost(scores, np.take(self._lead, candidates), ranking.lead_boost)
        if query.period is not None:
            _boost(scores, self._articles_in_period(query.period)[articles],
                   ranking.period_boost)
        return scores, coverage

    def _articles_in_period(self, period: Period) -> np.ndarray:
        """Articles published in `period` or up to `period_lag_days` after it (the
        report of an event comes after the event)."""
        last = period.end + timedelta(days=self.ranking.period_lag_days)
        allowed = self.articles_allowed(None, period.start, last)
        assert allowed is not None  # a date range is always a filter
        return allowed

    def coverage(self, query: Query, index: Bm25) -> np.ndarray:
        """Each of `index`'s documents' share of the question's term weight (passages,
        or whole articles for briefings)."""
        shares = self._shares(query)
        return summed_at(index.size, [index.documents_with(t) for t in shares],
                         list(shares.values()))

    def _corroborated(self, hits: list[Hit], articles: list[int]) -> list[Hit]:
        """The hits (of article numbers `articles`) with the outlets whose own reports
        of the same story are among them."""
        reports = [Report(h.source, h.also_in, s)
                   for h, s in zip(hits, self._signatures_of(articles), strict=True)]
        return [replace(h, reported_by=c.outlets)
                for h, c in zip(hits, corroborate(reports), strict=True)]

    def signatures(self, articles: list[Article]) -> list[Signature]:
        """Each article's corroboration signature (from the index; from its text if it
        is not indexed)."""
        numbers = [self.snapshot.article_number(a.id) for a in articles]
        indexed = iter(self._signatures_of([n for n in numbers if n is not None]))
        return [next(indexed) if n is not None
                else signature(self.analyzer.terms(a.text), self._bm25.term_weights)
                for a, n in zip(articles, numbers, strict=True)]

    def _signatures_of(self, articles: list[int]) -> list[Signature]:
        """The signatures of article numbers `articles`, each computed once per index
        (its terms and their weights do not change while this snapshot is current)."""
        kept = self._signatures  # (read once: another thread may start a new one)
        found = {a: kept[a] for a in articles if a in kept}
        missing = [a for a in dict.fromkeys(articles) if a not in found]
        if missing:
            computed = self._computed_signatures(missing)
            found |= computed
            if len(kept) + len(computed) > _SIGNATURES_KEPT:
                kept = self._signatures = {}  # a new dict: other threads keep the old one
            kept.update(computed)
        return [found[a] for a in articles]

    def _computed_signatures(self, articles: list[int]) -> dict[int, Signature]:
        """The signatures of article numbers `articles`, from their terms and counts as
        indexed, each segment's term weights looked up at once."""
        found: dict[int, Signature] = {}
        # (`part` numbers the snapshot's segments, as it does the parts of its Bm25.)
        by_part: dict[int, list[tuple[int, np.ndarray, np.ndarray]]] = {}
        for article in articles:
            part, terms, counts = self.snapshot.article_terms(article)
            by_part.setdefault(part, []).append((article, terms, counts))
        for part, read in by_part.items():
            terms = np.concatenate([terms for _, terms, _ in read])
            scores = np.concatenate([counts for _, _, counts in read]) * (
                self._bm25.part_term_weights(part, terms))
            words = self.snapshot.entries[part].segment.articles.terms
            keys = np.take(words.keys_by_number, terms)
            end = 0
            for article, own, _ in read:
                start, end = end, end + len(own)
                found[article] = strongest(scores[start:end], keys[start:end])
        return found

    def articles_on(self, query: Query) -> np.ndarray:
        """The articles that hold every informative word of `query` (briefings and
        watches: a story on "Harbor Bridge" says both)."""
        return self.coverage(query, self.snapshot.articles) >= 1 - 1e-9

    def _shares(self, query: Query) -> dict[str, float]:
        """Each known question term's share of the question's weight (IDF)."""
        unique = list(dict.fromkeys(query.corrections.get(t, t) for t in query.terms))
        weights = [self._bm25.term_weight(t) for t in unique]
        # A word the archive never saw weighs as much as its rarest words: asked about
        # something the archive does not mention, it has no relevant passage.
        unknown = self._bm25.term_weight_for_df(1)
        total = sum(unknown if w is None else w for w in weights)
        return {t: w / total for t, w in zip(unique, weights, strict=True) if w is not None}

    def articles_allowed(self, source: str | None, since: date | None,
                         until: date | None) -> np.ndarray | None:
        """Which articles come from `source` and were published in [since, until]
        (undated ones are not, when a date is given); None when nothing is filtered."""
        snap = self.snapshot
        articles_ok = None
        if source is not None:
            number = self._source_no.get(source.strip().casefold(), -1)
            articles_ok = np.asarray(snap.article_source) == number
        if since is not None or until is not None:
            days = np.asarray(snap.article_day)
            in_range = days != UNDATED
            if since is not None:
                in_range &= days >= day_number(since.isoformat())
            if until is not None:
                in_range &= days <= day_number(until.isoformat())
            articles_ok = in_range if articles_ok is None else articles_ok & in_range
        return articles_ok

    def _distinct(self, pool: _Pool, k: int) -> tuple[list[int], dict[int, list[int]]]:
        """Up to `k` of the pool's passages, best first, skipping any that overlaps a
        better one of the same article, and folding syndicated copies (the same text in
        another article) into the better one. Returns the passages and, per passage, its
        copies."""
        snap = self.snapshot
        texts = _PassageTexts(snap, self.store)
        score_of = pool.score_of
        # (Python numbers: numpy's scalars cost more than they save for a few dozen.)
        at = np.asarray(pool.passages, dtype=np.int64)
        article_of = dict(zip(pool.passages, snap.passage_article[at].tolist(), strict=True))
        start_of = dict(zip(pool.passages, snap.passage_start[at].tolist(), strict=True))
        end_of = dict(zip(pool.passages, snap.passage_end[at].tolist(), strict=True))
        chosen: list[int] = []
        copies: dict[int, list[int]] = {}
        for p in pool.passages:
            article, start, end = article_of[p], start_of[p], end_of[p]
            if any(article_of[c] == article and start < end_of[c] and start_of[c] < end
                   for c in chosen):
                continue
            # A copy scores (almost) what its original does, so only close scores are
            # compared as text.
            original = next((c for c in chosen if article_of[c] != article
                             and abs(score_of[c] - score_of[p]) <= 0.1 * abs(score_of[c])
                             and same_story(texts.shingles(c), texts.shingles(p))), None)
            if original is not None:
                copies.setdefault(original, []).append(p)
                continue
            chosen.append(p)
            if len(chosen) == k:
                break
        return chosen, copies

    def _hits(self, query: Query, chosen: list[int], copies: dict[int, list[int]],
              score_of: dict[int, float]) -> tuple[list[Hit], set[str]]:
        """Hits for the chosen passages, each with its best sentence; the hit whose
        sentence best answers the question (see answer.py) comes first. Also returns
        the terms of that answer sentence."""
        snap = self.snapshot
        ids = [snap.article_ids[snap.passage_article[p]] for p in chosen]
        copy_ids = {p: [snap.article_ids[snap.passage_article[c]] for c in copies.get(p, [])]
                    for p in chosen}
        found = self.store.with_sentences(ids, ANALYZER_VERSION)
        articles = {i: found[i][0] for i in found}
        articles |= self.store.articles(i for v in copy_ids.values() for i in v
                                        if i not in articles)
        sentences = {i: found[i][1] for i in found}
        cached = {i: found[i][2] for i in found if found[i][2] is not None}
        ranking = self.ranking
        hits: list[Hit] = []
        hit_articles: list[int] = []  # each hit's article number
        answer_scores: list[float] = []
        best_terms: list[set[str]] = []
        for p, article_id in zip(chosen, ids, strict=True):
            article = articles.get(article_id)
            if article is None:
                continue  # removed since this index was built; the next one leaves it out
            start, end = int(snap.passage_start[p]), int(snap.passage_end[p])
            spans = [(i, s, e) for i, (s, e) in enumerate(sentences.get(article_id, []))
                     if start <= s and e <= end]
            terms = cached.get(article_id)
            if not spans or terms is None or len(terms) != len(sentences[article_id]):
                terms = None  # no cache for these sentences: analyse them
                spans = spans or [(0, start, end)]
            candidates = [Candidate(article.text[s:e], terms[i] if terms is not None
                                    else self.analyzer.terms(article.text[s:e]), i)
                          for i, s, e in spans]
            sentence_scores = score_sentences(
                query.text, query.known_terms, candidates,
                lambda t: self._bm25.term_weight(t) or 0.0, ranking)
            best = best_index(sentence_scores)
            _, s_start, s_end = spans[best]
            best_terms.append(set(candidates[best].terms))
            rank = len(hits)
            hit_articles.append(int(snap.passage_article[p]))
            if rank < ranking.answer_passages:
                answer_scores.append(sentence_scores[best] * ranking.answer_rank_decay ** rank)
            hits.append(Hit(
                article_id=article.id, title=article.title, source=article.source,
                url=article.url, published=article.published,
                passage=article.text[start:end], sentence=article.text[s_start:s_end],
                score=score_of[p], passage_start=start, passage_end=end,
                sentence_start=s_start, sentence_end=s_end, authors=article.authors,
                also_in=tuple(dict.fromkeys(
                    articles[c].source for c in copy_ids[p]
                    if c in articles and articles[c].source != article.source)),
            ))
        if not answer_scores:
            return hits, set()
        hits = self._corroborated(hits, hit_articles)
        answering = best_index(answer_scores)
        hits.insert(0, hits.pop(answering))
        return hits, best_terms[answering]


@dataclass(frozen=True)
class _Pool:
    """The passages ranked for a question, best first, with their scores and coverage
    (each one's share of the question's weight), and the question terms' shares."""

    shares: dict[str, float]
    passages: list[int]
    scores: list[float]
    coverage: list[float]

    @cached_property
    def score_of(self) -> dict[int, float]:
        """Each passage's score, by its number."""
        return dict(zip(self.passages, self.scores, strict=True))


def _needed_terms(shares: dict[str, float], min_coverage: float) -> list[str]:
    """The weightiest terms, down to where the rest weigh less than `min_coverage`: a
    passage holding none of them cannot be relevant (see `Searcher._pool`)."""
    rest = sum(shares.values())
    needed = []
    for term in sorted(shares, key=shares.__getitem__, reverse=True):
        # (A wider margin than the gate's: sums in another order differ in ulps.)
        if rest < min_coverage - 1e-6:
            break
        needed.append(term)
        rest -= shares[term]
    return needed


def _relevant(coverage: np.ndarray, min_coverage: float) -> np.ndarray:
    """Which coverages make a passage relevant: at least `min_coverage` of the
    question's weight, and some of it (a passage without a question word never is)."""
    return (coverage >= min_coverage - 1e-9) & (coverage > 0)


def _gated_top(scores: np.ndarray, coverage_of: Callable[[np.ndarray], np.ndarray],
               min_coverage: float, k: int, hint: np.ndarray, relevant_positive: bool = False
               ) -> tuple[np.ndarray, np.ndarray]:
    """The places of the `k` best scores among those whose coverage reaches
    `min_coverage`, in `top_k`'s order, and their coverage: `top_k` of the scores gated
    (-inf below the coverage), its -inf places left out.

    Coverage costs as much as a score, so it is computed only where needed: at the
    `hint` places, whose k-th best gated score bounds the k-th best of all, then only at
    the places that score at least that. With `relevant_positive` (no relevant place
    scores 0 or below), the places scoring 0 or below are never looked at.
    """
    bound = 0.0
    if len(hint) >= k:
        gated = np.where(_relevant(coverage_of(hint), min_coverage), scores[hint], -np.inf)
        bound = max(bound, -np.partition(-gated, k - 1)[k - 1])
    places = np.flatnonzero(scores >= bound) if bound > 0 else np.flatnonzero(scores > 0)
    every_positive = bound <= 0  # whether `places` are all the positive scores
    if len(places) > _TIGHTEN_FROM * k:
        # Many score above the bound (a question of common words): the k-th best gated
        # score among the best few of them bounds it closer.
        few = min(2 * k, len(places))
        best = np.sort(places[np.argpartition(-scores[places], few - 1)[:few]])
        gated = np.where(_relevant(coverage_of(best), min_coverage), scores[best], -np.inf)
        closer = -np.partition(-gated, k - 1)[k - 1]
        if closer > bound:
            places = places[scores[places] >= closer]
            every_positive = False
    coverage = coverage_of(places)
    kept = _relevant(coverage, min_coverage)
    places, coverage = np.compress(kept, places), np.compress(kept, coverage)
    if len(places) < k and relevant_positive and every_positive:
        top = top_k(scores[places], len(places))  # these are all the relevant places
        return places[top], coverage[top]
    if len(places) < k:  # fewer than k relevant positive scores: zeros and below count too
        coverage = coverage_of(np.arange(len(scores)))
        gated = np.where(_relevant(coverage, min_coverage), scores, -np.inf)
        places = np.argsort(-gated, kind="stable")[:k]
        places = places[np.isfinite(gated[places])]
        return places, coverage[places]
    top = top_k(scores[places], k)
    return places[top], coverage[top]


def _union(postings: list[np.ndarray], size: int) -> np.ndarray:
    """The documents in any of `postings` (each ascending), ascending. Few are sorted;
    many are marked in a mask over all `size` documents. (numpy's `unique` hashes, and
    was 90 times slower on 200,000 postings.)"""
    if len(postings) < 2:
        return postings[0] if postings else np.empty(0, dtype=np.int64)
    if sum(map(len, postings)) * 16 < size:
        joined = np.sort(np.concatenate(postings))
        first = np.ones(len(joined), dtype=bool)
        first[1:] = joined[1:] != joined[:-1]
        return np.compress(first, joined)
    mask = np.zeros(size, dtype=bool)
    for documents in postings:
        mask[documents] = True
    return np.flatnonzero(mask)


def _summed(found: dict[str, tuple[np.ndarray, np.ndarray]], terms: list[str],
            size: int) -> np.ndarray:
    """BM25 scores of `size` documents from their matches (`Bm25.matches`) of `terms`,
    added up in query order, repeats counted, as `Bm25.scores` adds them."""
    return summed_at(size, [found[t][0] for t in terms], [found[t][1] for t in terms])


def _coverage(found: dict[str, tuple[np.ndarray, np.ndarray]], shares: dict[str, float],
              size: int) -> np.ndarray:
    """The share of the question's weight each of `size` documents holds, from their
    matches (`Bm25.matches`) of the question's terms, added in the order of `shares`."""
    return summed_at(size, [found[t][0] for t in shares], list(shares.values()))


def _boost(scores: np.ndarray, which: np.ndarray, factor: float) -> None:
    """Multiply the scores of `which` by `factor`, in place. Okapi scores are negative on
    tiny archives (a word in most documents has a negative IDF), where multiplying would
    sink them: a score moves by (factor - 1) times its size, upwards either way."""
    if factor != 1.0:
        _boost_at(scores, np.flatnonzero(which), factor)  # (3x faster than by the mask)


def _boost_at(scores: np.ndarray, at: np.ndarray, factor: float) -> None:
    """`_boost` of the scores at places `at`."""
    if factor != 1.0:
        boosted = np.take(scores, at)  # (`scores[at] += …` gathers more slowly)
        boosted += (factor - 1.0) * np.abs(boosted)
        scores[at] = boosted


class _PassageTexts:
    """Passages' shingles, their texts read from the store only when first needed."""

    def __init__(self, snapshot: Snapshot, store: Store) -> None:
        self._snapshot = snapshot
        self.store = store
        self._shingles: dict[int, frozenset[tuple[str, ...]]] = {}

    def shingles(self, passage: int) -> frozenset[tuple[str, ...]]:
        if passage not in self._shingles:
            snap = self._snapshot
            text = self.store.text_between(snap.article_ids[snap.passage_article[passage]],
                                           int(snap.passage_start[passage]),
                                           int(snap.passage_end[passage]))
            self._shingles[passage] = shingles(text or "")
        return self._shingles[passage]
