"""newsdesk: answers a team's questions from its own archive of news articles.

The distribution installs one import package, `newsdesk`, whose parts keep the
top-level folders of the source tree: `newsdesk.index` is index/ (the core: ingest,
passages, BM25, search; its public API is `newsdesk.index`), `newsdesk.bot` is bot/ (the
Discord layer), `newsdesk.index.seeds` is seeds/.
"""

from pkgutil import extend_path

# Run from a source checkout (`python -m newsdesk`, pytest), this folder comes first on
# sys.path but holds only this file, __main__.py and command.py: the installed parts
# (index, bot), mapped there by pyproject.toml, are found through the installed copy of
# the package.
__path__ = extend_path(__path__, __name__)



def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata only when asked for (reading it
    costs every command a tenth of a second of start-up)."""
    if name != "__version__":
        raise AttributeError(f"module 'newsdesk' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsdesk")
    except PackageNotFoundError:  # imported from a checkout that was never installed
        return "0+unknown"
