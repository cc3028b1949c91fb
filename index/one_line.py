"""Text from outside made safe to show inside one line of a report (file names, URLs,
reasons for a rejection), kept apart from cleaning.py so that reading a record's report
does not load the article cleaner."""

from __future__ import annotations

import re

# What must not reach a one-line report as it is: controls, line and paragraph
# separators, bidirectional overrides (which reorder the text shown) and lone surrogates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e"
                          "\u2066-\u2069\ud800-\udfff]")


def one_line(text: str) -> str:
    """`text` safe to show inside one report line: what could break the line, reorder
    it or fail to print is escaped as in a Python literal ("\\n", "\\x00", "\\udcff")."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
