"""How answers, search results and reports look in the terminal (rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from .archive import ArchiveStats
from .briefing import Briefing
from .evaluate import Comparison, EvalResult
from .ingest import IngestReport
from .records import Hit
from .search import Query
from .store import FeedPoll


class RichProgress:
    """index.progress.Progress drawn as rich progress bars on standard error."""

    def __init__(self, console: Console) -> None:
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


def title_text(hit: Hit) -> Text:
    """The article's title, linked to its url where the terminal supports links."""
    return Text(hit.title, style=f"bold link {hit.url}" if hit.url else "bold")


def source_line(hit: Hit) -> Text:
    """"Outlet · 2018-11-24 · id 76da73701f9a0b42 · url"."""
    line = Text()
    line.append(hit.source, style="cyan")
    if hit.also_in:
        line.append(f" (also {', '.join(hit.also_in)})", style="cyan dim")
    line.append(" · ", style="dim")
    line.append(hit.published[:10] if hit.published else "undated",
                style="green" if hit.published else "dim")
    line.append(f" · id {hit.article_id}", style="dim")
    if hit.url:
        line.append(" · ", style="dim")
        line.append(hit.url, style="blue underline")
    return line


def passage_text(hit: Hit) -> Text:
    """The passage with the answer sentence highlighted, one line per paragraph."""
    lo = hit.sentence_start - hit.passage_start
    hi = hit.sentence_end - hit.passage_start

    def lines(part: str) -> str:
        return part.replace("\n\n", "\n")

    text = Text(lines(hit.passage[:lo]))
    text.append(lines(hit.passage[lo:hi]), style="bold yellow")
    text.append(lines(hit.passage[hi:]))
    return text


def render_answer(console: Console, question: str, hits: list[Hit], query: Query) -> None:
    if not hits:
        render_no_match(console, question, query)
        return
    best = hits[0]
    answer = Group(Text(best.sentence, style="bold"), Text(""), title_text(best),
                   source_line(best))
    console.print(Panel(answer, title="Answer", title_align="left", border_style="yellow",
                        subtitle=Text(question, style="italic"), subtitle_align="left"))
    if query.note():
        console.print(f"[dim]{query.note()}[/]")
    for number, hit in enumerate(hits, start=1):
        console.print(Text(f"{number}. ", style="bold") + title_text(hit))
        console.print(Padding(source_line(hit), (0, 0, 0, 3)))
        console.print(Padding(passage_text(hit), (0, 0, 1, 3)))


def render_no_match(console: Console, question: str, query: Query) -> None:
    if not query.terms:
        console.print(f"[bold]Nothing to search for[/] in “{question}”: it has only common "
                      "words. Name who, what or where you are asking about.")
        return
    searched = ", ".join(query.terms)
    unknown = [t for t in query.terms if t not in query.known_terms]
    console.print(f"[bold]No passage in the archive answers[/] “{question}”.")
    console.print(f"[dim]Searched for: {searched}"
                  + (f" (not in any article: {', '.join(unknown)})" if unknown else "") + "[/]")
    console.print("[dim]Try other words, or 'newsdesk search' for a looser list.[/]")


def render_search(console: Console, query_text: str, hits: list[Hit], query: Query) -> None:
    if not hits:
        render_no_match(console, query_text, query)
        return
    table = Table(title=f"Results for “{query_text}”", title_justify="left", show_lines=False,
                  expand=True)
    table.add_column("#", justify="right", style="bold", width=3)
    table.add_column("Article", ratio=3)
    table.add_column("Outlet", style="cyan", ratio=1)
    table.add_column("Date", style="green", width=10)
    table.add_column("Score", justify="right", width=6)
    for number, hit in enumerate(hits, start=1):
        cell = title_text(hit)
        cell.append(f"\n{hit.sentence}", style="default")
        cell.append(f"\nid {hit.article_id}", style="dim")
        table.add_row(str(number), cell, hit.source,
                      hit.published[:10] if hit.published else "undated", f"{hit.score:.2f}")
    console.print(table)


def render_ingest(console: Console, report: IngestReport) -> None:
    for rejection in report.rejected:
        console.print(f"[red]rejected[/] {rejection}", highlight=False, soft_wrap=True)
    console.print(f"[bold]{report.added}[/] added, [bold]{report.duplicates}[/] "
                  f"already stored, [bold]{len(report.rejected)}[/] rejected "
                  f"({report.files} files read)")


