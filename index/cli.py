"""The `newsdesk` command line: add, ask, search, stats, rebuild, eval."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import newsdesk

from . import (
    Archive,
    ConfigError,
    FeedSource,
    LineProgress,
    UserError,
    load_config,
    parse_day,
    plural,
)

if TYPE_CHECKING:
    from rich.console import Console

    from . import IngestReport
    from .console import RichProgress

# rich (and console.py, which lays things out with it) is imported when something is
# first printed through it: a reading command with --json prints without it, about 40 ms
# sooner (a script asking one question a process, the add-and-ask benchmark).


class _Renderers:
    """console.py's functions and classes, each importing it when first called (a
    renderer handed on for text output costs nothing when JSON is printed)."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def called(*args: Any, **kwargs: Any) -> Any:
            from . import console

            return getattr(console, name)(*map(_made, args),
                                          **{k: _made(v) for k, v in kwargs.items()})

        return called


if TYPE_CHECKING:
    from . import console as show
else:
    show = _Renderers()


class _LazyConsole:
    """A rich Console, made when first used."""

    def __init__(self, **options: object) -> None:
        self._options = options
        self._made: Console | None = None

    def made(self) -> Console:
        """The Console itself, handed to console.py's functions and classes (rich's
        Progress and Live need it; a Prompt, which only prints and reads, takes the
        proxy)."""
        if self._made is None:
            from rich.console import Console

            self._made = Console(**self._options)  # type: ignore[arg-type]
        return self._made

    def __getattr__(self, name: str) -> object:
        return getattr(self.made(), name)


def _made(value: object) -> object:
    """`value`, or the Console a `_LazyConsole` stands for."""
    return value.made() if isinstance(value, _LazyConsole) else value


class UsageError(UserError):
    """A command given without what it needs, in one line."""


Handler = Callable[[argparse.Namespace, "Console", "Console"], int]


@dataclass(frozen=True)
class ExtraCommand:
    """A command another layer adds (the bot adds `newsdesk bot`), so index/ need not
    import it."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Handler


def _day(text: str) -> date:
    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class _Version(argparse.Action):
    """--version, reading the version only when it is asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"newsdesk {newsdesk.__version__}")
        parser.exit()


