from itertools import product

import pytest

from newsdesk.index import analyzer as analyzer_module
from newsdesk.index.analyzer import STOPWORDS, Analyzer
from newsdesk.index.answer import (
    Candidate,
    best_index,
    holds_kind,
    phrases_kept,
    question_kind,
    score_sentences,
)
from newsdesk.index.ranking import Ranking
from newsdesk.index.spelling import correct, one_edit_away


def test_terms_are_lowercase_stems_without_stop_words():
    assert Analyzer().terms("The Fighters were KILLED in Syria's east") == [
        "fighter", "kill", "syria", "east"]
    assert "the" in STOPWORDS and "won" not in STOPWORDS  # "who won" is a news question


def test_no_word_has_an_empty_term():
    # The analyzer drops stop words with filter(None, ...): an empty term would go too.
    # Every word of up to four letters from letters that suffixes are made of, and
    # every suffix alone and after one or two letters.
    suffixes = ["sses", "ies", "ied", "s", "eed", "eedly", "ed", "edly", "ing", "ingly",
                "ly", "ness", "ment", "ation", "ational", "ful", "ize", "ise", "ous", "al",
                "e", "y", "_", "1"]
    words = {"".join(letters) for n in range(1, 5) for letters in product("aeiysdlngt", repeat=n)}
    words |= {prefix + suffix for suffix in suffixes for prefix in ["", "a", "b", "ab", "ya"]}
    for analyzer in (Analyzer(), Analyzer(stem=False)):
        for word in words:
            assert analyzer.term(word) != "", word
        assert analyzer.terms(" ".join(sorted(words))) == [
            term for word in sorted(words) if (term := analyzer.term(word)) is not None]


def test_memos_stop_growing_at_their_limit_and_terms_stay_the_same(
        monkeypatch: pytest.MonkeyPatch):
    # A bot's questions may be made of invented words: the memos keep at most about
    # MEMO_WORDS of them (one text's words more), and the terms do not change.
    monkeypatch.setattr(analyzer_module, "MEMO_WORDS", len(STOPWORDS) + 50)
    monkeypatch.setattr(analyzer_module, "_STEMS", {})
    texts = [" ".join(f"zorbled{n}x{i} walking" for i in range(20)) for n in range(30)]
    capped = Analyzer()
    for text in texts:
        spans = [(0, len(text))]
        assert capped.sentence_terms(text, spans) == [capped.terms(text)]
        assert capped.terms(text) == [t for w in text.split() if (t := capped.term(w))]
        assert capped.sentence_terms(text + " é", spans) == [capped.terms(text)]
    limit = analyzer_module.MEMO_WORDS + 20 * 2  # one text's words more
    assert len(capped._memo) <= limit and len(capped._ascii_memo) <= limit
    assert len(analyzer_module._STEMS) <= limit
    monkeypatch.setattr(analyzer_module, "MEMO_WORDS", 10**6)
    unlimited = Analyzer()
    assert [unlimited.terms(t) for t in texts] == [capped.terms(t) for t in texts]


def test_irregular_forms_meet_their_base_form():
    analyzer = Analyzer()
    assert analyzer.terms("Who shot the officer?") == analyzer.terms("shooting officers")
    assert analyzer.terms("fled") == analyzer.terms("fleeing")
    assert analyzer.terms("children") == analyzer.terms("child")
    assert analyzer.terms("left") == ["left"]  # ambiguous forms stay as they are
    assert analyzer.terms("slain") == analyzer.terms("slaying")
    assert analyzer.terms("wound") == analyzer.terms("wounded")  # the injury, not "wind"
    assert analyzer.terms("the Fed") != analyzer.terms("feeding")


def test_question_kinds():
    assert question_kind("How many fighters were killed?") == "number"
    assert question_kind("When did the fighting end?") == "time"
    assert question_kind("Who is the spokesman?") == "person"
    assert question_kind("Where is the Observatory based?") == "place"
    assert question_kind("What did McGurk say?") is None


