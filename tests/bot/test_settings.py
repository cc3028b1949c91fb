from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.bot.cli import main
from newsdesk.bot.settings import Secret, discord_settings, load_token
from newsdesk.index import ConfigError, load_config

TOKEN = "MTE5ODc2NTQzMjEwOTg3NjU0MzI.GxYzAb.c2VjcmV0LXRva2VuLWZvci10ZXN0aW5nLW9ubHk"


def config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body, "utf-8")
    return path


def test_the_discord_table_is_read_and_checked(tmp_path: Path):
    path = config(tmp_path, "[discord]\nquestion_channels = [123]\ncooldown_seconds = 2.5\n"
                            'admin_roles = ["Editors", 42]\ntoken_file = "secret/token"\n')
    settings = discord_settings(load_config(path))
    assert settings.question_channels == {123}
    assert settings.cooldown_seconds == 2.5
    assert settings.admin_roles == {"Editors", 42}
    assert settings.token_file == tmp_path / "secret" / "token"


@pytest.mark.parametrize(("body", "message"), [
    ("[discord]\nquestion_channel = [1]\n", "unknown setting 'discord.question_channel'"),
    ("[discord]\nquestion_channels = ['general']\n", "discord.question_channels must be"),
    ("[discord]\ncooldown_seconds = -1\n", "discord.cooldown_seconds must be"),
    ("[discrod]\n", "unknown setting 'discrod'"),
])
def test_bad_settings_are_one_line_errors_naming_the_key(tmp_path: Path, body: str,
                                                         message: str):
    path = config(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        discord_settings(load_config(path))
    assert message in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_token_comes_from_the_environment_first(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    token = load_token(discord_settings(load_config(None)))
    assert token.reveal() == TOKEN
    assert TOKEN not in repr(token) and TOKEN not in str(token) and TOKEN not in f"{token}"


def test_the_token_file_is_read_when_the_environment_has_none(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    (tmp_path / "token").write_text(TOKEN + "\n", "utf-8")
    path = config(tmp_path, '[discord]\ntoken_file = "token"\n')
    assert load_token(discord_settings(load_config(path))) == Secret(TOKEN)


def test_a_malformed_token_is_refused_without_echoing_it(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-token-but-a-secret-password")
    with pytest.raises(ConfigError) as caught:
        load_token(discord_settings(load_config(None)))
    assert "not a Discord bot token" in str(caught.value)
    assert "secret-password" not in str(caught.value)


def test_newsdesk_bot_without_a_token_fails_in_one_line_before_connecting(
        monkeypatch, capsys, tmp_path: Path):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    assert main(["bot"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("newsdesk: error: no Discord token")
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "data").exists()  # nothing was opened, nothing connected


def test_shard_flags_make_a_bot_that_runs_a_slice_of_the_shards(tmp_path, capsys):
    from newsdesk.bot.cli import BOT, make_bot
    from newsdesk.bot.client import ShardedNewsdeskBot
    from newsdesk.index.cli import build_parser

    parser = build_parser([BOT])
    config = load_config(None)
    settings = discord_settings(config)
    args = parser.parse_args(["bot", "--shard-ids", "1,0", "--shard-count", "4"])
    bot = make_bot(args, config, settings)
    assert isinstance(bot, ShardedNewsdeskBot)
    assert (bot.shard_ids, bot.shard_count) == ([0, 1], 4)
    assert bot.runs_background_work  # shard 0's process polls feeds and posts schedules
    other = make_bot(parser.parse_args(["bot", "--shard-ids", "2,3", "--shard-count", "4"]),
                     config, settings)
    assert not other.runs_background_work  # the others only answer
    assert not isinstance(make_bot(parser.parse_args(["bot"]), config, settings),
                          ShardedNewsdeskBot)
    for flags, problem in ((["--shard-ids", "0"], "go together"),
                           (["--shard-ids", "4", "--shard-count", "4"], "below --shard-count")):
        with pytest.raises(ConfigError, match=problem):
            make_bot(parser.parse_args(["bot", *flags]), config, settings)
    with pytest.raises(SystemExit):
        parser.parse_args(["bot", "--shard-ids", "a,b", "--shard-count", "2"])
    assert "must be shard numbers such as 0,1" in capsys.readouterr().err
