"""A per-user question cooldown on the monotonic clock (wall-clock jumps do not matter)."""

from __future__ import annotations

import time


class UserCooldown:
    """Allows one question per `seconds` per user."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._next: dict[int, float] = {}

    def retry_after(self, user_id: int) -> float:
        """0 if `user_id` may ask now (and starts their cooldown), else seconds to wait."""
        if self.seconds <= 0:
            return 0.0
        now = time.monotonic()
        wait = self._next.get(user_id, 0.0) - now
        if wait > 0:
            return wait
        if len(self._next) > 10_000:  # forget users whose cooldown is long over
            self._next = {u: t for u, t in self._next.items() if t > now}
        self._next[user_id] = now + self.seconds
        return 0.0
