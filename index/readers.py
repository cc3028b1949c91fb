"""Reading article records from files, or from a file's contents (an upload): .txt/.md
(front matter, or a sidecar NAME.json beside a file), .json, .jsonl, .csv and saved web
pages. Readers only parse; `articles.py` validates and cleans.

Nothing here raises for what it reads: a file, folder or record that cannot be read is
one `Rejection` naming it (and its line), and the records around it are still read.

Which files are read: regular files only. Folders are walked without following links to
folders (no loops, nothing read twice); a link to a file is followed only to a regular
file inside the folder being read, so a link to /proc/self/status or /etc/passwd is
refused. FIFOs, devices and sockets are refused without being opened (opening one can
block or have effects), and so is a file whose size is not what it holds (a /proc or
/sys pseudo-file, a file still being written). A path named explicitly is followed
where it points; a sidecar is never a link.
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePath

from .articles import TEXT_KEYS, json_kind
from .one_line import one_line
from .records import RawRecord, Rejection
from .web import record_from_html

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".csv"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES

# One article may take this many bytes in every format: a .txt, .md, .html or .json file,
# and each record (line or row) of a .jsonl or .csv file, which as a whole may take the
# second limit.
MAX_ARTICLE_BYTES = 10 * 2**20
MAX_RECORD_FILE_BYTES = 2 * 2**30

# The csv module refuses fields over 128 KiB, and its limit is process-global: it is set
# once, here at import, to the article limit (it counts characters, so it never refuses
# a field within the limit in bytes). Nothing else in newsdesk reads CSV.
csv.field_size_limit(MAX_ARTICLE_BYTES)

_BOM = b"\xef\xbb\xbf"
_CONTENT = re.compile(rb"\S")
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, surrogate-escaped
_NOT_REGULAR = "not a regular file (a device, FIFO or socket): not read"


class _Unreadable(Exception):
    """Why some bytes are not what their format says; the message is the reason."""


def read_bytes(name: str, data: bytes, source: str) -> Iterator[RawRecord | Rejection]:
    """The records in one file's contents.

    `name` (a file name, maybe with a path) says the format by its suffix and names the
    file in rejections (`name`, `name:line` or `name[item]`); `source` is the outlet of
    the records that name none.
    """
    origin = one_line(name)
    suffix = PurePath(name).suffix.lower()
    limit = _size_limit(suffix)
    if limit is None:
        yield _unsupported(origin, PurePath(name).suffix)
        return
    start = len(_BOM) if data.startswith(_BOM) else 0
    try:
        if len(data) > limit:
            raise _Unreadable(_too_large("file", len(data), limit))
        if not _CONTENT.search(data, start):
            raise _Unreadable("empty file")
        if suffix in HTML_SUFFIXES:  # the extractor reads the page's own encoding
            yield record_from_html(data, None, origin, source)
            return
        if data.find(b"\x00", 0, 8192) != -1:
            raise _Unreadable("binary file, not text")
        if suffix == ".jsonl":
            yield from _read_jsonl(origin, data, start, source)
        elif suffix == ".csv":
            yield from _read_csv(origin, data, start, source)
        elif suffix == ".json":
            yield from _read_json(origin, _decode(data), source)
        else:
            yield _read_plain(origin, _decode(data), source)
    except _Unreadable as exc:
        yield Rejection(origin, str(exc))


def read_file(path: Path) -> Iterator[RawRecord | Rejection]:
    """The records in one file: `read_bytes` of its contents, with the name of the folder
    it lies in as the source, and for a .txt or .md file the fields of its sidecar
    NAME.json (front matter wins over them)."""
    suffix = path.suffix.lower()
    limit = _size_limit(suffix)
    if limit is None:
        yield _unsupported(one_line(str(path)), path.suffix)
        return
    try:
        data = _read_regular_file(path, limit)
    except _Unreadable as exc:
        yield Rejection(one_line(str(path)), str(exc))
        return
    meta: dict[str, object] = {}
    sidecar = path.with_suffix(".json")
    if suffix in TEXT_SUFFIXES and os.path.isfile(sidecar):
        try:
            meta = _read_sidecar(sidecar)
        except _Unreadable as exc:
            yield Rejection(one_line(str(sidecar)), str(exc))
            return
    source = Path(os.path.realpath(path.parent)).name
    for item in read_bytes(str(path), data, source):
        if meta and isinstance(item, RawRecord):
            item = replace(item, fields={**meta, **item.fields})
        yield item


def find_files(paths: Iterable[Path], skip: Path | None = None) -> Iterator[Path | Rejection]:
    """Files to read under `paths`, in a stable order (names sorted, each folder's files
    and subfolders in one sequence, as `sorted(rglob("*"))` gives them); sidecars and
    hidden files and folders are passed over, and so is the folder `skip` (the archive's
    own data, when it lies inside a path).

    Everything else that is not read is one Rejection, so the user learns what was not
    read: an unsupported type, an unreadable folder, a link not followed, a device.
    """
    for path in paths:
        origin = one_line(str(path))
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError, ValueError):
            yield Rejection(origin, "no such file or folder")
            continue
        except OSError as exc:
            yield Rejection(origin, f"cannot read: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, skip)
        elif stat.S_ISREG(mode):
            yield _check_suffix(path)
        else:
            yield Rejection(origin, _NOT_REGULAR)


def _walk(root: Path, skip: Path | None) -> Iterator[Path | Rejection]:
    """The files under `root`, depth first, with a stack rather than recursion so that
    no depth of folders is too deep; a folder that cannot be listed is one Rejection."""
    real_root = Path(os.path.realpath(root))
    stack: list[Path | os.DirEntry[str]] = [root]  # folders to list, entries to look at
    while stack:
        item = stack.pop()
        if isinstance(item, Path):
            if skip is not None and Path(os.path.realpath(item)).is_relative_to(skip):
                continue
            try:
                with os.scandir(item) as listing:
                    entries = [e for e in listing if not e.name.startswith(".")]
            except OSError as exc:
                yield Rejection(one_line(str(item)),
                                f"cannot read the folder: {exc.strerror or exc}")
                continue
            stack.extend(sorted(entries, key=lambda e: e.name, reverse=True))
            continue
        try:
            if item.is_dir(follow_symlinks=False):
                stack.append(Path(item.path))
                continue
            found = _found_file(item, real_root, skip)
        except OSError as exc:  # a broken link, a link loop, a file gone meanwhile
            found = Rejection(one_line(item.path), f"cannot read: {exc.strerror or exc}")
        if found is not None:
            yield found


def _found_file(entry: os.DirEntry[str], real_root: Path,
                skip: Path | None) -> Path | Rejection | None:
    """A file found in a folder: its path to read, why it is not read, or None when it is
    passed over silently (a sidecar, a link into `skip`)."""
    path = Path(entry.path)
    origin = one_line(entry.path)
    if entry.is_symlink():
        target = Path(os.path.realpath(path))
        if skip is not None and target.is_relative_to(skip):
            return None
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            return Rejection(origin, "a link to a folder: not followed")
        if not target.is_relative_to(real_root):
            return Rejection(origin, "a link to a file outside the folder: not followed")
        if not stat.S_ISREG(mode):
            return Rejection(origin, _NOT_REGULAR)
    elif not entry.is_file(follow_symlinks=False):
        return Rejection(origin, _NOT_REGULAR)
    return None if _is_sidecar(path) else _check_suffix(path)


def _is_sidecar(path: Path) -> bool:
    return path.suffix == ".json" and any(
        os.path.isfile(path.with_suffix(s)) for s in TEXT_SUFFIXES)


def _check_suffix(path: Path) -> Path | Rejection:
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        return path
    return _unsupported(one_line(str(path)), path.suffix)


def _unsupported(origin: str, suffix: str) -> Rejection:
    kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
    return Rejection(origin, f"unsupported file type {suffix or '(none)'!r}; "
                             f"newsdesk reads {kinds}")


def _size_limit(suffix: str) -> int | None:
    """The most bytes a file of this type may hold; None for a type not read."""
    if suffix in (".jsonl", ".csv"):
        return MAX_RECORD_FILE_BYTES
    return MAX_ARTICLE_BYTES if suffix in SUPPORTED_SUFFIXES else None


def _too_large(what: str, size: int, limit: int) -> str:
    return f"{what} too large ({size / 2**20:.1f} MiB; the limit is {limit / 2**20:.0f} MiB)"


def _read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, of at most `limit` bytes (see the module's
    docstring for what is refused, and why)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise _Unreadable(_NOT_REGULAR)
        # Non-blocking, so that a FIFO put in the file's place since cannot hang the read.
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _Unreadable(_NOT_REGULAR)
            if info.st_size > limit:
                raise _Unreadable(_too_large("file", info.st_size, limit))
            data = file.read(info.st_size + 1)
    except (OSError, ValueError) as exc:
        raise _Unreadable(f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if len(data) != info.st_size:
        raise _Unreadable("its size changed while it was read (a file being written, or a "
                          "pseudo-file as in /proc): not read")
    return data


def _read_sidecar(path: Path) -> dict[str, object]:
    if os.path.islink(path):  # unlike the files found, it could point anywhere
        raise _Unreadable("a link as a sidecar: not followed")
    data = _read_regular_file(path, MAX_ARTICLE_BYTES)
    if not _CONTENT.search(data):
        raise _Unreadable("empty file")
    meta = _load_json(_decode(data), whole_file=True)
    if not isinstance(meta, dict):
        raise _Unreadable("sidecar must hold one JSON object")
    return meta


def _decode(data: bytes, offset: int = 0) -> str:
    """`data` as UTF-8 text (a BOM dropped); `offset` is where it starts in its file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"not UTF-8 text (undecodable byte at offset {offset + exc.start})"
                          ) from None


