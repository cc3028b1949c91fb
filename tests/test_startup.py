"""Start-up: reading commands, and adding articles of Latin-script news prose, import
neither nltk (stems are snowball.py's, sentence rules punkt_spans.py's) nor discord, and
the archive's stem memo never changes an answer."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from newsdesk.index import Archive, IndexSettings
from newsdesk.index import analyzer as analyzer_module
from newsdesk.index.analyzer import ANALYZER_VERSION, STOPWORDS, Analyzer
from newsdesk.index.database import Database
from newsdesk.index.irregular import IRREGULAR
from newsdesk.index.sentences import sentence_spans
from newsdesk.index.stem_memo import MAX_WORD_CHARS, StemMemo

from .conftest import NEWSQA, article, needs_newsqa, write_jsonl

# Runs `newsdesk` commands in a fresh interpreter, then prints which heavy packages the
# process imported.
RUN_COMMANDS = """
import json, sys
from newsdesk.bot.cli import main
for argv in json.loads(sys.argv[1]):
    main(argv)
heavy = ("nltk", "discord", "feedparser", "trafilatura", "rich.progress", "rich.table")
print(json.dumps(sorted(name for name in heavy if name in sys.modules)))
"""
# Every word of this question is in the seed article.
SEED_QUESTION = "Who heads the Syrian Observatory for Human Rights?"


def reference_stem(word: str) -> str:
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english").stem(IRREGULAR.get(word, word))


def run_commands(tmp_path: Path, data_dir: Path, *commands: list[str]
                 ) -> tuple[list[str], list[str]]:
    """The output lines of `commands` run in one new process, and the heavy packages it
    imported."""
    config = tmp_path / "config.toml"
    config.write_text(f'[index]\ndata_dir = "{data_dir}"\n', encoding="utf-8")
    argv = [["--config", str(config), *command] for command in commands]
    done = subprocess.run([sys.executable, "-c", RUN_COMMANDS, json.dumps(argv)],
                          capture_output=True, text=True, cwd=tmp_path, check=True)
    *lines, imported = done.stdout.splitlines()
    return lines, json.loads(imported)


def drop_memo(data_dir: Path) -> None:
    """Make the archive one made before the stem memo."""
    with sqlite3.connect(data_dir / "newsdesk.sqlite3") as db:
        db.executescript("DROP TABLE stem_memo; DROP TABLE stem_memo_version;")


@pytest.fixture
def new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The analyzers know no stem yet, as in a process just started."""
    monkeypatch.setattr(analyzer_module, "_STEMS", {})


