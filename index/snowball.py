"""The English Snowball ("Porter2") stemmer, giving exactly what nltk's gives.

The algorithm (https://snowballstem.org/algorithms/english/stemmer.html) strips a word's
suffixes in steps. Vowels are a e i o u y. R1 is the part of the word after its first
non-vowel that follows a vowel, R2 the same within R1 (either may be empty); a "short
syllable" is a non-vowel, a vowel and a non-vowel other than w, x or Y, or a vowel and a
non-vowel opening the word.

- Words of one or two letters stay as they are; a list of exceptions ("skies" -> "sky",
  "news", "innings" -> "inning", "proceeded" -> "proceed", ...) has fixed stems.
- Apostrophes: U+2019, U+2018 and U+201B read as ', and one opening the word goes. A y
  that opens the word or follows a vowel is a consonant, marked Y until the end.
- R1 starts after "gener", "commun" or "arsen" when the word opens with one.
- Step 0 removes 's' 's '. Step 1a: sses -> ss; ied, ies -> i (ie after one letter);
  us, ss stay; s goes if a vowel comes before the letter before it.
- Step 1b: eed, eedly -> ee in R1; ed, edly, ing, ingly go if a vowel comes before them,
  and then at, bl, iz take an e, a double bb dd ff gg mm nn pp rr tt loses a letter, and
  a short word (R1 empty, ending in a short syllable) takes an e.
- Step 1c: a final y or Y after a non-vowel that does not open the word becomes i.
- Step 2 (in R1): ational -> ate, tional -> tion, enci -> ence, anci -> ance, abli ->
  able, entli -> ent, izer ization -> ize, ation ator -> ate, alism aliti alli -> al,
  fulness -> ful, ousli ousness -> ous, iveness iviti -> ive, biliti bli -> ble,
  ogi -> og after l, fulli -> ful, lessli -> less, li goes after c d e g h k m n r t.
- Step 3 (in R1): tional -> tion, ational -> ate, alize -> al, icate iciti ical -> ic,
  ful ness go, ative goes if in R2.
- Step 4 (in R2): al ance ence er ic able ible ant ement ment ent ism ate iti ous ive
  ize go; ion goes after s or t.
- Step 5: a final e goes if in R2, or if in R1 and not after a short syllable; a final
  l goes if in R2 and after l. Y is y again.

Each step takes the longest of its suffixes that the word ends with, and does nothing
more when that one's condition fails. Any letter outside a-z is a non-vowel.

This is the algorithm as nltk implements it (nltk.stem.snowball.EnglishStemmer, which
the index's terms were first made with), not as the page now gives it: Snowball has since
added R1 prefixes (past, univers, organ, ...) and changed step 1b. nltk also departs
from the algorithm in where R2 starts once a step has changed the word's end (it keeps
R2 as a string beside the word): where R2 begins inside a suffix that step 1b, 2 or 3
replaces, nltk leaves R2 empty, or "e" after step 2's ation, ational, ator, iveness and
iviti, where the algorithm keeps where it starts; and when at, bl or iz take an e in
step 1b, R2 takes the e too if the word is then longer than five letters or R1 at least
three long, wherever R2 began. So step 5 keeps some final e's that the algorithm drops,
and drops others: nltk stems "sensationally" "sensate" (but "sensational" "sensat"),
"lionization" "lionize" and "strating" "strat", where the algorithm gives "sensat",
"lioniz" and "strate". Here R1 and R2 are where they start (p1 and p2), moved where
nltk's strings move them. tests/test_snowball.py checks the stems against nltk's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_VOWELS = "aeiouy"
_VOWEL = re.compile("[aeiouy]")
# Matches up to where R1 starts (the end of group 1) and R2 does (group 2's, if found).
_REGIONS = re.compile("(?:gener|commun|arsen|[^aeiouy]*[aeiouy]+[^aeiouy])()"
                      "(?:[^aeiouy]*[aeiouy]+[^aeiouy]())?")
_DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")

_EXCEPTIONS = {
    "skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
    "idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli",
    "singly": "singl", "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas",
    "cosmos": "cosmos", "bias": "bias", "andes": "andes",
    **{form: base for base in ("inning", "outing", "canning", "herring", "earring")
       for form in (base, base + "s")},
    **{form: base for base in ("proceed", "exceed", "succeed")
       for form in (base, base + "s", base + "ed", base + "ing")},
}

# Steps 2 to 4: suffix -> (replacement, whether it must be in R2 rather than R1, the
# letters one of which must come before it (any if none), and the length nltk gives R2
# when R2 begins inside the suffix, or None when R2 then starts where it did).
_Rule = tuple[str, bool, str, int | None]


def _rule(replacement: str, r2_length: int | None = None, *, preceded_by: str = "",
          in_r2: bool = False) -> _Rule:
    return replacement, in_r2, preceded_by, r2_length


_STEP2 = {
    "ational": _rule("ate", 1), "tional": _rule("tion"), "enci": _rule("ence"),
    "anci": _rule("ance"), "abli": _rule("able"), "entli": _rule("ent"),
    "izer": _rule("ize", 0), "ization": _rule("ize", 0), "ation": _rule("ate", 1),
    "ator": _rule("ate", 1), "alism": _rule("al", 0), "aliti": _rule("al", 0),
    "alli": _rule("al", 0), "fulness": _rule("ful"), "ousli": _rule("ous", 0),
    "ousness": _rule("ous", 0), "iveness": _rule("ive", 1), "iviti": _rule("ive", 1),
    "biliti": _rule("ble", 0), "bli": _rule("ble", 0), "ogi": _rule("og", preceded_by="l"),
    "fulli": _rule("ful"), "lessli": _rule("less"),
    "li": _rule("", preceded_by="cdeghkmnrt"),
}
_STEP3 = {
    "tional": _rule("tion"), "ational": _rule("ate", 0), "alize": _rule("al"),
    "icate": _rule("ic", 0), "iciti": _rule("ic", 0), "ical": _rule("ic", 0),
    "ful": _rule(""), "ness": _rule(""), "ative": _rule("", in_r2=True),
}
_STEP4 = {
    **{suffix: _rule("", in_r2=True) for suffix in (
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
        "ism", "ate", "iti", "ous", "ive", "ize")},
    "ion": _rule("", in_r2=True, preceded_by="st"),
}


def _by_ending(suffixes: Iterable[str], letters: int) -> dict[str, tuple[str, ...]]:
    """The suffixes by their last `letters` letters, longest first: the suffix a step
    takes is the first of those of the word's last letters that the word ends with."""
    table: dict[str, list[str]] = {}
    for suffix in sorted(suffixes, key=len, reverse=True):
        table.setdefault(suffix[-letters:], []).append(suffix)
    return {ending: tuple(found) for ending, found in table.items()}


