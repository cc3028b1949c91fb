"""Text to index terms: lowercase word tokens, stop words removed, Snowball stems.

Stems are those of nltk's English Snowball stemmer, computed by snowball.py (without
importing nltk, which costs a process about half a second). A word is stemmed only when
its stem is not known: from the analyzer's memo or from the process's (`_STEMS`: every
stem computed in the process, whichever analyzer did it).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

from .irregular import IRREGULAR
from .snowball import stem as snowball_stem

# The English stop-word list of nltk's `stopwords` corpus (which would need a download),
# kept here so indexing works offline; less "won", which in news is a verb ("who won").
STOPWORDS = frozenset(
    """
    i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself
    yourselves he him his himself she she's her hers herself it it's its itself they them
    their theirs themselves what which who whom this that that'll these those am is are was
    were be been being have has had having do does did doing a an the and but if or because
    as until while of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there
    when where why how all any both each few more most other some such no nor not only own
    same so than too very s t can will just don don't should should've now d ll m o re ve y
    ain aren aren't couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven
    haven't isn isn't ma mightn mightn't mustn mustn't needn needn't shan shan't shouldn
    shouldn't wasn wasn't weren weren't won't wouldn wouldn't
    """.split()
)

_WORD = re.compile(r"\w+")
# In ASCII text \w is a letter, a digit or "_": bytes.translate with this table
# lowercases those and blanks the rest, and bytes.split then finds _WORD's words.
_WORD_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_")
_ASCII_WORDS = bytes(ord(chr(c).lower()) if chr(c) in _WORD_CHARACTERS else ord(" ")
                     for c in range(256))
# Names what `Analyzer` does; terms cached in the store under another version are
# computed afresh. Change it whenever the analysis changes.
ANALYZER_VERSION = ("words/lower; stop words: nltk english less 'won'; irregular forms 2; "
                    "snowball-en")

# Every word's stem computed in this process. A stem depends on the word alone (stop
# words are the analyzers' own), so all stemming analyzers share it.
_STEMS: dict[str, str] = {}
# The most words a memo keeps (a million passages of news hold about 400,000 distinct
# ones): past it, words are analysed and not kept, so that questions made of invented
# words, in a bot that runs for months, cannot grow the memos without end.
MEMO_WORDS = 1_500_000


def _stem(word: str) -> str:
    """The stem of a lowercase word: its base form's (irregular forms) Snowball stem."""
    try:
        return _STEMS[word]
    except KeyError:
        stem = snowball_stem(IRREGULAR.get(word, word))
        if len(_STEMS) < MEMO_WORDS:
            _STEMS[word] = stem
        return stem


class Analyzer:
    """Turns text into the terms that the index stores and queries look up.

    Terms are memoised per word, a stop word's as None: news vocabulary is Zipfian, so
    a small dictionary saves almost all of the stemmer's work, and a text's terms are
    mostly one dictionary lookup a word.

    Safe for concurrent use: the memos are dictionaries that threads may fill at once
    (a lost entry is recomputed).
    """

    def __init__(self, stopwords: frozenset[str] = STOPWORDS, stem: bool = True) -> None:
        self._stemmer: Callable[[str], str] | None = _stem if stem else None
        self._memo: dict[str, str | None] = dict.fromkeys(stopwords)
        self._ascii_memo: dict[bytes, str | None] = {}  # the same, for words as bytes
        self._stemmed: list[str] = []  # words memoised, in order

    def term(self, word: str) -> str | None:
        """The index term of one lowercase word, or None for a stop word."""
        try:
            return self._memo[word]
        except KeyError:
            stem = self._analysed(word)
            if len(self._memo) < MEMO_WORDS:
                self._keep(word, stem)
            return stem

    def _analysed(self, word: str) -> str:
        return self._stemmer(word) if self._stemmer else IRREGULAR.get(word, word)

    def _keep(self, word: str, term: str | None) -> None:
        self._memo[word] = term
        self._stemmed.append(word)

    def stems_since(self, mark: int) -> tuple[dict[str, str | None], int]:
        """The terms memoised since `mark` (0 at first), and the mark to ask from next:
        what another process's analyzer can `learn` (stemming is most of the work of a
        new word, and every ingest worker meets most words)."""
        words = self._stemmed[mark:]
        return {word: self._memo[word] for word in words}, mark + len(words)

    def learn(self, stems: dict[str, str | None]) -> None:
        """Memoise terms another analyzer with the same stop words and stemmer made."""
        for word, stem in stems.items():
            if word not in self._memo and len(self._memo) < MEMO_WORDS:
                self._keep(word, stem)
                if self._stemmer is not None and stem is not None:
                    _STEMS.setdefault(word, stem)

    def terms(self, text: str) -> list[str]:
        """The index terms of `text`, in order, repeats kept (BM25 counts them)."""
        return self._terms_of(_WORD.findall(text.lower()))

    def sentence_terms(self, text: str, spans: list[tuple[int, int]]) -> list[list[str]]:
        """The terms of each span of `text`: `[terms(text[s:e]) for s, e in spans]`,
        with the text lowercased once, where that gives the same (a lowercase form of
        another length shifts the spans; a final sigma depends on where a span ends)."""
        if text.isascii():
            words = text.encode("ascii").translate(_ASCII_WORDS)
            return [self._terms_of_ascii(words[start:end].split()) for start, end in spans]
        lower = text.lower()
        if len(lower) != len(text) or "\u03a3" in text:
            return [self.terms(text[start:end]) for start, end in spans]
        return [self._terms_of(_WORD.findall(lower, start, end)) for start, end in spans]

    # A term is never empty (a word keeps at least its first letters when stemmed), so
    # filter(None, ...) drops exactly the stop words' None, at C speed.

    def _terms_of(self, words: list[str]) -> list[str]:
        memo = self._memo
        try:
            return list(filter(None, map(memo.__getitem__, words)))
        except KeyError:  # words not seen yet
            if len(memo) >= MEMO_WORDS:  # full: analyse them without keeping them
                return list(filter(None, map(self.term, words)))
            for word in words:
                if word not in memo:
                    self._keep(word, self._analysed(word))
            return list(filter(None, map(memo.__getitem__, words)))

    def _terms_of_ascii(self, words: list[bytes]) -> list[str]:
        memo = self._ascii_memo
        try:
            return list(filter(None, map(memo.__getitem__, words)))
        except KeyError:  # words not seen as bytes yet
            if len(memo) >= MEMO_WORDS:  # full: analyse them without keeping them
                return list(filter(None, (self.term(w.decode("ascii")) for w in words)))
            for word in words:
                if word not in memo:
                    memo[word] = self.term(word.decode("ascii"))
            return list(filter(None, map(memo.__getitem__, words)))
