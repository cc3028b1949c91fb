"""Figures that sources report, to show where they disagree.

A claim is a number, what it counts and what happened to them, read from one
sentence: "killed at least 40 U.S.-backed Syrian fighters" is (40, fighter, kill).
Claims about the same thing with different numbers are a disagreement, and a briefing
shows each with the sentence and source it comes from. Only counts of people are read:
they are what reports most often dispute, and a fixed list of what can be counted and
what can happen keeps false claims out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import Article
from .wording import day_label

_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20,
}  # not "dozens" or "thousands": vague amounts do not disagree with exact ones
_UNITS = {
    "people": "people", "persons": "people", "fighters": "fighters", "fighter": "fighters",
    "soldiers": "soldiers", "troops": "soldiers", "civilians": "civilians",
    "militants": "militants", "rebels": "rebels", "insurgents": "militants",
    "children": "children", "police": "police", "officers": "police",
    "policemen": "police", "protesters": "protesters", "demonstrators": "protesters",
    "migrants": "migrants", "refugees": "refugees", "students": "students",
    "workers": "workers", "residents": "residents", "passengers": "passengers",
    "prisoners": "prisoners", "hostages": "hostages", "members": "members",
    "journalists": "journalists", "patients": "patients", "victims": "victims",
    "men": "people", "women": "people",
}
_EVENTS = {
    "killed": "killed", "kill": "killed", "killing": "killed", "dead": "killed",
    "died": "killed", "deaths": "killed", "slain": "killed", "wounded": "wounded",
    "injured": "wounded", "hurt": "wounded", "captured": "captured", "kidnapped": "captured",
    "abducted": "captured", "seized": "captured", "arrested": "detained",
    "detained": "detained", "apprehended": "detained", "holding": "detained",
    "held": "detained", "fled": "fled", "displaced": "fled", "evacuated": "evacuated",
    "rescued": "rescued", "missing": "missing",
}
_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[A-Za-z][A-Za-z'’.-]*|[,;:]")
_UNIT_REACH = 5  # words between a number and what it counts ("40 U.S.-backed Syrian fighters")
# A word that ends the phrase a number starts: "24 activist collective said ISIS fighters".
_PHRASE_BREAKS = frozenset("said says told and but or who which that were was have has had "
                           "are is , ; :".split())
# What ends the clause an event must share with its count. After the count a comma
# ends it too: "killed 40 fighters, captured several" did not capture the 40.
_CLAUSE_BREAKS = frozenset("and but while whereas ; :".split())
_CLAUSE_BREAKS_AFTER = _CLAUSE_BREAKS | {","}
_EVENT_REACH = 8  # words between the count and what happened


@dataclass(frozen=True)
class Claim:
    """One figure, as one article reports it."""

    value: int
    counts: str  # "fighters"
    event: str  # "killed"
    sentence: str
    article: Article  # where it was read: its outlet, date and title

    @property
    def day(self) -> str:
        return day_label(self.article.published)


@dataclass(frozen=True)
class Dispute:
    """Claims about the same count that give different numbers, read from different
    sentences (two numbers of one sentence are never a dispute)."""

    counts: str
    event: str
    claims: tuple[Claim, ...]  # at least two different values, smallest first

    @property
    def values(self) -> list[int]:
        return sorted({c.value for c in self.claims})

    @property
    def summary(self) -> str:
        """"fighters killed: 40 against 60"."""
        return f"{self.counts} {self.event}: " + " against ".join(map(str, self.values))


@dataclass(frozen=True)
class Series:
    """One outlet's figure for a count, changing over its reports: an update, not a
    dispute."""

    counts: str
    event: str
    outlet: str
    claims: tuple[Claim, ...]  # oldest first; each value differs from the one before

    @property
    def summary(self) -> str:
        """"fighters killed: 40 → 60, AP, 2024-05-04 → 2024-05-05"."""
        values = " → ".join(str(c.value) for c in self.claims)
        days = " → ".join(c.day for c in self.claims)
        return f"{self.counts} {self.event}: {values}, {self.outlet}, {days}"


def _number(token: str) -> int | None:
    if token[0].isdigit():
        try:
            return int(float(token.replace(",", "")))
        except ValueError:
            return None
    return _NUMBER_WORDS.get(token.lower())


def claims_in(sentence: str, article: Article) -> list[Claim]:
    """The counted events a sentence reports."""
    tokens = _TOKEN.findall(sentence)
    lower = [t.lower().rstrip(".") for t in tokens]  # "U.S." stays one token
    found = []
    for i, token in enumerate(tokens):
        value = _number(token)
        if value is None or (token[0].isdigit() and len(token) == 4 and 1900 <= value <= 2100):
            continue  # not a count, or a year
        if i > 0 and tokens[i - 1][0].isupper() and lower[i - 1] not in _EVENTS:
            continue  # part of a name: "Deir Ezzor 24", "Apollo 11"
        unit_at = None
        for j in range(i + 1, min(i + 1 + _UNIT_REACH, len(tokens))):
            if lower[j] in _UNITS:
                unit_at = j
                break
            if lower[j] in _PHRASE_BREAKS:
                break
        if unit_at is None:
            continue
        event = _event_around(lower, i, unit_at)
        if event:
            found.append(Claim(value, _UNITS[lower[unit_at]], event, sentence, article))
    return found


def _event_around(lower: list[str], number_at: int, unit_at: int) -> str | None:
    """The nearest event in the count's clause: after what is counted ("40 people were
    killed") or before the number ("killed at least 40 people")."""
    found: list[tuple[int, str]] = []
    for j in range(unit_at + 1, min(unit_at + 1 + _EVENT_REACH, len(lower))):
        if lower[j] in _EVENTS:
            found.append((j - unit_at, _EVENTS[lower[j]]))
            break
        if lower[j] in _CLAUSE_BREAKS_AFTER:
            break
    for j in range(number_at - 1, max(number_at - 1 - _EVENT_REACH, -1), -1):
        if lower[j] in _EVENTS:
            found.append((number_at - j, _EVENTS[lower[j]]))
            break
        if lower[j] in _CLAUSE_BREAKS:
            break
    return min(found)[1] if found else None