def forbid_stemming(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, needing the stemmer fails the test."""

    def forbidden(word: str) -> str:
        raise AssertionError(f"the stemmer was needed for {word!r}")

    monkeypatch.setattr(analyzer_module, "snowball_stem", forbidden)


def test_reading_commands_on_a_new_archive_import_neither_nltk_nor_discord(
        seeded: Archive, tmp_path: Path):
    lines, imported = run_commands(
        tmp_path, seeded.settings.data_dir, ["ask", "--json", SEED_QUESTION],
        ["search", "--json", "Syrian Observatory"], ["brief", "--json", "Syrian fighters"],
        ["timeline", "--json", "Syrian fighters"], ["stats", "--json"])
    answer = json.loads(lines[0])
    assert answer["confident"] and "Abdurrahman who heads" in answer["hits"][0]["sentence"]
    assert json.loads(lines[1])["hits"] and json.loads(lines[2])["articles"] == 1
    assert imported == []


def test_a_question_word_the_memo_lacks_is_stemmed(seeded: Archive, tmp_path: Path):
    lines, imported = run_commands(tmp_path, seeded.settings.data_dir,
                                   ["ask", "--json", "Who heads the observatories?"])
    answer = json.loads(lines[0])
    assert "Syrian Observatory" in answer["hits"][0]["sentence"]  # observatori, both
    assert imported == []


def test_an_archive_made_before_the_memo_answers_the_same_and_is_not_changed(
        seeded: Archive, tmp_path: Path):
    data_dir = seeded.settings.data_dir
    expected = seeded.ask(SEED_QUESTION).to_json()
    drop_memo(data_dir)
    lines, imported = run_commands(tmp_path, data_dir, ["ask", "--json", SEED_QUESTION])
    assert json.loads(lines[0]) == expected
    assert imported == []
    with sqlite3.connect(data_dir / "newsdesk.sqlite3") as db:
        assert not db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'stem_memo%'"
                              ).fetchall()  # a reading command writes nothing


def test_adding_an_article_of_new_words_imports_neither_nltk_nor_discord(
        seeded: Archive, tmp_path: Path):
    # Plain prose, which punkt_spans splits by its shortcut.
    text = ("The quartermaster counted forty spare sails. Zebroidal quaggas grazed "
            "beside the wharf.\n\nOfficials said the ferries would resume sailing soon.")
    path = write_jsonl(tmp_path / "new.jsonl",
                       [article(1, title="Quokkas overran the harbour", text=text)])
    new_words = ["quokkas", "overran", "quartermaster", "zebroidal", "quaggas", "wharf"]
    data_dir = seeded.settings.data_dir
    db = Database(data_dir / "newsdesk.sqlite3")
    try:
        assert StemMemo(db).stems(new_words) == {}
    finally:
        db.close()
    lines, imported = run_commands(tmp_path, data_dir, ["add", str(path)],
                                   ["search", "--json", "zebroidal quaggas"])
    assert lines[0].startswith("1 added") and json.loads(lines[-1])["hits"]
    assert [name for name in imported if not name.startswith("rich.")] == []  # progress bars
    db = Database(data_dir / "newsdesk.sqlite3")
    try:
        assert StemMemo(db).stems(new_words) == {w: reference_stem(w) for w in new_words}
    finally:
        db.close()


def test_adding_an_article_of_ordinary_news_prose_imports_neither_nltk_nor_discord(
        seeded: Archive, tmp_path: Path):
    # Questions, exclamations, "U.S.", "3.5", quotations and "(CNN) --": punkt_spans
    # splits them with its own copy of nltk's Punkt rules.
    text = ('WASHINGTON (CNN) -- The U.S. economy grew 3.5 percent in the third quarter, '
            'the Commerce Department said Friday. "Is the recovery real?" asked one '
            'economist in Montréal. "Yes!" said another.\n\n'
            "Mr. Obama called the figures “encouraging.” Critics were not so sure.")
    path = write_jsonl(tmp_path / "prose.jsonl",
                       [article(1, title="U.S. economy grows 3.5 percent", text=text)])
    lines, imported = run_commands(tmp_path, seeded.settings.data_dir, ["add", str(path)],
                                   ["ask", "--json", "How much did the U.S. economy grow?"])
    assert lines[0].startswith("1 added")
    assert "3.5 percent" in json.loads(lines[-1])["hits"][0]["sentence"]
    assert [name for name in imported if not name.startswith("rich.")] == []  # progress bars


def test_the_next_add_fills_the_memo_of_an_archive_made_before_it(
        seeded: Archive, tmp_path: Path):
    data_dir = seeded.settings.data_dir
    drop_memo(data_dir)
    archive = Archive(IndexSettings(data_dir))
    try:
        (tmp_path / "new.txt").write_text("The observatory said heads of state met.\n")
        archive.add([tmp_path / "new.txt"])
    finally:
        archive.close()
    db = Database(data_dir / "newsdesk.sqlite3")
    try:
        assert StemMemo(db).stems(["observatory", "heads", "said"]) == {
            "observatory": "observatori", "heads": "head", "said": "said"}
    finally:
        db.close()


def test_words_only_questions_had_are_not_kept(seeded: Archive, tmp_path: Path):
    seeded.ask("Did the zyxwvut quokkas flee?")  # stemmed here, for the question
    seeded.add_watch("zebroidal quaggas")  # parsed during the next write
    (tmp_path / "new.txt").write_text("The quartermaster said quokkas met.\n")
    with seeded._writing():  # a question asked while another thread writes
        thread = threading.Thread(target=seeded.ask, args=("Who saw the wombatish tapir?",))
        thread.start()
        thread.join()
        seeded.add([tmp_path / "new.txt"])
    db = Database(seeded.settings.data_dir / "newsdesk.sqlite3")
    try:
        kept = StemMemo(db).stems(["zyxwvut", "quokkas", "quartermaster", "zebroidal",
                                   "quaggas", "wombatish", "tapir"])
    finally:
        db.close()
    # "quokkas", first met in a question, is kept when an article has it.
    assert kept == {"quartermaster": "quartermast", "quokkas": "quokka"}


@needs_newsqa
def test_every_kept_stem_is_the_stemmers_and_answers_do_not_change(
        archive: Archive, tmp_path: Path):
    archive.add([NEWSQA / "articles.jsonl"])
    questions = [json.loads(line)["question"] for line in
                 (NEWSQA / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    data_dir = archive.settings.data_dir
    with sqlite3.connect(data_dir / "newsdesk.sqlite3") as db:
        kept = db.execute("SELECT word, stem FROM stem_memo").fetchall()
    assert len(kept) > 5000
    assert all(stem == reference_stem(word) for word, stem in kept)
    with_memo = ask_in_new_process(tmp_path, data_dir, questions)
    drop_memo(data_dir)
    assert ask_in_new_process(tmp_path, data_dir, questions) == with_memo
    assert len(with_memo) == len(questions) and any('"confident": true' in a for a in with_memo)


def ask_in_new_process(tmp_path: Path, data_dir: Path, questions: list[str]) -> list[str]:
    """`newsdesk ask --json -`'s answers to `questions`, one JSON line each."""
    config = tmp_path / "config.toml"
    config.write_text(f'[index]\ndata_dir = "{data_dir}"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "newsdesk", "--config", str(config), "ask",
                           "--json", "-k", "5", "-"], input="\n".join(questions),
                          capture_output=True, text=True, cwd=tmp_path, check=True)
    return done.stdout.splitlines()


