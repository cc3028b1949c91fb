"""Many records' CPU work (cleaning, sentence splitting, analysis) shared between this
process and worker processes, results in order.

The workers are fresh interpreters (`python -c`), not forks: forking a process whose
other threads hold locks (the Discord bot's event loop, SQLite) is unsafe, and
multiprocessing's spawn and forkserver start methods import the parent's `__main__`,
which re-runs a script that has no `if __name__ == "__main__"` guard. A worker imports
only the function it is named (by a "module:factory" path, called with a few plain
arguments), in a session of its own, so a Ctrl-C at the terminal reaches this process
alone, which then ends its workers.

A function that learns as it goes (the analyzer memoises each word's stem, most of the
work for a new word, and every process meets most words) can share what it learns:
given `learned(since) -> (lesson, mark)` and `learn(lesson)` methods, each chunk sent
carries what this process learned since the last one, and each answer what the worker
learned.

Records cross the pipes pickled, and a record's pickle names its class and holds its
fields by name: a worker running other code than this process (newsdesk upgraded under a
bot that has run for weeks) could send records of another layout, which would unpickle
into objects missing fields. So a worker says, once started, the fields of every record
class it has loaded (`_record_layouts`), and one that disagrees with this process on any
class both have loaded is not used: its work is done here.

This process works too: whenever the oldest chunk sent to a worker is not done, it
takes the next chunk itself, so it is never idle and a worker that is still starting
(about as long as analysing a thousand articles) or slow costs nothing. A worker that
dies, or whose function raises for an item, costs only time: this process does that
work again (and raises what the function raises, as it would without workers). Only
big batches start workers (`min_items`).
"""

from __future__ import annotations

import importlib
import io
import os
import pickle
import queue
import select
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, fields, is_dataclass
from itertools import chain, islice
from typing import IO, Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_READY = "ready"
# Pipes are made this big where the system allows (Linux), so that a worker's chunks
# and results in flight fit and neither end waits for the other to read.
_PIPE_BYTES = 1 << 20


def pool_workers() -> int:
    """How many workers to start besides this process: one a CPU it may use but its
    own; none where pipes cannot be waited on with select (Windows), nor where
    `sys.executable` is no Python to run `-c` with (a frozen application)."""
    if os.name != "posix" or getattr(sys, "frozen", False) or not sys.executable:
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return cpus - 1


@dataclass
class _Sent(Generic[Item]):
    """A chunk of items, in the order of the input: sent to `worker`, or done here
    (`results`, up to the item whose function raised `error`)."""

    items: list[Item]
    worker: _Worker | None = None
    results: list[Any] | None = None
    error: Exception | None = None


# What a worker's factory may be called with: values whose repr is their source.
_PLAIN = (int, str, bool, type(None))


def map_in_order(function: Callable[[Item], Result], items: Iterable[Item], factory: str, *,
                 workers: int, min_items: int, chunk: int = 64, in_flight: int = 3,
                 factory_args: tuple[object, ...] = ()) -> Iterator[Result]:
    """`map(function, items)`, shared with `workers` worker processes when there are at
    least `min_items` items. `factory` ("module:name") names a function that returns, in
    a worker, a function equivalent to `function` when called with `factory_args`
    (integers, strings, booleans or None).

    Items go to the workers in chunks of `chunk`, at most `in_flight` chunks a worker
    ahead of the results; the caller closes the iterator (or lets it finish) to end the
    workers.
    """
    if not all(type(arg) in _PLAIN for arg in factory_args):
        raise TypeError(f"a worker's factory takes plain values, not {factory_args!r}")
    source = iter(items)
    head = list(islice(source, min_items))
    pool = _started(factory, factory_args, workers) if len(head) == min_items else []
    if not pool:
        yield from map(function, head)
        yield from map(function, source)
        return
    pending = chain(head, source)
    sent: deque[_Sent[Item]] = deque()
    try:
        while True:
            for worker in pool:
                while worker.usable() and worker.in_flight < in_flight:
                    work = list(islice(pending, chunk))
                    if not work:
                        break
                    lesson, worker.taught = _learned(function, worker.taught)
                    worker.send((work, lesson))
                    sent.append(_Sent(work, worker))
            oldest = sent[0] if sent else None
            if oldest is None or (oldest.results is None and not oldest.worker.has_results()):
                work = list(islice(pending, chunk))
                if work:  # work here while the workers do
                    if oldest is None:
                        yield from map(function, work)
                    else:
                        sent.append(_done_here(function, work))
                    continue
                if oldest is None:
                    return
            sent.popleft()
            yield from _results(oldest, function)
    finally:
        for worker in pool:
            worker.close()


