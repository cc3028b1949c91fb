"""Start-up: reading commands, and adding articles of Latin-script news prose, import
neither nltk (stems are snowball.py's, sentence rules punkt_spans.py's) nor discord; and
each command loads only the parts of newsdesk it uses (newsdesk.index's names are
imported when first used)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from newsdesk.index import Archive

from .conftest import article, write_jsonl

# Runs `newsdesk` commands in a fresh interpreter, then prints which of the modules named
# the process imported.
RUN_COMMANDS = """
import json, sys
from newsdesk.bot.cli import main
for argv in json.loads(sys.argv[1]):
    main(argv)
print(json.dumps(sorted(name for name in json.loads(sys.argv[2]) if name in sys.modules)))
"""
HEAVY = ("nltk", "discord", "feedparser", "trafilatura", "rich.progress", "rich.table")
# What fetching pages costs a process (ssl, http), and newsdesk's parts that asking a
# question does not use.
FETCHING = ("ssl", "http.client", "newsdesk.index.fetch", "newsdesk.index.feeds")
NOT_FOR_ASKING = (*FETCHING, "newsdesk.index.ingest", "newsdesk.index.indexer",
                  "newsdesk.index.cleaning", "newsdesk.index.briefing",
                  "newsdesk.index.evaluation", "newsdesk.index.feedback",
                  "newsdesk.index.watches", "newsdesk.bot.settings", "zoneinfo")
# Every word of this question is in the seed article.
SEED_QUESTION = "Who heads the Syrian Observatory for Human Rights?"


def run_commands(tmp_path: Path, data_dir: Path, *commands: list[str],
                 watched: tuple[str, ...] = HEAVY) -> tuple[list[str], list[str]]:
    """The output lines of `commands` run in one new process, and which of the `watched`
    modules it imported."""
    config = tmp_path / "config.toml"
    config.write_text(f'[index]\ndata_dir = "{data_dir}"\n', encoding="utf-8")
    argv = [["--config", str(config), *command] for command in commands]
    done = subprocess.run([sys.executable, "-c", RUN_COMMANDS, json.dumps(argv),
                           json.dumps(watched)],
                          capture_output=True, text=True, cwd=tmp_path, check=True)
    *lines, imported = done.stdout.splitlines()
    return lines, json.loads(imported)


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


def test_reading_commands_that_print_json_load_no_rich(seeded: Archive, tmp_path: Path):
    lines, imported = run_commands(
        tmp_path, seeded.settings.data_dir, ["ask", "--json", SEED_QUESTION],
        ["search", "--json", "Syrian Observatory"], ["brief", "--json", "Syrian fighters"],
        ["timeline", "--json", "Syrian fighters"], ["stats", "--json"],
        watched=("rich", "newsdesk.index.console"))
    assert len(lines) == 5 and all(json.loads(line) for line in lines)
    assert imported == []


def test_a_question_word_no_article_has_is_stemmed(seeded: Archive, tmp_path: Path):
    lines, imported = run_commands(tmp_path, seeded.settings.data_dir,
                                   ["ask", "--json", "Who heads the observatories?"])
    answer = json.loads(lines[0])
    assert "Syrian Observatory" in answer["hits"][0]["sentence"]  # observatori, both
    assert imported == []


def test_adding_an_article_of_new_words_imports_neither_nltk_nor_discord(
        seeded: Archive, tmp_path: Path):
    # Plain prose, which punkt_spans splits by its shortcut.
    text = ("The quartermaster counted forty spare sails. Zebroidal quaggas grazed "
            "beside the wharf.\n\nOfficials said the ferries would resume sailing soon.")
    path = write_jsonl(tmp_path / "new.jsonl",
                       [article(1, title="Quokkas overran the harbour", text=text)])
    lines, imported = run_commands(tmp_path, seeded.settings.data_dir, ["add", str(path)],
                                   ["search", "--json", "zebroidal quaggas"])
    assert lines[0].startswith("1 added") and json.loads(lines[-1])["hits"]
    assert [name for name in imported if not name.startswith("rich.")] == []  # progress bars


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


def test_asking_loads_no_part_of_newsdesk_that_asking_does_not_use(
        seeded: Archive, tmp_path: Path):
    lines, imported = run_commands(tmp_path, seeded.settings.data_dir,
                                   ["ask", "--json", SEED_QUESTION], watched=NOT_FOR_ASKING)
    assert "Abdurrahman who heads" in json.loads(lines[0])["hits"][0]["sentence"]
    assert imported == []


def test_adding_files_loads_nothing_for_fetching_pages(seeded: Archive, tmp_path: Path):
    path = write_jsonl(tmp_path / "new.jsonl", [article(1, title="Quokkas overran the harbour")])
    lines, imported = run_commands(tmp_path, seeded.settings.data_dir, ["add", str(path)],
                                   watched=FETCHING)
    assert lines[0].startswith("1 added")
    assert imported == []
