"""From a question to the words worth searching for.

"How many", "how much", "how long" … ask for a kind of answer (a number, a
duration) and name nothing to look for; the words after "how" are dropped from the
query. Stop words are dropped later by the analyzer.
"""

from __future__ import annotations

import re

_HOW_WORDS = r"many|much|long|old|often|far|big|large|tall|high|soon|late|early"
_HOW = re.compile(rf"\bhow\s+(?:{_HOW_WORDS})\b", re.IGNORECASE)


def search_text(question: str) -> str:
    """The question with its question-form words removed, ready for the analyzer."""
    return _HOW.sub(" ", question)
