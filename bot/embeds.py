"""Discord embeds for answers, search results, articles and help, within Discord's limits.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
title 256, description 4096, field name 256, field value 1024, footer 2048, author 256,
25 fields, and 6000 characters across all embeds of one message.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from newsdesk.index import (
    Alert,
    Answer,
    Article,
    Briefing,
    BriefingItem,
    Dispute,
    Hit,
    ShownAnswer,
    Timeline,
    day_label,
    plural,
)

from .text import code, cut_end, escape, link, quote, safe_cut, web_url

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
MESSAGE_EMBEDS_MAX = 6000
CONTENT_MAX = 2000
# Per passage embed, so that an answer plus three passages stay under 6000 in all.
PASSAGE_QUOTE_MAX = 1100

APOLOGY = ("Sorry, something went wrong answering that; it has been logged for the team "
           "that runs me.")
EMPTY_ARCHIVE = ("The archive is empty: an admin can add articles with `/add` (a web page or "
                 "a file), or `newsdesk add` on the server.")

ANSWER_COLOUR = discord.Colour(0xE8A33D)
PASSAGE_COLOUR = discord.Colour(0x4F7CAC)
NOTICE_COLOUR = discord.Colour(0x8A8F98)


def dateline(hit: Hit | Article) -> str:
    """"*Outlet* (also Other, Another) · 2018-11-24" (or "undated")."""
    when = day_label(hit.published)
    also = getattr(hit, "also_in", ())
    outlets = safe_cut(hit.source, 100) + (f" (also {safe_cut(', '.join(also), 200)})"
                                           if also else "")
    return f"*{outlets}* · {when}"


def title_of(hit: Hit | Article, limit: int = TITLE_MAX) -> str:
    return safe_cut(hit.title, limit)


# The first reply holds at most this much embed text: one short card, not a wall.
ANSWER_CARD_MAX = 1000
ANSWER_SENTENCE_MAX = 420


def citation(hit: Hit) -> str:
    """"[Title](url) · *Outlet* · 2018-11-24 · `id`", the title linked where it can be
    (a URL of over 250 characters is not linked: it would crowd out the answer)."""
    return (f"{link(title_of(hit, 120), hit.url, 250)} · *{safe_cut(hit.source, 60)}* · "
            f"{day_label(hit.published)} · {code(hit.article_id, 40)}")


def answer_card(answer: Answer | ShownAnswer, page: int, per_page: int) -> discord.Embed:
    """The answer as one embed: the sentence that answers (or, below the confidence bar,
    the closest passage, said so), its linked citation and the other outlets that carry
    the story; then page `page` of the further sources. The answer stays on every page."""
    first, others = answer.hits[0], other_sources(answer)
    embed = discord.Embed(colour=ANSWER_COLOUR if answer.confident else NOTICE_COLOUR,
                          title=safe_cut(answer.question, 200))
    cited = citation(first)
    # The sentence gets what the card has left after the question and its citation.
    room = ANSWER_CARD_MAX - len(embed.title or "") - len(cited) - 150
    sentence = safe_cut(first.sentence, max(min(ANSWER_SENTENCE_MAX, room), 80))
    lines = [f"**{sentence}**" if answer.confident else
             f"No sentence answers this clearly. The closest passage says:\n> {sentence}",
             f"— {cited}"]
    corroboration = first.corroboration
    if len(corroboration.outlets) > 1 or corroboration.copies:
        lines.append(f"{corroboration.summary.capitalize()}: "
                     f"{safe_cut(', '.join(corroboration.outlets + corroboration.copies), 150)}.")
    shown = others[page * per_page:(page + 1) * per_page]
    if shown:
        label = "Other sources" if answer.confident else "Other close passages"
        lines.append(f"\n**{label}**")
    budget = ANSWER_CARD_MAX - len(embed.title or "") - 60  # room for the footer
    text = "\n".join(lines)
    for number, hit in enumerate(shown, start=page * per_page + 2):
        line = f"\n{number}. {citation(hit)}"
        if len(text) + len(line) > budget:
            break
        text += line
    embed.description = text
    pages = page_count(answer, per_page)
    footer = f"Page {page + 1} of {pages} · " if pages > 1 else ""
    footer += answer.note or "Passages shows the text behind the answer"
    embed.set_footer(text=footer[:FOOTER_MAX])
    return embed


def other_sources(answer: Answer | ShownAnswer) -> list[Hit]:
    """The best hit of each other article: further passages of the answer's own article
    are behind **Passages**, not listed as sources."""
    seen = {answer.hits[0].article_id}
    others = []
    for hit in answer.hits[1:]:
        if hit.article_id not in seen:
            seen.add(hit.article_id)
            others.append(hit)
    return others


def page_count(answer: Answer | ShownAnswer, per_page: int) -> int:
    return max(1, -(-len(other_sources(answer)) // per_page))


def passage_embeds(answer: Answer | ShownAnswer, page: int,
                   per_page: int) -> list[discord.Embed]:
    """The passages behind a page of an answer, on demand: the answer's own first, then
    those of the sources on that page."""
    others = other_sources(answer)
    chosen = [answer.hits[0], *others[page * per_page:(page + 1) * per_page]]
    numbers = [1, *range(page * per_page + 2, page * per_page + 2 + len(chosen) - 1)]
    total = len(others) + 1
    return fit_message([passage_embed(hit, number, total)
                        for hit, number in zip(chosen, numbers, strict=True)])


def passage_embed(hit: Hit, number: int, total: int) -> discord.Embed:
    """One passage: title (linked), outlet and date, the quote, the article id."""
    embed = discord.Embed(colour=PASSAGE_COLOUR, title=title_of(hit), url=web_url(hit.url))
    lo = hit.sentence_start - hit.passage_start
    hi = hit.sentence_end - hit.passage_start
    embed.description = f"{dateline(hit)}\n{quote(hit.passage, lo, hi, PASSAGE_QUOTE_MAX)}"
    embed.set_footer(text=f"Result {number} of {total} · article {hit.article_id}"[:FOOTER_MAX])
    return embed


def no_match_text(answer: Answer) -> str:
    """What to say when nothing in the archive answers."""
    question, searched = answer.question, answer.query.terms
    if not searched:
        return (f"“{safe_cut(question, 300)}” has only common words: name who, what or "
                "where you are asking about.")
    words = ", ".join(escape(t) for t in searched[:12])
    advice = (f"{safe_cut(answer.filters_note, 900)}." if answer.filters_note
              else "Try `/search` with other words.")
    if answer.note:
        advice += f" ({safe_cut(answer.note, 300)})"
    return cut_end(f"Nothing in the archive answers “{safe_cut(question, 300)}” "
                   f"(searched for: {words}). {advice}", CONTENT_MAX)


def search_embed(answer: Answer) -> discord.Embed:
    """A compact list: one line of attribution and one of text per match."""
    embed = discord.Embed(colour=PASSAGE_COLOUR,
                          title=safe_cut(f"Search: {answer.question}", TITLE_MAX))
    lines = []
    for number, hit in enumerate(answer.hits, start=1):
        lines.append(f"**{number}.** {link(title_of(hit, 120), hit.url)} — {dateline(hit)}"
                     f" · {code(hit.article_id)}\n"
                     f"{safe_cut(hit.sentence, 220)}")
    description = ""
    for line in lines:
        if len(description) + len(line) + 2 > DESCRIPTION_MAX:
            break
        description += line + "\n\n"
    embed.description = description.rstrip()
    embed.set_footer(text="/source article:<id> shows an article · /ask for an answer")
    return embed


def source_embed(article: Article) -> discord.Embed:
    """One article's details and link, and how it opens."""
    embed = discord.Embed(colour=PASSAGE_COLOUR, title=title_of(article),
                          url=web_url(article.url))
    lede = article.text.split("\n\n", 1)[0]
    embed.description = f"{dateline(article)}\n> {safe_cut(lede, 900)}"
    if article.authors:
        embed.add_field(name="By", value=safe_cut(", ".join(article.authors), FIELD_VALUE_MAX))
    if article.dateline:
        embed.add_field(name="Dateline", value=safe_cut(article.dateline, 200))
    if article.credits:
        embed.add_field(name="Credits", inline=False,
                        value=safe_cut(" ".join(article.credits), FIELD_VALUE_MAX))
    words = len(article.text.split())
    embed.add_field(name="Length", value=f"{words:,} words")
    if web_url(article.url):
        embed.add_field(name="Link", value=link("Open the article", article.url), inline=False)
    embed.set_footer(text=f"article {article.id}"[:FOOTER_MAX])
    return embed