def render_briefing(console: Console, briefing: Briefing) -> None:
    window = (f"{briefing.since or '…'} to {briefing.until or 'today'}"
              if briefing.since or briefing.until else "all dates")
    if not briefing.items and not briefing.undated:
        console.print(f"[bold]Nothing in the archive on[/] “{briefing.topic}” ({window}).")
        if briefing.searched:
            console.print(f"[dim]Searched for: {', '.join(briefing.searched)}[/]")
        return
    dates = (f"published {briefing.first_date} to {briefing.last_date}"
             if briefing.first_date else "none dated")
    undated = f"; {len(briefing.undated)} undated" if briefing.undated else ""
    header = Text(f"{plural(briefing.articles, 'article')} from "
                  f"{plural(len(briefing.outlets), 'outlet')}, {dates}{undated} · window: {window}")
    console.print(Panel(header, title=f"Briefing: {briefing.topic}", title_align="left",
                        border_style="cyan"))
    for label, items in (("", briefing.items), ("Undated", briefing.undated)):
        if label and items:
            console.print(Text(label, style="bold dim"))
        for item in items:
            line = Text("• ", style="bold")
            line.append(item.published[:10] if item.published else "undated",
                        style="green" if item.published else "dim")
            line.append(" · ")
            line.append(", ".join(item.outlets), style="cyan")
            line.append(" · ")
            line.append(item.title, style=f"bold link {item.url}" if item.url else "bold")
            console.print(line)
            for sentence in item.sentences:
                console.print(Padding(Text(f"“{sentence}”"), (0, 0, 0, 4)))
            meta = f"id {item.article_id}" + (f" · also {len(item.copies)} copies"
                                               if item.copies else "")
            console.print(Padding(Text(meta + (f" · {item.url}" if item.url else ""),
                                       style="dim"), (0, 0, 1, 4)))
    for dispute in briefing.disputes:
        values = " against ".join(str(v) for v in sorted({c.value for c in dispute.citations}))
        console.print(Text(f"Sources differ on {dispute.counts} {dispute.event}: {values}",
                           style="bold yellow"))
        for citation in dispute.citations:
            when = citation.published[:10] if citation.published else "undated"
            console.print(Padding(Text.assemble((f"{citation.value}: ", "bold"),
                                                f"“{citation.sentence}” ",
                                                (f"— {citation.source}, {when}", "dim")),
                                  (0, 0, 0, 4)))


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def render_stats(console: Console, stats: ArchiveStats) -> None:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    dates = (f"{stats.first_date} to {stats.last_date}" if stats.first_date else "none dated")
    index = ("none yet" if stats.indexed_passages is None else
             f"{stats.indexed_passages:,} passages, {stats.index_bytes / 2**20:.1f} MiB, "
             f"built {stats.index_built_at}" + (" [red](stale: run newsdesk rebuild)[/]"
                                               if stats.index_stale else ""))
    window, stride = stats.passage_window
    for label, value in (
        ("Data folder", str(stats.data_dir)),
        ("Articles", f"{stats.articles:,}"),
        ("Passages", f"{stats.passages:,} ({window} sentences, every {stride})"),
        ("Published", f"{dates}; {stats.undated:,} undated"),
        ("Outlets", ", ".join(f"{s} ({n})" for s, n in stats.sources[:10])
         + (f" and {len(stats.sources) - 10} more" if len(stats.sources) > 10 else "")),
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
        lines.append(Text(f"  {feed.url}", overflow="fold"))
        lines.append(Text(f"      polled {feed.polled_at:%Y-%m-%d %H:%M} UTC · {feed.outcome}",
                          style="default" if feed.ok else "red"))
    return Group(*lines)


def _figure(key: str, value: float) -> str:
    if key == "questions":
        return f"{value:.0f}"
    if key == "avg_passage_words":
        return f"{value:.1f}"
    return f"{value:.2f} ms" if key.endswith("_ms") else f"{value:.3f}"


def render_eval(console: Console, metrics: dict[str, float]) -> None:
    table = Table(title="Retrieval quality", title_justify="left")
    table.add_column("Measure")
    table.add_column("Value", justify="right")
    for key, value in metrics.items():
        table.add_row(key, _figure(key, value))
    console.print(table)


def render_comparison(console: Console, specs: list[str], results: list[EvalResult],
                      comparison: Comparison) -> None:
    a, b = results
    table = Table(title="Retrieval quality, A against B", title_justify="left")
    table.add_column("Measure")
    table.add_column(f"A: {specs[0]}", justify="right")
    table.add_column(f"B: {specs[1]}", justify="right")
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
            console.print(f"  {label} better: {question.id}  A {_rank(ra.rank)} · B "
                          f"{_rank(rb.rank)}  [dim]{question.text}[/]", highlight=False)


def _rank(rank: int | None) -> str:
    return f"#{rank}" if rank else "—"
