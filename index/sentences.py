"""Sentence splitting with nltk's Punkt and an English news abbreviation list kept here.

Punkt's trained English model would have to be downloaded, which cannot work offline;
an untrained Punkt with a good abbreviation list does as well on news copy.
"""

from __future__ import annotations

import re
import string
from functools import cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

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

_PARAGRAPH = re.compile(r"[^\n]+")


@cache
def _tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(NEWS_ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`; a sentence never crosses a line break."""
    tokenizer = _tokenizer()
    spans: list[tuple[int, int]] = []
    for para in _PARAGRAPH.finditer(text):
        base = para.start()
        spans.extend((base + s, base + e) for s, e in tokenizer.span_tokenize(para.group()))
    return spans