def test_a_sentence_holds_a_kind_only_with_something_the_question_does_not_name():
    words = {"who", "is", "the", "coalition", "spokesman"}
    assert holds_kind("person", "The spokesman is Col. Sean Ryan.", words)
    assert not holds_kind("person", "The coalition spokesman spoke.", words)
    assert holds_kind("place", "The Observatory is based in Britain.", {"where"})
    assert holds_kind("number", "Some 700 fighters are held.", set())
    assert holds_kind("time", "It ended on Saturday.", set())


def choose(question: str, sentences: list[str], positions: list[int] | None = None) -> str:
    analyzer = Analyzer()
    positions = positions or [5 + i for i in range(len(sentences))]
    candidates = [Candidate(s, analyzer.terms(s), p) for s, p in zip(sentences, positions,
                                                                      strict=True)]
    scores = score_sentences(question, analyzer.terms(question), candidates,
                             lambda t: 1.0, Ranking())
    return sentences[best_index(scores)]


def test_a_how_many_question_picks_the_sentence_with_the_number():
    assert choose("How many fighters fled the battlefield?", [
        "Fighters fled the battlefield after the attack, officials said.",
        "Some 100 fighters fled the battlefield, the monitor said.",
    ]).startswith("Some 100")


def test_a_who_question_picks_the_sentence_with_a_name():
    assert choose("Who leads the monitoring group?", [
        "The monitoring group leads the count of casualties.",
        "The monitoring group is led by Rami Abdurrahman in Britain.",
    ]).startswith("The monitoring group is led by")


def test_a_when_question_picks_the_sentence_with_a_date():
    assert choose("When did the offensive begin?", [
        "The offensive began with heavy shelling of the town.",
        "The offensive began in early September with airstrikes.",
    ]).endswith("airstrikes.")


def test_with_equal_evidence_the_earlier_sentence_in_the_article_wins():
    sentences = ["The mayor opened the bridge.", "The mayor opened the bridge again."]
    assert choose("Who opened the bridge?", sentences, [9, 0]) == sentences[1]
    assert choose("Who opened the bridge?", sentences, [0, 9]) == sentences[0]


def test_a_short_heading_does_not_beat_a_full_sentence():
    assert choose("What worries conservationists about the border fence?", [
        "The border fence.",
        "Conservationists worry the border fence will stop jaguars crossing.",
    ]).startswith("Conservationists")


def test_spelling_correction_picks_the_most_frequent_known_term_one_edit_away():
    frequency = {"border": 5, "boarded": 1, "bolivia": 2}.get
    assert correct("boarder", lambda t: frequency(t) or 0) == "border"
    assert correct("boliviia", lambda t: frequency(t) or 0) == "bolivia"
    assert correct("zurich", lambda t: frequency(t) or 0) is None
    assert correct("bordr", lambda t: 0) is None
    assert correct("bord", lambda t: 5) is None  # too short to guess
    assert "border" in set(one_edit_away("boarder")) and "obarder" in set(one_edit_away("boarder"))


def test_phrases_are_question_term_pairs_kept_in_order_and_close():
    phrases = {("peopl", "kill"), ("kill", "attack")}
    assert phrases_kept(phrases, ["two", "peopl", "report", "kill"], gap=2) == 1
    assert phrases_kept(phrases, ["kill", "11", "peopl"], gap=2) == 0  # wrong order
    assert phrases_kept(phrases, ["peopl", "a", "b", "kill"], gap=2) == 0  # too far apart
    assert phrases_kept(phrases, ["peopl", "kill", "attack", "peopl", "kill"], gap=2) == 2


def test_of_two_sentences_with_the_same_words_the_one_saying_what_was_asked_wins():
    assert choose("How many people were killed in the attack?", [
        "Two bomb attacks on soldiers kill 11 people.",
        "Two people were reportedly killed when the convoy was attacked.",
    ]).startswith("Two people")
