"""Plain unit tests of what the bot writes: limits, trimming, escaping, attribution."""

from __future__ import annotations

import discord
import pytest

from newsdesk.bot.embeds import (
    DESCRIPTION_MAX,
    MESSAGE_EMBEDS_MAX,
    TITLE_MAX,
    answer_page,
    no_match_text,
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


def answer(question: str, hits: list[Hit], terms: tuple[str, ...] = ("answer",)) -> Answer:
    return Answer(Query(question, list(terms), list(terms), {}), hits)


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


def test_answer_page_shows_the_answer_then_three_passages_with_attribution():
    hits = [hit(n, url=f"https://news.example/{n}") for n in range(1, 8)]
    first = answer_page(answer("What is the answer?", hits), 0, 3)
    assert len(first) == 4
    assert first[0].description.startswith("**The answer is 42.**")
    assert "— A headline, *Wire* · 2024-05-01" in first[0].description
    assert first[1].url == "https://news.example/1"
    assert first[1].footer.text == "Result 1 of 7 · article id1"
    second = answer_page(answer("What is the answer?", hits), 1, 3)
    assert [e.footer.text for e in second] == [f"Result {n} of 7 · article id{n}"
                                               for n in (4, 5, 6)]


def test_huge_text_stays_within_every_discord_limit():
    long_sentence = "Word " * 3000 + "end."
    hits = [hit(n, sentence=long_sentence, before="Pre " * 2000, after="Post " * 2000,
                title="T" * 1000) for n in range(1, 4)]
    embeds = answer_page(answer("Q" * 1000 + "?", hits), 0, 3)
    assert sum(len(e) for e in embeds) <= MESSAGE_EMBEDS_MAX
    for embed in embeds:
        assert len(embed.title or "") <= TITLE_MAX
        assert len(embed.description or "") <= DESCRIPTION_MAX
        assert (embed.description or "").count("**") % 2 == 0


def test_undated_articles_say_so():
    embed = answer_page(answer("Q?", [hit(published=None)]), 0, 3)[1]
    assert embed.description.startswith("*Wire* · undated")


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
    page = answer_page(answer("**bold** @everyone [x](https://evil.example)?", [hit()]), 0, 3)
    assert page[0].title.startswith("\\*\\*bold\\*\\*")
    assert "@everyone" not in page[0].title


def test_safe_cut_keeps_long_text_within_its_limit_instead_of_dropping_it():
    cut = safe_cut("word *starred* " * 400, 100)
    assert 50 < len(cut) <= 100 and cut.startswith("word \\*starred\\*")


def test_an_id_shown_as_code_cannot_close_its_code_span():
    assert code("x` [Click](https://evil.example) `\ny") == "`x' [Click](https://evil.example) ' y`"
