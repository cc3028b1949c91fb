"""Plain unit tests of what the bot writes: limits, trimming, escaping, attribution."""

from __future__ import annotations

import dataclasses

import discord
import pytest

from newsdesk.bot.embeds import (
    ANSWER_CARD_MAX,
    DESCRIPTION_MAX,
    MESSAGE_EMBEDS_MAX,
    TITLE_MAX,
    answer_card,
    no_match_text,
    passage_embeds,
    search_embed,
    source_embed,
)
from newsdesk.bot.text import code, cut_end, cut_start, escape, quote, safe_cut
from newsdesk.index import Answer, Article, Hit, Query


def hit(n: int = 1, *, sentence: str = "The answer is 42.", before: str = "Context first.",
        after: str = "More context.", title: str = "A headline", url: str | None = None,
        published: str | None = "2024-05-01") -> Hit:
    passage = f"{before} {sentence} {after}"
    start = len(before) + 1
    return Hit(article_id=f"id{n}", title=title, source="Wire", url=url, published=published,
               passage=passage, sentence=sentence, score=1.0, passage_start=0,
               passage_end=len(passage), sentence_start=start,
               sentence_end=start + len(sentence))


def answer(question: str, hits: list[Hit], terms: tuple[str, ...] = ("answer",), *,
           confident: bool = False) -> Answer:
    return Answer(Query(question, list(terms), list(terms), {}), hits, confident)


def test_cut_end_prefers_a_sentence_boundary_then_a_word():
    assert cut_end("One two three four. Five six seven.", 25) == "One two three four."
    assert cut_end("One two. Three four five six.", 20) == "One two. Three…"
    assert cut_end("alpha beta gamma delta", 15) == "alpha beta…"
    assert len(cut_end("x" * 50, 10)) == 10


def test_cut_start_keeps_the_end_from_a_sentence_or_word_start():
    assert cut_start("First part here. Second part.", 16) == "Second part."
    assert cut_start("alpha beta gamma delta", 14).startswith("…")


def test_escape_neutralises_markdown_and_mentions():
    text = escape("**bold** _it_ @everyone @here <@123456789012345678> [x](http://e.x)")
    assert "\\*\\*bold\\*\\*" in text and "\\_it\\_" in text
    assert "@everyone" not in text and "@here" not in text
    assert "<@123456789012345678>" not in text


@pytest.mark.parametrize("limit", [40, 80, 200, 1100])
def test_a_quote_fits_its_limit_and_keeps_the_answer_bold(limit: int):
    passage = ("Earlier it rained all day in the port. " * 10 + "The ferry resumed on Monday. "
               + "Crowds cheered at the dock. " * 10)
    start = passage.index("The ferry")
    end = start + len("The ferry resumed on Monday.")
    text = quote(passage, start, end, limit)
    assert len(text) <= limit
    assert text.startswith("> ")
    assert text.count("**") == 2  # one bold run, never cut in half
    assert "The ferry resumed on Monday" in text or "The ferry" in text


def test_a_quote_escapes_markdown_in_the_news_text():
    passage = "A *starred* word. The answer_is here. After."
    text = quote(passage, passage.index("The"), passage.index("here.") + 5, 500)
    assert "\\*starred\\*" in text
    assert "**The answer\\_is here.**" in text


def test_the_answer_is_one_short_card_with_a_linked_citation_and_other_sources():
    hits = [hit(n, url=f"https://news.example/{n}") for n in range(1, 8)]
    hits[0] = dataclasses.replace(hits[0], also_in=("Post", "Gazette"),
                                  reported_by=("Wire", "Coast Times"))
    card = answer_card(answer("What is the answer?", hits, confident=True), 0, 3)
    assert card.description.startswith("**The answer is 42.**\n— [A headline]("
                                       "https://news.example/1) · *Wire* · 2024-05-01 · `id1`")
    assert ("Reported by 2 outlets, and copies in 2 more: Wire, Coast Times, Post, Gazette."
            in card.description)
    assert "**Other sources**" in card.description
    assert [n for n in range(2, 8) if f"\n{n}. [A headline]" in card.description] == [2, 3, 4]
    assert len(card) <= ANSWER_CARD_MAX
    assert card.footer.text.startswith("Page 1 of 2")
    second = answer_card(answer("What is the answer?", hits, confident=True), 1, 3)
    assert second.description.startswith("**The answer is 42.**")  # the answer stays
    assert [n for n in range(2, 8) if f"\n{n}. [A headline]" in second.description] == [5, 6, 7]


def test_below_the_confidence_bar_it_says_closest_passages_not_answer():
    card = answer_card(answer("What is the answer?", [hit(1), hit(2)]), 0, 3)
    assert card.description.startswith("No sentence answers this clearly. The closest "
                                       "passage says:\n> The answer is 42.")
    assert "**Other close passages**" in card.description and "**A headline**" in card.description


