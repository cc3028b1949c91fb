from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import create_bot
from index import Archive, IndexSettings

from ..conftest import SEEDS, write_jsonl

# The seed article gives two death tolls (40 and 60); either sentence answers the question.
ANSWERS_THE_TOLL = re.compile(r"killed (at least|more than) \d+|\d+ SDF fighters were killed")

PLACEHOLDER_CHANNEL = 1  # replaced by the simulated channel's id in tests that need it


def extra_articles() -> list[dict]:
    """Enough articles about one subject to need a second page of results."""
    return [{
        "id": f"ferry-{n}",
        "title": f"Ferry service report {n}",
        "source": "Harbour Gazette" if n % 2 else "Coast Times",
        "url": f"https://gazette.example/ferry/{n}",
        "published": f"2024-05-{n + 1:02d}",
        "text": f"The ferry service to island{n} resumed on Monday after the storm, the "
                f"harbour master said. Ferry crews worked overnight. Passengers on the ferry "
                f"to island{n} praised the crews. The storm had closed the ferry for {n} days.",
    } for n in range(1, 9)]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    archive = Archive(IndexSettings(folder))
    archive.add([SEEDS, write_jsonl(tmp_path / "ferries.jsonl", extra_articles())])
    archive.close()
    return folder


@pytest.fixture
def config_path(tmp_path: Path, data_dir: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[index]\ndata_dir = "{data_dir}"\n\n[discord]\n'
                    f"question_channels = [{PLACEHOLDER_CHANNEL}]\ncooldown_seconds = 30\n"
                    'admin_roles = ["Editors"]\n', "utf-8")
    return path


@pytest.fixture
def simcord_bot(config_path: Path):
    return create_bot(config_path, sync_commands=True)
