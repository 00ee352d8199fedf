"""Exact clock time. Times inside a rota are integer minutes from midnight at the start of
the rota period, so `t % 1440` is the clock time and `t // 1440` the day index. Clock windows
such as 23:00-06:00 may wrap midnight."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

HOUR = 60
DAY = 24 * HOUR
WEEK = 7 * DAY
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# day names people type, lower case -> weekday index (0 = Monday): Mon or Monday
DAY_NAMES = {
    **{d.lower(): i for i, d in enumerate(WEEKDAYS)},
    **{
        d.lower(): i
        for i, d in enumerate(
            ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        )
    },
}


def hhmm(text: str) -> int:
    """'21:30' -> minutes after midnight (1290)."""
    hours, minutes = text.split(":")
    value = int(hours) * HOUR + int(minutes)
    if not 0 <= value < DAY:
        raise ValueError(f"clock time out of range: {text}")
    return value


def weekday_index(name: str) -> int:
    return WEEKDAYS.index(name[:3].title())


def window_overlap(start: int, end: int, win_start: int, win_end: int) -> int:
    """Minutes of [start, end) that fall inside the daily clock window [win_start, win_end).

    The window wraps midnight when win_end <= win_start (23:00-06:00). Times are minutes
    from a midnight. The window repeats daily, so the answer depends only on the start's
    clock time and the length: worked out once each (the checker asks ~250,000 times on a
    60-doctor year, for a few hundred distinct duties)."""
    if end <= start:
        return 0
    midnight = start // DAY * DAY
    return _overlap(start - midnight, end - midnight, win_start, win_end)


@lru_cache(maxsize=8192)
def _overlap(start: int, end: int, win_start: int, win_end: int) -> int:
    length = (win_end - win_start) % DAY or DAY
    total = 0
    first = start // DAY - 1
    last = end // DAY
    for day in range(first, last + 1):
        ws = day * DAY + win_start
        we = ws + length
        lo = max(start, ws)
        hi = min(end, we)
        if hi > lo:
            total += hi - lo
    return total


def minutes_between(origin: datetime, moment: datetime) -> int:
    return round((moment - origin).total_seconds() / 60)