def disagreements(claims: list[Claim]) -> list[Dispute]:
    """Where the figures for the same count disagree; see `figure_changes`."""
    return figure_changes(claims)[0]


def figure_changes(claims: list[Claim]) -> tuple[list[Dispute], list[Series]]:
    """Disputes and updates among claims about the same count in the same event.

    Each outlet's figure is the one of its latest report (publication day); an earlier
    report of the same outlet with another number is an update, shown as a series. The
    latest figures dispute each other when they differ and come from different
    sentences.
    """
    groups: dict[tuple[str, str], list[Claim]] = {}
    for claim in claims:
        groups.setdefault((claim.counts, claim.event), []).append(claim)
    disputes, series = [], []
    for (counts, event), group in groups.items():
        current: list[Claim] = []
        for outlet, reports in _by_outlet(group).items():
            latest = reports[-1].day
            current += [c for c in reports if c.day == latest]
            changes = _changes(reports)
            if len(changes) > 1:
                series.append(Series(counts, event, outlet, tuple(changes)))
        if any(a.value != b.value and a.sentence != b.sentence
               for a in current for b in current):
            unique: dict[tuple[int, str], Claim] = {}
            for claim in current:  # a copy's claim yields to its original's
                unique.setdefault((claim.value, claim.sentence), claim)
            disputes.append(Dispute(counts, event,
                                    tuple(sorted(unique.values(), key=lambda c: c.value))))
    return disputes, series


def _by_outlet(claims: list[Claim]) -> dict[str, list[Claim]]:
    """Each outlet's claims, oldest report first (undated ones first, in order)."""
    outlets: dict[str, list[Claim]] = {}
    for claim in claims:
        outlets.setdefault(claim.article.source, []).append(claim)
    return {outlet: sorted(found, key=lambda c: c.article.published or "")
            for outlet, found in outlets.items()}


def _changes(reports: list[Claim]) -> list[Claim]:
    """The first claim of each report day whose value differs from the day before's."""
    changes: list[Claim] = []
    for claim in reports:
        if not claim.article.published:
            continue  # an undated report has no place in a series
        if not changes or (claim.value != changes[-1].value and claim.day != changes[-1].day):
            changes.append(claim)
    return changes
