"""`alongside` runs two parts of one question's work at once when it can, and always
returns what running them one after the other would."""

from __future__ import annotations

import threading

import pytest

from newsdesk.index import alongside as module
from newsdesk.index.alongside import alongside


def test_both_results_come_back_in_order_and_the_second_runs_in_the_side_thread(
        monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(module, "_has_second_core", lambda: True)
    threads: dict[str, str] = {}

    def first() -> int:
        threads["first"] = threading.current_thread().name
        return 1

    def second() -> str:
        threads["second"] = threading.current_thread().name
        return "two"

    assert alongside(first, second) == (1, "two")
    assert threads["first"] == threading.current_thread().name
    assert threads["second"].startswith("newsdesk-alongside")


def test_when_the_side_thread_is_busy_both_run_in_the_caller():
    caller = threading.current_thread().name
    with module._FREE:  # another question's work holds the side thread
        seen = alongside(lambda: threading.current_thread().name,
                         lambda: threading.current_thread().name)
    assert seen == (caller, caller)


def test_nested_calls_do_not_wait_for_themselves():
    inner = alongside(lambda: alongside(lambda: 1, lambda: 2), lambda: 3)
    assert inner == ((1, 2), 3)


@pytest.mark.parametrize("failing", ["first", "second"])
def test_an_error_in_either_part_is_raised_and_the_side_thread_is_freed(failing: str):
    def part(name: str) -> int:
        if name == failing:
            raise ValueError(name)
        return 0

    with pytest.raises(ValueError, match=failing):
        alongside(lambda: part("first"), lambda: part("second"))
    assert module._FREE.acquire(blocking=False)  # free again
    module._FREE.release()


def test_at_interpreter_shutdown_both_run_in_the_caller(monkeypatch: pytest.MonkeyPatch):
    class ShutDown:
        def submit(self, *_: object) -> None:
            raise RuntimeError("cannot schedule new futures after interpreter shutdown")

    monkeypatch.setattr(module, "_side_thread", lambda: ShutDown())
    monkeypatch.setattr(module, "_has_second_core", lambda: True)
    assert alongside(lambda: 1, lambda: 2) == (1, 2)
    assert module._FREE.acquire(blocking=False)  # free again
    module._FREE.release()
