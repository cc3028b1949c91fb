"""The fast ingest paths give exactly what the slow ones give, and the worker pool is safe.

References: nltk's Punkt for sentence spans (punkt_spans.py must agree with it), the
analyzer's one-sentence-at-a-time `terms` and a plain Snowball loop for terms, the
general path of `normalise_unicode` for its ASCII shortcut, and ingest without workers
for ingest with them.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import re
import signal
import subprocess
import sys
import unicodedata
import uuid
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from nltk.stem.snowball import SnowballStemmer

from newsdesk.index import Archive, IndexSettings, analysis_pool, cleaning, sentences
from newsdesk.index import ingest as ingest_module
from newsdesk.index.analysis_pool import map_in_order
from newsdesk.index.analyzer import STOPWORDS, Analyzer
from newsdesk.index.irregular import IRREGULAR
from newsdesk.index.punkt_spans import PunktSpans
from newsdesk.index.records import RawRecord

from .conftest import NEWSQA, REPO, SEEDS, needs_newsqa, write_jsonl

sys.path.insert(0, str(REPO / "benchmarks"))
from query_latency import articles as generated_articles

FAST = PunktSpans(sentences.NEWS_ABBREVIATIONS)
PUNKT = sentences._tokenizer()
STEMMER = SnowballStemmer("english")

EDGE_CASES = [
    "", " ", "\n\n", ".", "...", "?!", "!!!", "no punctuation at all", "NO PUNCTUATION",
    "The U.S. Army said so. The U.S. Then what?", "Mr. Smith went to Washington.",
    "Mr. Smith. Mrs. Jones. Dr. Who.", "He paused... Then he spoke.", "Wait... what?",
    "It cost 3.5 million. Then 4.2. Then 12. And 2019. was a year.",
    "John F. Kennedy was shot in Dallas. J. Edgar Hoover was not.",
    "She lives in the U.S.\nHe lives in the U.K.", "Abbreviations end lines: Inc.\nCo.",
    "It was 10 a.m. Officials said so. It was 5 p.m. when they left.",
    '"It is over. We lost," he said. "Go home!" they shouted.', "He said: 'No.' Then left.",
    "Chants of \"Hillary!\" as she spoke. The \"Got Milk?\" ads ran.",
    "(This is in brackets.) This is not. [Nor this.] {Or this.}",
    "Really?! Yes!! No?? Maybe!?", "“Curly quotes.” ‘Single ones.’ «Guillemets.» Done.",
    "iPhone sales rose. eBay fell. apple did not.", "e.g. this. i.e. that. Etc. and so on.",
    "A sentence with an ellipsis… and more. Then an end.", "Mid.sentence.dots.here. Next.",
    "Self-made. Co-op. St. Louis. Ft. Worth. Gen. Lee. No. 5 is here.",
    "Émile left. Åsa stayed. ÉTÉ ended. Ωmega rose. Зима came. 東京 was busy.",
    "Combining e\u0301. Next. Superscript x². Half ½. Next.", "Control\x1c chars. Next.",
    "Emoji 😀. Next. Tab\there. Next.", "Nbsp\u00a0here. Next. Line\u2028sep. Next.",
    "A " + "very long sentence with many words and commas, " * 200 + "ends here. Next.",
    "Trailing spaces.   ", "   Leading spaces. Next.", "word.Next word. x.Y z.",
    "ΟΔΟΣ. ΟΔΟΣ'Next. Σ.", "İstanbul. İİ. Next.", "1. 2. 3. a. b. c. A. B. C.",
    "##number##. Next.", "..Leading dots. Next", "End with a question?", "End!",
]


def nltk_spans(text: str) -> list[tuple[int, int]]:
    """`sentence_spans` with every paragraph split by nltk."""
    fast = sentences._FAST_PUNKT
    sentences._FAST_PUNKT = SimpleNamespace(spans=lambda paragraph: None)
    try:
        return sentences.sentence_spans(text)
    finally:
        sentences._FAST_PUNKT = fast


def corpus_texts() -> list[str]:
    """Raw and cleaned texts of the seeds, newsqa-dev (if present) and generated articles."""
    raw = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    if (NEWSQA / "articles.jsonl").is_file():
        with (NEWSQA / "articles.jsonl").open(encoding="utf-8") as lines:
            raw += [json.loads(line)["text"] for line in lines]
    raw += generated_articles(2000, seed=3)
    return raw + [cleaning.clean_article_text(text).text for text in raw]


def fuzz_texts(count: int, seed: int) -> list[str]:
    """Random strings of the pieces Punkt's rules turn on."""
    pieces = [" ", " ", "  ", "\n", "\n\n", ".", ". ", "?", "!", "...", "…", '"', "'", "“",
              "”", "‘", "’", "(", ")", "[", "]", "«", "»", "-", "--", ",", ";", ":", "3.5",
              "2019.", "-5", ".5", "Mr.", "U.S.", "e.g.", "Inc.", "No.", "John", "F.",
              "Kennedy", "said", "word", "Word", "the", "The", "A", "a", "iPhone", "don't",
              "o'", "É.", "ß", "ω.", "\u0301", "\x1c", "\t", "self-made.", "St.", "Jan.",
              "a.m.", "A.B.C.", ". .", "?!", ".)", '."', ".”", "?”", ")."]
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
            for _ in range(count)]


