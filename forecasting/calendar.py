"""Hour arithmetic and event calendars on an hourly grid.

Times inside the forecasters are whole hours since 1970-01-01 00:00 (local wall clock,
int64), so weeks, days and event windows are plain integer arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

HOURS_PER_WEEK = 168
EPOCH_WEEKDAY_OFFSET = 72
"""1970-01-01 was a Thursday: hour 0 is hour 72 of a Monday-based week."""

PROMO_KINDS: tuple[str, ...] = ("presale", "major_promo", "after_sales")
"""Event kinds during which agents carry the promotion load factor (staffing)."""

ZERO_KINDS: tuple[str, ...] = ("closure",)
"""Event kinds that mean the team is closed: the volume is exactly zero."""


def to_hours(stamps: Iterable | pd.Series | pd.DatetimeIndex, ceil: bool = False) -> np.ndarray:
    """Whole hours since 1970-01-01 00:00 for timestamps (floored, or ceiled with `ceil`)."""
    index = pd.DatetimeIndex(pd.to_datetime(np.asarray(stamps)))
    index = index.ceil("h") if ceil else index.floor("h")
    return index.to_numpy().astype("datetime64[h]").astype(np.int64)


def to_timestamps(hours: np.ndarray) -> pd.DatetimeIndex:
    """The inverse of `to_hours`."""
    return pd.DatetimeIndex(np.asarray(hours, dtype=np.int64).astype("datetime64[h]")
                            .astype("datetime64[ns]"))


def hour_of_week(hours: np.ndarray) -> np.ndarray:
    """0 = Monday 00:00 ... 167 = Sunday 23:00."""
    return (np.asarray(hours) + EPOCH_WEEKDAY_OFFSET) % HOURS_PER_WEEK


def week_start(hour: int) -> int:
    """The Monday 00:00 at or before `hour`."""
    return int(hour - hour_of_week(np.array([hour]))[0])


@dataclass(frozen=True)
class Occurrence:
    """One event on the hour grid: `start` inclusive, `end` exclusive, `queue` '' = all."""

    name: str
    kind: str
    start: int
    end: int
    queue: str = ""

    def applies_to(self, queue: str) -> bool:
        """Whether the event touches `queue`."""
        return not self.queue or self.queue == queue


def occurrences(events: pd.DataFrame | None) -> list[Occurrence]:
    """Events (`name,kind,start,end[,queue]`) as hour-grid occurrences, in file order."""
    if events is None or events.empty:
        return []
    starts = to_hours(events["start"])
    ends = np.maximum(to_hours(events["end"], ceil=True), starts + 1)
    queues = events["queue"] if "queue" in events.columns else pd.Series([""] * len(events))
    return [Occurrence(str(name), str(kind).lower(), int(s), int(e), str(q or ""))
            for name, kind, s, e, q in zip(events["name"], events["kind"], starts, ends,
                                           queues.fillna(""), strict=True)]


def inside_kinds(hours: np.ndarray, events: pd.DataFrame | None, queue: str,
                 kinds: Iterable[str]) -> np.ndarray:
    """Boolean mask of `hours` that lie inside an event of one of `kinds` touching `queue`."""
    wanted = {k.lower() for k in kinds}
    mask = np.zeros(len(hours), dtype=bool)
    for occ in occurrences(events):
        if occ.kind in wanted and occ.applies_to(queue):
            mask |= (hours >= occ.start) & (hours < occ.end)
    return mask


def promo_hours(events: pd.DataFrame | None, timestamps: pd.Series | pd.DatetimeIndex,
                queue: str = "", kinds: Iterable[str] = PROMO_KINDS) -> np.ndarray:
    """Boolean per timestamp: inside an event of a promotion kind that touches `queue`.

    With `queue` '' every event counts, whatever its queue. The staffing step applies the
    promotion load factor in these hours.

    >>> ev = pd.DataFrame({"name": ["D11"], "kind": ["major_promo"],
    ...     "start": [pd.Timestamp("2026-11-11")], "end": [pd.Timestamp("2026-11-12")]})
    >>> promo_hours(ev, pd.date_range("2026-11-10 23:00", periods=3, freq="h")).tolist()
    [False, True, True]
    """
    hours = to_hours(timestamps)
    wanted = {k.lower() for k in kinds}
    mask = np.zeros(len(hours), dtype=bool)
    for occ in occurrences(events):
        if occ.kind in wanted and (not queue or occ.applies_to(queue)):
            mask |= (hours >= occ.start) & (hours < occ.end)
    return mask


# Relative-time bins of an event's footprint: hourly near the start, coarser further away.
PRE_HOURLY, PRE_BLOCK0 = 0, 24          # 24 hourly bins before the start, then 6 h blocks
IN_HOURLY = 100                          # first 48 hours inside, hourly
IN_TAIL = 150                            # last 24 hours of a longer event, 6 h blocks
IN_DAY = 160                             # the days between, one bin per day since start
POST_HOURLY, POST_BLOCK0 = 220, 250      # 24 hourly bins after the end, then 6 h blocks
N_BINS = 350
MAX_PRE_HOURS = 24 + 6 * (IN_HOURLY - PRE_BLOCK0)
MAX_POST_HOURS = 24 + 6 * (N_BINS - POST_BLOCK0)


def inside_any(hours: np.ndarray, occs: Iterable[Occurrence]) -> np.ndarray:
    """Boolean mask of `hours` inside at least one of `occs` (start inclusive, end exclusive)."""
    mask = np.zeros(len(hours), dtype=bool)
    for occ in occs:
        mask |= (hours >= occ.start) & (hours < occ.end)
    return mask


def footprint_bins(hours: np.ndarray, occ: Occurrence, pre_hours: int, post_hours: int,
                   busy: np.ndarray | None = None,
                   others: Iterable[Occurrence] = ()) -> np.ndarray:
    """Relative-time bin of each hour in `occ`'s footprint, -1 outside it.

    The footprint is `pre_hours` before the start, the event itself and `post_hours` after
    its end, so build-ups and after-waves are learned with the event. Hours flagged in
    `busy` (inside some event) are left out of the before/after part: there the other
    event's own effect applies, which keeps back-to-back events (a holiday and its eve)
    apart. An hour after `occ` that also follows a later-ending event of the same kind in
    `others` (or before `occ` and before an earlier-starting one) belongs to that nearer
    event only, so effects of a run of same-kind events do not stack.
    """
    s = np.asarray(hours, dtype=np.int64) - occ.start
    length = occ.end - occ.start
    codes = np.full(s.shape, -1, dtype=np.int64)
    pre = (s < 0) & (s >= -pre_hours)
    before = -s[pre] - 1
    codes[pre] = np.where(before < 24, PRE_HOURLY + before, PRE_BLOCK0 + (before - 24) // 6)
    inside = (s >= 0) & (s < length)
    left = length - s
    hourly = inside & (s < 48)
    codes[hourly] = IN_HOURLY + s[hourly]
    tail = inside & (s >= 48) & (left <= 24)
    codes[tail] = IN_TAIL + (left[tail] - 1) // 6
    mid = inside & (s >= 48) & (left > 24)
    codes[mid] = IN_DAY + np.minimum(s[mid] // 24, POST_HOURLY - IN_DAY - 1)
    after = s - length
    post = (after >= 0) & (after < post_hours)
    a = after[post]
    codes[post] = np.where(a < 24, POST_HOURLY + a, POST_BLOCK0 + (a - 24) // 6)
    if busy is not None:
        codes[(pre | post) & busy] = -1
    hours = np.asarray(hours, dtype=np.int64)
    for other in others:
        if other.kind != occ.kind or other is occ:
            continue
        if occ.end < other.end:
            codes[post & (hours >= other.end)] = -1
        if other.start < occ.start:
            codes[pre & (hours < other.start)] = -1
    return codes
