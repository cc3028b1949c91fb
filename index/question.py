"""From a question to the words worth searching for.

"How many", "how much", "how long" … ask for a kind of answer (a number, a
duration) and name nothing to look for; the words after "how" are dropped from the
query. So is the noun of "what year", "which day", "what time" …: the answer is a
year or a date ("in 2005"), and the sentence that holds it seldom says "year".
Stop words are dropped later by the analyzer.
"""

from __future__ import annotations

import re

_HOW_WORDS = r"many|much|long|old|often|far|big|large|tall|high|soon|late|early"
_HOW = re.compile(rf"\bhow\s+(?:{_HOW_WORDS})\b", re.IGNORECASE)
_WHAT_TIME = re.compile(r"\b(what|which)\s+(?:year|month|day|date|time)\b", re.IGNORECASE)


def search_text(question: str) -> str:
    """The question with its question-form words removed, ready for the analyzer."""
    return _WHAT_TIME.sub(r"\1", _HOW.sub(" ", question))
