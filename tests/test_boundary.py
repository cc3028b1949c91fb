"""The core's boundary: `Archive` and the names of `newsdesk.index` are its only door.

The bot (bot/) and the console (index/cli.py, index/console.py) may import only the
package's public API and may not reach into the archive's insides; the core never
imports Discord or the bot. An AST walk keeps it so.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import newsdesk.index as api

from .conftest import REPO

CONSOLE = [REPO / "index" / "cli.py", REPO / "index" / "console.py"]
BOT = sorted((REPO / "bot").rglob("*.py"))
CORE = sorted(p for p in (REPO / "index").glob("*.py") if p not in CONSOLE)
# The archive's insides: what only index/ itself may touch.
PRIVATE_ATTRIBUTES = {"store", "_store", "_db", "snapshot", "searcher", "_search",
                      "_current_snapshot", "_snapshot", "_searcher", "_feed_log",
                      "_markers", "_analyzer"}


def imported_modules(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import in `path` (or in `source`, as if it were `path`),
    relative ones made absolute."""
    package = "newsdesk.index" if path.parent.name == "index" else (
        "newsdesk." + ".".join(path.relative_to(REPO).parent.parts))
    found = []
    for node in ast.walk(ast.parse(source if source is not None else path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.append((node.lineno, base))
            # `from newsdesk.index import store` imports a module, not a name of the API.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names
                      if base == "newsdesk.index" and is_core_module(alias.name)
                      and alias.name not in api.__all__]
    return found


def is_core_module(name: str) -> bool:
    return (REPO / "index" / f"{name}.py").exists()


def attributes(path: Path) -> list[tuple[int, str]]:
    return [(node.lineno, node.attr) for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Attribute)]


@pytest.mark.parametrize("path", BOT + CONSOLE, ids=lambda p: str(p.relative_to(REPO)))
def test_the_bot_and_the_console_use_only_the_public_api(path: Path):
    # The API, and the console layer, which the bot's `newsdesk bot` command extends.
    allowed = {"newsdesk.index", "newsdesk.index.cli", "newsdesk.index.console"}
    for line, module in imported_modules(path):
        if module.startswith("newsdesk.index"):
            assert module in allowed, f"{path.name}:{line} imports {module}, not the API"
    for line, name in attributes(path):
        assert name not in PRIVATE_ATTRIBUTES, f"{path.name}:{line} reaches into .{name}"


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_the_core_never_imports_discord_or_the_bot(path: Path):
    for line, module in imported_modules(path):
        assert not module.startswith(("discord", "newsdesk.bot")), f"{path.name}:{line}"


def test_every_public_name_exists():
    for name in api.__all__:
        assert hasattr(api, name), name
    assert sorted(api.__all__) == sorted(api._MODULE_OF)  # each name is found where listed


def test_the_walk_sees_a_violation():
    """The check itself: a cog that reaches in is caught, relative imports included."""
    cog = REPO / "bot" / "cogs" / "questions.py"
    source = "from newsdesk.index.store import Store\nfrom ...index import search\nx = a.store\n"
    modules = {m for _, m in imported_modules(cog, source)}
    assert {"newsdesk.index.store", "newsdesk.index.search"} <= modules
    assert "store" in {n.attr for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Attribute)}