def test_terms_recalled_from_the_memo_equal_a_plain_analyzers(
        seeded: Archive, new_process: None, monkeypatch: pytest.MonkeyPatch):
    stored = [seeded.article(t.article_id) for t in seeded.titles("")]
    texts = [text for a in stored if a for text in (a.title, a.text)]
    expected = [Analyzer().terms(text) for text in texts]
    monkeypatch.setattr(analyzer_module, "_STEMS", {})
    forbid_stemming(monkeypatch)
    db = Database(seeded.settings.data_dir / "newsdesk.sqlite3")
    try:
        recalled = Analyzer(known=StemMemo(db).stems)
        assert [recalled.terms(text) for text in texts] == expected
        for text in texts:
            spans = sentence_spans(text)
            assert Analyzer(known=StemMemo(db).stems).sentence_terms(text, spans) == [
                recalled.terms(text[start:end]) for start, end in spans]
    finally:
        db.close()


def test_a_word_the_memo_lacks_gets_the_stemmers_stem(tmp_path: Path, new_process: None):
    db = Database(tmp_path / "memo.sqlite3")
    try:
        StemMemo(db).keep({"fighters": "fighter"})
        analyzer = Analyzer(known=StemMemo(db).stems)
        words = "fighters reinvigorated the überwältigten observatories"
        assert analyzer.terms(words) == [reference_stem(w) for w in words.split()
                                         if w not in STOPWORDS]
        assert analyzer.stems_since(0)[0] == {  # what the memo lacked, to keep next
            w: reference_stem(w) for w in ("reinvigorated", "überwältigten", "observatories")}
    finally:
        db.close()


def test_stems_kept_under_another_analysis_are_ignored_then_cleared(tmp_path: Path):
    db = Database(tmp_path / "memo.sqlite3")
    try:
        StemMemo(db, version="an older analysis").keep({"fighters": "fight", "fled": "fled"})
        assert StemMemo(db).stems(["fighters", "fled"]) == {}
        StemMemo(db).keep({"fighters": "fighter"})
        assert StemMemo(db).stems(["fighters", "fled"]) == {"fighters": "fighter"}
        assert StemMemo(db, version="an older analysis").stems(["fighters", "fled"]) == {}
        assert ANALYZER_VERSION != "an older analysis"
    finally:
        db.close()


def test_the_memo_skips_overlong_words_and_answers_for_any_number_of_words(tmp_path: Path):
    db = Database(tmp_path / "memo.sqlite3")
    try:
        memo = StemMemo(db)
        long_word = "x" * (MAX_WORD_CHARS + 1)
        many = {f"word{n}": f"word{n}" for n in range(1200)}
        memo.keep({long_word: long_word, "stop": None, **many})
        assert memo.stems([long_word, "stop", *many, "unknown"]) == many
    finally:
        db.close()


def test_an_archive_without_the_memo_tables_reads_as_an_empty_memo(tmp_path: Path):
    db = Database(tmp_path / "memo.sqlite3")
    try:
        assert StemMemo(db).stems(["fighters"]) == {}
    finally:
        db.close()


def test_a_memo_that_cannot_be_written_fails_no_write(seeded: Archive, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    def locked(self: StemMemo, stems: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(StemMemo, "keep", locked)
    (tmp_path / "new.txt").write_text("The quartermaster counted 40 spare sails.\n")
    report = seeded.add([tmp_path / "new.txt"])
    assert report.added == 1
    assert "40 spare sails" in seeded.ask("How many spare sails did the quartermaster count?"
                                          ).hits[0].sentence
