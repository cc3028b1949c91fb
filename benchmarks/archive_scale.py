"""newsdesk at scale, through its front door: ingest, rebuild, add-one, ask, memory, disk.

Articles come from query_latency.py's generator (Zipf pseudo-words among English stop
words), written as one JSONL file (id, title, source, published — about a quarter
undated — and text) and added with `Archive.add`. Then, at about N passages:

  ingest       the whole `Archive.add` (reading, cleaning, Punkt, SQLite, index), split
               by its progress stages, then a full `archive.rebuild()`;
  ask          `archive.ask(q, k=5)` over --questions questions of 2-6 non-stop words
               drawn from random passages, after a warm-up, in a process that keeps
               freed memory as `newsdesk bot` does (newsdesk/allocator.py); and
               `newsdesk ask --json -` fed them all on standard input, as one process;
  serving      VmRSS of a fresh process (keeping freed memory, as the bot) that opens
               the archive and answers them, and the data folder's size (SQLite + the
               current index);
  add one      an article with three invented words, added with `newsdesk add` and asked
               for with `newsdesk ask` (two processes), and in process (`archive.add`
               then `archive.ask`); it must be the first hit;
  tantivy      the same passages (the current index's spans cut from the stored,
               cleaned article text; a lead passage's title terms, which newsdesk adds,
               are not included) in a RAM index with tantivy's en_stem tokenizer; top 10
               (parse_query + search) for the same questions; then `ask` and tantivy
               again, one after the other for each question (the interleaved ratio,
               which the machine's slow and fast spells do not tilt).

The machine's other work shows in every figure: run sizes in one go and compare rows
from one run.

    python benchmarks/archive_scale.py --passages 100000
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from importlib.metadata import version
from itertools import pairwise
from pathlib import Path

from newsdesk.allocator import run_with_huge_pages

# As every newsdesk command does (allocator.py): in-process figures are the commands'.
run_with_huge_pages()

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from query_latency import articles, percentile  # noqa: E402

from newsdesk.allocator import keep_freed_memory  # noqa: E402
from newsdesk.index import Archive, IndexSettings  # noqa: E402
from newsdesk.index.analyzer import STOPWORDS  # noqa: E402

PROBES_HELD_BACK = 8  # generated articles kept out of the corpus to be added one by one
OUTLETS = [f"Gazette {n}" for n in range(12)]
_WORD = re.compile(r"[a-z]+")
NEWSDESK = Path(sys.executable).with_name("newsdesk")
# Commands run as on an installed copy, whose modules pip byte-compiled: a machine that
# sets PYTHONDONTWRITEBYTECODE would compile every module at every start instead. They
# ask for huge pages themselves, as a user's would, and pay for starting again.
CLI_ENV = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "GLIBC_TUNABLES")}


# Helpers ------------------------------------------------------------------------


def vm_rss_mib() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def children_cpu_s() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def folder_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def record(n: int, text: str, rng: random.Random) -> dict[str, object]:
    words = text.split()
    start = rng.randrange(max(1, len(words) - 8))
    item: dict[str, object] = {
        "id": f"art{n:07d}",
        "title": " ".join(words[start:start + rng.randint(4, 8)]).strip(".").capitalize(),
        "source": rng.choice(OUTLETS),
        "text": text,
    }
    if rng.random() < 0.75:  # the rest undated
        item["published"] = (date(2019, 1, 1) + timedelta(days=rng.randrange(2190))).isoformat()
    return item


def rare_words(probe: int) -> list[str]:
    """Three words no generated article has (its syllables never put q, x or y together)."""
    letters = "bdfgklmnprstvz"
    tag = "".join(letters[int(d)] for d in f"{probe:03d}")
    return [f"qyx{tag}orvint", f"zyq{tag}amblet", f"xoq{tag}undry"]


def probe_record(probe: int, text: str, rng: random.Random) -> tuple[dict[str, object], str]:
    words = rare_words(probe)
    sentence = f"Officials said the {words[0]} of the {words[1]} reached {words[2]} at last."
    item = record(9_000_000 + probe, text, rng)
    item["id"] = f"probe{probe:03d}"
    item["text"] = f"{text}\n\n{sentence}"
    return item, " ".join(words)


class StageClock:
    """A Progress that notes when each stage began (to split `Archive.add`)."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []

    def stage(self, description: str, total: int | None) -> None:
        self.stages.append((description, time.perf_counter()))

    def advance(self, steps: int = 1) -> None:
        pass

    def durations(self, end: float) -> dict[str, float]:
        marks = [*self.stages, ("end", end)]
        out: dict[str, float] = {}
        for (name, began), (_, ended) in pairwise(marks):
            out[name] = out.get(name, 0.0) + ended - began
        return out