# Sentence spans -------------------------------------------------------------------


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_split_as_nltk_splits_them(text: str):
    assert FAST.spans(text) in (None, list(PUNKT.span_tokenize(text)))
    assert sentences.sentence_spans(text) == nltk_spans(text)


def test_every_corpus_text_splits_as_nltk_splits_it():
    texts = corpus_texts()
    differ = [t[:80] for t in texts if sentences.sentence_spans(t) != nltk_spans(t)]
    assert not differ
    paragraphs = [t[s:e] for t in texts for s, e in sentences._lines(t)]
    judged = [(p, FAST.spans(p)) for p in paragraphs]
    assert sum(spans is not None for _, spans in judged) > 0.9 * len(judged)
    assert all(spans == list(PUNKT.span_tokenize(p)) for p, spans in judged
               if spans is not None)


@needs_newsqa
def test_newsqa_articles_split_as_nltk_splits_them():
    with (NEWSQA / "articles.jsonl").open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    assert len(texts) > 50
    for text in texts:
        cleaned = cleaning.clean_article_text(text).text
        assert sentences.sentence_spans(cleaned) == nltk_spans(cleaned)


def test_random_strings_split_as_nltk_splits_them():
    for text in fuzz_texts(4000, seed=11):
        spans = FAST.spans(text)
        assert spans is None or spans == list(PUNKT.span_tokenize(text)), repr(text)


def test_text_outside_the_safe_characters_is_left_to_nltk():
    for text in ("Combining e\u0301. Next.", "Sep\x1c. Next.", "Emoji 😀! Next."):
        assert FAST.spans(text) is None


# Terms ----------------------------------------------------------------------------


@cache
def reference_stem(word: str) -> str:
    return STEMMER.stem(IRREGULAR.get(word, word))


def reference_terms(text: str) -> list[str]:
    """The terms as the analyzer has always made them, word by word."""
    words = re.findall(r"\w+", text.lower())
    return [reference_stem(w) for w in words if w not in STOPWORDS]


@pytest.mark.parametrize("text", [*EDGE_CASES, "Who won? They won't say.", "The fled men."])
def test_terms_are_snowball_stems_of_the_words_that_are_not_stop_words(text: str):
    analyzer = Analyzer()
    assert analyzer.terms(text) == reference_terms(text)
    assert analyzer.terms(text) == reference_terms(text)  # memoised
    spans = sentences.sentence_spans(text)
    assert analyzer.sentence_terms(text, spans) == [analyzer.terms(text[s:e]) for s, e in spans]


def test_sentence_terms_equal_terms_sentence_by_sentence_on_every_corpus_text():
    analyzer, fresh = Analyzer(), Analyzer()
    for text in corpus_texts():
        spans = sentences.sentence_spans(text)
        expected = [reference_terms(text[s:e]) for s, e in spans]
        assert analyzer.sentence_terms(text, spans) == expected
        assert [fresh.terms(text[s:e]) for s, e in spans] == expected


def test_lowercase_forms_that_depend_on_the_span_keep_their_terms():
    analyzer = Analyzer()
    for text in ("ΟΔΟΣ'Α. ΟΔΟΣ. Σ", "İİ İstanbul. Next İ.", "ΑΣ\nΑ"):
        spans = [(0, 3), (1, 6), (4, len(text)), (0, len(text))]
        assert analyzer.sentence_terms(text, spans) == [
            reference_terms(text[s:e]) for s, e in spans]


