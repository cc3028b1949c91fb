from datetime import date

import pytest

from newsdesk.index.periods import Period, question_period, without_relative_time

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(("question", "start", "end"), [
    ("What happened on 2019-05-03?", date(2019, 5, 3), date(2019, 5, 3)),
    ("What did the Fed do on March 3, 2008?", date(2008, 3, 3), date(2008, 3, 3)),
    ("Who spoke on 3rd May 2019?", date(2019, 5, 3), date(2019, 5, 3)),
    ("What did the Fed do in March 2008?", date(2008, 3, 1), date(2008, 3, 31)),
    ("Who won the election in 2016?", date(2016, 1, 1), date(2016, 12, 31)),
    ("What has changed since 2015?", date(2015, 1, 1), TODAY),
    ("What happened in February?", date(2026, 2, 1), date(2026, 2, 28)),
    ("What happened in December?", date(2025, 12, 1), date(2025, 12, 31)),
    ("Who resigned on May 3?", date(2026, 5, 3), date(2026, 5, 3)),
    ("What did ISIS do yesterday?", date(2026, 11, 25), date(2026, 11, 25)),
    ("What happened last week?", date(2026, 11, 16), date(2026, 11, 22)),
    ("Any news this week?", date(2026, 11, 23), TODAY),
    ("What happened last month?", date(2026, 10, 1), date(2026, 10, 31)),
    ("Who was arrested in the past 3 days?", date(2026, 11, 23), TODAY),
    ("Floods over the last two weeks", date(2026, 11, 12), TODAY),
    ("What happened last year?", date(2025, 1, 1), date(2025, 12, 31)),
])
def test_the_period_a_question_names(question: str, start: date, end: date):
    period = question_period(question, TODAY)
    assert period is not None and (period.start, period.end) == (start, end)


@pytest.mark.parametrize("question", [
    "How many SDF fighters did ISIS kill?",
    "Who may lead the talks?",  # "may", the verb
    "How many of the 20000 fighters fled?",  # not a year
    "What did the mayor say on 2019-02-30?",  # no such day
])
def test_questions_that_name_no_time(question: str):
    assert question_period(question, TODAY) is None


def test_relative_times_are_not_searched_for_but_named_ones_are():
    last_week = question_period("What did ISIS do last week?", TODAY)
    assert without_relative_time("What did ISIS do last week?", last_week).split() == [
        "What", "did", "ISIS", "do", "?"]
    march = question_period("What did the Fed do in March 2008?", TODAY)
    assert without_relative_time("What did the Fed do in March 2008?", march).endswith(
        "March 2008?")


def test_periods_describe_themselves_for_the_reader():
    assert Period(date(2008, 3, 1), date(2008, 3, 31), "", False).describe() == "March 2008"
    assert Period(date(2016, 1, 1), date(2016, 12, 31), "", False).describe() == "2016"
    assert Period(date(2019, 5, 3), date(2019, 5, 3), "", False).describe() == "3 May 2019"
    assert Period(date(2026, 11, 16), date(2026, 11, 22), "", True).describe() == (
        "16–22 November 2026")
    assert Period(date(2026, 10, 28), date(2026, 11, 3), "", True).describe() == (
        "28 October – 3 November 2026")
    assert Period(date(2025, 12, 28), date(2026, 1, 3), "", True).describe() == (
        "28 December 2025 – 3 January 2026")