_ENDINGS1B = _by_ending(("eedly", "ingly", "edly", "eed", "ing", "ed"), 1)
_STEPS_2_TO_4 = tuple((_by_ending(rules, 2), rules) for rules in (_STEP2, _STEP3, _STEP4))
_ENDINGS_2_TO_4 = frozenset(ending for endings, _ in _STEPS_2_TO_4 for ending in endings)


def stem(word: str) -> str:
    """The English Snowball stem of `word`, as nltk's SnowballStemmer("english") gives
    it (ignore_stopwords=False)."""
    word = word.lower()
    if len(word) <= 2:
        return word
    exception = _EXCEPTIONS.get(word)
    if exception is not None:
        return exception
    apostrophes = not word.isalnum()  # may hold one (a \w+ word never does)
    if apostrophes:
        word = word.replace("\u2019", "'").replace("\u2018", "'").replace("\u201b", "'")
        if word.startswith("'"):
            word = word[1:]
    marked = "y" in word
    if marked:
        if word.startswith("y"):
            word = "Y" + word[1:]
        # Then each y after a vowel (a y too, unless marked itself): replace() goes left
        # to right as nltk does, and the vowels' y's, marked first, start no "yy".
        word = (word.replace("ay", "aY").replace("ey", "eY").replace("iy", "iY")
                .replace("oy", "oY").replace("uy", "uY").replace("yy", "yY"))

    n = len(word)
    regions = _REGIONS.match(word)
    if regions is None:
        p1 = p2 = vowel = n
    else:
        p1, p2 = regions.end(1), regions.end(2)
        if p2 < 0:
            p2 = n
        # A vowel (the one before p1), to tell without a search that a vowel comes
        # before a suffix of steps 1a and 1b.
        vowel = p1 - 2

    if apostrophes:  # step 0
        for suffix in ("'s'", "'s", "'"):
            if word.endswith(suffix):
                word = word[:-len(suffix)]
                n = len(word)
                break
        if not word:
            return word

    # Step 1a. A cut leaves p1 and p2 as they are, past the word's end if so: nltk's
    # R1 and R2 lose what they held of the cut letters.
    last = word[-1]
    cut = 0
    if last == "s":
        ending = word[-2:]
        if ending == "es" and word.endswith("sses"):
            cut = 2
        elif ending == "es" and word.endswith("ies"):
            cut = 2 if n > 4 else 1
        elif ending not in ("us", "ss") and (vowel < n - 2 or _VOWEL.search(word, 0, n - 2)):
            cut = 1
    elif last == "d" and word.endswith("ied"):
        cut = 2 if n > 4 else 1
    if cut:
        word = word[:-cut]
        n -= cut
        last = word[-1]

    # Step 1b
    for suffix in _ENDINGS1B.get(last, ()):
        if word.endswith(suffix):
            cut = len(suffix)
            if suffix.startswith("ee"):
                if n - cut >= p1:
                    word = word[:-cut] + "ee"
                    if n - cut < p2:  # R2 began inside the suffix: nltk empties it
                        p2 = n - cut + 2
                    n = len(word)
            elif vowel < n - cut or _VOWEL.search(word, 0, n - cut):
                word = word[:-cut]
                n -= cut
                if word.endswith(("at", "bl", "iz")):
                    # nltk adds the e to R1, and to R2 if the word is then longer
                    # than five letters or R1 at least three long.
                    p1 = min(p1, n)
                    p2 = min(p2, n) if n + 1 > 5 or n + 1 - p1 >= 3 else n + 1
                    word += "e"
                    n += 1
                elif word.endswith(_DOUBLES):
                    word = word[:-1]
                    n -= 1
                elif n <= p1 and (
                        (n >= 3 and word[-1] not in "aeiouywxY" and word[-2] in _VOWELS
                         and word[-3] not in _VOWELS)
                        or (n == 2 and word[0] in _VOWELS and word[1] not in _VOWELS)):
                    word += "e"
                    n += 1
                    p1 = p2 = n  # nltk's R1 and R2 stay empty
            break

    # Step 1c
    if n > 2 and word[-1] in "yY" and word[-2] not in _VOWELS:
        word = word[:-1] + "i"

    # Steps 2 to 4 (most words end in none of their suffixes' last two letters)
    if word[-2:] in _ENDINGS_2_TO_4:
        for endings, rules in _STEPS_2_TO_4:
            for suffix in endings.get(word[-2:], ()):
                if word.endswith(suffix):
                    replacement, in_r2, preceded_by, r2_length = rules[suffix]
                    start = n - len(suffix)
                    if start >= (p2 if in_r2 else p1) and (
                            not preceded_by or word[start - 1] in preceded_by):
                        word = word[:start] + replacement
                        n = len(word)
                        if r2_length is not None and start < p2:
                            p2 = n - r2_length
                    break

    # Step 5
    last = word[-1]
    if last == "l":
        if n - 1 >= p2 and word[-2] == "l":
            word = word[:-1]
    elif last == "e" and (n - 1 >= p2 or (n - 1 >= p1 and n >= 4 and (
            word[-2] in "aeiouywxY" or word[-3] not in _VOWELS or word[-4] in _VOWELS))):
        word = word[:-1]
    return word.replace("Y", "y") if marked else word

