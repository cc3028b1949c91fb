"""snowball.py's stems are nltk's English Snowball stems, word for word.

nltk is the reference: the index's terms were made with it (ANALYZER_VERSION is the
same). The words are those of real news (the seeds, NewsQA), the benchmarks' generated
vocabulary, and generated words meant to reach every rule: each suffix of every step
after English-like stems, all short words, y's and doubled letters in odd places,
digits, underscores, apostrophes and letters outside a-z.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import string
import sys
from collections.abc import Iterable

from nltk.stem.snowball import EnglishStemmer, SnowballStemmer

from newsdesk.index import snowball
from newsdesk.index.snowball import stem

from .conftest import NEWSQA, REPO, SEEDS, needs_newsqa

sys.path.insert(0, str(REPO / "benchmarks"))
from query_latency import vocabulary

NLTK_STEM = SnowballStemmer("english").stem
WORD = re.compile(r"\w+")  # the analyzer's words

SUFFIXES = """
    ational tional enci anci izer bli abli alli entli eli ousli ization ation ator alism
    iveness fulness ousness aliti iviti biliti logi ogi li fulli lessli ical ative alize
    icate iciti ful ness al ance ence er ic able ible ant ement ment ent ion sion tion ou
    ous ism ate iti ive ize ing ingly ed edly eed eedly s ss sses ies ied us y e l ll ly
    at bl iz ably ibly ings ers ations izations nesses fully ively eds ying yed
""".split()
ONSETS = [*"bcdfghjklmnprstvwxyz", "qu", "bl", "br", "ch", "cl", "cr", "dr", "fl", "fr",
          "gl", "gr", "pl", "pr", "sc", "sh", "sk", "sl", "sp", "st", "str", "sw", "th",
          "tr", "tw", "wh", "wr", "spr", "scr", "spl", "thr", "shr", "", ""]
NUCLEI = "a e i o u y ai au ea ee ie io oa oo ou ue ay ey oy uy ye yo".split()
CODAS = ["", "", "", *"bcdgklmnprstwxyz", "ff", "ll", "nn", "pp", "rr", "ss", "tt", "bb",
         "dd", "gg", "mm", "ng", "nt", "st", "ck", "rt", "ld", "yl", "wl"]
PREFIXES = ["", "", "", "", "gener", "commun", "arsen", "y", "un", "re", "over"]
NON_ASCII = ("éèêëàâäåáãçñöøóôõüùúûíïîıłßæœþðž"
             "абвгдеёжзийклмнопрстуфхцчшщъыьэюя" "αβγδεζηθικλμνξοπρσςτυφχψω"
             "東京中国日本語한국어ـعربيةעברית" "\u0301\u0308")
APOSTROPHES = "'\u2019\u2018\u201b"


def differences(words: Iterable[str]) -> list[str]:
    """'word: ours != nltk's' for each word the stemmers disagree on."""
    return [f"{word!r}: {stem(word)!r} != {NLTK_STEM(word)!r}" for word in words
            if stem(word) != NLTK_STEM(word)]


def assert_same(words: set[str], at_least: int) -> None:
    assert len(words) >= at_least
    differ = differences(sorted(words))
    assert not differ, f"{len(differ)} of {len(words)} words differ: {differ[:10]}"


def words_of(texts: Iterable[str]) -> set[str]:
    """The distinct words the analyzer finds in `texts`."""
    return {word for text in texts for word in WORD.findall(text.lower())}


def english_like(rng: random.Random) -> str:
    """A made-up word: an optional prefix, one to three syllables and zero to three of
    the algorithm's suffixes."""
    syllables = rng.randint(1, 3)
    word = rng.choice(PREFIXES) + "".join(
        rng.choice(ONSETS) + rng.choice(NUCLEI) for _ in range(syllables))
    word += rng.choice(CODAS)
    for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
        word += rng.choice(SUFFIXES)
    return word