def help_embed(question_channels: Sequence[int]) -> discord.Embed:
    embed = discord.Embed(colour=NOTICE_COLOUR, title="newsdesk: answers from your news archive")
    where = (" or just ask in " + ", ".join(f"<#{c}>" for c in question_channels)
             if question_channels else "")
    embed.description = (
        f"Mention me with a question{where}, or use a command. Every answer quotes the "
        "articles it comes from, with outlet, date and link.")
    embed.add_field(name="/ask question [source] [since]", inline=False,
                    value="The sentence that answers, then the passages around it. `source` "
                          "keeps one outlet; `since` is a date (2018-11-01) or an age (7d).")
    embed.add_field(name="/search query", inline=False,
                    value="A compact list of matching articles, looser than /ask.")
    embed.add_field(name="/source article", inline=False,
                    value="One article's details and link; start typing its title.")
    embed.add_field(name="/briefing topic [days]", inline=False,
                    value="What the archive says on a topic lately, newest first, with the "
                          "figures sources disagree on (days 0: all dates).")
    embed.add_field(name="/timeline topic [days]", inline=False,
                    value="A topic's dated stories in order, day by day, and the figures "
                          "that changed.")
    embed.add_field(name="/watch add topic [channel] · /watch list · /unwatch watch", inline=False,
                    value="Follow a topic: each new story on it is announced once, with every "
                          "outlet that carried it (adding and stopping: admins).")
    embed.add_field(name="Buttons under an answer", inline=False,
                    value="**Passages**: the text behind it. **Previous** / **More**: further "
                          "sources. **Dismiss** (the asker): removes it. **👍** / **👎** / "
                          "**Wrong article**: tell the team that runs me how it did; this "
                          "teaches the ranking.")
    embed.add_field(name="/add url · /remove article|source (admins)", inline=False,
                    value="Add a web page (or attach article files to a mention); remove a "
                          "retracted story or a whole outlet.")
    return embed


