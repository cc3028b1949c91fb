"""How answers, search results and reports look in the terminal (rich).

rich's progress bars and tables are imported when first drawn: an answer needs neither,
and they are a fifth of rich's import time.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from . import day_label, plural

if TYPE_CHECKING:
    from rich.table import Table

    from . import (
        Answer,
        ArchiveStats,
        Article,
        Briefing,
        Comparison,
        EvalResult,
        FeedbackSummary,
        FeedPoll,
        Hit,
        IngestReport,
        Timeline,
        Watch,
    )


class RichProgress:
    """newsdesk.index.Progress drawn as rich progress bars on standard error."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bars = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                              MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                              transient=False)
        self._task: int | None = None

    def __enter__(self) -> RichProgress:
        self._bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._finish_task()
        self._bars.stop()

    def stage(self, description: str, total: int | None) -> None:
        self._finish_task()
        self._task = self._bars.add_task(description, total=total)

    def advance(self, steps: int = 1) -> None:
        if self._task is not None:
            self._bars.advance(self._task, steps)

    def _finish_task(self) -> None:
        if self._task is not None:
            task = self._bars.tasks[-1]
            self._bars.update(self._task, total=task.completed if task.total is None
                              else task.total, completed=task.total or task.completed)


def _table(*args: Any, **kwargs: Any) -> Table:
    """A rich Table, rich.table imported when first drawn."""
    from rich.table import Table

    return Table(*args, **kwargs)


# Control characters (ESC, BEL, CR, DEL, C1 …) in text from outside would reach the
# terminal raw: an escape sequence could clear the screen or forge a link.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\n\r\t\u2028\u2029]+")