def _load_json(text: str, whole_file: bool) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f" at line {exc.lineno}" if whole_file else ""
        raise _Unreadable(f"invalid JSON{where}: {exc.msg}") from None
    except RecursionError:
        raise _Unreadable("invalid JSON: nested too deeply") from None
    except ValueError:  # an integer longer than sys.get_int_max_str_digits() (4,300)
        raise _Unreadable("invalid JSON: a number too long to read") from None


def _read_plain(origin: str, text: str, source: str) -> RawRecord:
    fields: dict[str, object] = {}
    body = text
    if text.startswith(("---\n", "---\r\n")):
        fields, body = _front_matter(text)
    fields["text"] = body
    return RawRecord(fields, origin, source, from_plain_text=True)


def _front_matter(text: str) -> tuple[dict[str, object], str]:
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
            raise _Unreadable(f"line {i}: front matter needs 'key: value', "
                              f"got {stripped[:40]!r}")
        fields[key.strip().lower()] = value.strip().strip("\"'")
    raise _Unreadable("front matter opened with '---' but never closed")


def _read_json(origin: str, text: str, source: str) -> Iterator[RawRecord | Rejection]:
    data = _load_json(text, whole_file=True)
    if isinstance(data, dict):
        yield RawRecord(data, origin, source)
        return
    if not isinstance(data, list):
        raise _Unreadable(f"expected a JSON object or a list of them, got {json_kind(data)}")
    if not data:
        raise _Unreadable("empty list: no articles")
    for n, item in enumerate(data, start=1):
        where = f"{origin}[{n}]"
        if isinstance(item, dict):
            yield RawRecord(item, where, source)
        else:
            yield Rejection(where, f"expected a JSON object, got {json_kind(item)}")


