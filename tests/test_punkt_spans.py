"""punkt_spans.py's copy of nltk's Punkt rules is nltk's, and splitting Latin-script text
with it never imports nltk (tests/test_fast_ingest.py checks the spans against nltk's)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
from nltk.tokenize.punkt import PunktLanguageVars, PunktSentenceTokenizer, PunktToken

from newsdesk.index import punkt_spans, sentences

# Flags that change what an expression matches (VERBOSE only changes how it is written).
MEANING = re.IGNORECASE | re.MULTILINE | re.DOTALL


def compact(verbose: str) -> str:
    """A VERBOSE expression without its comments and layout (none of nltk's Punkt
    expressions has a space or a "#" that counts)."""
    return re.sub(r"\s", "", re.sub(r"\s+#[^\n]*", "", verbose))


def test_the_rules_are_nltks():
    language = PunktLanguageVars()
    # nltk joins "?" and "!" from a set, in the order of the process's string hashes.
    non_word = language._re_non_word_chars
    assert non_word in (punkt_spans._NON_WORD, punkt_spans._NON_WORD.replace(r"\?!", r"!\?"))
    assert language._re_multi_char_punct == punkt_spans._MULTI_CHAR
    assert language._re_word_start == punkt_spans._WORD_START
    assert language.sent_end_chars == punkt_spans._SENTENCE_ENDS
    assert punkt_spans._PUNCTUATION == PunktSentenceTokenizer.PUNCTUATION

    ours = punkt_spans._rules()
    pairs = [(ours.end_context, language.period_context_re(), True),
             (ours.word_token, language._word_tokenizer_re(), True),
             (ours.realignment, language.re_boundary_realignment, False),
             (ours.numeric, PunktToken._RE_NUMERIC, False),
             (ours.initial, PunktToken._RE_INITIAL, False)]
    for compiled, nltks, verbose in pairs:
        expected = nltks.pattern.replace(non_word, punkt_spans._NON_WORD)
        assert compiled.pattern == (compact(expected) if verbose else expected)
        assert bool(nltks.flags & re.VERBOSE) == verbose
        assert compiled.flags & MEANING == nltks.flags & MEANING
    assert ours.sentence_ends == punkt_spans._SENTENCE_ENDS
    assert ours.punctuation == punkt_spans._PUNCTUATION


def test_compacting_keeps_what_the_composed_expressions_match():
    language = PunktLanguageVars()
    ours = punkt_spans._rules()
    texts = ['He said "Stop." Then (CNN) -- U.S. growth was 3.5 percent. Why? No!',
             "a.. b... c. . . d-- e--f , g,h Mr. Smith's “quote.” «Non.» [x.] {y}",
             "x!?. 'y' `z` #1 @a *b* &c; d: e,\nnew line. Next.\n\n-5 .5 1,000.25."]
    for text in texts:
        assert ours.word_token.findall(text) == language._word_tokenizer_re().findall(text)
        assert ([(m.span(), m.group("after_tok"), m.group("next_tok"))
                 for m in ours.end_context.finditer(text)]
                == [(m.span(), m.group("after_tok"), m.group("next_tok"))
                    for m in language.period_context_re().finditer(text)])


# Splits each paragraph in a fresh interpreter, then prints the spans and whether nltk
# was imported.
SPLIT = """
import json, sys
from newsdesk.index.sentences import sentence_spans
spans = [sentence_spans(text) for text in json.loads(sys.argv[1])]
print(json.dumps(["nltk" in sys.modules, spans]))
"""


def split_in_new_process(texts: list[str]) -> tuple[bool, list[list[list[int]]]]:
    done = subprocess.run([sys.executable, "-c", SPLIT, json.dumps(texts)],
                          capture_output=True, text=True, check=True)
    imported, spans = json.loads(done.stdout)
    return imported, spans


NEWS_PROSE = [
    '(CNN) -- U.S. growth slowed to 3.5 percent, officials said. "Is it over?" he asked.',
    "Prices rose! The Dow fell 2.1 points. Mr. Smith, of Montréal, said it was fine.",
    "“We won,” she said. “It is over.” The vote was 52-48 (a record). it goes on.",
    "Ask why... Then stop. A.B.C. News reported it at 5 p.m. Friday. J. R. Smith left.",
]


def test_latin_script_news_prose_splits_without_nltk(monkeypatch: pytest.MonkeyPatch):
    imported, spans = split_in_new_process(NEWS_PROSE)
    assert not imported
    monkeypatch.setattr(sentences, "_FAST_PUNKT", SimpleNamespace(spans=lambda text: None))
    assert spans == [[list(span) for span in sentences.sentence_spans(text)]
                     for text in NEWS_PROSE]  # as nltk's Punkt splits them
    assert [len(s) for s in spans] == [2, 3, 3, 4]


def test_text_outside_the_safe_characters_still_asks_nltk():
    imported, _ = split_in_new_process(["Зима came? Yes. It was cold."])
    assert imported
