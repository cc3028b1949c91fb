import fcntl
import gc
import json
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from newsdesk.command import run_here as newsdesk_command
from newsdesk.index.cli import main

from .conftest import REPO, SEEDS, article, write_jsonl

QUESTION = "How many SDF fighters did ISIS kill?"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(folder))
    monkeypatch.setenv("COLUMNS", "100")
    return folder


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_on_an_empty_archive_indexes_the_seeds_first_and_answers(capsys):
    code, out, err = run(capsys, "ask", QUESTION)
    assert code == 0
    assert "the archive was empty: indexed the bundled seed articles" in err
    assert "Answer" in out
    assert "killed more than 60 SDF fighters" in out
    assert "seeds · undated · id" in out


def test_ask_json_gives_the_documented_fields(capsys):
    code, out, _ = run(capsys, "ask", "--json", "-k", "2", QUESTION)
    payload = json.loads(out)
    assert code == 0 and payload["question"] == QUESTION
    assert len(payload["hits"]) == 2
    assert set(payload["hits"][0]) == {"article_id", "title", "source", "url", "published",
                                       "passage", "sentence", "score", "also_in",
                                       "independent_outlets", "reported_by"}
    assert "60 SDF fighters" in payload["hits"][0]["sentence"]


def test_ask_json_dash_answers_one_question_per_line_in_order(capsys, monkeypatch):
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{QUESTION}\n\nWho is Jan Egeland?\n"))
    code, out, _ = run(capsys, "ask", "--json", "-k", "1", "-")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [line["question"] for line in lines] == [QUESTION, "", "Who is Jan Egeland?"]
    assert [len(line["hits"]) for line in lines] == [1, 0, 1]  # a line out per line in


def test_ask_without_a_match_says_so_and_what_was_searched(capsys):
    code, out, _ = run(capsys, "ask", "What is the price of bitcoin in Zurich?")
    assert code == 0
    assert "No passage in the archive answers" in out
    assert "Searched for: price, bitcoin, zurich" in out


def test_add_reports_added_duplicates_and_rejections(capsys, tmp_path: Path):
    write_jsonl(tmp_path / "in.jsonl", [article(1), article(1)])
    (tmp_path / "broken.json").write_text("{", "utf-8")
    code, out, err = run(capsys, "add", str(tmp_path))
    assert code == 0
    assert "1 added, 1 already stored, 1 rejected (2 files or pages read)" in out
    assert f"rejected {tmp_path / 'broken.json'}: invalid JSON" in out
    # Not a terminal: a line per stage, not the last frame of a progress bar.
    assert re.search(r"^Reading articles: 2/2 in \d+\.\d s$", err, re.MULTILINE), err
    assert "━" not in err


def test_an_add_at_a_terminal_draws_bars_and_the_counts_in_bold(capsys, tmp_path: Path,
                                                                monkeypatch):
    write_jsonl(tmp_path / "in.jsonl", [article(1), article(1)])
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("FORCE_COLOR", "1")  # (rich asks the stream too)
    code, out, err = run(capsys, "add", str(tmp_path))
    assert code == 0
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "1 added, 1 already stored, 0 rejected (1 file or page read)" in plain
    assert "\x1b[1m1\x1b[0m added" in out  # the counts are bold
    assert "Reading articles" in err and " in 0." not in err  # a bar, not a line


def test_an_add_from_a_script_prints_plain_lines_without_loading_rich(tmp_path: Path,
                                                                      data_dir: Path):
    write_jsonl(tmp_path / "in.jsonl", [article(1)])
    data_dir.mkdir()
    script = ("import sys; from newsdesk.index.cli import main; code = main(sys.argv[1:]); "
              "print('rich loaded' if 'rich' in sys.modules else 'no rich'); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", script, "add", str(tmp_path / "in.jsonl")],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["1 added, 0 already stored, 0 rejected "
                                        "(1 file or page read)", "no rich"]
    assert "Indexing articles: 1/1 in" in proc.stderr