def _lines(data: bytes, start: int) -> Iterator[tuple[int, int]]:
    """Where each line of `data` from `start` begins and ends (its line break included);
    a line ends at \\n, \\r\\n or \\r, as the csv module counts them. Only offsets, so a
    file is never held twice. (The next \\n and the next \\r are each looked for again
    only once passed: a file with no \\r costs one search a line.)"""
    size = len(data)
    newline = data.find(b"\n", start)
    carriage = data.find(b"\r", start)
    while start < size:
        if 0 <= newline < start:
            newline = data.find(b"\n", start)
        if 0 <= carriage < start:
            carriage = data.find(b"\r", start)
        if carriage == -1 or 0 <= newline < carriage:
            end = size if newline == -1 else newline + 1
        else:  # \r\n, or \r alone
            end = carriage + (2 if data[carriage + 1:carriage + 2] == b"\n" else 1)
        yield start, end
        start = end


def _read_jsonl(origin: str, data: bytes, start: int,
                source: str) -> Iterator[RawRecord | Rejection]:
    for lineno, (begin, end) in enumerate(_lines(data, start), start=1):
        where = f"{origin}:{lineno}"
        if end - begin > MAX_ARTICLE_BYTES:
            yield Rejection(where, _too_large("record", end - begin, MAX_ARTICLE_BYTES))
            continue
        line = data[begin:end]
        if not _CONTENT.search(line):
            continue
        try:
            item = _load_json(_decode(line, begin), whole_file=False)
        except _Unreadable as exc:
            yield Rejection(where, str(exc))
            continue
        if isinstance(item, dict):
            yield RawRecord(item, where, source)
        else:
            yield Rejection(where, f"expected a JSON object, got {json_kind(item)}")


def _read_csv(origin: str, data: bytes, start: int,
              source: str) -> Iterator[RawRecord | Rejection]:
    """The rows of a CSV file with a header row. A malformed or oversized row is one
    Rejection with the line it starts on, and the rows after it are still read."""
    consumed = start  # bytes handed to the csv reader so far: a record's size

    def lines() -> Iterator[str]:
        nonlocal consumed
        for begin, end in _lines(data, start):
            consumed = end
            # Undecodable bytes are kept as surrogate escapes and reject their row only.
            yield data[begin:end].decode("utf-8", "surrogateescape")

    reader = csv.reader(lines())
    try:
        header = next((row for row in reader if row), [])
    except csv.Error as exc:
        raise _Unreadable(f"malformed CSV header (line {reader.line_num}): {exc}") from None
    keys = [name.strip().lower() for name in header]
    if not set(keys) & set(TEXT_KEYS):
        raise _Unreadable(f"no 'text' column in the header (a column named "
                          f"{', '.join(TEXT_KEYS[:-1])} or {TEXT_KEYS[-1]})")
    rows = 0
    while True:
        first_line, before = reader.line_num + 1, consumed
        problem = None
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row, problem = [], f"malformed CSV: {exc}"
        if not row and problem is None:
            continue  # a blank line
        rows += 1
        where = f"{origin}:{first_line}"
        if consumed - before > MAX_ARTICLE_BYTES:
            problem = _too_large("record", consumed - before, MAX_ARTICLE_BYTES)
        elif len(row) > len(keys):
            problem = f"{len(row)} fields but the header has {len(keys)}"
        elif any(_UNDECODED.search(value) for value in row):
            problem = "not UTF-8 text"
        if problem:
            yield Rejection(where, problem)
        else:
            yield RawRecord({k: v for k, v in zip(keys, row, strict=False) if k}, where, source)
    if not rows:
        raise _Unreadable("CSV has a header but no rows")
