"""Reading article records from files: .txt/.md (front matter or sidecar .json), .json,
.jsonl and .csv. Readers only parse; `articles.py` validates and cleans.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from .records import RawRecord, Rejection
from .web import record_from_html

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".csv"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES

# One article file larger than this is not an article; record files hold many.
MAX_ARTICLE_FILE_BYTES = 10 * 2**20
MAX_RECORD_FILE_BYTES = 2 * 2**30


def find_files(paths: Iterable[Path], skip: Path | None = None) -> Iterator[Path | Rejection]:
    """Files to read under `paths`, in a stable order; sidecars and hidden files skipped,
    and so is the folder `skip` (the archive's own data, when it lies inside a path).

    A path named explicitly with an unsupported type is rejected; inside folders such
    files are passed over silently only when hidden, otherwise rejected too, so the
    user learns what was not read.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or not child.is_file():
                    continue
                if skip is not None and child.resolve().is_relative_to(skip):
                    continue
                if not _is_sidecar(child):
                    yield _check_suffix(child)
        elif path.is_file():
            yield _check_suffix(path)
        else:
            yield Rejection(str(path), "no such file or folder")


def _is_sidecar(path: Path) -> bool:
    return path.suffix == ".json" and any(
        path.with_suffix(s).is_file() for s in TEXT_SUFFIXES
    )


def _check_suffix(path: Path) -> Path | Rejection:
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        return path
    kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
    return Rejection(str(path), f"unsupported file type {path.suffix or '(none)'!r}; "
                                f"newsdesk reads {kinds}")


def read_file(path: Path) -> Iterator[RawRecord | Rejection]:
    """The records in one file, or one Rejection for a file that is not readable text."""
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        yield _read_html(path)
        return
    limit = MAX_ARTICLE_FILE_BYTES if suffix in TEXT_SUFFIXES | {".json"} else (
        MAX_RECORD_FILE_BYTES)
    text = _read_text(path, limit)
    if isinstance(text, Rejection):
        yield text
        return
    folder = path.resolve().parent.name
    if suffix in TEXT_SUFFIXES:
        yield from _read_plain(path, text, folder)
    elif suffix == ".json":
        yield from _read_json(path, text, folder)
    elif suffix == ".jsonl":
        yield from _read_jsonl(path, text, folder)
    else:
        yield from _read_csv(path, text, folder)


def _read_html(path: Path) -> RawRecord | Rejection:
    """A saved web page: its bytes go to the extractor, which reads their encoding."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_FILE_BYTES:
            return Rejection(str(path), f"file too large ({size / 2**20:.1f} MiB; the limit is "
                                        f"{MAX_ARTICLE_FILE_BYTES / 2**20:.0f} MiB)")
        data = path.read_bytes()
    except OSError as exc:
        return Rejection(str(path), f"cannot read: {exc.strerror or exc}")
    if not data.strip():
        return Rejection(str(path), "empty file")
    return record_from_html(data, None, str(path), path.resolve().parent.name)


def _read_text(path: Path, limit: int) -> str | Rejection:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > limit:
            return Rejection(origin, f"file too large ({size / 2**20:.1f} MiB; "
                                     f"the limit is {limit / 2**20:.0f} MiB)")
        data = path.read_bytes()
    except OSError as exc:
        return Rejection(origin, f"cannot read: {exc.strerror or exc}")
    if not data.strip():
        return Rejection(origin, "empty file")
    if b"\x00" in data[:8192]:
        return Rejection(origin, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Rejection(origin, f"not UTF-8 text (undecodable byte at offset {exc.start})")


def _read_plain(path: Path, text: str, folder: str) -> Iterator[RawRecord | Rejection]:
    fields: dict[str, object] = {}
    body = text
    if text.startswith("---\n") or text.startswith("---\r\n"):
        parsed = _front_matter(text)
        if isinstance(parsed, str):
            yield Rejection(str(path), parsed)
            return
        fields, body = parsed
    sidecar = path.with_suffix(".json")
    if sidecar.is_file():
        loaded = _read_text(sidecar, MAX_ARTICLE_FILE_BYTES)
        if isinstance(loaded, Rejection):
            yield loaded
            return
        try:
            meta = json.loads(loaded)
        except json.JSONDecodeError as exc:
            yield Rejection(str(sidecar), f"invalid JSON at line {exc.lineno}: {exc.msg}")
            return
        if not isinstance(meta, dict):
            yield Rejection(str(sidecar), "sidecar must hold one JSON object")
            return
        fields = {**meta, **fields}
    fields["text"] = body
    yield RawRecord(fields, str(path), folder, from_plain_text=True)


def _front_matter(text: str) -> tuple[dict[str, object], str] | str:
    lines = text.splitlines(keepends=True)
    fields: dict[str, object] = {}
    for i, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        if stripped == "---":
            return fields, "".join(lines[i:])
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition(":")
        if not sep or not key.strip():
            return f"line {i}: front matter needs 'key: value', got {stripped[:40]!r}"
        fields[key.strip().lower()] = value.strip().strip("\"'")
    return "front matter opened with '---' but never closed"


def _read_json(path: Path, text: str, folder: str) -> Iterator[RawRecord | Rejection]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Rejection(str(path), f"invalid JSON at line {exc.lineno}: {exc.msg}")
        return
    items = data if isinstance(data, list) else [data]
    for n, item in enumerate(items, start=1):
        origin = f"{path}[{n}]" if isinstance(data, list) else str(path)
        if isinstance(item, dict):
            yield RawRecord(item, origin, folder)
        else:
            yield Rejection(origin, f"expected a JSON object, got {type(item).__name__}")


def _read_jsonl(path: Path, text: str, folder: str) -> Iterator[RawRecord | Rejection]:
    for lineno, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        origin = f"{path}:{lineno}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection(origin, f"invalid JSON: {exc.msg}")
            continue
        if isinstance(item, dict):
            yield RawRecord(item, origin, folder)
        else:
            yield Rejection(origin, f"expected a JSON object, got {type(item).__name__}")


def _read_csv(path: Path, text: str, folder: str) -> Iterator[RawRecord | Rejection]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        yield Rejection(str(path), "CSV file has no header row")
        return
    try:
        for row in reader:
            origin = f"{path}:{reader.line_num}"
            if None in row:
                yield Rejection(origin, f"{len(reader.fieldnames) + len(row[None])} fields "
                                        f"but the header has {len(reader.fieldnames)}")
                continue
            yield RawRecord({k.strip().lower(): v for k, v in row.items() if k}, origin, folder)
    except csv.Error as exc:
        yield Rejection(f"{path}:{reader.line_num}", f"malformed CSV: {exc}")