def test_add_of_only_bad_input_fails(capsys, tmp_path: Path):
    (tmp_path / "x.bin").write_bytes(b"\x00\x01")
    code, _, _ = run(capsys, "add", str(tmp_path / "x.bin"))
    assert code == 1


def test_search_lists_matches_and_stats_describe_the_archive(capsys):
    code, out, _ = run(capsys, "search", "foreign fighters")
    assert code == 0 and re.search(r"foreign (IS )?fighters", out)
    code, out, _ = run(capsys, "stats")
    assert code == 0
    assert "Articles" in out and "seeds (1)" in out and "1 undated" in out


def test_filters_reach_the_search(capsys):
    run(capsys, "ask", QUESTION)
    _, out, _ = run(capsys, "ask", "--json", "--since", "7d", QUESTION)
    assert json.loads(out)["hits"] == []  # the seed article is undated


def test_config_file_sets_the_data_dir_and_bad_config_is_one_line(capsys, tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('[index]\ndata_dir = "mydata"\n', "utf-8")
    assert run(capsys, "add", "--config", str(config), str(SEEDS))[0] == 0
    code, _, _ = run(capsys, "ask", "--config", str(config), QUESTION)
    assert code == 0 and (tmp_path / "mydata" / "newsdesk.sqlite3").is_file()

    code, _, _ = run(capsys, "--config", str(config), "stats")  # before the command too
    assert code == 0

    config.write_text('[index]\ndata_dri = "x"\n', "utf-8")
    code, _, err = run(capsys, "stats", "--config", str(config))
    assert code == 2
    assert err.strip() == (f"newsdesk: error: {config}: unknown setting 'index.data_dri' "
                           "(known: data_dir, passage_stride, passage_window)")


def test_the_example_config_is_valid(capsys, tmp_path: Path):
    config = tmp_path / "config.toml"  # a copy: its relative data_dir lands in tmp_path
    config.write_text((REPO / "config.example.toml").read_text("utf-8"), "utf-8")
    code, _, _ = run(capsys, "add", "--config", str(config), str(SEEDS))
    assert code == 0 and (tmp_path / "data" / "newsdesk.sqlite3").is_file()
    assert run(capsys, "stats", "--config", str(config))[0] == 0


def test_the_console_script_runs_as_a_module(tmp_path: Path, data_dir: Path):
    proc = subprocess.run([sys.executable, "-m", "newsdesk", "ask", "--json", QUESTION],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["hits"]


def test_the_command_leaves_a_blas_setting_it_was_given(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    monkeypatch.setattr(sys, "argv", ["newsdesk", "--version"])
    try:
        with pytest.raises(SystemExit) as stopped:
            newsdesk_command()
    finally:
        gc.unfreeze()  # (the command freezes what is alive as it ends)
    assert stopped.value.code == 0 and os.environ["OPENBLAS_NUM_THREADS"] == "4"


def test_rebuild_makes_one_segment_and_says_what_it_indexed(capsys):
    assert run(capsys, "add", str(SEEDS))[0] == 0
    code, out, _ = run(capsys, "rebuild")
    assert code == 0
    assert re.fullmatch(r"Index rebuilt: \d+ passages of 1 article, in one segment\.\n", out)


def test_version_names_the_installed_distribution(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"newsdesk {version('newsdesk')}"


def test_brief_prints_the_seed_briefing_with_both_tolls(capsys):
    code, out, _ = run(capsys, "brief", "fighting in Deir el-Zour")
    assert code == 0
    assert "Briefing: fighting in Deir el-Zour" in out
    assert "1 article from 1 outlet" in out and "Undated" in out
    assert "Sources differ on fighters killed: 40 against 60" in out
    code, out, _ = run(capsys, "brief", "--json", "Deir el-Zour")
    payload = json.loads(out)
    assert payload["items"] == [] and len(payload["undated"]) == 1
    assert {f["value"] for f in payload["disputes"][0]["figures"]} == {40, 60}
    code, out, _ = run(capsys, "brief", "--since", "2018-11-01", "Deir el-Zour")
    assert "window: 2018-11-01 to today (1 undated article left out)" in " ".join(out.split())


def test_ask_answers_from_a_stale_index_without_waiting_for_the_writer(capsys, tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('[index]\ndata_dir = "data"\npassage_window = 5\n', "utf-8")
    assert run(capsys, "add", "--config", str(config), str(SEEDS))[0] == 0
    config.write_text('[index]\ndata_dir = "data"\npassage_window = 4\n', "utf-8")
    with open(tmp_path / "data" / "write.lock", "a") as lock:  # a writer holds the archive
        fcntl.flock(lock, fcntl.LOCK_EX)
        code, out, err = run(capsys, "ask", "--config", str(config), "--json", QUESTION)
    assert code == 0 and json.loads(out)["hits"]
    assert "an update is pending (its settings changed (window 5 → 4))" in err


def test_remove_takes_an_id_prefix_or_an_outlet_and_updates_the_index(capsys, tmp_path: Path):
    path = write_jsonl(tmp_path / "a.jsonl", [article(1), article(2, source="Evil [/] Outlet")])
    assert run(capsys, "add", str(path))[0] == 0
    code, _, err = run(capsys, "remove", "art-1")
    assert code == 2 and "add --yes" in err  # no terminal to confirm on: nothing removed
    code, out, _ = run(capsys, "remove", "art-", "--yes")  # two ids start so: ambiguous
    assert code == 1
    code, out, _ = run(capsys, "remove", "--source", "evil [/] outlet", "--yes")
    assert code == 0 and "Removed 1 article; the index is up to date." in out
    assert "art-2 · Evil [/] Outlet" in out
    code, out, _ = run(capsys, "ask", "--json", "bridge2 town2")
    assert json.loads(out)["hits"] == []
    code, _, err = run(capsys, "remove", "nosuchid", "--yes")
    assert code == 1 and "nosuchid: no article has this id" in err


def test_text_from_outside_is_never_read_as_markup_or_terminal_codes(capsys, tmp_path: Path):
    hostile = article(1, source="Evil [/] Outlet",
                      title="Bridge \x1b[2J\x1b]8;;http://x\x07 [bold]")
    path = write_jsonl(tmp_path / "[red]odd[b].jsonl", [hostile, {"text": 5}])
    code, out, _ = run(capsys, "add", str(path))
    assert code == 0 and "[red]odd[b].jsonl:2" in out  # the file name shown as it is
    for command in (["stats"], ["search", "bridge1 town1"], ["ask", "bridge1 town1 [/x]"],
                    ["brief", "bridge1 town1"], ["ask", "what about [/foo] zzqqxx?"]):
        code, out, err = run(capsys, *command)
        assert code == 0, (command, err)
        assert "\x1b" not in out and "\x07" not in out
    code, out, _ = run(capsys, "stats")
    assert "Evil [/] Outlet (1)" in out
    code, out, _ = run(capsys, "search", "bridge1 town1")
    assert "Bridge [2J]8;;http://x [bold]" in out  # brackets shown, not obeyed


def test_clean_shows_control_characters_and_folds_line_breaks():
    from newsdesk.index.console import clean

    assert clean("a\x1b[2Jb\x07\nc\u2028d") == "a\\x1b[2Jb\\x07 c d"
    assert clean("one\ntwo\x1b", one_line=False) == "one\ntwo\\x1b"


def test_an_archive_emptied_by_remove_is_not_refilled_with_the_seeds(capsys, tmp_path: Path):
    path = write_jsonl(tmp_path / "a.jsonl", [article(1)])
    assert run(capsys, "add", str(path))[0] == 0
    assert run(capsys, "remove", "art-1", "--yes")[0] == 0
    code, _, err = run(capsys, "ask", QUESTION)
    assert code == 2 and "the archive is empty (every article was removed)" in err


def test_filters_that_exclude_everything_say_which_and_what_exists(capsys):
    code, out, _ = run(capsys, "ask", "--since", "7d", QUESTION)
    assert code == 0
    assert "1 undated article is left out by a date filter" in " ".join(out.split())
    code, out, _ = run(capsys, "ask", "--json", "--source", "Reuters", QUESTION)
    payload = json.loads(out)
    assert payload["hits"] == []
    assert payload["filters_note"] == "No article is from “Reuters”; the outlets are seeds (1)"


def test_a_configured_data_folder_must_exist_and_gets_no_seeds(capsys, tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('[index]\ndata_dir = "archive"\n', "utf-8")
    code, _, err = run(capsys, "ask", "--config", str(config), QUESTION)
    assert code == 2
    assert f"the data folder {tmp_path / 'archive'} does not exist" in err
    assert not (tmp_path / "archive").exists()
    code, _, err = run(capsys, "add", "--config", str(config), str(
        write_jsonl(tmp_path / "a.jsonl", [article(1)])))
    assert code == 0 and "creating the data folder" in err
    code, out, _ = run(capsys, "stats", "--config", str(config), "--json")
    stats = json.loads(out)
    assert stats["articles"] == 1 and stats["sources"] == [{"name": "Test Wire", "articles": 1}]
    assert stats["index_params"]["window"] == 5  # the team's archive got no seed article


def test_a_bad_count_is_a_plain_word_error(capsys):
    with pytest.raises(SystemExit):
        main(["ask", "-k", "abc", QUESTION])
    assert "argument -k: must be a whole number, not 'abc'" in capsys.readouterr().err


def test_timeline_prints_days_in_order_and_json(capsys, tmp_path: Path):
    records = [article(n, published=f"2024-02-{n:02d}", title=f"Bridge work day {n}",
                       text=f"Crews worked on the river bridge on day {n}. Traffic waited.")
               for n in (3, 1, 2)]
    run(capsys, "add", str(write_jsonl(tmp_path / "b.jsonl", records)))
    code, out, _ = run(capsys, "timeline", "river bridge crews")
    assert code == 0 and "Timeline: river bridge crews" in out
    assert out.index("2024-02-01") < out.index("2024-02-02") < out.index("2024-02-03")
    code, out, _ = run(capsys, "timeline", "--json", "river bridge crews")
    assert [d["date"] for d in json.loads(out)["days"]] == ["2024-02-01", "2024-02-02",
                                                           "2024-02-03"]


def test_line_progress_marks_a_stage_cut_short_and_needs_no_stream():
    import io

    from newsdesk.index import LineProgress
    from newsdesk.index.cli import _is_terminal

    written = io.StringIO()
    with pytest.raises(KeyboardInterrupt), LineProgress(written) as progress:
        progress.stage("Reading articles", 10)
        progress.advance(3)
        raise KeyboardInterrupt
    assert re.fullmatch(r"Reading articles: 3/10 in \d+\.\d s \(stopped\)\n", written.getvalue())
    with LineProgress(None) as progress:  # (a process started without standard error)
        progress.stage("Indexing articles", None)
        progress.advance()
    written.close()
    assert not _is_terminal(None) and not _is_terminal(written)  # (closed)


def test_only_long_commands_start_again_with_huge_pages(tmp_path: Path):
    from newsdesk.command import runs_long

    small, big = tmp_path / "small.jsonl", tmp_path / "big.jsonl"
    write_jsonl(small, [article(1)])
    with big.open("wb") as file:
        file.truncate(64 << 20)  # (sparse: no disk used)
    assert runs_long(["bot"]) and runs_long(["--config", "c.toml", "rebuild"])
    assert runs_long(["add", str(tmp_path)]) and runs_long(["add", "--config", "x", str(big)])
    assert not runs_long(["add", str(small), "https://example.org/a"])
    assert not runs_long(["ask", "rebuild"]) and not runs_long(["--config", "bot", "ask", "q"])
    assert not runs_long(["--version"]) and not runs_long([])
