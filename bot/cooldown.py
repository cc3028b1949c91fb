"""A per-user question cooldown on the monotonic clock (wall-clock jumps do not matter)."""

from __future__ import annotations

import time
from collections.abc import Callable


class UserCooldown:
    """Allows one question per `seconds` per user.

    Users whose cooldown is long over are forgotten once more than `max_users` are
    remembered, so a server of many askers costs bounded memory.
    """

    def __init__(self, seconds: float, *, clock: Callable[[], float] | None = None,
                 max_users: int = 10_000) -> None:
        self.seconds = seconds
        # time.monotonic is looked up at each call, not bound here, so that a test
        # harness that patches it (simcord's advance_time) is obeyed.
        self._clock = clock or (lambda: time.monotonic())
        self._max_users = max_users
        self._next: dict[int, float] = {}

    def __len__(self) -> int:
        """How many users are remembered."""
        return len(self._next)

    def retry_after(self, user_id: int) -> float:
        """0 if `user_id` may ask now (and starts their cooldown), else seconds to wait."""
        if self.seconds <= 0:
            return 0.0
        now = self._clock()
        wait = self._next.get(user_id, 0.0) - now
        if wait > 0:
            return wait
        if len(self._next) > self._max_users:
            self._next = {u: t for u, t in self._next.items() if t > now}
        self._next[user_id] = now + self.seconds
        return 0.0
