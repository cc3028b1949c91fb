"""Sentence splitting with nltk's Punkt and an English news abbreviation list kept here.

Punkt's trained English model would have to be downloaded, which cannot work offline;
an untrained Punkt with a good abbreviation list does as well on news copy. Untrained,
it ends a sentence at every "!" or "?", even inside a quotation or a title the
sentence goes on after (chants of "Hillary!" as she spoke; the "Got Milk?" ads). A
cut before a word in lower case is undone ("iPhone" and "eBay" start sentences and stay
cut). A quotation of several whole sentences ("It is over. We lost," he said.) is
still cut into them: kept whole, passages grew by 4 to 6 words for a gain no larger than
longer windows give (README, Evaluation).

Paragraphs are separated by blank lines; a single line break inside one is a sentence
boundary only where the line could end one (see `cleaning.continues`).

nltk's Punkt is slow (about a millisecond an article); `punkt_spans.PunktSpans` gives the
same spans much faster, without importing nltk, for the paragraphs it can judge (all
whose letters are ASCII, Latin-1 or Latin Extended-A/B), and nltk splits the others.
"""

from __future__ import annotations

import re
import string
from functools import cache
from typing import TYPE_CHECKING

from .cleaning import continues
from .punkt_spans import PunktSpans

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

# Lowercase, without the final period, as Punkt stores them.
NEWS_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof rev fr sr jr st mt ft gen lt col maj capt cmdr adm sgt cpl pvt
    gov sen rep reps sens pres supt insp det atty amb ald hon msgr
    u.s u.s.a u.k u.n u.a.e e.u d.c n.y l.a s.f n.j n.c s.c p.m a.m
    jan feb mar apr aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn
    miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo
    inc corp co ltd llc bros dept univ assn est approx vs etc no nos vol pp
    e.g i.e cf al ph.d m.d b.a m.a
    """.split()
) | frozenset(string.ascii_lowercase)  # single-letter initials: "John F. Kennedy"

_LINE = re.compile(r"[^\n]+")
# A sentence that goes on: opening punctuation, then a lowercase word that is not a
# name spelt in mixed case ("iPhone", "eBay").
_GOES_ON = re.compile(r"[\"“‘'(\[]*[a-z](?![a-z]*[A-Z])")


_FAST_PUNKT = PunktSpans(NEWS_ABBREVIATIONS)


@cache
def _tokenizer() -> PunktSentenceTokenizer:
    """nltk's Punkt, imported when a paragraph first needs it (importing nltk costs half
    a second): `_FAST_PUNKT` splits without it every paragraph but some holding a
    character outside those it was checked on (Cyrillic, CJK, combining marks, tabs:
    `punkt_spans._UNSAFE`)."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(NEWS_ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def punkt_spans(paragraph: str) -> list[tuple[int, int]]:
    """Punkt's sentence spans of one paragraph."""
    spans = _FAST_PUNKT.spans(paragraph)
    return list(_tokenizer().span_tokenize(paragraph)) if spans is None else spans


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the runs of lines that hold one sentence or more: a line break is kept
    only where the line before could end a sentence."""
    runs: list[tuple[int, int]] = []
    previous = ""
    for line in _LINE.finditer(text):
        if not line.group().strip():
            previous = ""
            continue
        # A single line break (no blank line) before a line that continues the previous.
        if (runs and text[runs[-1][1]:line.start()] == "\n"
                and continues(previous, line.group().strip())):
            runs[-1] = (runs[-1][0], line.end())
        else:
            runs.append(line.span())
        previous = line.group().strip()
    return runs


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`; a sentence never crosses a paragraph
    break."""
    spans: list[tuple[int, int]] = []
    for base, end in _lines(text):
        para = text[base:end]
        pieces: list[tuple[int, int]] = []
        for s, e in punkt_spans(para):
            if pieces and _GOES_ON.match(para, s):
                pieces[-1] = (pieces[-1][0], e)
            else:
                pieces.append((s, e))
        spans.extend((base + s, base + e) for s, e in pieces)
    return spans
