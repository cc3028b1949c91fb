"""Text to index terms: lowercase word tokens, stop words removed, Snowball stems."""

from __future__ import annotations

import re

from nltk.stem.snowball import SnowballStemmer

from .irregular import IRREGULAR

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
# Names what `Analyzer` does; terms cached in the store under another version are
# computed afresh. Change it whenever the analysis changes.
ANALYZER_VERSION = ("words/lower; stop words: nltk english less 'won'; irregular forms 2; "
                    "snowball-en")


class Analyzer:
    """Turns text into the terms that the index stores and queries look up.

    Stems are memoised per word: news vocabulary is Zipfian, so a small dictionary
    saves almost all of the stemmer's work.
    """

    def __init__(self, stopwords: frozenset[str] = STOPWORDS, stem: bool = True) -> None:
        self._stopwords = stopwords
        self._stemmer = SnowballStemmer("english") if stem else None
        self._memo: dict[str, str] = {}

    def term(self, word: str) -> str | None:
        """The index term of one lowercase word, or None for a stop word."""
        if word in self._stopwords:
            return None
        stem = self._memo.get(word)
        if stem is None:
            base = IRREGULAR.get(word, word)
            stem = self._stemmer.stem(base) if self._stemmer else base
            self._memo[word] = stem
        return stem

    def terms(self, text: str) -> list[str]:
        """The index terms of `text`, in order, repeats kept (BM25 counts them)."""
        out = []
        for word in _WORD.findall(text.lower()):
            term = self.term(word)
            if term is not None:
                out.append(term)
        return out