# Cleaning -------------------------------------------------------------------------


def reference_normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", cleaning._SURROGATE.sub("\ufffd", text))
    text = (text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
            .replace("\x85", "\n"))
    return text.translate(cleaning._TRANSLATION)


def test_the_ascii_shortcut_normalises_as_the_general_path():
    every_ascii = "".join(map(chr, range(128)))
    rng = random.Random(5)
    texts = [every_ascii, "a\r\nb\rc\n\rd", "", *(
        "".join(rng.choice(every_ascii) for _ in range(40)) for _ in range(500))]
    for text in texts:
        assert cleaning.normalise_unicode(text) == reference_normalise(text)


def reference_teaser(line: str) -> bool:
    """`cleaning.teaser` as it was: every word counted, the link mark searched for."""
    if len(line.split()) > cleaning._TEASER_MAX_WORDS:
        return False
    if cleaning._LINK_MARK.search(line):
        return "«" not in line
    if not cleaning._TEASER_VERB.match(line):
        return False
    return (line.endswith(":") or not cleaning._SENTENCE_END.search(line)
            or bool(cleaning._WEB_ADDRESS.search(line)))


def test_teasers_are_judged_as_before():
    rng = random.Random(9)
    words = ["See", "Watch", "more", "photos", "»", ">>", "\u203a", "«quote»", "www.cnn.com",
             "story.", "Read", "more:", "the", "rescue", " ", "\t"]
    lines = ["See more photos »", "Watch the rescue >>", "Next \u203a", "«Quote» »  ",
             " ".join(["word"] * 25) + " »", " ".join(["word"] * 26) + " »",
             "Watch " + " ".join(["word"] * 24), "Watch " + " ".join(["word"] * 25) + "  "]
    lines += [" ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
              for _ in range(3000)]
    for line in lines:
        assert cleaning.teaser(line) == reference_teaser(line), repr(line)
    text = cleaning.normalise_unicode("\n".join(lines[:300]))
    assert cleaning.paragraphs(text) == reference_paragraphs(text)


