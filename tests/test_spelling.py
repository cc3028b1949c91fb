from collections.abc import Callable

import pytest

from newsdesk.index.spelling import MAX_LENGTH, MIN_LENGTH, correct


def counting(known: dict[str, int]) -> tuple[Callable[[str], int], list[str]]:
    """A `frequency` for `correct` over `known` terms, and the list of terms it was asked."""
    asked: list[str] = []

    def frequency(term: str) -> int:
        asked.append(term)
        return known.get(term, 0)

    return frequency, asked


@pytest.mark.parametrize("length", [MAX_LENGTH + 1, 4_000, 100_000, 10_000_000])
def test_a_term_longer_than_any_word_is_left_alone_without_a_lookup(length: int):
    frequency, asked = counting({"a" * (length - 1): 9})
    assert correct("a" * length, frequency) is None
    assert asked == []


def test_the_longest_correctable_term_is_corrected_with_bounded_work():
    word = "counterrevolutionaryorganisers"
    assert len(word) == MAX_LENGTH
    frequency, asked = counting({word: 3})
    assert correct(word[:-1] + "x", frequency) == word
    assert len(asked) <= 80 * (MAX_LENGTH + 1)


@pytest.mark.parametrize("term", ["20145", "mh17x", "covid19", "__init__", "boarder2"])
def test_numbers_and_codes_are_not_corrected(term: str):
    frequency, asked = counting({"2014": 5, "mh17": 5, "covid": 5, "init": 5, "boarder": 5})
    assert correct(term, frequency) is None
    assert asked == []


def test_letters_of_any_script_are_words():
    assert correct("zürichh", counting({"zürich": 2})[0]) == "zürich"


def test_the_shortest_correctable_term_is_min_length():
    frequency = counting({"board": 5, "boards": 5})[0]
    assert MIN_LENGTH == len("bords") == len("bord") + 1
    assert correct("bord", frequency) is None
    assert correct("bords", frequency) == "boards"


def test_equally_frequent_candidates_go_to_the_alphabetically_first():
    frequency = counting({"border": 2, "boarded": 2, "boarders": 1})[0]
    assert correct("boarder", frequency) == "boarded"
