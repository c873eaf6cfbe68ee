"""Generate the sample team's hourly inquiry history and its events calendar.

The output is synthetic but shaped like real e-commerce chat demand for a Tmall/JD-style
store: a daily wave with a strong evening peak, a weekly pattern, slow growth, mild annual
seasonality, overdispersed (gamma-Poisson) counts with day-level random effects, and
promotion, holiday, closure and outage effects that differ by queue.

Everything is drawn from ``numpy.random.default_rng(seed)``, so the same seed and end
timestamp always give identical frames. Importing this module has no side effects.

`roster generate-data` writes them with the rest of the sample scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_SEED = 20261122
DEFAULT_END = pd.Timestamp("2026-11-22 00:00")

QUEUES: tuple[str, ...] = ("presale", "aftersale")
HISTORY_YEARS = 2
HORIZON_DAYS = 56  # events are listed this far past the history end
TIME_FORMAT = "%Y-%m-%d %H:%M"

# Chinese New Year (first day of the lunar year).
CHINESE_NEW_YEAR: dict[int, str] = {
    2023: "2023-01-22",
    2024: "2024-02-10",
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
    2028: "2028-01-26",
    2029: "2029-02-13",
    2030: "2030-02-03",
}

# fmt: off
# Relative hour-of-day shape (peak hour = 1.0), index = hour 0..23.
HOUR_SHAPE: dict[str, np.ndarray] = {
    "presale": np.array(
        [0.55, 0.30, 0.12, 0.06, 0.04, 0.04, 0.05, 0.10, 0.24, 0.40, 0.52, 0.56,
         0.46, 0.49, 0.56, 0.58, 0.58, 0.55, 0.58, 0.72, 0.90, 1.00, 0.95, 0.78]
    ),
    "aftersale": np.array(
        [0.26, 0.12, 0.05, 0.03, 0.03, 0.03, 0.05, 0.12, 0.34, 0.68, 0.90, 0.94,
         0.72, 0.80, 0.95, 1.00, 0.96, 0.86, 0.72, 0.76, 0.88, 0.92, 0.78, 0.50]
    ),
}
# Day-of-week level, Monday..Sunday.
WEEKDAY_LEVEL: dict[str, np.ndarray] = {
    "presale": np.array([0.96, 0.95, 0.96, 0.98, 1.02, 1.09, 1.11]),
    "aftersale": np.array([1.07, 1.04, 1.02, 1.00, 0.99, 0.88, 0.86]),
}
# Volume in the peak hour of an ordinary weekday at the start of the history.
PEAK_LEVEL: dict[str, float] = {"presale": 240.0, "aftersale": 105.0}
ANNUAL_GROWTH = 0.15
# Gamma-Poisson shape: variance = mu + mu**2 / k.
DISPERSION: dict[str, float] = {"presale": 60.0, "aftersale": 45.0}

# Major promo day profile per hour (multiplier at full strength): midnight rush, busy day,
# last-hours rush.
PROMO_DAY: dict[str, np.ndarray] = {
    "presale": np.array(
        [12.0, 12.0, 10.0, 7.0, 5.0, 4.5, 4.0, 3.8, 3.7, 3.6, 3.6, 3.5,
         3.4, 3.4, 3.5, 3.5, 3.4, 3.4, 3.5, 3.7, 3.9, 4.1, 4.3, 4.6]
    ),
    "aftersale": np.array(
        [4.0, 4.5, 4.0, 3.0, 2.5, 2.2, 2.2, 2.3, 2.4, 2.5, 2.6, 2.6,
         2.6, 2.6, 2.6, 2.6, 2.5, 2.5, 2.5, 2.6, 2.7, 2.8, 2.9, 3.0]
    ),
}
# fmt: on
# Share of an event's main-queue excess that reaches the other queue.
PRESALE_EVENT_SPILL = 0.15  # presale kind -> aftersale (deposit and order questions)
AFTER_SALES_SPILL = 0.10  # after_sales kind -> presale
# Holiday depth at strength 1.0 (Spring Festival): multiplier = 1 - depth.
HOLIDAY_DEPTH: dict[str, float] = {"presale": 0.55, "aftersale": 0.62}
OUTAGE_LEVEL = 0.35  # share of real volume that gets recorded on the outage day


@dataclass(frozen=True)
class Event:
    """One calendar event; ``strength`` scales its effect within its kind."""

    name: str
    kind: str
    start: pd.Timestamp
    end: pd.Timestamp
    queue: str = ""
    strength: float = 1.0
    ramp_hours: float = 12.0


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def _year_events(year: int) -> list[Event]:
    """Return the recurring events of one calendar year."""
    y = str(year)
    events: list[Event] = [
        Event(
            "元旦 (New Year's Day)", "holiday", _ts(f"{y}-01-01"), _ts(f"{y}-01-04"), strength=0.2
        ),
        Event(
            "劳动节 (Labour Day)", "holiday", _ts(f"{y}-05-01"), _ts(f"{y}-05-06"), strength=0.25
        ),
        Event(
            "618 预售开启 (618 pre-sale opens)",
            "presale",
            _ts(f"{y}-05-20 20:00"),
            _ts(f"{y}-05-23"),
            strength=0.85,
        ),
        Event(
            "618 尾款 (618 final payment)",
            "presale",
            _ts(f"{y}-05-31 20:00"),
            _ts(f"{y}-06-02"),
            strength=0.7,
        ),
        Event("618 大促 (618)", "major_promo", _ts(f"{y}-06-18"), _ts(f"{y}-06-19"), strength=0.75),
        Event(
            "618 售后 (618 after-sales)",
            "after_sales",
            _ts(f"{y}-06-21"),
            _ts(f"{y}-07-03"),
            strength=0.8,
        ),
        Event(
            "新品首发预售 (new flagship pre-order)",
            "presale",
            _ts(f"{y}-09-16 20:00"),
            _ts(f"{y}-09-19"),
            queue="presale",
            strength=0.6,
        ),
        Event(
            "国庆节 (National Day)", "holiday", _ts(f"{y}-10-01"), _ts(f"{y}-10-08"), strength=0.4
        ),
        Event(
            "双11 预售开启 (Double 11 pre-sale opens)",
            "presale",
            _ts(f"{y}-10-24 20:00"),
            _ts(f"{y}-10-27"),
            strength=1.0,
        ),
        Event(
            "双11 尾款 (Double 11 final payment)",
            "presale",
            _ts(f"{y}-10-31 20:00"),
            _ts(f"{y}-11-03"),
            strength=0.8,
        ),
        Event(
            "双11 第二波开售 (Double 11 second wave)",
            "presale",
            _ts(f"{y}-11-03 20:00"),
            _ts(f"{y}-11-05"),
            strength=0.55,
        ),
        Event(
            "双11 大促 (Double 11)",
            "major_promo",
            _ts(f"{y}-11-11"),
            _ts(f"{y}-11-12"),
            strength=1.0,
        ),
        Event(
            "双11 售后 (Double 11 after-sales)",
            "after_sales",
            _ts(f"{y}-11-14"),
            _ts(f"{y}-11-28"),
            strength=1.0,
        ),
        Event(
            "双12 (Double 12)", "major_promo", _ts(f"{y}-12-12"), _ts(f"{y}-12-13"), strength=0.5
        ),
        Event(
            "双12 售后 (Double 12 after-sales)",
            "after_sales",
            _ts(f"{y}-12-15"),
            _ts(f"{y}-12-25"),
            strength=0.5,
        ),
    ]
    # Annual meeting: the team closes on the afternoon of the first Friday from Jan 15.
    jan15 = _ts(f"{y}-01-15")
    meeting = jan15 + pd.Timedelta(days=(4 - jan15.dayofweek) % 7)
    events.append(
        Event(
            "年会 全员停线 (annual meeting closure)",
            "closure",
            meeting + pd.Timedelta(hours=14),
            meeting + pd.Timedelta(hours=18),
        )
    )
    if year in CHINESE_NEW_YEAR:
        cny = _ts(CHINESE_NEW_YEAR[year])
        events.append(
            Event(
                "春节 物流停运 (Spring Festival logistics stop)",
                "holiday",
                cny - pd.Timedelta(days=5),
                cny + pd.Timedelta(days=5),
                strength=1.0,
                ramp_hours=48.0,
            )
        )
        events.append(
            Event(
                "除夕 停线 (New Year's Eve closure)",
                "closure",
                cny - pd.Timedelta(hours=6),
                cny + pd.Timedelta(hours=12),
            )
        )
    return events


def _incidents(end: pd.Timestamp) -> tuple[list[Event], list[tuple[pd.Timestamp, int, str]]]:
    """Return the one-off outage event and the data gaps (start, hours, queue or "").

    They are placed at fixed offsets before ``end`` (for the default end: outage on
    2025-08-13, gaps on 2025-07-09, 2025-12-05 and 2026-04-17), well before the final
    four weeks so a holdout window is clean.
    """
    day = pd.Timedelta(days=1)
    outage_day = end - 466 * day
    outage = Event("客服系统故障 (chat system outage)", "outage", outage_day, outage_day + day)
    gaps = [
        (end - 501 * day + pd.Timedelta(hours=10), 6, ""),
        (end - 352 * day + pd.Timedelta(hours=2), 3, "aftersale"),
        (end - 219 * day + pd.Timedelta(hours=14), 1, ""),
    ]
    return [outage], gaps


def build_events(start: pd.Timestamp, horizon_end: pd.Timestamp, end: pd.Timestamp) -> list[Event]:
    """Return all events overlapping ``[start, horizon_end)``, sorted by start and name."""
    events: list[Event] = []
    for year in range(start.year - 1, horizon_end.year + 1):
        events.extend(_year_events(year))
    events.extend(_incidents(end)[0])
    kept = [e for e in events if e.end > start and e.start < horizon_end]
    return sorted(kept, key=lambda e: (e.start, e.name))


def _event_multiplier(
    event: Event,
    grid_start: pd.Timestamp,
    hours: np.ndarray,
    queue: str,
    scale: float,
    hour_of_day: np.ndarray,
) -> np.ndarray:
    """Return the multiplicative effect of one event on ``queue`` at ``hours``.

    ``hours`` are hours since ``grid_start`` for every row of the grid; ``scale`` is
    the event's strength times its random per-occurrence factor. Rows outside the event's
    reach get 1.0. Major promos also reach a few hours before and two days after their
    window (the eve's evening and order-tracking questions afterwards).
    """
    mult = np.ones_like(hours, dtype=float)
    if event.queue and event.queue != queue:
        return mult
    length = (event.end - event.start) / pd.Timedelta(hours=1)
    t = hours - (event.start - grid_start) / pd.Timedelta(hours=1)  # hours since event start
    inside = (t >= 0) & (t < length)
    main = queue == "presale"

    if event.kind == "closure":
        mult[inside] = 0.0
    elif event.kind == "outage":
        mult[inside] = OUTAGE_LEVEL * scale
    elif event.kind == "presale":
        ti = t[inside]
        excess = 2.0 * scale * (0.55 * np.exp(-ti / 3.0) + 0.45 * np.exp(-ti / 30.0))
        mult[inside] = 1.0 + (excess if main else PRESALE_EVENT_SPILL * excess)
    elif event.kind == "major_promo":
        profile = PROMO_DAY[queue]
        mult[inside] = 1.0 + scale * (profile[hour_of_day[inside]] - 1.0)
        lead = (t >= -4) & (t < 0)
        lead_gain = 0.35 if main else 0.10
        mult[lead] = 1.0 + scale * lead_gain * (t[lead] + 5.0) / 4.0
        lag = (t >= length) & (t < length + 48)
        lag_t = t[lag] - length
        mult[lag] = 1.0 + scale * (
            0.2 * np.exp(-lag_t / 10.0) if main else 0.6 * np.exp(-lag_t / 20.0)
        )
    elif event.kind == "after_sales":
        ti = t[inside]
        days = ti / 24.0
        shape = np.minimum(1.0, days / 1.5) * np.exp(-np.maximum(0.0, days - 1.5) / 5.0)
        shape *= np.minimum(1.0, (length - ti) / 24.0)
        excess = 1.7 * scale * shape
        mult[inside] = 1.0 + (AFTER_SALES_SPILL * excess if main else excess)
    elif event.kind == "holiday":
        ti = t[inside]
        ramp = max(1.0, min(event.ramp_hours, length / 4.0))
        taper = np.clip(np.minimum((ti + 1.0) / ramp, (length - ti) / ramp), 0.0, 1.0)
        depth = min(0.9, HOLIDAY_DEPTH[queue] * scale)
        mult[inside] = 1.0 - depth * taper
    return mult


def _baseline(index: pd.DatetimeIndex, queue: str, start: pd.Timestamp) -> np.ndarray:
    """Return the event-free mean volume per hour: level, trend, seasons, week, day."""
    hour = index.hour.to_numpy()
    weekday = index.dayofweek.to_numpy()
    shape = HOUR_SHAPE[queue][hour].copy()
    weekend = weekday >= 5
    if queue == "presale":
        shape[weekend & (hour >= 8) & (hour <= 10)] *= 0.85
        shape[weekend & (hour >= 13) & (hour <= 17)] *= 1.06
    else:
        shape[weekend & (hour >= 9) & (hour <= 17)] *= 0.9
        shape[weekend & (hour >= 19) & (hour <= 22)] *= 1.05
    years = ((index - start) / pd.Timedelta(days=1)).to_numpy() / 365.25
    trend = (1.0 + ANNUAL_GROWTH) ** years
    doy = index.dayofyear.to_numpy()
    angle = 2.0 * np.pi * doy / 365.25
    if queue == "presale":
        season = (
            1.0
            + 0.05 * np.cos(angle - 2.0 * np.pi * 320 / 365.25)
            + 0.02 * np.cos(2.0 * angle - 2.0 * np.pi * 30 / 365.25)
        )
    else:
        season = 1.0 + 0.04 * np.cos(angle - 2.0 * np.pi * 335 / 365.25)
    return PEAK_LEVEL[queue] * trend * season * WEEKDAY_LEVEL[queue][weekday] * shape


def _day_effects(rng: np.random.Generator, n_days: int) -> dict[str, np.ndarray]:
    """Return a lognormal day-level factor per queue (log sd about 0.07).

    It combines a slow AR(1) drift shared by both queues, a shared daily shock and a
    queue-specific daily shock.
    """
    innovations = rng.normal(0.0, 0.02, n_days)
    drift = np.empty(n_days)
    level = rng.normal(0.0, 0.02 / np.sqrt(1.0 - 0.85**2))
    for i in range(n_days):
        level = 0.85 * level + innovations[i]
        drift[i] = level
    shared = rng.normal(0.0, 0.045, n_days)
    effects: dict[str, np.ndarray] = {}
    for queue in QUEUES:
        own = rng.normal(0.0, 0.035, n_days)
        log_effect = drift + shared + own
        effects[queue] = np.exp(log_effect - 0.5 * np.var(log_effect))
    return effects


def generate_demand(
    end: pd.Timestamp = DEFAULT_END, seed: int = DEFAULT_SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(history, events)`` for the two years of hours before ``end``.

    ``history`` has columns ``timestamp`` (naive local datetime), ``queue`` and integer
    ``volume``, sorted by timestamp then queue, with data-gap rows absent. ``events`` has
    columns ``name, kind, start, end, queue`` (``queue`` "" = all queues) and covers the
    history plus the next ``HORIZON_DAYS`` days.
    """
    end = pd.Timestamp(end)
    if end != end.normalize() or end.tzinfo is not None:
        raise ValueError("end must be a naive local midnight timestamp")
    start = end - pd.DateOffset(years=HISTORY_YEARS)
    horizon_end = end + pd.Timedelta(days=HORIZON_DAYS)
    rng = np.random.default_rng(seed)

    index = pd.date_range(start, end, freq="h", inclusive="left")
    hours = np.arange(len(index), dtype=float)
    hour_of_day = index.hour.to_numpy()
    day_number = ((index - start) // pd.Timedelta(days=1)).to_numpy()
    n_days = int(day_number[-1]) + 1

    events = build_events(start, horizon_end, end)
    occurrence = rng.uniform(0.85, 1.15, len(events))
    day_effects = _day_effects(rng, n_days)

    frames = []
    for queue in QUEUES:
        mean = _baseline(index, queue, start) * day_effects[queue][day_number]
        for event, factor in zip(events, occurrence, strict=True):
            scale = factor if event.kind == "outage" else event.strength * factor
            mean *= _event_multiplier(event, start, hours, queue, scale, hour_of_day)
        shape = DISPERSION[queue]
        rate = mean * rng.gamma(shape, 1.0 / shape, len(mean))
        volume = rng.poisson(rate).astype(np.int64)
        frames.append(pd.DataFrame({"timestamp": index, "queue": queue, "volume": volume}))
    history = pd.concat(frames, ignore_index=True)

    keep = np.ones(len(history), dtype=bool)
    for gap_start, gap_hours, gap_queue in _incidents(end)[1]:
        in_gap = (history["timestamp"] >= gap_start) & (
            history["timestamp"] < gap_start + pd.Timedelta(hours=gap_hours)
        )
        if gap_queue:
            in_gap &= history["queue"] == gap_queue
        keep &= ~in_gap.to_numpy()
    history = (
        history[keep].sort_values(["timestamp", "queue"], kind="stable").reset_index(drop=True)
    )

    events_frame = pd.DataFrame(
        {
            "name": [e.name for e in events],
            "kind": [e.kind for e in events],
            "start": [e.start for e in events],
            "end": [e.end for e in events],
            "queue": [e.queue for e in events],
        }
    )
    return history, events_frame