def briefing_pages(briefing: Briefing) -> list[list[discord.Embed]]:
    """A briefing as pages of embeds: the header, then one embed per story, then the
    disputed figures; each page within Discord's 10 embeds and 6000 characters."""
    embeds = [briefing_header(briefing)]
    embeds += [story_embed(item, undated=not item.published)
               for item in (*briefing.items, *briefing.undated)]
    embeds += [dispute_embed(d) for d in briefing.disputes]
    if briefing.series:
        embeds.append(discord.Embed(
            colour=NOTICE_COLOUR, title="Figures updated over time",
            description=cut_end("\n".join(f"• {safe_cut(s.summary, 300)}"
                                          for s in briefing.series), DESCRIPTION_MAX)))
    pages: list[list[discord.Embed]] = [[]]
    for embed in embeds:
        page = pages[-1]
        if page and (len(page) == 10 or embeds_length(page) + len(embed) > MESSAGE_EMBEDS_MAX):
            pages.append([])
        pages[-1].append(embed)
    return pages


# More new stories than this for one watch at once are posted as one digest.
DIGEST_AT = 5


def alert_embeds(alerts: Sequence[Alert]) -> list[list[discord.Embed]]:
    """One watch's new stories as messages: an embed per story (title linked, outlets,
    date), or, when many arrive at once, one digest that lists them."""
    topic = safe_cut(alerts[0].watch.topic, 150)
    if len(alerts) > DIGEST_AT:
        lines = [f"• {link(safe_cut(a.title, 150), a.url)} — "
                 f"*{safe_cut(', '.join(a.outlets), 150)}* · {day_label(a.published)}"
                 for a in alerts]
        digest = discord.Embed(colour=ANSWER_COLOUR,
                               title=f"{len(alerts)} new stories on “{topic}”",
                               description=cut_end("\n".join(lines), DESCRIPTION_MAX))
        return [[digest]]
    embeds = [discord.Embed(colour=ANSWER_COLOUR, title=safe_cut(a.title, TITLE_MAX),
                            url=web_url(a.url),
                            description=f"*{safe_cut(', '.join(a.outlets), 300)}* · "
                                        f"{day_label(a.published)}")
              .set_footer(text=f"Watch “{a.watch.topic[:150]}” · article {a.article_id}")
              for a in alerts]
    return [embeds]