def _started(factory: str, args: tuple[object, ...], workers: int) -> list[_Worker]:
    """Up to `workers` new workers (fewer if the system refuses to start them)."""
    pool = []
    for _ in range(workers):
        try:
            pool.append(_Worker(factory, args))
        except OSError:  # too many processes, no memory
            break
    return pool


def _done_here(function: Callable[[Item], Result], work: list[Item]) -> _Sent[Item]:
    """A chunk done in this process, ahead of results still due from workers: an
    exception waits until they are given (as `map` would raise it)."""
    done = _Sent(work, results=[])
    try:
        for item in work:
            done.results.append(function(item))  # type: ignore[union-attr]
    except Exception as error:
        done.error = error
    return done


def _results(sent: _Sent[Item], function: Callable[[Item], Result]) -> Iterator[Result]:
    """The results of a chunk, waiting for its worker; what the worker could not do is
    done here."""
    if sent.results is not None:
        yield from sent.results
        if sent.error is not None:
            raise sent.error
        return
    assert sent.worker is not None
    answer = sent.worker.receive()
    if answer is None:  # the worker died
        yield from map(function, sent.items)
        return
    results, failed, lesson = answer
    if lesson is not None:
        function.learn(lesson)  # type: ignore[attr-defined]
    for number, (item, result) in enumerate(zip(sent.items, results, strict=True)):
        yield function(item) if number in failed else result


class _Worker:
    """One worker process, and how many chunks sent to it are not answered yet."""

    def __init__(self, factory: str, args: tuple[object, ...] = ()) -> None:
        code = f"from {__name__} import serve; serve({factory!r}, {args!r})"
        # The worker finds modules where this process does (a checkout, a test folder).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        self._process = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            bufsize=0, env=env, start_new_session=True)
        for pipe in (self._process.stdin, self._process.stdout):
            _enlarge(pipe)
        self._layouts = _record_layouts()  # (this process's, to compare with the worker's)
        self._ready = False
        self._alive = True
        self.in_flight = 0
        self.taught = 0  # the mark of what it was sent of what this process learned

    def usable(self) -> bool:
        """Alive and started (checked without waiting)."""
        if self._alive and not self._ready and self.has_results():
            self._ready = self._agrees(_read(self._process.stdout))
            self._alive = self._ready
        return self._alive and self._ready

    def _agrees(self, greeting: Any) -> bool:
        """Whether the worker's first message says it is ready, with the same fields as
        this process for every record class both have loaded."""
        if not (isinstance(greeting, tuple) and len(greeting) == 2 and greeting[0] == _READY
                and isinstance(greeting[1], dict)):
            return False
        theirs = greeting[1]
        return all(theirs[name] == fields for name, fields in self._layouts.items()
                   if name in theirs)

    def has_results(self) -> bool:
        """Whether something (or the end) waits to be read, without waiting."""
        return not self._alive or bool(select.select([self._process.stdout], [], [], 0)[0])

    def send(self, message: tuple[list[Any], Any]) -> None:
        """A chunk of items, and a lesson."""
        self.in_flight += 1
        try:
            _write(self._process.stdin, message)
        except OSError:  # it died: `receive` will say so
            self._alive = False

    def receive(self) -> tuple[list[Any], set[int], Any] | None:
        """The results of the oldest chunk sent, which of them failed, and a lesson;
        None if the worker died."""
        self.in_flight -= 1
        answer = _read(self._process.stdout) if self._alive else None
        if answer is None:
            self._alive = False
        return answer

    def close(self) -> None:
        self._alive = False
        self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            with suppress(OSError):
                stream.close()