def clean(text: str, *, one_line: bool = True) -> str:
    """Text from a file, page, feed or person, safe to print: control characters shown
    as escapes (\\x1b), and line breaks folded to spaces where `one_line`. Printed as
    rich Text, never as markup, so brackets in it are never interpreted."""
    if one_line:
        text = _LINE_BREAKS.sub(" ", text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def title_text(title: str, url: str | None) -> Text:
    """An article's title, linked to its url where the terminal supports links."""
    link = f" link {url}" if url and _is_web_url(url) else ""
    return Text(clean(title), style=f"bold{link}")


def _is_web_url(url: str) -> bool:
    return url.startswith(("http://", "https://")) and not any(c.isspace() for c in url)


def source_line(hit: Hit) -> Text:
    """"Outlet · 2018-11-24 · id 76da73701f9a0b42 · url"."""
    line = Text()
    line.append(clean(hit.source), style="cyan")
    if hit.also_in:
        line.append(f" (also {clean(', '.join(hit.also_in))})", style="cyan dim")
    line.append(" · ", style="dim")
    line.append(day_label(hit.published), style="green" if hit.published else "dim")
    line.append(f" · id {hit.article_id}", style="dim")
    corroboration = hit.corroboration
    if len(corroboration.outlets) > 1 or corroboration.copies:
        line.append(f" · {clean(corroboration.summary)}", style="magenta")
    if hit.url:
        line.append(" · ", style="dim")
        line.append(clean(hit.url), style="blue underline")
    return line


def passage_text(hit: Hit) -> Text:
    """The passage with the answer sentence highlighted, one line per paragraph."""
    lo = hit.sentence_start - hit.passage_start
    hi = hit.sentence_end - hit.passage_start

    def lines(part: str) -> str:
        return clean(part.replace("\n\n", "\n"), one_line=False)

    text = Text(lines(hit.passage[:lo]))
    text.append(lines(hit.passage[lo:hi]), style="bold yellow")
    text.append(lines(hit.passage[hi:]))
    return text


def render_answer(console: Console, answer: Answer) -> None:
    if not answer.hits:
        render_no_match(console, answer)
        return
    best = answer.hits[0]
    lead = [] if answer.confident else [
        Text("No sentence answers this clearly. The closest passage says:", style="dim")]
    shown = Group(*lead, Text(clean(best.sentence), style="bold"), Text(""),
                  title_text(best.title, best.url), source_line(best))
    console.print(Panel(shown, title="Answer" if answer.confident else "Closest passages",
                        title_align="left",
                        border_style="yellow" if answer.confident else "dim",
                        subtitle=Text(clean(answer.question), style="italic"),
                        subtitle_align="left"))
    if answer.note:
        console.print(Text(clean(answer.note), style="dim"))
    for number, hit in enumerate(answer.hits, start=1):
        console.print(Text(f"{number}. ", style="bold") + title_text(hit.title, hit.url))
        console.print(Padding(source_line(hit), (0, 0, 0, 3)))
        console.print(Padding(passage_text(hit), (0, 0, 1, 3)))


def render_no_match(console: Console, answer: Answer) -> None:
    query = answer.query
    question = clean(answer.question)
    if answer.note:
        console.print(Text(clean(answer.note), style="dim"))
    if not query.terms:
        console.print(Text.assemble(("Nothing to search for", "bold"), f" in “{question}”: it "
                                    "has only common words. Name who, what or where you are "
                                    "asking about."))
        return
    searched = ", ".join(query.terms)
    unknown = [t for t in query.terms if t not in query.known_terms]
    console.print(Text.assemble(("No passage in the archive answers", "bold"),
                                f" “{question}”."))
    console.print(Text(clean(f"Searched for: {searched}" + (
        f" (not in any article: {', '.join(unknown)})" if unknown else "")), style="dim"))
    if answer.filters_note:
        console.print(Text(clean(answer.filters_note) + ".", style="yellow"))
    else:
        console.print(Text("Try other words, or 'newsdesk search' for a looser list.",
                           style="dim"))


def render_search(console: Console, answer: Answer) -> None:
    if not answer.hits:
        render_no_match(console, answer)
        return
    table = _table(title=Text(f"Results for “{clean(answer.question)}”"),
                   title_justify="left", show_lines=False, expand=True)
    table.add_column("#", justify="right", style="bold", width=3)
    table.add_column("Article", ratio=3)
    table.add_column("Outlet", style="cyan", ratio=1)
    table.add_column("Date", style="green", width=10)
    table.add_column("Score", justify="right", width=6)
    for number, hit in enumerate(answer.hits, start=1):
        cell = title_text(hit.title, hit.url)
        cell.append(f"\n{clean(hit.sentence)}", style="default")
        cell.append(f"\nid {hit.article_id}", style="dim")
        cell.overflow = "fold"  # a long id wraps whole, never cut with an ellipsis
        table.add_row(str(number), cell, Text(clean(hit.source)), day_label(hit.published),
                      f"{hit.score:.2f}")
    console.print(table)


def render_feedback(console: Console, summary: FeedbackSummary) -> None:
    """The verdicts since a moment, and the latest answers people called wrong."""
    since = f" since {summary.since:%Y-%m-%d %H:%M} UTC" if summary.since else ""
    verdicts = summary.verdicts
    console.print(Text.assemble(
        (f"{plural(summary.answers_shown, 'answer')} shown{since}: ", "bold"),
        (f"{verdicts['up']} 👍", "green"), ", ", (f"{verdicts['down']} 👎", "red"), ", ",
        (f"{verdicts['wrong_article']} wrong article", "red")))
    for judgement in summary.recent_down:
        shown = judgement.answer
        first = shown.hits[0] if shown.hits else None
        label = "👎" if judgement.verdict == "down" else "wrong article"
        console.print(Text.assemble(f"  {label} · {judgement.given_at:%Y-%m-%d} · ",
                                    (f"“{clean(shown.question)}”", "bold")))
        if first is not None:
            console.print(Text(f"      shown: “{clean(first.sentence)}” — "
                               f"{clean(first.source)}, id {first.article_id}", style="dim"))


def render_selection(console: Console, articles: list[Article], limit: int = 20) -> None:
    """Articles picked for removal: id, outlet, date and title, a line each."""
    for article in articles[:limit]:
        console.print(Text.assemble((article.id, "bold"), " · ", (clean(article.source), "cyan"),
                                    " · ", day_label(article.published), " · ",
                                    clean(article.title)), soft_wrap=True)
    if len(articles) > limit:
        console.print(Text(f"… and {len(articles) - limit} more", style="dim"))


def render_ingest(console: Console, report: IngestReport) -> None:
    for rejection in report.rejected:
        console.print(Text.assemble(("rejected", "red"), " ", clean(str(rejection))),
                      soft_wrap=True)
    summary = Text(report.summary())
    summary.highlight_regex(r"^\d+|(?<=, )\d+", "bold")  # the three counts
    console.print(summary)
    for alert in report.alerts:
        console.print(Text(alert.line, style="bold cyan"), soft_wrap=True)  # (escaped)


def render_watches(console: Console, watches: list[Watch]) -> None:
    if not watches:
        console.print("No watches. Add one with: newsdesk watch add \"TOPIC\"")
        return
    table = _table(title="Watches", title_justify="left")
    table.add_column("id", justify="right")
    table.add_column("topic")
    table.add_column("posted to")
    table.add_column("since")
    for watch in watches:
        table.add_row(str(watch.id), Text(clean(watch.topic)),
                      f"channel {watch.channel}" if watch.channel else "console only",
                      f"{watch.created_at:%Y-%m-%d}")
    console.print(table)


def render_briefing(console: Console, briefing: Briefing) -> None:
    topic = clean(briefing.topic)
    if briefing.empty:
        console.print(Text.assemble(("Nothing in the archive on", "bold"),
                                    f" “{topic}” (window: {briefing.window})."))
        if briefing.searched:
            console.print(Text(clean(f"Searched for: {', '.join(briefing.searched)}"),
                               style="dim"))
        return
    header = Text(f"{briefing.summary} · window: {briefing.window}")
    console.print(Panel(header, title=Text(f"Briefing: {topic}"), title_align="left",
                        border_style="cyan"))
    for label, items in (("", briefing.items), ("Undated", briefing.undated)):
        if label and items:
            console.print(Text(label, style="bold dim"))
        for item in items:
            line = Text("• ", style="bold")
            line.append(item.day, style="green" if item.published else "dim")
            line.append(" · ")
            line.append(clean(", ".join(item.outlets)), style="cyan")
            line.append(" · ")
            line.append_text(title_text(item.title, item.url))
            console.print(line)
            for sentence in item.sentences:
                console.print(Padding(Text(f"“{clean(sentence)}”"), (0, 0, 0, 4)))
            meta = f"id {item.article_id} · {item.corroboration.summary}"
            console.print(Padding(Text(meta + (f" · {clean(item.url)}" if item.url else ""),
                                       style="dim"), (0, 0, 1, 4)))
    for change in briefing.series:
        console.print(Text(f"Updated: {clean(change.summary)}", style="bold"))
    for dispute in briefing.disputes:
        console.print(Text(f"Sources differ on {clean(dispute.summary)}", style="bold yellow"))
        for claim in dispute.claims:
            console.print(Padding(Text.assemble((f"{claim.value}: ", "bold"),
                                                f"“{clean(claim.sentence)}” ",
                                                (f"— {clean(claim.article.source)}, {claim.day}",
                                                 "dim")),
                                  (0, 0, 0, 4)))


def render_timeline(console: Console, timeline: Timeline) -> None:
    """Days oldest first; under each, its stories with their outlets and key sentence."""
    left_out = (f"; {plural(timeline.undated_left_out, 'undated article')} not placed"
                if timeline.undated_left_out else "")
    header = Text(f"window: {timeline.window}{left_out}", style="dim")
    console.print(Panel(header, title=Text(f"Timeline: {clean(timeline.topic)}"),
                        title_align="left", border_style="cyan"))
    if not timeline.days:
        console.print(Text("No dated story on this topic.", style="bold"))
    for day in timeline.days:
        console.print(Text(day.date, style="bold green"))
        for story in day.stories:
            line = Text("  • ")
            line.append_text(title_text(story.title, story.url))
            line.append(f" — {clean(', '.join(story.outlets))}", style="cyan")
            console.print(line)
            if story.key_sentence:
                console.print(Padding(Text(f"“{clean(story.key_sentence)}”"), (0, 0, 0, 4)))
    for change in timeline.series:
        console.print(Text(f"Updated: {clean(change.summary)}", style="bold"))


def render_stats(console: Console, stats: ArchiveStats) -> None:
    table = _table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    dates = (f"{stats.first_date} to {stats.last_date}" if stats.first_date else "none dated")
    index = Text("none yet" if stats.indexed_passages is None else
                 f"{stats.indexed_passages:,} passages ({stats.params.window} sentences, every "
                 f"{stats.params.stride}) in {plural(stats.index_segments, 'segment')}, "
                 f"{stats.index_bytes / 2**20:.1f} MiB, updated {stats.index_built_at}")
    if stats.index_stale:
        index.append(" (stale: run newsdesk rebuild)", style="red")
    outlets = ", ".join(f"{clean(s)} ({n})" for s, n in stats.sources[:10]) + (
        f" and {len(stats.sources) - 10} more" if len(stats.sources) > 10 else "")
    for label, value in (
        ("Data folder", Text(clean(str(stats.data_dir)))),
        ("Articles", Text(f"{stats.articles:,}")),
        ("Published", Text(f"{dates}; {stats.undated:,} undated")),
        ("Outlets", Text(outlets)),
        ("Index", index),
    ):
        table.add_row(label, value)
    console.print(table)
    if stats.feeds:
        console.print(feeds_table(stats.feeds))


def feeds_table(feeds: list[FeedPoll]) -> Group:
    """Each feed's latest poll, a feed per two lines (URLs are long); failures in red."""
    lines = [Text("Feeds", style="bold")]
    for feed in feeds:
        lines.append(Text(f"  {clean(feed.url)}", overflow="fold"))
        lines.append(Text(f"      polled {feed.polled_at:%Y-%m-%d %H:%M} UTC · "
                          f"{clean(feed.outcome)}", style="default" if feed.ok else "red"))
    return Group(*lines)


def _figure(key: str, value: float) -> str:
    if key in ("questions", "negatives"):
        return f"{value:.0f}"
    if key == "avg_passage_words":
        return f"{value:.1f}"
    return f"{value:.2f} ms" if key.endswith("_ms") else f"{value:.3f}"


def render_eval(console: Console, metrics: dict[str, float]) -> None:
    table = _table(title="Retrieval quality", title_justify="left")
    table.add_column("Measure")
    table.add_column("Value", justify="right")
    for key, value in metrics.items():
        table.add_row(key, _figure(key, value))
    console.print(table)


def render_comparison(console: Console, specs: list[str], results: list[EvalResult],
                      comparison: Comparison) -> None:
    a, b = results
    table = _table(title="Retrieval quality, A against B", title_justify="left")
    table.add_column("Measure")
    table.add_column(Text(f"A: {clean(specs[0])}"), justify="right")
    table.add_column(Text(f"B: {clean(specs[1])}"), justify="right")
    table.add_column("B − A", justify="right")
    for key, value in a.metrics.items():
        other = b.metrics[key]
        delta = other - value
        style = "green" if delta > 0 else "red" if delta < 0 else "dim"
        if key.endswith("_ms") or key == "avg_passage_words":
            style = "dim"
        table.add_row(key, _figure(key, value), _figure(key, other),
                      Text(f"{delta:+.3f}" if key != "questions" else "", style=style))
    console.print(table)
    console.print(f"First answering passage ranked higher: [bold]A on "
                  f"{len(comparison.better_a)}[/], [bold]B on {len(comparison.better_b)}[/] "
                  f"of {len(a.per_question)} questions. Answer sentence right: A only "
                  f"{len(comparison.sentence_a_only)}, B only {len(comparison.sentence_b_only)}.")
    for label, rows in (("A", comparison.better_a), ("B", comparison.better_b)):
        for question, ra, rb in rows:
            console.print(Text.assemble(f"  {label} better: {clean(question.id)}  A "
                                        f"{_rank(ra.rank)} · B {_rank(rb.rank)}  ",
                                        (clean(question.text), "dim")))


def _rank(rank: int | None) -> str:
    return f"#{rank}" if rank else "—"
