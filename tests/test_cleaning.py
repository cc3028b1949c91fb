from newsdesk.index.articles import build_article
from newsdesk.index.cleaning import clean_article_text, normalise_unicode, paragraphs
from newsdesk.index.readers import RawRecord

from .conftest import SEEDS


def seed_text() -> str:
    return next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")


def test_seed_article_dateline_is_metadata_not_text():
    cleaned = clean_article_text(seed_text())
    assert cleaned.dateline == "BEIRUT"
    assert cleaned.text.startswith("The Islamic State group killed at least 40")


def test_seed_article_credit_line_is_metadata_not_text():
    cleaned = clean_article_text(seed_text())
    assert cleaned.credits == ("Youssef reported from Cairo.",)
    assert "reported from Cairo" not in cleaned.text


def test_seed_article_page_clutter_is_removed():
    cleaned = clean_article_text(seed_text())
    assert "In Other News" not in cleaned.text
    assert "Load More" not in cleaned.text
    assert cleaned.text.endswith("in addition to their families.")


def test_seed_article_keeps_every_paragraph():
    cleaned = clean_article_text(seed_text())
    assert len(cleaned.text.split("\n\n")) == 18  # 21 lines less credit and clutter


def test_seed_article_gets_a_title_from_its_first_sentence():
    built = build_article(RawRecord({"text": seed_text()}, "seed.txt", "seeds", True))
    article, _sentences = built
    assert article.title.startswith("The Islamic State group killed at least 40")
    assert article.title.endswith("…") and len(article.title) <= 81
    assert article.source == "seeds"


def test_datelines_of_several_styles():
    for text, dateline in [
        ("WASHINGTON (AP) — The Senate voted.", "WASHINGTON (AP)"),
        ("CAIRO, Egypt (Reuters) -- Crowds gathered.", "CAIRO, Egypt (Reuters)"),
        ("(CNN) -- A senator said.", "(CNN)"),
        ("NEW YORK – Stocks fell.", "NEW YORK"),
        ("Seoul, South Korea (CNN) -- Lawmakers were denied entry.", "Seoul, South Korea (CNN)"),
    ]:
        assert clean_article_text(text).dateline == dateline, text
    assert clean_article_text("A — B is not a dateline.").dateline is None
    assert clean_article_text("Tom Smith - the mayor - spoke.").dateline is None


def test_contributor_lines_at_the_end_become_credits():
    text = ("The vote passed.\n\nAssociated Press writer Jane Roe in Paris contributed.\n\n"
            "CNN's John Doe contributed to this report.")
    cleaned = clean_article_text(text)
    assert cleaned.text == "The vote passed."
    assert len(cleaned.credits) == 2


def test_unicode_is_normalised_and_invisible_characters_removed():
    assert normalise_unicode("cafe\u0301\u00a0bar\u200b\r\n") == "café bar\n"


def test_hard_wrapped_lines_are_joined_and_clutter_cannot_glue_on():
    text = "The minister said the plan\nwould go ahead.\nAdvertisement\nlater text."
    assert paragraphs(text) == ["The minister said the plan would go ahead.", "later text."]


def test_share_links_glued_to_the_last_paragraph_are_removed():
    assert clean_article_text("He left. E-mail to a friend").text == "He left."


def test_teaser_and_link_lines_are_removed():
    text = ("The storm reached the coast on Monday.\n\n"
            "Watch residents board up their homes »\n\n"
            "See map of the storm's path »\n\n"
            "Follow the storm's path Â»\n\n"
            "Thousands of people left the city.\n\n"
            "Read more:\n\n"
            "CLICK HERE to try two free issues\n\n"
            "See more photos of the damage at example.com.\n\n"
            "Officials said the worst was over.")
    assert clean_article_text(text).text == (
        "The storm reached the coast on Monday.\n\n"
        "Thousands of people left the city.\n\n"
        "Officials said the worst was over.")


def test_story_sentences_that_open_with_see_or_watch_are_kept():
    kept = ["See you in court, the mayor told the developer.",
            "Watch the skies, the minister told farmers on Tuesday.",
            "Watchdog groups said the vote was fair.",
            "See the full list of winners below.",
            "Follow-up tests were clear."]
    assert paragraphs("\n\n".join(kept)) == kept


def test_a_wrapped_sentence_that_opens_like_a_teaser_is_judged_whole():
    text = "See the full list of\nwinners, which the jury published on Friday."
    assert paragraphs(text) == [
        "See the full list of winners, which the jury published on Friday."]


def test_a_hard_wrap_before_a_capital_is_joined_after_a_comma_or_an_article():
    text = ("The minister said the plan, which covers the\nNew York area, would go ahead,\n"
            "Reuters reported.\nA headline with no full stop\nThe story begins here.")
    assert paragraphs(text) == [
        "The minister said the plan, which covers the New York area, would go ahead, "
        "Reuters reported.",
        "A headline with no full stop",
        "The story begins here.",
    ]