TIMELINE_PAGE_MAX = 3500


def timeline_pages(timeline: Timeline) -> list[list[discord.Embed]]:
    """A timeline as pages of one embed each: days oldest first, each story with its
    linked title, outlets and key sentence; the updated figures on the last page."""
    left_out = (f" · {plural(timeline.undated_left_out, 'undated article')} not placed"
                if timeline.undated_left_out else "")
    blocks = []
    for day in timeline.days:
        lines = [f"**{day.date}**"]
        for story in day.stories:
            lines.append(f"• {link(safe_cut(story.title, 150), story.url)} — "
                         f"*{safe_cut(', '.join(story.outlets), 150)}*")
            if story.key_sentence:
                lines.append(f"> {safe_cut(story.key_sentence, 300)}")
        blocks.append("\n".join(lines))
    if timeline.series:
        blocks.append("**Figures updated over time**\n" + "\n".join(
            f"• {safe_cut(s.summary, 300)}" for s in timeline.series))
    if not blocks:
        blocks.append("No dated story on this topic.")
    pages: list[str] = [""]
    for block in blocks:
        block = cut_end(block, TIMELINE_PAGE_MAX)
        if pages[-1] and len(pages[-1]) + len(block) + 2 > TIMELINE_PAGE_MAX:
            pages.append("")
        pages[-1] += ("\n\n" if pages[-1] else "") + block
    title = safe_cut(f"Timeline: {timeline.topic}", TITLE_MAX)
    return [[discord.Embed(colour=ANSWER_COLOUR, title=title, description=text)
             .set_footer(text=f"Window: {timeline.window}{left_out} · page {n} of {len(pages)}")]
            for n, text in enumerate(pages, start=1)]


def briefing_header(briefing: Briefing) -> discord.Embed:
    embed = discord.Embed(colour=ANSWER_COLOUR,
                          title=safe_cut(f"Briefing: {briefing.topic}", TITLE_MAX))
    window = f"Window: {briefing.window}."
    if briefing.empty:
        embed.description = f"Nothing in the archive on this topic. {window}"
        return embed
    embed.description = f"{briefing.summary}. {window}"
    if briefing.disputes:
        embed.description += " Sources differ on some figures: see the end."
    return embed


def story_embed(item: BriefingItem, *, undated: bool) -> discord.Embed:
    embed = discord.Embed(colour=NOTICE_COLOUR if undated else PASSAGE_COLOUR,
                          title=safe_cut(item.title, TITLE_MAX), url=web_url(item.url))
    outlets = safe_cut(", ".join(item.outlets), 300)
    quotes = "\n".join(f"> {safe_cut(s, 450)}" for s in item.sentences)
    embed.description = f"*{outlets}* · {item.day}\n{quotes}"
    embed.set_footer(text=f"article {item.article_id} · {item.corroboration.summary}"[:FOOTER_MAX])
    return embed


def dispute_embed(dispute: Dispute) -> discord.Embed:
    embed = discord.Embed(colour=ANSWER_COLOUR,
                          title=safe_cut(f"Sources differ on {dispute.summary}", TITLE_MAX))
    for claim in dispute.claims[:10]:
        embed.add_field(name=safe_cut(f"{claim.value} — {claim.article.source}, {claim.day}", 250),
                        value=f"> {safe_cut(claim.sentence, 900)}", inline=False)
    return embed


def embeds_length(embeds: Sequence[discord.Embed]) -> int:
    return sum(len(e) for e in embeds)


def fit_message(embeds: list[discord.Embed]) -> list[discord.Embed]:
    """Drop trailing passage embeds until the message is within 6000 characters."""
    while len(embeds) > 1 and embeds_length(embeds) > MESSAGE_EMBEDS_MAX:
        embeds.pop()
    return embeds
