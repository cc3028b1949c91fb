"""Cleaning of news text copied from the web.

The result has one paragraph per block, blocks separated by one blank line, no page
clutter, and the dateline and reporter credits lifted out as metadata so they are
neither indexed nor shown as content.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters that render as a space or as nothing but break tokenisation and hashing.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                                  "\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Control characters (C0 and C1, but tab, newlines, the separators str.split() takes for
# space and NEL, a line break) are junk from bad conversions: dropped.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), *range(0x0e, 0x1c), 0x7f, *range(0x80, 0x85),
                           *range(0x86, 0xa0)], None)
_TRANSLATION = _INVISIBLE | _CONTROLS | _SPACES
# The same for ASCII text, as bytes.translate's table and characters to delete.
_ASCII_SPACES = bytes.maketrans(bytes(c for c in _SPACES if c < 128),
                                b" " * sum(c < 128 for c in _SPACES))
_ASCII_DROPPED = bytes(c for c in _INVISIBLE | _CONTROLS if c < 128)
# A lone surrogate (a "\udc00" JSON escape, an undecodable byte) is no character: UTF-8,
# and so SQLite, cannot hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")

# Page furniture that web copies drag along. A line matching TRAILING is removed only
# from the end of the article; ANYWHERE lines are removed wherever they stand alone.
_TRAILING_CLUTTER = re.compile(
    r"^(?:in other news|load more|more stories|related(?: stories| articles| coverage"
    r"| content| links| news)?|subscribe(?: now| today| to .{0,60})?|sign up.{0,80}"
    r"|share(?: this(?: story| article)?| on \w+)?|read more.{0,80}|more from .{0,60}"
    r"|recommended(?: for you| stories)?|trending(?: now| stories)?|most (?:read|popular)"
    r"|follow us.{0,60}|click here.{0,80}|continue reading|you (?:may|might) also like"
    r"|e-?mail to a friend|print(?: this)?|comments?|tags?:.{0,200}|copyright .{0,120}"
    r"|©.{0,120}|all rights reserved\.?|advertisement|ad|sponsored(?: content)?"
    r"|(?:facebook|twitter|linkedin|whatsapp|email|reddit)(?:\s*[|·•]\s*\w+)*)[.:!]?$",
    re.IGNORECASE,
)
_ANYWHERE_CLUTTER = re.compile(
    r"^(?:advertisement|skip advertisement|story continues below(?: advertisement)?"
    r"|continue reading the main story|scroll to continue(?: with content)?)$",
    re.IGNORECASE,
)

# "BEIRUT —", "WASHINGTON (AP) —", "CAIRO, Egypt (Reuters) --", "(CNN) --",
# "Seoul, South Korea (CNN) --".
_DATELINE = re.compile(
    r"^(?P<dateline>"
    r"(?:[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3}(?:, [A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3})?"
    r"(?: \([A-Z][\w&.' -]{0,30}\))?)"
    r"|\([A-Z][\w&.' -]{0,30}\)"
    # "Seoul, South Korea (CNN) --": a place in mixed case needs the outlet to follow.
    r"|[A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3}(?:, [A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3})?"
    r" \([A-Z][\w&.' -]{0,30}\)"
    r") ?(?:—|–|--|-) ?(?=\S)"
)

# Reporter credit lines that close an article.
_CREDIT = re.compile(
    r"^(?:"
    r"[A-Z][\w.'’\- ]{0,80} reported from [A-Z][\w.'’,\- ]{1,80}\."
    r"|.{0,200}\bcontributed (?:reporting )?(?:to|for) (?:this|the) (?:report|story|article)\.?"
    r"|.{0,200}\b(?:writers?|reporters?|correspondents?) .{0,160}\bcontributed(?: reporting)?\.?"
    r"|\(?(?:reporting|writing|additional reporting) by .{1,200}"
    r")$",
    re.IGNORECASE,
)
# Words every credit line holds (what `_CREDIT` asks for, lowercased): an ASCII line
# without any of them is no credit, found without trying the expression.
_CREDIT_WORDS = ("reported from", "contributed", "reporting by", "writing by")
# Share links that some sites glue onto the end of the last paragraph; a paragraph that
# ends otherwise than they do has none (checked first: the expression is tried at every
# space of the paragraph).
_TRAILING_SUFFIX = re.compile(r"\s*\bE-?mail to a friend\.?$", re.IGNORECASE)
_SUFFIX_ENDS = ("d", "D", "d.", "D.")
_SEPARATOR = re.compile(r"^[_\-—=*~•· ]{3,}$")
# What makes an ASCII line differ from its words joined by single spaces: str.split()
# also parts words at the ASCII controls 0x1c-0x1f.
_UNTIDY = ("  ", " \n", "\n ", "\t", "\v", "\f", "\r", "\x1c", "\x1d", "\x1e", "\x1f")
_HEADLINE_MAX_CHARS = 150
_SENTENCE_END = re.compile(r"[.!?:;\"”’')\]]$")
# Words a hard-wrapped line can stop on but no sentence or headline ends with; not
# prepositions or "said", which end headlines ("Something to talk about", "What the
# president said").
_OPEN_ENDS = frozenset("a an the and or nor but than whose".split())
# Teaser links: "Watch the rescue »", "See more photos >>" ("Â»" is "»" read as Latin-1).
_TEASER_MAX_WORDS = 25
_LINK_MARK = re.compile(r"(?:»|>>|\u203a)\s*$")
_LINK_ENDS = ("»", ">>", "\u203a")  # how a line that `_LINK_MARK` finds ends, but for spaces
# The verbs teasers open with; not "share", "get" …, which open headlines ("Share
# prices fall"), nor "follow-up".
_TEASER_VERB = re.compile(
    r"(?:watch|see|read|click|follow|learn|find out|hear|listen|view|explore|check out|"
    r"sign up|subscribe|download)\b(?!-)", re.IGNORECASE)
_WEB_ADDRESS = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|org|net|tv|co\.uk|gov)\b",
                          re.IGNORECASE)


@dataclass(frozen=True)
class CleanText:
    text: str
    dateline: str | None
    credits: tuple[str, ...]


def normalise_unicode(text: str) -> str:
    """NFC, one kind of space, no invisible or control characters, Unix newlines, and
    U+FFFD for lone surrogates."""
    if text.isascii():  # NFC already, no surrogates: the same, much faster
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text.encode("ascii").translate(_ASCII_SPACES, _ASCII_DROPPED).decode("ascii")
    text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))
    text = (text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
            .replace("\x85", "\n"))
    return text.translate(_TRANSLATION)


def continues(line: str, next_line: str) -> bool:
    """Whether `next_line` carries on the sentence `line` leaves open: a hard wrap.

    It does when `line` ends no sentence and `next_line` starts in lower case, or when
    `line` ends on a comma or a word no sentence or headline ends on ("the", "and"),
    whatever case follows ("… the plan for the" / "New York City …").
    """
    if not line or not next_line or _SENTENCE_END.search(line):
        return False
    if next_line[0].islower() or line.endswith(","):
        return True
    last = line.rsplit(None, 1)[-1].lower()
    return last in _OPEN_ENDS


def _may_be_credit(line: str) -> bool:
    """False when `line` cannot be a credit line (`_CREDIT`): it is ASCII, where ignoring
    case is lowercasing, and holds none of the words every credit line holds."""
    if not line.isascii():
        return True
    lower = line.lower()
    return any(word in lower for word in _CREDIT_WORDS)


def teaser(line: str) -> bool:
    """Whether `line` (one paragraph) is a link to other content, not story text:
    "Watch the rescue »", "See map of suspected crash zone »", "Read more:",
    "CLICK HERE to try two free issues", "See full article at EW.com.".

    Judged by shape: a short line that ends in a link mark ("»", ">>", a single angle
    quote), or one that opens with a teaser's verb and ends on a colon, on no sentence
    mark at all, or names a web address. A story sentence that opens "See" or "Watch"
    ends with a full stop and stays: "Watch the skies, the minister told farmers."
    """
    if len(line.split(maxsplit=_TEASER_MAX_WORDS)) > _TEASER_MAX_WORDS:
        return False
    if _LINK_MARK.search(line):
        return "«" not in line  # a «guillemet» quotation, not a link
    if not _TEASER_VERB.match(line):
        return False
    return (line.endswith(":") or not _SENTENCE_END.search(line)
            or bool(_WEB_ADDRESS.search(line)))


def _tidy_lines(text: str) -> list[str]:
    """The lines of `text`, each with its runs of white space made one space and
    stripped; as they are when they are so already (ASCII text, as most is, without a
    double space, a space at a line's end or start, nor any other white space)."""
    lines = text.split("\n")
    if (text.isascii() and not text.startswith(" ") and not text.endswith(" ")
            and not any(mark in text for mark in _UNTIDY)):
        return lines
    return [" ".join(line.split()) for line in lines]


def paragraphs(text: str) -> list[str]:
    """Split into paragraphs: one per line, except hard-wrapped lines are joined back.

    Lines of in-body clutter ("Advertisement") and link lines ("Watch the rescue »")
    are dropped before joining, so they cannot glue onto the text around them; teasers
    known by their verb ("See more photos") once joined, so that a wrapped sentence
    is judged whole.
    """
    out: list[str] = []
    joinable = False
    for line in _tidy_lines(text):
        if not line:
            joinable = False
            continue
        if _ANYWHERE_CLUTTER.match(line) or (line.endswith(_LINK_ENDS) and teaser(line)):
            continue
        if joinable and out and continues(out[-1], line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        joinable = True
    # A line of more than _TEASER_MAX_WORDS words is no teaser; these lines' words are
    # parted by single spaces, so counting them is enough.
    return [p for p in out if p.count(" ") >= _TEASER_MAX_WORDS or not teaser(p)]


def clean_article_text(text: str) -> CleanText:
    """Clean one article body; see the module docstring."""
    paras = paragraphs(normalise_unicode(text))

    credits: list[str] = []
    while paras:
        if paras[-1].endswith(_SUFFIX_ENDS):
            paras[-1] = _TRAILING_SUFFIX.sub("", paras[-1])
        last = paras[-1]
        if not last or _TRAILING_CLUTTER.match(last) or _SEPARATOR.match(last):
            paras.pop()
        elif len(last) <= 300 and _may_be_credit(last) and _CREDIT.match(last):
            credits.insert(0, paras.pop())
        else:
            break

    dateline = None
    # The dateline opens the first paragraph, or the second when a headline comes first.
    for i in range(min(2, len(paras))):
        match = _DATELINE.match(paras[i])
        if match:
            dateline = match.group("dateline").strip()
            paras[i] = paras[i][match.end():]
            break
        if len(paras[i]) > _HEADLINE_MAX_CHARS:
            break
    return CleanText("\n\n".join(paras), dateline, tuple(credits))