def fuzz_words(seed: int) -> set[str]:
    """At least 100,000 generated words of every kind the analyzer may meet, and some it
    cannot (capitals, apostrophes)."""
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < 100_000:
        words.add(english_like(rng))
    # One syllable and a suffix of step 1: where R1 and R2 begin near the suffix.
    words.update(onset + nucleus + coda + suffix for onset in ONSETS
                 for nucleus in ("a", "e", "i", "o", "u", "y", "ea", "oo")
                 for coda in ("t", "l", "z", "b", "d", "ss", "w", "x", "y", "at", "bl", "iz",
                              "tt", "ll")
                 for suffix in ("ing", "ed", "edly", "ingly", "eed", "s"))
    # Every suffix after each stem shape.
    for stem_ in ("r", "ra", "rat", "relat", "y", "ay", "ey", "by", "sky", "sy", "oy",
                  "hop", "hopp", "fizz", "troub", "gener", "commun", "arsen", "proc",
                  "sens", "cont", "iz", "bl", "at", "ee", "feed", "sucç", "é", "x9"):
        words.update(stem_ + suffix for suffix in SUFFIXES)
        words.update(stem_ + a + b for a in SUFFIXES for b in ("s", "ly", "ed", "ing"))
    letters = string.ascii_lowercase
    for size in (1, 2, 3):
        words.update(map("".join, itertools.product(letters, repeat=size)))
    words.update("".join(rng.choices(letters, k=4)) for _ in range(20_000))
    # Odd places for y, e, l and doubled letters.
    words.update("".join(rng.choices("aeiouyyyyllsdgnte", k=rng.randint(3, 10)))
                 for _ in range(10_000))
    # Digits and underscores inside, before and after words.
    for _ in range(5_000):
        word = list(english_like(rng))
        for _ in range(rng.randint(1, 3)):
            word.insert(rng.randint(0, len(word)), rng.choice(string.digits + "_"))
        words.add("".join(word))
    words.update(("1990s", "g20", "covid19", "2nd", "3ed", "___", "a_b", "_ing", "x_ational",
                  "0", "00", "000", "4ies"))
    # Letters outside a-z, alone and among English ones.
    for _ in range(5_000):
        word = list(english_like(rng)) if rng.random() < 0.5 else []
        for _ in range(rng.randint(1, 6)):
            word.insert(rng.randint(0, len(word)), rng.choice(NON_ASCII))
        words.add("".join(word))
    words.update(("café", "cafés", "naïvely", "straße", "straßen", "größten", "überall",
                  "зима", "москве", "αθήνα", "東京", "日本語", "emigrés", "señoras"))
    # Apostrophes, which \w+ words never hold, and capitals, which they never have.
    for _ in range(3_000):
        word = list(english_like(rng))
        for _ in range(rng.randint(1, 3)):
            word.insert(rng.choice((0, len(word), rng.randint(0, len(word)))),
                        rng.choice(APOSTROPHES))
        words.add("".join(word))
    words.update(("'s", "''s'", "'s'", "it's", "dogs'", "'yes", "\u2019tis"))
    words.update(rng.choice((str.upper, str.title))(english_like(rng)) for _ in range(2_000))
    words.update(("YELLOW", "Skies", "İstanbul", "ΟΔΟΣ", "DYING"))
    return words


def test_seed_articles_words():
    texts = [path.read_text(encoding="utf-8") for path in SEEDS.iterdir()
             if path.suffix in (".txt", ".md", ".json", ".jsonl", ".csv")]
    assert_same(words_of(texts), at_least=250)


@needs_newsqa
def test_newsqa_words():
    texts = []
    with (NEWSQA / "articles.jsonl").open(encoding="utf-8") as lines:
        texts += [json.loads(line)["text"] for line in lines]
    with (NEWSQA / "questions.jsonl").open(encoding="utf-8") as lines:
        texts += [json.loads(line)["question"] for line in lines]
    assert_same(words_of(texts), at_least=5000)


def test_generated_article_vocabulary():
    assert_same(set(vocabulary(50_000, random.Random(7))), at_least=50_000)


def test_fuzzed_words():
    assert_same(fuzz_words(seed=11), at_least=150_000)


def test_exceptions():
    nltks = EnglishStemmer._EnglishStemmer__special_words  # type: ignore[attr-defined]
    listed = set(nltks) | set(snowball._EXCEPTIONS)
    variants = {variant for word in listed
                for variant in (word + "s", word + "ly", word[:-1], "y" + word, word.upper())}
    assert_same(listed | variants, at_least=38)


def test_nltks_departures_from_the_published_algorithm_are_kept():
    # Replacing "ational" (step 3) and "ization" (step 2) empties R2 when it begins inside
    # them, and step 1b's e joins R2 in "strate": step 5 keeps and drops e's the
    # published algorithm (with R2 where it began) drops and keeps.
    assert [stem(w) for w in ("sensational", "sensationally", "lionization", "strating")
            ] == ["sensat", "sensate", "lionize", "strat"]