def build_parser(extra: Sequence[ExtraCommand] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk", description="Answers questions from your archive of news articles.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    config_help = ("config file (default: built-in settings, data in $NEWSDESK_DATA_DIR or "
                   "~/.local/share/newsdesk)")
    parser.add_argument("--config", type=Path, metavar="PATH", help=config_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        # Accepted after the command too; SUPPRESS keeps one given before it.
        p.add_argument("--config", type=Path, metavar="PATH", default=argparse.SUPPRESS,
                       help=config_help)
        return p

    add = command("add", "Add articles from files, folders and web pages, then update the "
                         "index.")
    add.add_argument("paths", nargs="+", metavar="PATH",
                     help=".txt .md .html .json .jsonl .csv files, folders of them, or "
                          "http(s):// URLs of article pages")

    def filters(p: argparse.ArgumentParser, k: int) -> None:
        p.add_argument("-k", type=_positive, default=k, help=f"how many results (default {k})")
        p.add_argument("--source", help="only articles from this outlet")
        p.add_argument("--since", type=_day, help="only articles published on or after "
                                                  "(YYYY-MM-DD, or an age: 7d, 2w, 3m, 1y)")
        p.add_argument("--until", type=_day, help="only articles published on or before")
        p.add_argument("--json", action="store_true", help="print JSON instead of text")

    ask = command("ask", "Answer a question with the best passages and their sources.")
    ask.add_argument("question", help="the question, or - to read one question per line "
                                      "from standard input")
    filters(ask, 3)

    search = command("search", "List the articles and passages that match a query.")
    search.add_argument("query")
    filters(search, 10)

    def topic_command(name: str, help_: str, k: int) -> None:
        p = command(name, help_)
        p.add_argument("topic")
        p.add_argument("--since", type=_day, help="only articles published on or after "
                                                  "(YYYY-MM-DD, or an age: 7d, 2w, 3m, 1y)")
        p.add_argument("--until", type=_day, help="only articles published on or before")
        p.add_argument("-k", type=_positive, default=k,
                       help=f"at most this many stories (default {k})")
        p.add_argument("--json", action="store_true", help="print JSON instead of text")

    topic_command("brief", "A briefing: what the archive says on a topic, newest first.", 8)
    topic_command("timeline", "A topic's dated stories in order, grouped by day, with the "
                              "figures that changed.", 30)

    watch = command("watch", "Follow topics: each new story on one is announced once.")
    watch_actions = watch.add_subparsers(dest="action", required=True, metavar="ACTION")
    watch_add = watch_actions.add_parser("add", help="watch a topic")
    watch_add.add_argument("topic")
    watch_add.add_argument("--channel", type=_positive, metavar="ID",
                           help="a Discord channel id the bot posts the alerts to")
    watch_list = watch_actions.add_parser("list", help="list the watches")
    watch_list.add_argument("--json", action="store_true", help="print JSON instead of text")
    watch_remove = watch_actions.add_parser("remove", help="stop watching")
    watch_remove.add_argument("id", type=_positive, metavar="ID")

    feeds = command("feeds", "Poll RSS and Atom feeds: those in the config, or the ones named.")
    feeds.add_argument("action", choices=["poll"], help="poll: fetch each feed once")
    feeds.add_argument("feeds", nargs="*", metavar="FEED",
                       help="feed URLs or files (default: every [[feeds]] in the config)")

    remove = command("remove", "Remove articles (a retracted story, a wrong upload) and "
                               "update the index.")
    remove.add_argument("ids", nargs="*", metavar="ID",
                        help="article ids, or the first characters of one")
    remove.add_argument("--source", metavar="OUTLET", help="every article of this outlet")
    remove.add_argument("--yes", action="store_true", help="remove without asking")

    feedback = command("feedback", "What askers thought of the bot's answers (👍, 👎, wrong "
                                   "article), or 'export OUT_DIR' as an eval set.")
    feedback.add_argument("action", nargs="?", choices=["summary", "export"], default="summary",
                          help="summary (default), or export: write questions.jsonl and "
                               "articles.jsonl for 'newsdesk eval'")
    feedback.add_argument("out_dir", nargs="?", type=Path, metavar="OUT_DIR",
                          help="with export: the folder to write")
    feedback.add_argument("--since", type=_day, help="only verdicts given on or after "
                                                     "(YYYY-MM-DD, or an age: 7d, 2w)")
    feedback.add_argument("--json", action="store_true", help="print JSON instead of text")

    stats = command("stats", "Show what the archive holds.")
    stats.add_argument("--json", action="store_true", help="print JSON instead of text")
    command("rebuild", "Rebuild the search index from the article store.")

    ev = command("eval", "Measure retrieval quality on a NewsQA-style question set.")
    ev.add_argument("data_dir", type=Path, metavar="DATA_DIR",
                    help="folder with articles.jsonl and questions.jsonl")
    ev.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ev.add_argument("--compare", nargs=2, metavar=("A", "B"),
                    help='compare two configurations question by question; each is '
                         '"defaults" or settings such as "window=4,stride=2,lead_boost=1.3"')

    for command_ in extra:
        command_.configure(command(command_.name, command_.help))
    return parser


def main(argv: Sequence[str] | None = None, extra: Sequence[ExtraCommand] = ()) -> int:
    args = build_parser(extra).parse_args(argv)
    out: Console = _LazyConsole(highlight=False)  # type: ignore[assignment]
    err: Console = _LazyConsole(stderr=True, highlight=False)  # type: ignore[assignment]
    handlers = {**COMMANDS, **{c.name: c.run for c in extra}}
    try:
        return handlers[args.command](args, out, err)
    except BrokenPipeError:  # `newsdesk ask --json … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except UserError as exc:
        from rich.text import Text

        err.print(Text.assemble(("newsdesk: error:", "red"), " ", show.clean(str(exc))),
                  soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("[yellow]newsdesk: interrupted[/] — the archive and the last complete "
                  "index are intact; run the command again to finish.")
        return 130


def _open(args: argparse.Namespace) -> Archive:
    """The archive the command works on. A data folder named by a config file must exist
    (a typo would otherwise start an empty archive); only `add` creates one."""
    config = load_config(args.config)
    folder = config.index.data_dir
    if args.config is not None and not folder.is_dir():
        raise ConfigError(f"{args.config}: the data folder {folder} does not exist (check "
                          "index.data_dir; 'newsdesk add' creates it)")
    return Archive(config.index)


def _is_terminal(stream: TextIO | None) -> bool:
    """Whether `stream` is a terminal (not when closed, or None: a process started
    without it). Rich's FORCE_COLOR is not consulted: forced colours still get the
    plain lines below, which read the same."""
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # closed
        return False


def _progress(err: Console) -> RichProgress | LineProgress:
    """Progress bars on a terminal; elsewhere (a log, a pipe) a line per stage."""
    return show.RichProgress(err) if _is_terminal(sys.stderr) else LineProgress(sys.stderr)


def _print_ingest(out: Console, report: IngestReport) -> None:
    """What an add did: laid out by console.py on a terminal; elsewhere as plain lines,
    without loading rich (a script or a scheduled job adding one file at a time)."""
    if _is_terminal(sys.stdout):
        show.render_ingest(out, report)
        return
    for rejection in report.rejected:
        print(f"rejected {rejection}")
    print(report.summary())
    for alert in report.alerts:
        print(alert.line)


def _ready(archive: Archive, err: Console, args: argparse.Namespace) -> None:
    """Make sure there is something to search, saying what that took. An index that is
    behind is searched as it is (a reader never waits for a writer), with a note."""
    if archive.is_ready():
        return
    from rich.text import Text

    if archive.has_index():
        err.print(Text(f"newsdesk: answering from the current index; an update is pending "
                       f"({archive.stale_reason()}): 'newsdesk rebuild' brings it up to date.",
                       style="dim"), soft_wrap=True)
        return
    with _progress(err) as progress:
        # The seeds go only into the quick start's default archive, never a configured one.
        note = archive.ensure_searchable(progress, seed=args.config is None)
    if note:
        err.print(Text(f"newsdesk: {note}.", style="dim"), soft_wrap=True)


def cmd_add(args: argparse.Namespace, out: Console, err: Console) -> int:
    from . import is_url

    config = load_config(args.config)
    folder = config.index.data_dir
    if not folder.is_dir():
        from rich.text import Text

        err.print(Text(f"newsdesk: creating the data folder {show.clean(str(folder))}",
                       style="dim"), soft_wrap=True)
    archive = Archive(config.index)
    try:
        with _progress(err) as progress:
            sources = [p if is_url(p) else Path(p) for p in args.paths]
            fetcher = config.fetch.fetcher() if any(map(is_url, sources)) else None
            report = archive.add(sources, progress, fetcher)
        _print_ingest(out, report)
        return 1 if report.rejected and not (report.added or report.duplicates) else 0
    finally:
        archive.close()


def cmd_ask(args: argparse.Namespace, out: Console, err: Console) -> int:
    archive = _open(args)
    try:
        _ready(archive, err, args)
        # Lazily, so a script feeding questions one by one gets each answer at once.
        questions = ((line.strip() for line in sys.stdin) if args.question == "-"
                     else [args.question])
        for question in questions:
            if not question:  # one output line per input line, blank ones included
                if args.json:
                    print(json.dumps({"question": "", "hits": []}), flush=True)
                continue
            answer = archive.ask(question, args.k, source=args.source, since=args.since,
                                 until=args.until)
            if args.json:
                print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
            else:
                show.render_answer(out, answer)
        return 0
    finally:
        archive.close()


def _show(args: argparse.Namespace, out: Console, err: Console,
          compute: Callable[[Archive], Any], render: Callable[[Console, Any], None]) -> int:
    """A reading command: what `compute` returns from the archive, as JSON (`--json`) or
    laid out by `render`."""
    archive = _open(args)
    try:
        _ready(archive, err, args)
        return _emit(args, out, compute(archive), render)
    finally:
        archive.close()


def _emit(args: argparse.Namespace, out: Console, result: Any,
          render: Callable[[Console, Any], None]) -> int:
    """`result` as one JSON line with `--json`, else laid out by `render`."""
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        render(out, result)
    return 0


def cmd_search(args: argparse.Namespace, out: Console, err: Console) -> int:
    return _show(args, out, err, lambda archive: archive.search(
        args.query, args.k, source=args.source, since=args.since, until=args.until),
        show.render_search)


def cmd_brief(args: argparse.Namespace, out: Console, err: Console) -> int:
    return _show(args, out, err, lambda archive: archive.brief(
        args.topic, since=args.since, until=args.until, limit=args.k), show.render_briefing)


def cmd_timeline(args: argparse.Namespace, out: Console, err: Console) -> int:
    return _show(args, out, err, lambda archive: archive.timeline(
        args.topic, since=args.since, until=args.until, limit=args.k), show.render_timeline)


def cmd_watch(args: argparse.Namespace, out: Console, err: Console) -> int:
    from rich.text import Text

    archive = _open(args)
    try:
        if args.action == "add":
            try:
                watch = archive.add_watch(args.topic, args.channel)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            where = f", posted to channel {watch.channel}" if watch.channel else ""
            out.print(Text(f"Watching “{show.clean(watch.topic)}” (watch {watch.id}{where}): "
                           "new stories on it are announced once."))
        elif args.action == "remove":
            if not archive.remove_watch(args.id):
                raise UsageError(f"no watch has the id {args.id}; see 'newsdesk watch list'")
            out.print(f"Stopped watch {args.id}.")
        elif args.json:
            print(json.dumps([w.to_json() for w in archive.watches()], ensure_ascii=False))
        else:
            show.render_watches(out, archive.watches())
        return 0
    finally:
        archive.close()


def cmd_feeds(args: argparse.Namespace, out: Console, err: Console) -> int:
    from rich.text import Text

    from . import is_url

    config = load_config(args.config)
    sources = [FeedSource(f if is_url(f) else str(Path(f).resolve())) for f in args.feeds]
    sources = sources or list(config.feeds)
    if not sources:
        raise ConfigError("no feeds to poll: name some, or add [[feeds]] to the config")
    archive = Archive(config.index)
    try:
        fetcher = config.fetch.fetcher()
        reports = []
        with _progress(err) as progress:
            progress.stage("Polling feeds", len(sources))
            for source in sources:
                reports.append(archive.poll_feed(source, fetcher))
                progress.advance()
        for report in reports:
            out.print(Text(show.clean(report.summary()), style="red" if report.error else ""),
                      soft_wrap=True)
            for rejection in report.rejected:
                out.print(Text.assemble("  ", ("rejected", "red"), " ",
                                        show.clean(str(rejection))), soft_wrap=True)
        return 1 if all(r.error for r in reports) else 0
    finally:
        archive.close()


def cmd_remove(args: argparse.Namespace, out: Console, err: Console) -> int:
    from rich.prompt import Confirm
    from rich.text import Text

    if not args.ids and args.source is None:
        raise UsageError("name the articles to remove: their ids, or --source OUTLET")
    archive = _open(args)
    try:
        selection = archive.select(args.ids, args.source)
        for problem in selection.problems:
            err.print(Text.assemble(("not found", "red"), " ", show.clean(problem)),
                      soft_wrap=True)
        if not selection.articles:
            return 1
        show.render_selection(out, selection.articles)
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("not removed: add --yes to remove without being asked")
            if not Confirm.ask(f"Remove {plural(len(selection.articles), 'article')}?",
                               console=err, default=False):
                err.print("Nothing removed.")
                return 1
        with _progress(err) as progress:
            removed = archive.remove([a.id for a in selection.articles], progress)
        out.print(f"Removed {plural(removed, 'article')}; the index is up to date.")
        return 0
    finally:
        archive.close()


def cmd_feedback(args: argparse.Namespace, out: Console, err: Console) -> int:
    from rich.text import Text

    since = datetime.combine(args.since, time(), UTC) if args.since else None
    archive = _open(args)
    try:
        if args.action == "export":
            if args.out_dir is None:
                raise UsageError("feedback export needs the folder to write: "
                                 "newsdesk feedback export OUT_DIR")
            count = archive.export_feedback(args.out_dir, since)
            out.print(Text(f"Wrote {plural(count, 'judged question')} to "
                           f"{show.clean(str(args.out_dir))}; measure with: newsdesk eval "
                           f"{show.clean(str(args.out_dir))}"))
            return 0
        return _emit(args, out, archive.feedback_summary(since), show.render_feedback)
    finally:
        archive.close()


def cmd_stats(args: argparse.Namespace, out: Console, err: Console) -> int:
    archive = _open(args)
    try:
        return _emit(args, out, archive.stats(), show.render_stats)
    finally:
        archive.close()


def cmd_rebuild(args: argparse.Namespace, out: Console, err: Console) -> int:
    archive = _open(args)
    try:
        with _progress(err) as progress:
            archive.rebuild(progress)
        stats = archive.stats()
        out.print(f"Index rebuilt: {plural(stats.indexed_passages or 0, 'passage')} of "
                  f"{plural(stats.articles, 'article')}, in one segment.")
        return 0
    finally:
        archive.close()


def cmd_eval(args: argparse.Namespace, out: Console, err: Console) -> int:
    from . import EvalConfig, EvalDataError, compare, evaluate

    settings = load_config(args.config).index
    specs = args.compare or ["defaults"]
    try:
        configs = [EvalConfig.parse(spec, settings.params) for spec in specs]
    except ValueError as exc:
        raise EvalDataError(f"--compare: {exc}") from None
    results = []
    for config in configs:
        with _progress(err) as progress:
            results.append(evaluate(args.data_dir, progress, params=config.params,
                                    ranking=config.ranking))
    if len(results) == 1:
        if args.json:
            print(json.dumps(results[0].metrics))
        else:
            show.render_eval(out, results[0].metrics)
        return 0
    comparison = compare(*results)
    if args.json:
        print(json.dumps({"A": {"config": configs[0].spec, **results[0].metrics},
                          "B": {"config": configs[1].spec, **results[1].metrics},
                          "A_better": [q.id for q, _, _ in comparison.better_a],
                          "B_better": [q.id for q, _, _ in comparison.better_b],
                          "sentence_A_only": [q.id for q in comparison.sentence_a_only],
                          "sentence_B_only": [q.id for q in comparison.sentence_b_only]}))
    else:
        show.render_comparison(out, [c.spec for c in configs], results, comparison)
    return 0


COMMANDS: dict[str, Handler] = {
    "add": cmd_add, "ask": cmd_ask, "search": cmd_search, "brief": cmd_brief,
    "timeline": cmd_timeline, "watch": cmd_watch,
    "feeds": cmd_feeds, "feedback": cmd_feedback, "remove": cmd_remove, "stats": cmd_stats,
    "rebuild": cmd_rebuild, "eval": cmd_eval,
}

if __name__ == "__main__":
    sys.exit(main())
