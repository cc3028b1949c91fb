"""The per-user cooldown, on a fake clock."""

from __future__ import annotations

from newsdesk.bot.cooldown import UserCooldown


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_waits_out_their_own_cooldown_and_no_one_else_s():
    clock = FakeClock()
    cooldown = UserCooldown(10, clock=clock)
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(1) == 10
    assert cooldown.retry_after(2) == 0  # another user is not held up
    clock.now += 4
    assert cooldown.retry_after(1) == 6
    clock.now += 6
    assert cooldown.retry_after(1) == 0  # expired: may ask, and the cooldown restarts
    assert cooldown.retry_after(1) == 10


def test_users_whose_cooldown_is_over_are_forgotten_when_many_are_remembered():
    clock = FakeClock()
    cooldown = UserCooldown(5, clock=clock, max_users=3)
    for user in range(4):
        cooldown.retry_after(user)
    assert len(cooldown) == 4
    clock.now += 5
    cooldown.retry_after(99)  # over the limit: the four expired users are pruned
    assert len(cooldown) == 1
    assert cooldown.retry_after(0) == 0  # a forgotten user may ask again


def test_a_zero_cooldown_never_holds_anyone():
    cooldown = UserCooldown(0, clock=FakeClock())
    assert [cooldown.retry_after(1) for _ in range(3)] == [0, 0, 0]
    assert len(cooldown) == 0