def questions_from_passages(archive: Archive, count: int,
                            rng: random.Random) -> tuple[list[str], list[str]]:
    """`count` questions of 2-6 distinct non-stop words, each from a random passage, and
    the texts of all current passages (for tantivy). Reads the snapshot: internals."""
    snap = archive._search().snapshot
    ids = snap.article_ids
    found = {a.id: a.text for a in archive.select(ids).articles}
    texts = [found[ids[a]][s:e] for a, s, e in zip(snap.passage_article.tolist(),
                                                    snap.passage_start.tolist(),
                                                    snap.passage_end.tolist(), strict=True)]
    questions = []
    while len(questions) < count:
        words = list(dict.fromkeys(w for w in _WORD.findall(rng.choice(texts).lower())
                                   if w not in STOPWORDS))
        if len(words) >= 6:
            questions.append(" ".join(rng.sample(words, rng.randint(2, 6))))
    return questions, texts


def timed_asks(archive: Archive,
               questions: list[str]) -> tuple[list[float], list[float], int]:
    """Wall and CPU milliseconds of each `archive.ask`, and how many found an answer."""
    ms, cpu_ms, answered = [], [], 0
    for question in questions:
        began, cpu = time.perf_counter(), time.process_time()
        answer = archive.ask(question, k=5)
        ms.append((time.perf_counter() - began) * 1000)
        cpu_ms.append((time.process_time() - cpu) * 1000)
        answered += bool(answer.hits)
    return ms, cpu_ms, answered


def run(command: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=CLI_ENV)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done


# The fresh serving process ---------------------------------------------------------


def serve_probe(data_dir: Path, question_file: Path) -> None:
    """Run in a child: open the archive, answer every question, report VmRSS as JSON."""
    keep_freed_memory()
    questions = question_file.read_text(encoding="utf-8").splitlines()
    before = vm_rss_mib()
    began = time.perf_counter()
    archive = Archive(IndexSettings(data_dir))
    archive.ask(questions[0], k=5)
    first_s = time.perf_counter() - began
    for question in questions:
        archive.ask(question, k=5)
    print(json.dumps({"before": before, "after": vm_rss_mib(), "first_answer_s": first_s}))


