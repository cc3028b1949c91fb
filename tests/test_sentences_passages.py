import pytest

from newsdesk.index.passages import make_passages, window_starts
from newsdesk.index.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_news_abbreviations_do_not_end_sentences():
    text = ("Col. Sean Ryan of the U.S. Army spoke at 10 a.m. on Jan. 5 in Washington. "
            "Sen. John F. Kennedy Jr. was not there. Dr. Ruth said so.")
    assert sentences(text) == [
        "Col. Sean Ryan of the U.S. Army spoke at 10 a.m. on Jan. 5 in Washington.",
        "Sen. John F. Kennedy Jr. was not there.",
        "Dr. Ruth said so.",
    ]


def test_a_sentence_never_crosses_a_paragraph_break():
    text = "A heading without a full stop\n\nThe story begins here."
    assert sentences(text) == ["A heading without a full stop", "The story begins here."]


def test_sentence_spans_are_exact_offsets():
    text = "One.  Two is here.\n\nThree."
    assert sentence_spans(text) == [(0, 4), (6, 18), (20, 26)]


@pytest.mark.parametrize(("n", "window", "stride", "expected"), [
    (0, 5, 3, []),
    (3, 5, 3, [0]),
    (5, 5, 3, [0]),
    (8, 5, 3, [0, 3]),
    (9, 5, 3, [0, 3, 4]),
    (10, 3, 3, [0, 3, 6, 7]),
])
def test_windows_cover_every_sentence(n, window, stride, expected):
    starts = window_starts(n, window, stride)
    assert starts == expected
    covered = {i for s in starts for i in range(s, min(s + window, n))}
    assert covered == set(range(n))


def test_passages_keep_character_offsets_into_the_article():
    text = "First one. Second one. Third one. Fourth one."
    spans = sentence_spans(text)
    passages = make_passages("a1", spans, window=2, stride=2)
    assert [text[p.start:p.end] for p in passages] == [
        "First one. Second one.", "Third one. Fourth one."]
    assert {p.article_id for p in passages} == {"a1"}


def test_window_and_stride_must_be_positive():
    with pytest.raises(ValueError):
        window_starts(4, 0, 1)


def test_a_quotation_ending_in_an_exclamation_does_not_end_the_sentence():
    text = ("The crowd broke into chants of “Marta!” as she walked on stage. "
            "\"Go home!\" the protesters shouted. Was it the \"Got Milk?\" ad? It was.")
    assert sentences(text) == [
        "The crowd broke into chants of “Marta!” as she walked on stage.",
        "\"Go home!\" the protesters shouted.",
        "Was it the \"Got Milk?\" ad?",
        "It was.",
    ]


def test_a_sentence_before_a_lowercase_brand_still_ends():
    assert sentences("Sales rose. iPhone sales fell.") == ["Sales rose.", "iPhone sales fell."]


def test_a_single_line_break_inside_a_sentence_does_not_split_it():
    text = "The minister said the plan\nwould go ahead. It was\napproved on Monday."
    assert sentences(text) == ["The minister said the plan\nwould go ahead.",
                               "It was\napproved on Monday."]
    text = "The plan for the\nNew York area went ahead."
    assert sentences(text) == [text]


def test_a_single_line_break_after_a_heading_or_a_full_stop_still_splits():
    text = "A heading without a full stop\nThe story begins here.\nIt goes on."
    assert sentences(text) == [
        "A heading without a full stop", "The story begins here.", "It goes on."]