def serve(factory: str, args: tuple[object, ...] = ()) -> None:
    """A worker's life: read chunks (and lessons) on standard input, write each one's
    results (the numbers of the items whose function raised, and a lesson) on standard
    output, until standard input ends."""
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes to standard error, not into the results
    module, _, name = factory.partition(":")
    function = getattr(importlib.import_module(module), name)(*args)
    # Chunks are read as they come, so that the parent never waits long to send one
    # (where its pipes could not be made big enough to hold them).
    chunks: queue.SimpleQueue[tuple[list[Any], Any] | None] = queue.SimpleQueue()
    threading.Thread(target=_read_all, args=(sys.stdin.buffer, chunks), daemon=True).start()
    told = 0  # the mark of what the parent was told, or taught this worker
    try:
        _write(results, (_READY, _record_layouts()))
        while (message := chunks.get()) is not None:
            work, lesson = message
            if lesson is not None:
                function.learn(lesson)
                told = _learned(function, told)[1]
            out, failed = [], set()
            for number, item in enumerate(work):
                try:
                    out.append(function(item))
                except Exception:
                    out.append(None)
                    failed.add(number)
            lesson, told = _learned(function, told)
            _write(results, (out, failed, lesson))
    except BrokenPipeError:  # the parent is gone
        pass


def _learned(function: Callable[..., Any], since: int) -> tuple[Any, int]:
    """What a function that learns learned since `since` (None for one that does not)."""
    learned = getattr(function, "learned", None)
    return (None, since) if learned is None else learned(since)


def _read_all(stream: IO[bytes], chunks: queue.SimpleQueue[Any]) -> None:
    while (work := _read(stream)) is not None:
        chunks.put(work)
    chunks.put(None)


def _enlarge(pipe: IO[bytes] | None) -> None:
    import fcntl  # POSIX only, as the workers are

    setting = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if pipe is not None and setting is not None:
        with suppress(OSError):  # over the system's limit: the default size will do
            fcntl.fcntl(pipe.fileno(), setting, _PIPE_BYTES)


def _write(stream: IO[bytes] | None, value: object) -> None:
    assert stream is not None
    data = memoryview(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    frame = memoryview(len(data).to_bytes(8, "little"))
    for part in (frame, data):
        while part:  # an unbuffered pipe may take part of it at a time
            part = part[stream.write(part):]
    stream.flush()


def _read(stream: IO[bytes] | None) -> Any:
    """The next value written by `_write`, or None at the end of the stream (or a
    broken one). (pickle, as multiprocessing uses: only over the pipes between this
    process and the workers it started, never from a file; and only plain values and
    newsdesk's own classes are made from it, see `_OwnUnpickler`.)"""
    assert stream is not None
    header = _read_exactly(stream, 8)
    if header is None:
        return None
    data = _read_exactly(stream, int.from_bytes(header, "little"))
    try:
        return None if data is None else _OwnUnpickler(io.BytesIO(data)).load()
    except Exception:  # garbled, or not what these processes send each other
        return None


def _is_record(found: object) -> bool:
    """A class whose instances may cross the pipes: a dataclass or a named tuple (the
    module is checked by the caller)."""
    return isinstance(found, type) and (
        is_dataclass(found) or (issubclass(found, tuple) and hasattr(found, "_fields")))


def _record_layouts() -> dict[str, tuple[str, ...]]:
    """The field names of every record class of the newsdesk modules this process has
    loaded, by "module:name"."""
    layouts = {}
    for module_name, module in list(sys.modules.items()):
        if module_name != "newsdesk" and not module_name.startswith("newsdesk."):
            continue
        for name, found in list(vars(module).items()):
            if _is_record(found) and found.__module__ == module_name:
                layouts[f"{module_name}:{name}"] = (
                    tuple(f.name for f in fields(found)) if is_dataclass(found)
                    else tuple(found._fields))
    return layouts


class _OwnUnpickler(pickle.Unpickler):
    """Makes plain values (numbers, strings, bytes, containers) and newsdesk's records,
    nothing else: what a worker and this process send each other (records, analyses,
    lessons). A record is a dataclass or a named tuple defined in a newsdesk module,
    named directly (not through a module's attribute, such as another module it
    imported), so a message can make data but call nothing. A message naming anything
    else, which a worker running other code (newsdesk upgraded under it) could send, is
    refused as garbled: that worker then counts as dead and its work is done here."""

    def find_class(self, module: str, name: str) -> Any:
        if (module == "newsdesk" or module.startswith("newsdesk.")) and "." not in name:
            found = super().find_class(module, name)
            if _is_record(found) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"{module}.{name}: not one of newsdesk's records")


def _read_exactly(stream: IO[bytes], size: int) -> bytearray | None:
    """`size` bytes, or None if the stream ends first (an unbuffered pipe may give them
    a part at a time)."""
    data = bytearray(size)
    view = memoryview(data)
    while view:
        got = stream.readinto(view)  # type: ignore[attr-defined]
        if not got:
            return None
        view = view[got:]
    return data
