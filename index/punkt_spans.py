"""Untrained Punkt's sentence spans, computed as nltk computes them, only much faster.

nltk's PunktSentenceTokenizer judges every candidate sentence end (".", "?", "!") by
building PunktToken objects for the words around it and running each regular expression
under a timeout (nltk.redos): about a millisecond for a news article. Untrained (no
collocations, no frequent sentence starters, no orthographic statistics: see
`sentences.py`), its judgement reduces to a rule on the token that carries the mark and
the token after it (`_breaks`). This module applies that rule, with nltk's regular
expressions compiled by `re`, and follows `span_tokenize` step by step otherwise; and
text whose every mark is a full stop between plain words ("… the mayor said. Traffic
…"), most news paragraphs, takes a shortcut (`_plain_spans`).

nltk compiles its expressions with the `regex` engine, which reads \\s, \\w and \\d
differently from `re` for some characters (combining marks, superscript digits, the
separators U+001C-U+001F); past the shortcut, `PunktSpans.spans` takes only text
without such characters (`_UNSAFE`) and answers None for any other, which nltk then
splits. tests/test_fast_ingest.py checks that both give the same spans.

nltk's expressions and sets of marks are written out here (`_SENTENCE_ENDS` to
`_INITIAL`), so that splitting text never imports nltk (half a second); only text
outside the safe characters, which `sentences.py` leaves to nltk's own Punkt, does.
tests/test_punkt_spans.py checks that they are still the installed nltk's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

# A character outside those on which `re` and `regex` were checked to agree: ASCII (but
# tab, carriage return and form feed), Latin-1 and Latin Extended-A/B (but the
# superscript digits and fractions), General Punctuation to U+203E, currency signs.
_UNSAFE = re.compile("[^\n -~\u00a0-\u00b1\u00b4-\u00b8\u00ba\u00bb\u00bf-\u024f"
                     "\u2010-\u203e\u20a0-\u20c0]")


# nltk's Punkt for English, as nltk 3.10 defines it (nltk/tokenize/punkt.py, Apache-2.0):
# the defaults of PunktLanguageVars (sent_end_chars, re_boundary_realignment and the
# pieces of _word_tokenize_fmt and _period_context_fmt), PunktToken._RE_NUMERIC and
# _RE_INITIAL, and PunktSentenceTokenizer.PUNCTUATION. The two composed expressions are
# written without the VERBOSE layout nltk gives them.
_SENTENCE_ENDS = (".", "?", "!")
_PUNCTUATION = (";", ":", ",", ".", "!", "?")
# Characters that cannot be inside a word: a sentence end other than ".", quotes,
# brackets and a few signs (`_re_non_word_chars`; nltk orders "?" and "!" as a set does).
_NON_WORD = r"""(?:[)\";}\]\*:@\'\({\[\u2018\u2019\u201c\u201d\xab\xbb\?!])"""
# Runs of hyphens or dots and spaced ellipses, each one token (`_re_multi_char_punct`).
_MULTI_CHAR = r"(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)"
# What may not start a word (`_re_word_start`).
_WORD_START = r"""[^\(\"\`{\[:;&\#\*@\)}\]\-,]"""
# A sentence end, and after it punctuation or spaces and the next token
# (`period_context_re`).
_END_CONTEXT = (r"[\.\?!](?=(?P<after_tok>" + _NON_WORD + r"|\s+(?P<next_tok>\S+)))")
# A multi-character mark, a word up to a space, the end, a non-word character, a
# multi-character mark or a comma that ends it, or any other character
# (`_word_tokenizer_re`).
_WORD_TOKEN = ("(" + _MULTI_CHAR + "|(?=" + _WORD_START + r")\S+?(?=\s|$|" + _NON_WORD
               + "|" + _MULTI_CHAR + r"|,(?=$|\s|" + _NON_WORD + "|" + _MULTI_CHAR
               + r"))|\S)")
# Closing quotes and brackets after a sentence's end (`re_boundary_realignment`, with
# re.MULTILINE).
_REALIGNMENT = r"""["\')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:\s+|(?=--)|$)"""
_NUMERIC = r"^-?[\.,]?\d[\d,\.-]*\.?$"
_INITIAL = r"[^\W\d]\.$"


@dataclass(frozen=True)
class _Rules:
    """nltk's Punkt expressions, compiled by `re`, and its sets of marks."""

    end_context: re.Pattern[str]
    word_token: re.Pattern[str]
    realignment: re.Pattern[str]
    numeric: re.Pattern[str]
    initial: re.Pattern[str]
    sentence_ends: tuple[str, ...]
    punctuation: tuple[str, ...]


@cache
def _rules() -> _Rules:
    """The expressions, compiled when a text first needs them."""
    return _Rules(
        end_context=re.compile(_END_CONTEXT),
        word_token=re.compile(_WORD_TOKEN),
        realignment=re.compile(_REALIGNMENT, re.MULTILINE),
        numeric=re.compile(_NUMERIC),
        initial=re.compile(_INITIAL),
        sentence_ends=_SENTENCE_ENDS,
        punctuation=_PUNCTUATION)


_NUMBER = "##number##"


class PunktSpans:
    """`PunktSentenceTokenizer(params).span_tokenize` for parameters that hold only
    abbreviations."""

    def __init__(self, abbreviations: frozenset[str]) -> None:
        self._abbreviations = abbreviations

    def spans(self, text: str) -> list[tuple[int, int]] | None:
        """The sentence spans of `text`, or None when the shortcut does not apply and
        it holds an `_UNSAFE` character (ask nltk)."""
        plain = self._plain_spans(text)
        if plain is not None:
            return plain
        if _UNSAFE.search(text):
            return None
        return _realigned(text, self._slices(text))

    def _plain_spans(self, text: str) -> list[tuple[int, int]] | None:
        """The spans of text whose sentence marks are all full stops after a word of
        ASCII letters and inner apostrophes (which opens the text or follows a space)
        and before a space and a capital letter or at the very end ("… the mayor said.
        Traffic …"); else None.

        Each such stop but a final one is a candidate whose context is "word. Next":
        it ends a sentence unless the word is an abbreviation or an initial, and no
        closing punctuation follows it to realign.
        """
        if "?" in text or "!" in text:
            return None
        spans = []
        start = 0
        stop = text.find(".")
        while stop != -1:
            word = text[text.rfind(" ", 0, stop) + 1:stop]
            if not word.isascii():
                return None
            if word.isalpha():
                breaks = len(word) > 1 and word.lower() not in self._abbreviations
            elif word.replace("'", "").isalpha() and word[0] != "'" and word[-1] != "'":
                breaks = True  # "couldn't." is "couldn" and "'t.", which is no abbreviation
            else:
                return None
            following = text[stop + 1:stop + 3]
            if following:
                if not (following[0] == " " and "A" <= following[1:] <= "Z"):
                    return None
                if breaks:
                    spans.append((start, stop + 1))
                    start = stop + 2
            stop = text.find(".", stop + 1)
        stop = len(text.rstrip())
        if start < stop:
            spans.append((start, stop))
        return spans

    def _slices(self, text: str) -> list[tuple[int, int]]:
        """`PunktSentenceTokenizer._slices_from_text`."""
        slices = []
        last_break = 0
        for match, context in _end_contexts(text):
            if self._contains_break(context):
                slices.append((last_break, match.end()))
                last_break = match.start("next_tok") if match.group("next_tok") \
                    else match.end()
        slices.append((last_break, len(text.rstrip())))
        return slices

    def _contains_break(self, context: str) -> bool:
        """`PunktSentenceTokenizer.text_contains_sentbreak`: whether a token but the
        last ends a sentence."""
        word_token = _rules().word_token
        tokens = [token for line in context.split("\n") for token in word_token.findall(line)]
        return any(self._breaks(token, following)
                   for token, following in pairwise(tokens))

    def _breaks(self, token: str, following: str) -> bool:
        """Whether Punkt's two annotation passes mark `token`, followed by `following`,
        as a sentence break.

        The first pass breaks at ".", "?" and "!" alone and at a word with a final
        period that is not a known abbreviation (nor an ellipsis, nor ".."); the second
        takes the break back after an initial or a number that the next token's case
        shows to go on. Untrained, nothing else in the second pass can apply.
        """
        rules = _rules()
        if token in rules.sentence_ends:
            return True
        if not token.endswith(".") or token.endswith(".."):
            return False
        body = token[:-1].lower()
        if body in self._abbreviations or body.split("-")[-1] in self._abbreviations:
            return False
        kind = rules.numeric.sub(_NUMBER, token.lower())
        if len(kind) > 1 and kind[-1] == ".":
            kind = kind[:-1]
        initial = rules.initial.match(token) is not None
        if not initial and kind != _NUMBER:
            return True
        # The orthographic heuristic with no statistics: punctuation or a lowercase
        # word goes on; after an initial, so does a capitalised word ("J. Bach").
        if following in rules.punctuation or following[0].islower():
            return False
        return not (initial and following[0].isupper())


def _end_contexts(text: str) -> Iterator[tuple[re.Match[str], str]]:
    """`PunktSentenceTokenizer._match_potential_end_contexts`: each candidate end, with
    the word before it and what follows, but those whose word overlaps the previous
    candidate's ("acting!!!" is judged once, at its last mark)."""
    previous: re.Match[str] | None = None
    previous_start = previous_stop = 0
    for match in _rules().end_context.finditer(text):
        start = match.start()
        # nltk looks for string.whitespace, of which text with no `_UNSAFE` character
        # holds only these two.
        space = max(text.rfind(" ", previous_stop, start), text.rfind("\n", previous_stop, start))
        word_start = space + 1 if space > previous_stop else previous_start
        if previous is not None and previous_stop <= word_start:
            yield previous, (text[previous_start:previous_stop] + previous.group()
                             + previous.group("after_tok"))
        previous, previous_start, previous_stop = match, word_start, start
    if previous is not None:
        yield previous, (text[previous_start:previous_stop] + previous.group()
                         + previous.group("after_tok"))


def _realigned(text: str, slices: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`PunktSentenceTokenizer._realign_boundaries`: closing quotes and brackets after a
    sentence's end move into it ('(Sent1.) Sent2.')."""
    realignment = _rules().realignment
    spans = []
    shift = 0
    for number, (start, stop) in enumerate(slices):
        start += shift
        if number + 1 < len(slices):
            following_start, following_stop = slices[number + 1]
            match = realignment.match(text[following_start:following_stop])
            if match:
                spans.append((start, following_start + len(match.group().rstrip())))
                shift = match.end()
                continue
            shift = 0
        if start < stop:
            spans.append((start, stop))
    return spans