# The benchmark --------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--probes", type=int, default=3,
                        help="articles added one by one, each way (median reported)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (JSONL, data folder) and leave it there")
    parser.add_argument("--profile", action="store_true",
                        help="also print where archive.ask spends its time (cProfile)")
    parser.add_argument("--serve-probe", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_probe:
        serve_probe(*args.serve_probe)
        return
    if args.probes > PROBES_HELD_BACK // 2:
        parser.error(f"--probes is at most {PROBES_HELD_BACK // 2}")

    run_began = time.perf_counter()
    code = subprocess.run(["git", "-C", str(HERE), "describe", "--always", "--dirty"],
                          capture_output=True, text=True).stdout.strip() or "unknown"
    print(f"newsdesk at {code}; {os.cpu_count()} cores, {load()} at the start")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = args.keep.resolve()
    else:
        work = Path(tempfile.mkdtemp(prefix="archive_scale-"))
    try:
        measure(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"(whole run {time.perf_counter() - run_began:.0f} s; {load()} at the end)")


def measure(args: argparse.Namespace, work: Path) -> None:
    rng = random.Random(args.seed)
    began = time.perf_counter()
    texts = articles(args.passages, args.seed)
    texts, held_back = texts[:-PROBES_HELD_BACK], texts[-PROBES_HELD_BACK:]
    corpus = work / "articles.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for n, text in enumerate(texts):
            handle.write(json.dumps(record(n, text, rng)) + "\n")
    print(f"generated {len(texts):,} articles ({corpus.stat().st_size / 2**20:.0f} MiB JSONL) "
          f"in {time.perf_counter() - began:.0f} s")

    data_dir = work / "data"
    config = work / "config.toml"
    config.write_text(f'[index]\ndata_dir = "{data_dir}"\n', encoding="utf-8")
    archive = Archive(IndexSettings(data_dir))

    # 1-2. Ingest, then a full rebuild.
    clock = StageClock()
    began, cpu = time.perf_counter(), time.process_time()
    report = archive.add([corpus], clock)
    ended = time.perf_counter()
    ingest_s, ingest_cpu = ended - began, time.process_time() - cpu
    stages = clock.durations(ended)
    stats = archive.stats()
    assert report.added == len(texts) and not report.rejected, (report.added, report.rejected[:3])
    print(f"ingest: {report.added:,} articles, {stats.indexed_passages:,} passages in "
          f"{ingest_s:.1f} s = {report.added / ingest_s:,.0f} articles/s (index included; CPU "
          f"{ingest_cpu:.1f} s = {report.added / ingest_cpu:,.0f} articles/CPU-s); "
          + ", ".join(f"{name.lower()} {s:.1f} s" for name, s in stages.items()))
    began, cpu = time.perf_counter(), time.process_time()
    archive.rebuild()
    rebuild_s, rebuild_cpu = time.perf_counter() - began, time.process_time() - cpu
    print(f"full rebuild: {rebuild_s:.1f} s (CPU {rebuild_cpu:.1f} s)")

    sqlite_mib = sum(f.stat().st_size for f in data_dir.glob("newsdesk.sqlite3*")) / 2**20
    index_mib = archive._search().snapshot.disk_bytes() / 2**20
    disk_mib = sqlite_mib + index_mib
    print(f"disk: {disk_mib:.0f} MiB = SQLite {sqlite_mib:.0f} + index {index_mib:.0f} (the "
          f"data folder holds {folder_mib(data_dir):.0f} MiB with the previous index, kept "
          f"for readers)")

    # 4. The ask path, in process and through the command line.
    qrng = random.Random(args.seed + 1)
    questions, passage_texts = questions_from_passages(archive, args.questions + 20, qrng)
    warm, questions = questions[:20], questions[20:]
    keep_freed_memory()  # (from here this process answers, as the bot's does)
    timed_asks(archive, warm)
    ask_ms, ask_cpu_ms, answered = timed_asks(archive, questions)
    ask_median, ask_p95 = statistics.median(ask_ms), percentile(ask_ms, 95)
    ask_cpu = statistics.median(ask_cpu_ms)
    print(f"archive.ask(k=5): median {ask_median:.1f} ms, p95 {ask_p95:.1f} ms, max "
          f"{max(ask_ms):.0f} ms over {len(questions)} questions ({answered} answered); "
          f"CPU median {ask_cpu:.1f} ms, p95 {percentile(ask_cpu_ms, 95):.1f} ms")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(timed_asks, archive, questions)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)

    began = time.perf_counter()
    child = subprocess.Popen([str(NEWSDESK), "ask", "--json", "-k", "5", "--config",
                              str(config), "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=CLI_ENV)
    assert child.stdin and child.stdout and child.stderr
    child.stdin.write("".join(q + "\n" for q in questions))
    child.stdin.close()
    stamps = []
    for line in child.stdout:
        json.loads(line)
        stamps.append(time.perf_counter())
    error = child.stderr.read()
    if child.wait() != 0 or len(stamps) != len(questions):
        raise RuntimeError(f"newsdesk ask -: {len(stamps)} answers; {error[-2000:]}")
    total_s = stamps[-1] - began
    print(f"newsdesk ask --json - ({len(questions)} questions, one process): "
          f"{total_s * 1000 / len(questions):.1f} ms per question with start-up, "
          f"{(stamps[-1] - stamps[0]) * 1000 / (len(stamps) - 1):.1f} ms per question after "
          f"the first answer (first after {stamps[0] - began:.2f} s)")

    # 5. Serving memory of a fresh process.
    question_file = work / "questions.txt"
    question_file.write_text("\n".join(questions) + "\n", encoding="utf-8")
    served = json.loads(run([sys.executable, __file__, "--serve-probe", str(data_dir),
                             str(question_file)]).stdout)
    rss_mib, rss_gain = served["after"], served["after"] - served["before"]
    print(f"fresh serving process: VmRSS {rss_mib:.0f} MiB after answering (+{rss_gain:.0f} "
          f"MiB over the {served['before']:.0f} MiB after imports); first answer "
          f"{served['first_answer_s']:.2f} s after opening")

    # 6. tantivy over the same passages and questions (before the archive grows).
    tantivy_median = paired_ratio = None
    try:
        import tantivy
    except ImportError:
        print("tantivy: not installed")
    else:
        schema = tantivy.SchemaBuilder()
        schema.add_text_field("body", stored=False, tokenizer_name="en_stem")
        index = tantivy.Index(schema.build())
        began = time.perf_counter()
        writer = index.writer(heap_size=256 * 2**20, num_threads=2)
        for text in passage_texts:
            writer.add_document(tantivy.Document(body=text))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        build_s = time.perf_counter() - began
        searcher = index.searcher()
        for question in warm:
            searcher.search(index.parse_query(question, ["body"]), 10)
        tantivy_ms, tantivy_cpu_ms = [], []
        for question in questions:
            began, cpu = time.perf_counter(), time.process_time()
            searcher.search(index.parse_query(question, ["body"]), 10)
            tantivy_ms.append((time.perf_counter() - began) * 1000)
            tantivy_cpu_ms.append((time.process_time() - cpu) * 1000)
        tantivy_median = statistics.median(tantivy_ms)
        tantivy_cpu = statistics.median(tantivy_cpu_ms)
        print(f"tantivy {version('tantivy')}: {searcher.num_docs:,} passages indexed in RAM "
              f"in {build_s:.1f} s; top 10: median {tantivy_median:.3f} ms, p95 "
              f"{percentile(tantivy_ms, 95):.3f} ms (CPU median {tantivy_cpu:.3f} ms); newsdesk "
              f"ask median / tantivy median = {ask_median / tantivy_median:.1f}x wall, "
              f"{ask_cpu / tantivy_cpu:.1f}x CPU (ask also picks the answering sentence, "
              f"drops overlapping passages and copies, reads SQLite)")
        # The two timed one after the other, question by question, so that the machine's
        # slow and fast spells fall on both alike.
        paired_ask, paired_tantivy = [], []
        for question in questions:
            began = time.perf_counter()
            archive.ask(question, k=5)
            paired_ask.append(time.perf_counter() - began)
            began = time.perf_counter()
            searcher.search(index.parse_query(question, ["body"]), 10)
            paired_tantivy.append(time.perf_counter() - began)
        paired_ratio = statistics.median(paired_ask) / statistics.median(paired_tantivy)
        print(f"interleaved, question by question (a second pass: the index warmer): ask "
              f"median {statistics.median(paired_ask) * 1000:.1f} ms, p95 "
              f"{percentile(paired_ask, 95) * 1000:.1f} ms; tantivy median "
              f"{statistics.median(paired_tantivy) * 1000:.3f} ms, p95 "
              f"{percentile(paired_tantivy, 95) * 1000:.3f} ms: {paired_ratio:.1f}x")
    del passage_texts

    # 3. One new article until it is answerable, from the command line and in process.
    probe_rng = random.Random(args.seed + 2)
    cli_s, cli_add_s, cli_cpu, inproc_s, inproc_cpu = [], [], [], [], []
    for probe in range(2 * args.probes):
        item, question = probe_record(probe, held_back[probe], probe_rng)
        one = work / f"one{probe}.jsonl"
        one.write_text(json.dumps(item) + "\n", encoding="utf-8")
        cli = probe < args.probes
        began, cpu, child_cpu = time.perf_counter(), time.process_time(), children_cpu_s()
        if cli:
            run([str(NEWSDESK), "add", "--config", str(config), str(one)])
            added = time.perf_counter()
            hits = json.loads(run([str(NEWSDESK), "ask", "--json", "--config", str(config),
                                   question]).stdout)["hits"]
            first = hits[0]["article_id"] if hits else None
        else:
            archive.add([one])
            hits = archive.ask(question).hits
            first = hits[0].article_id if hits else None
        took = time.perf_counter() - began
        if first != item["id"]:
            raise RuntimeError(f"{question!r}: first hit {first}, not the new {item['id']}")
        if cli:
            cli_s.append(took)
            cli_add_s.append(added - began)
            cli_cpu.append(children_cpu_s() - child_cpu)
        else:
            inproc_s.append(took)
            inproc_cpu.append(time.process_time() - cpu)
    add_cli, add_inproc = statistics.median(cli_s), statistics.median(inproc_s)
    print(f"add one article until answerable: newsdesk add + newsdesk ask {add_cli:.2f} s "
          f"(1/{rebuild_s / add_cli:.1f} of the full rebuild) "
          f"(add {statistics.median(cli_add_s):.1f} s; CPU {statistics.median(cli_cpu):.1f} s), "
          f"in process {add_inproc:.1f} s (CPU {statistics.median(inproc_cpu):.1f} s); "
          f"medians of {args.probes}; the index then has "
          f"{len(archive._search().snapshot.entries)} segments)")

    passages = stats.indexed_passages
    tantivy_cell = f"{tantivy_median:.3f}" if tantivy_median else "—"
    ratio_cell = (f"{ask_median / tantivy_median:.1f}x ({paired_ratio:.1f}x interleaved)"
                  if tantivy_median and paired_ratio else "—")
    print("| N | ingest art/s | rebuild s | add-one CLI s | add-one in-process s | ask median ms "
          "| ask p95 ms | tantivy median ms | ratio | RSS MiB | disk MiB |")
    print(f"| {passages:,} | {report.added / ingest_s:,.0f} | {rebuild_s:.1f} | {add_cli:.2f} "
          f"| {add_inproc:.1f} | {ask_median:.1f} | {ask_p95:.1f} | {tantivy_cell} "
          f"| {ratio_cell} | {rss_mib:.0f} (+{rss_gain:.0f}) | {disk_mib:.0f} |")
    cpu_ratio = f"{ask_cpu / tantivy_cpu:.1f}x" if tantivy_median else "—"
    print(f"(the same in CPU time, less sensitive to other work: ingest "
          f"{report.added / ingest_cpu:,.0f} art/CPU-s, rebuild {rebuild_cpu:.1f} s, add-one "
          f"in-process {statistics.median(inproc_cpu):.1f} s, ask median {ask_cpu:.1f} ms, "
          f"ratio {cpu_ratio})")
    archive.close()


if __name__ == "__main__":
    main()