def reference_paragraphs(text: str) -> list[str]:
    """`cleaning.paragraphs` as it was, with `reference_teaser`."""
    out: list[str] = []
    joinable = False
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if cleaning._ANYWHERE_CLUTTER.match(line) or (
                cleaning._LINK_MARK.search(line) and reference_teaser(line)):
            continue
        if not line:
            joinable = False
            continue
        if joinable and out and cleaning.continues(out[-1], line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        joinable = True
    return [p for p in out if not reference_teaser(p)]


def reference_clean(text: str) -> cleaning.CleanText:
    """`cleaning.clean_article_text` as it was: every line's white space tidied, every
    expression tried."""
    paras = reference_paragraphs(cleaning.normalise_unicode(text))
    credits: list[str] = []
    while paras:
        paras[-1] = cleaning._TRAILING_SUFFIX.sub("", paras[-1])
        last = paras[-1]
        if not last or cleaning._TRAILING_CLUTTER.match(last) or cleaning._SEPARATOR.match(last):
            paras.pop()
        elif len(last) <= 300 and cleaning._CREDIT.match(last):
            credits.insert(0, paras.pop())
        else:
            break
    dateline = None
    for i in range(min(2, len(paras))):
        match = cleaning._DATELINE.match(paras[i])
        if match:
            dateline = match.group("dateline").strip()
            paras[i] = paras[i][match.end():]
            break
        if len(paras[i]) > cleaning._HEADLINE_MAX_CHARS:
            break
    return cleaning.CleanText("\n\n".join(paras), dateline, tuple(credits))


CLEANING_EDGES = [
    " Leading space.\n\nStory.", "Story.\n\nTrailing space. ", "Two  spaces.\n\nOne.",
    "Tab\there.\n\nNext.", "Unit\x1fseparator.\n\nNext.", "Line \nends in a space.",
    "Story.\n\nJane Doe reported from Cairo.", "Story.\n\nJANE DOE REPORTED FROM CAIRO.",
    "Story.\n\nReporting by Tom Roe; editing by Ann Poe", "Story.\n\n(Writing by Zoë Lee)",
    "Story.\n\nAdditional reporting by Jöhn Smith.", "Story.\n\nReportıng by Tom Roe",
    "Story.\n\nCNN's John Doe contributed to thıs report.",
    "Story.\n\nAssociated Press writers Ann Roe and Bo Li contributed.",
    "Story ends. E-mail to a friend", "Story ends. EMAIL TO A FRIEND.",
    "Story ends. E-mail to a frıend", "Story ends. E-mail to a friend..",
    "Story ends.\n\nE-mail to a friend\n\nJane Doe reported from Cairo.",
]


def test_cleaning_takes_its_shortcuts_only_where_they_change_nothing():
    for text in [*CLEANING_EDGES, *corpus_texts()]:
        assert cleaning.clean_article_text(text) == reference_clean(text), repr(text[:80])


# Ingest with workers --------------------------------------------------------------


def stored_rows(archive: Archive) -> list[tuple]:
    return archive._db.all("SELECT id, title, source, url, published, authors, dateline,"
                           " credits, text, text_key, sentences, terms, terms_version, origin"
                           " FROM articles ORDER BY rowid")


def corpus_records(count: int) -> list[dict]:
    rng = random.Random(2)
    records = [{"id": f"g{n}", "title": f"Story {n}", "source": rng.choice("ABC"),
                "text": text} for n, text in enumerate(generated_articles(count * 10, seed=4))]
    records = records[:count]
    records[3] = {"id": "bad", "text": 42}  # rejected, in order, by the worker
    records[7] = dict(records[6], id="copy")  # the same text from the same outlet
    return records


def pooled(monkeypatch, workers: int = 1) -> None:
    monkeypatch.setattr(ingest_module, "POOL_MIN_RECORDS", 10)
    monkeypatch.setattr(ingest_module, "pool_workers", lambda: workers)


@pytest.mark.usefixtures("workers_started_first")
def test_ingest_with_workers_stores_exactly_what_one_process_stores(tmp_path: Path,
                                                                     monkeypatch):
    path = write_jsonl(tmp_path / "many.jsonl", corpus_records(300))
    alone = Archive(IndexSettings(tmp_path / "alone"))
    expected = alone.add([path])
    pooled(monkeypatch)
    analysed_here = []
    analyse = ingest_module.analyse_record

    def counted(item, analyzer):  # in this process only
        analysed_here.append(item)
        return analyse(item, analyzer)

    monkeypatch.setattr(ingest_module, "analyse_record", counted)
    shared = Archive(IndexSettings(tmp_path / "shared"))
    report = shared.add([path])
    try:
        assert len(analysed_here) < 300
        assert (report.added, report.duplicates) == (expected.added, expected.duplicates) \
            == (298, 1)
        assert [str(r) for r in report.rejected] == [str(r) for r in expected.rejected]
        assert stored_rows(shared) == stored_rows(alone)
    finally:
        alone.close()
        shared.close()


def test_small_adds_start_no_worker(archive: Archive, tmp_path: Path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a worker was started")

    monkeypatch.setattr(analysis_pool.subprocess, "Popen", refuse)
    monkeypatch.setattr(ingest_module, "pool_workers", lambda: 4)
    records = [{"id": f"a{n}", "text": f"Story {n} of twenty about town{n}. It ends."}
               for n in range(20)]
    assert archive.add([write_jsonl(tmp_path / "feed.jsonl", records)]).added == 20


def test_workers_the_system_refuses_to_start_leave_the_work_to_this_process(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(analysis_pool.subprocess, "Popen", refuse)
    results = map_in_order(lambda n: n + 1, range(50), "nowhere:nothing", workers=2,
                           min_items=10)
    assert list(results) == list(range(1, 51))


def crashing_worker() -> object:
    """A worker's function that fails at items 9 and 17 and kills its worker at 13."""
    def work(item: int) -> int:
        if item == 13:
            os._exit(3)
        if item in (9, 17):
            raise ValueError(f"worker: {item}")
        return item * 2

    return work


def worker_of_another_layout() -> object:
    """A worker's function, in a worker whose Rejection has a field this process's has
    not (as newsdesk upgraded under a running bot would give one)."""
    from dataclasses import make_dataclass

    from newsdesk.index import records

    changed = make_dataclass("Rejection", ["origin", "reason", "since"], frozen=True)
    changed.__module__ = records.__name__
    records.Rejection = changed
    return lambda item: item * 2


@pytest.mark.usefixtures("workers_started_first")
def test_a_worker_whose_records_have_another_layout_is_not_used():
    for factory, agrees in (("crashing_worker", True), ("worker_of_another_layout", False)):
        worker = analysis_pool._Worker(f"{__name__}:{factory}")
        try:
            assert worker.usable() is agrees  # (once it has said it started)
        finally:
            worker.close()
    done_here = []

    def work(item: int) -> int:
        done_here.append(item)
        return item * 2

    # (A worker that agreed would get the first chunks: see workers_started_first.)
    results = map_in_order(work, range(60), f"{__name__}:worker_of_another_layout",
                           workers=1, min_items=10, chunk=4)
    assert list(results) == [n * 2 for n in range(60)]
    assert done_here == list(range(60))


@pytest.mark.usefixtures("workers_started_first")
def test_a_dead_worker_or_a_failing_item_loses_nothing_and_keeps_the_order():
    done_here = []

    def work(item: int) -> int:
        done_here.append(item)
        if item == 17:
            raise ValueError("seventeen")
        return item * 2

    results = map_in_order(work, range(200), f"{__name__}:crashing_worker", workers=2,
                           min_items=10, chunk=4, in_flight=2)
    got = []
    with pytest.raises(ValueError, match="seventeen"):
        got.extend(results)
    assert got == [n * 2 for n in range(17)]
    # The workers had the first chunks (0-7 and 8-15); 9 (failed in a worker), 13 (its
    # worker died) and 17 were done here again, whoever had them. (Which later items
    # each did depends on timing: not asserted.)
    assert set(range(17)) - set(done_here)
    assert {9, 13, 17} <= set(done_here)


UNGUARDED_SCRIPT = """
import sys, threading, asyncio
from pathlib import Path
from newsdesk.index import Archive, IndexSettings, analysis_pool, ingest
from tests.conftest import waiting_for_start
with open(sys.argv[3], "a") as runs:  # were this run again in a worker, it would show
    print("run", file=runs)
ingest.POOL_MIN_RECORDS = 10
ingest.pool_workers = lambda: 2
analysis_pool._Worker.usable = waiting_for_start(analysis_pool._Worker.usable)
analysed_here = []
analyse = ingest.analyse_record

def counted(item, analyzer):  # in this process only: the workers get work
    analysed_here.append(item)
    return analyse(item, analyzer)

ingest.analyse_record = counted
archive = Archive(IndexSettings(Path(sys.argv[1])))
reports = []
add = threading.Thread(target=lambda: reports.append(archive.add([Path(sys.argv[2])])))

async def busy():  # an event loop runs in the main thread, as the bot's does
    add.start()
    while add.is_alive():
        await asyncio.sleep(0.01)

asyncio.run(busy())
print(reports[0].added, archive.stats().articles, len(analysed_here) < 120)
"""


def test_an_unguarded_script_adding_from_a_thread_beside_an_event_loop(tmp_path: Path):
    script = tmp_path / "unguarded.py"  # no `if __name__ == "__main__"`
    script.write_text(UNGUARDED_SCRIPT, encoding="utf-8")
    path = write_jsonl(tmp_path / "many.jsonl", corpus_records(120))
    proc = subprocess.run([sys.executable, str(script), str(tmp_path / "data"), str(path),
                           str(tmp_path / "runs.txt")], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["118", "118", "True"]  # the workers did some
    assert (tmp_path / "runs.txt").read_text() == "run\n"


CTRL_C_SCRIPT = """
import sys
from pathlib import Path
from newsdesk.index import Archive, IndexSettings, ingest
from newsdesk.index.store import Store
ingest.POOL_MIN_RECORDS = 10
ingest.pool_workers = lambda: 2
ingest.BATCH_SIZE = 50
real_add = Store.add

def add(self, items, version):
    added = real_add(self, items, version)
    print("committed", flush=True)
    sys.stdin.readline()  # the test says when to go on: it interrupts after the tenth
    return added

Store.add = add
Archive(IndexSettings(Path(sys.argv[1]))).add([Path(sys.argv[2])])
"""


def test_ctrl_c_during_an_add_with_workers_ends_them_and_keeps_committed_batches(
        tmp_path: Path):
    path = write_jsonl(tmp_path / "many.jsonl", corpus_records(1000))
    mark = uuid.uuid4().hex
    proc = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_SCRIPT, str(tmp_path / "data"), str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "NEWSDESK_TEST_MARK": mark})
    assert proc.stdin is not None and proc.stdout is not None
    for batch in range(10):  # ten batches in: the workers are working
        assert proc.stdout.readline() == "committed\n"
        if batch < 9:
            proc.stdin.write("go\n")
            proc.stdin.flush()
    assert len(processes_marked(mark)) == 3  # the add and its two workers
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode != 0 and "KeyboardInterrupt" in stderr
    assert not processes_marked(mark)  # no worker outlives the add
    archive = Archive(IndexSettings(tmp_path / "data"))
    try:
        stored = archive._store.count()
        # Whole batches only; the first holds the outlet's second copy of a text.
        assert stored % 50 == 49 and 499 <= stored < 998
        report = archive.add([path])  # running it again finishes the job
        assert report.added + stored == 998
    finally:
        archive.close()


def processes_marked(mark: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and mark.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


class CountedHere(ingest_module.RecordAnalysis):
    """Record analysis that counts the records done in this process."""

    def __init__(self) -> None:
        super().__init__()
        self.done_here = 0

    def __call__(self, item):
        self.done_here += 1
        return super().__call__(item)


@pytest.mark.usefixtures("workers_started_first")
def test_records_and_terms_cross_to_workers_and_back_whole():
    records = [RawRecord({"text": f"Café “quotes” number {n}. Next one.", "authors": ["A"]},
                         f"file.jsonl:{n}", "Folder", from_plain_text=True)
               for n in range(120)]
    here = CountedHere()
    analysed = map_in_order(here, records, f"{ingest_module.__name__}:RecordAnalysis",
                            workers=1, min_items=10, chunk=4)
    analyzer = Analyzer()
    assert list(analysed) == [ingest_module.analyse_record(r, analyzer) for r in records]
    assert here.done_here < len(records)
    assert here.learned(0)[0] == analyzer.stems_since(0)[0]  # the workers' stems too


def test_an_analyzer_learns_the_stems_another_made():
    teacher, learner = Analyzer(), Analyzer()
    text = "The fighters fled; officials were shooting photographs."
    teacher.terms(text)
    lesson, mark = teacher.stems_since(0)
    assert mark == len(lesson) == 5 and teacher.stems_since(mark) == ({}, mark)
    learner._stemmer = None  # it must not stem again
    learner.learn(lesson)
    assert learner.terms(text) == reference_terms(text)


def test_workers_messages_make_only_plain_values_and_newsdesk_classes():
    """What a worker and this process send each other is unpickled by an unpickler that
    makes plain values and newsdesk's classes only: a message naming another class or
    function (a worker running other code) is refused as garbled."""
    from collections import OrderedDict
    from io import BytesIO

    from newsdesk.index.records import Rejection

    sent = ([1, "a", b"b", None, {2.5}], Rejection("x.json", "not JSON"))
    stream = BytesIO()
    analysis_pool._write(stream, sent)
    analysis_pool._write(stream, OrderedDict(a=1))
    analysis_pool._write(stream, os.system)
    stream.seek(0)
    assert analysis_pool._read(stream) == sent
    assert analysis_pool._read(stream) is None
    assert analysis_pool._read(stream) is None
    # newsdesk's own functions and non-record classes, and anything reached through a
    # newsdesk module's attributes, are refused too: a message can make data, not calls.
    from newsdesk.allocator import run_with_huge_pages
    from newsdesk.index.archive import Archive

    for value in (run_with_huge_pages, Archive):
        stream = BytesIO()
        analysis_pool._write(stream, value)
        stream.seek(0)
        assert analysis_pool._read(stream) is None
    unpickler = analysis_pool._OwnUnpickler(BytesIO(b""))
    for module, name in (("newsdesk.index.snapshot", "shutil.rmtree"),
                         ("newsdesk.index.analysis_pool", "os")):
        with pytest.raises(pickle.UnpicklingError):
            unpickler.find_class(module, name)
    assert unpickler.find_class("newsdesk.index.records", "Rejection") is Rejection