def test_huge_text_stays_within_every_discord_limit():
    long_sentence = "Word " * 3000 + "end."
    hits = [hit(n, sentence=long_sentence, before="Pre " * 2000, after="Post " * 2000,
                title="T" * 1000) for n in range(1, 4)]
    card = answer_card(answer("Q" * 1000 + "?", hits, confident=True), 0, 3)
    assert len(card) <= ANSWER_CARD_MAX and len(card.title) <= TITLE_MAX
    assert card.description.count("**") % 2 == 0
    embeds = passage_embeds(answer("Q?", hits), 0, 3)
    assert sum(len(e) for e in embeds) <= MESSAGE_EMBEDS_MAX
    for embed in embeds:
        assert len(embed.description or "") <= DESCRIPTION_MAX
        assert (embed.description or "").count("**") % 2 == 0


def test_the_passages_behind_a_page_carry_their_attribution_and_say_undated():
    hits = [hit(1, url="https://news.example/1"), hit(2, published=None), hit(5)]
    embeds = passage_embeds(answer("Q?", hits), 0, 3)
    assert [e.footer.text for e in embeds] == [f"Result {n} of 3 · article id{m}"
                                               for n, m in ((1, 1), (2, 2), (3, 5))]
    assert embeds[0].url == "https://news.example/1"
    assert embeds[1].description.startswith("*Wire* · undated")


def test_no_match_text_names_the_search_words_and_suggests_search():
    text = no_match_text(answer("Price of bitcoin?", [], ("price", "bitcoin")))
    assert "searched for: price, bitcoin" in text and "/search" in text
    assert "only common words" in no_match_text(answer("Who is he?", [], ()))


def test_search_listing_links_titles_and_shows_ids():
    embed = search_embed(answer("ferry", [hit(1, url="https://news.example/1"), hit(2)]))
    assert "[A headline](https://news.example/1)" in embed.description
    assert "`id2`" in embed.description


def test_source_embed_shows_the_article_details():
    article = Article(id="a1", title="Ferry returns", source="Gazette", text="Lede here.\n\nMore.",
                      url="https://g.example/a1", published="2024-05-02",
                      authors=("Ann Lee",), dateline="PORT ELM", credits=("Bo reported.",))
    embed = source_embed(article)
    assert embed.title == "Ferry returns" and embed.url == "https://g.example/a1"
    fields = {f.name: f.value for f in embed.fields}
    assert fields["By"] == "Ann Lee" and fields["Dateline"] == "PORT ELM"
    assert embed.footer.text == "article a1"
    assert isinstance(embed, discord.Embed)


def test_links_are_only_to_web_urls_and_cannot_break_out_of_their_markdown():
    evil = "http://example.com/story)**[VERIFY ACCOUNT](https://evil.example/login)**("
    listing = search_embed(answer("ferry", [hit(1, url=evil), hit(2, url="javascript:alert(1)")]))
    description = listing.description
    assert "](https://evil.example" not in description and "**[VERIFY" not in description
    assert "[A headline](http://example.com/story%29%2A%2A%5BVERIFY" in description
    assert "javascript:" not in description and "**A headline**" in description
    article = Article(id="a1", title="T", source="S", text="Lede.", url=evil)
    embed = source_embed(article)
    assert embed.url.startswith("http://example.com/story%29")
    assert all("](https://evil" not in (f.value or "") for f in embed.fields)
    assert source_embed(Article(id="a2", title="T", source="S", text="Lede.",
                                url="ftp://x.example/a")).url is None


def test_a_question_echoed_in_an_embed_is_escaped():
    card = answer_card(answer("**bold** @everyone [x](https://evil.example)?", [hit()]), 0, 3)
    assert card.title.startswith("\\*\\*bold\\*\\*")
    assert "@everyone" not in card.title


def test_safe_cut_keeps_long_text_within_its_limit_instead_of_dropping_it():
    cut = safe_cut("word *starred* " * 400, 100)
    assert 50 < len(cut) <= 100 and cut.startswith("word \\*starred\\*")


def test_an_id_shown_as_code_cannot_close_its_code_span():
    assert code("x` [Click](https://evil.example) `\ny") == "`x' [Click](https://evil.example) ' y`"


def test_the_card_stays_within_its_budget_whatever_its_parts():
    long = hit(1, sentence="Word " * 400 + "end.", title="T" * 300,
               url="https://news.example/" + "a" * 200)
    long = dataclasses.replace(long, source="S" * 200, article_id="x" * 100)
    card = answer_card(answer("Q" * 300 + "?", [long, hit(2), hit(3)], confident=True), 0, 3)
    assert len(card) <= ANSWER_CARD_MAX
    assert "(https://news.example/a" in card.description  # a long URL is still linked
