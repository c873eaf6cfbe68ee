"""The product's forecaster: a clean hour-of-week profile times learned event effects.

Per queue:
1. Hours inside event footprints, missing hours and anomalous days are set aside; the rest
   give a centred hour-of-week profile (to measure events against) and a recent one
   (level of the last two weeks x weekly shape of the last sixteen, used for the forecast).
2. A day-of-month cycle (`forecasting.monthly`) multiplies the profile when it lowers the
   error of forecasts from rolling origins inside the history. With more than a year and a
   half of history, an annual level curve (growth and season, `forecasting.annual`) moves
   the level from the weeks it was measured in to the weeks forecast, unless it makes those
   internal forecasts worse by more than `annual_tolerance` (a curve bent by a one-off
   surge last year); within that it is kept, as the internal comparison is too noisy to
   judge an effect of a few percent.
3. Event effects are learned per kind (shape over relative time) with a strength per
   occurrence; see `forecasting.effects`.
4. With eight weeks or more before the internal origins, each day's total is blended with
   an exponential-smoothing forecast of the day totals, with one weight per horizon week
   chosen on those origins (`forecasting.daily`); the hourly shape stays the profile's.
5. The band holds whole counts: a negative binomial with mean `mu` and variance
   `mu + c (phi mu^2 + (event spread)^2)`: `phi` from rolling-origin forecasts inside the
   history, the event spread from how much the strength of a kind varied between its past
   occurrences, times the baseline, and `c` so that the band covers 80% of those internal
   (blended) forecasts
   (`forecasting.bands`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.annual import annual_factors, fit_annual, weekly_level
from forecasting.bands import DEFAULT_PHI, calibrate_scale, count_quantiles, moment_phi
from forecasting.calendar import (
    HOURS_PER_WEEK,
    PROMO_KINDS,
    ZERO_KINDS,
    Occurrence,
    footprint_bins,
    hour_of_week,
    inside_kinds,
    occurrences,
    to_hours,
    to_timestamps,
    week_start,
)
from forecasting.daily import (
    blend,
    choose_weights,
    day_ratio,
    day_totals,
    horizon_weeks,
    smoothed_days,
)
from forecasting.effects import Effects, fit_effects
from forecasting.monthly import day_of_month, day_of_month_factors
from forecasting.profile import anomalous_days, centered_profile, level_profile, week_matrix
from forecasting.validation import InputError

MIN_HISTORY_HOURS = HOURS_PER_WEEK
SHORT_HISTORY_HOURS = 4 * HOURS_PER_WEEK
SMOOTH_DAYS = 371
"""Days ahead of the history that the day-total smoothing forecasts (a year and a week)."""
FORECAST_COLUMNS = ["timestamp", "queue", "forecast", "p10", "p50", "p90", "promo"]


class ForecastWarning(UserWarning):
    """Something the user should know about a forecast that still went ahead."""


@dataclass
class QueueModel:
    """Fitted state of one queue."""

    profile: np.ndarray
    effects: Effects
    phi: float
    last_hour: int
    observed_hours: int
    month: np.ndarray
    band_scale: float = 1.0
    first: int = 0
    annual: np.ndarray | None = None
    """Coefficients of the annual level curve (`forecasting.annual`); None = not used."""
    day_weights: np.ndarray | None = None
    """Weight of the profile's day totals per horizon week (`forecasting.daily`); None =
    the profile alone."""
    smooth_first_day: int = 0
    smoothed: np.ndarray | None = None
    """Day totals of the smoothing model from day `smooth_first_day` on."""

    def annual_factors(self, hours: np.ndarray, level_weeks: int) -> np.ndarray:
        """The annual level factor at `hours` (1 when not used)."""
        origin_week = (self.last_hour - self.first) // HOURS_PER_WEEK + 1
        weeks = (np.asarray(hours, dtype=np.int64) - self.first) // HOURS_PER_WEEK
        return annual_factors(self.annual, origin_week, weeks, level_weeks)


def check_history(history: pd.DataFrame) -> None:
    """Raise InputError when `history` is not `timestamp,queue,volume` with one week or more
    per queue; warn (ForecastWarning) below four weeks."""
    missing = [c for c in ("timestamp", "queue", "volume") if c not in history.columns]
    if missing:
        raise InputError(f"history: expected columns timestamp, queue, volume; missing {missing}")
    if history.empty:
        raise InputError("history: expected hourly rows, got none")
    for queue, rows in history.groupby("queue", sort=True):
        hours = to_hours(rows["timestamp"])
        span = int(hours.max() - hours.min() + 1)
        if span < MIN_HISTORY_HOURS:
            raise InputError(f"history for queue {queue!r}: expected at least one week "
                             f"({MIN_HISTORY_HOURS} hours), got {span} hours")
        if span < SHORT_HISTORY_HOURS:
            warnings.warn(f"history for queue {queue!r} covers only {span / 24:.1f} days; "
                          f"forecasts from under four weeks are rough and events are not "
                          f"learned well", ForecastWarning, stacklevel=3)


class EventProfileForecaster:
    """Hourly volume per queue: a robust weekly profile times per-kind event effects.

    >>> import pandas as pd
    >>> hours = pd.date_range("2026-01-05", periods=28 * 24, freq="h")
    >>> history = pd.DataFrame({"timestamp": hours, "queue": "chat", "volume": 10.0})
    >>> model = EventProfileForecaster().fit(history)
    >>> out = model.predict(pd.Timestamp("2026-02-02"), 3)
    >>> out["forecast"].round(1).tolist()
    [10.0, 10.0, 10.0]
    """

    def __init__(self, shape_weeks: int = 16, level_weeks: int = 2, max_weeks: int = 26,
                 radius_weeks: int = 4, decay: float = 0.9, pre_hours: int = 24,
                 post_hours: int = 24, shrink_hours: float = 0.5, name_prior: float = 0.25,
                 shape_cv: float = 0.3, zero_kinds: tuple[str, ...] = ZERO_KINDS,
                 promo_kinds: tuple[str, ...] = PROMO_KINDS, band_origins: int = 4,
                 band_horizon: int = 4 * HOURS_PER_WEEK, month_cycle: bool = True,
                 calibrate_band: bool = True, annual_cycle: bool = True,
                 annual_tolerance: float = 1.02, day_blend: bool = True,
                 random_state: int | None = None):
        self.shape_weeks = shape_weeks
        self.level_weeks = level_weeks
        self.max_weeks = max_weeks
        self.radius_weeks = radius_weeks
        self.decay = decay
        self.pre_hours = pre_hours
        self.post_hours = post_hours
        self.shrink_hours = shrink_hours
        self.name_prior = name_prior
        self.shape_cv = shape_cv
        self.zero_kinds = zero_kinds
        self.promo_kinds = promo_kinds
        self.band_origins = band_origins
        self.band_horizon = band_horizon
        self.month_cycle = month_cycle
        self.calibrate_band = calibrate_band
        self.annual_cycle = annual_cycle
        self.annual_tolerance = annual_tolerance
        self.day_blend = day_blend
        self.random_state = random_state

    def fit(self, history: pd.DataFrame, events: pd.DataFrame | None = None
            ) -> EventProfileForecaster:
        """Learn each queue's profile, event effects and band width; returns self."""
        check_history(history)
        self.events_ = events
        self.queues_ = sorted(history["queue"].unique().tolist())
        occs = occurrences(events)
        self.models_: dict[str, QueueModel] = {}
        self.learned_kinds_: dict[str, set[str]] = {}
        for queue in self.queues_:
            rows = history[history["queue"] == queue]
            model = self._fit_queue(rows, [o for o in occs if o.applies_to(queue)])
            self.models_[queue] = model
            self.learned_kinds_[queue] = set(model.effects.kinds)
        return self

    def _fit_queue(self, rows: pd.DataFrame, occs: list[Occurrence]) -> QueueModel:
        stamps = to_hours(rows["timestamp"])
        first, last = week_start(int(stamps.min())), int(stamps.max())
        hours = np.arange(first, last + 1, dtype=np.int64)
        values = np.full(len(hours), np.nan)
        values[stamps - first] = rows["volume"].to_numpy(dtype=float)
        observed = ~np.isnan(values)
        in_event = np.zeros(len(hours), dtype=bool)
        for occ in occs:
            in_event |= footprint_bins(hours, occ, self.pre_hours, self.post_hours) >= 0
        candidates = observed & ~in_event
        baseline = self._centered(values, candidates)
        odd = anomalous_days(values, baseline, candidates)
        clean = candidates & ~odd
        baseline = self._centered(values, clean)
        usable = observed & ~(odd & ~in_event)
        scored = np.where(usable, values, np.nan)
        month = np.ones(31)
        if self.month_cycle:
            month = day_of_month_factors(hours, values, baseline, clean)
        effects = self._effects(hours, values, baseline * month[day_of_month(hours)], usable,
                                occs)
        internal = self._internal(hours, scored, values, baseline, clean, effects, occs,
                                  month_cycle=not np.allclose(month, 1.0))
        if not np.allclose(month, 1.0):
            plain = self._internal(hours, scored, values, baseline, clean, effects, occs,
                                   month_cycle=False)
            if _wape(*plain[:2]) <= _wape(*internal[:2]):
                month, internal = np.ones(31), plain
                effects = self._effects(hours, values, baseline, usable, occs)
        weekly = weekly_level(baseline, observed)
        annual = fit_annual(weekly) if self.annual_cycle else None
        if annual is not None:
            yearly = self._internal(hours, scored, values, baseline, clean, effects, occs,
                                    month_cycle=not np.allclose(month, 1.0), weekly=weekly)
            if _wape(*yearly[:2]) <= self.annual_tolerance * _wape(*internal[:2]):
                internal = yearly
            else:
                annual = None
        clean_values = np.where(clean, values / month[day_of_month(hours)], np.nan)
        profile = self._profile(week_matrix(clean_values))
        model = QueueModel(profile, effects, np.nan, last, int(observed.sum()), month, 1.0,
                           first, annual)
        if self.day_blend:
            internal = self._blend_internal(model, hours, scored, values, baseline, clean,
                                            effects, occs, weekly)
        model.phi, model.band_scale = self._band(*internal[:3])
        return model

    def _blend_internal(self, model: QueueModel, hours: np.ndarray, scored: np.ndarray,
                        values: np.ndarray, baseline: np.ndarray, clean: np.ndarray,
                        effects: Effects, occs: list[Occurrence], weekly: np.ndarray
                        ) -> tuple[np.ndarray, ...]:
        """Choose the day-total weights of `model` on the internal origins and fit its
        smoothing model on the whole history; returns the internal forecasts blended with
        those weights (for the band)."""
        month_cycle = not np.allclose(model.month, 1.0)
        internal = self._internal(hours, scored, values, baseline, clean, effects, occs,
                                  month_cycle=month_cycle,
                                  weekly=weekly if model.annual is not None else None,
                                  smooth=True)
        actual, mean, spread, ratio, week = internal
        weeks = max(1, -(-self.band_horizon // HOURS_PER_WEEK))
        if not len(actual) or np.all(ratio == 1.0):
            return internal
        expected = baseline * model.month[day_of_month(hours)]
        first_day, totals = day_totals(hours, values, clean, expected)
        smoothed = smoothed_days(totals, SMOOTH_DAYS)
        if smoothed is None:
            return internal
        weights = choose_weights(actual, mean, ratio, week, weeks)
        model.day_weights = weights
        model.smooth_first_day = first_day + len(totals)
        model.smoothed = smoothed
        return actual, blend(mean, ratio, weights[week]), spread, ratio, week

    def _effects(self, hours: np.ndarray, values: np.ndarray, baseline: np.ndarray,
                 usable: np.ndarray, occs: list[Occurrence]) -> Effects:
        effects = fit_effects(hours, values, baseline, usable, occs, self.pre_hours,
                              self.post_hours, self.shrink_hours, self.name_prior)
        effects.shape_cv = self.shape_cv
        return effects

    def _profile(self, weeks: np.ndarray) -> np.ndarray:
        return level_profile(weeks, self.shape_weeks, self.level_weeks, self.max_weeks,
                             self.decay)

    def _centered(self, values: np.ndarray, keep: np.ndarray) -> np.ndarray:
        weeks = week_matrix(np.where(keep, values, np.nan))
        return centered_profile(weeks, self.radius_weeks).ravel()[: len(values)]

    def _internal(self, hours: np.ndarray, scored: np.ndarray, values: np.ndarray,
                  baseline: np.ndarray, clean: np.ndarray, effects: Effects,
                  occs: list[Occurrence], month_cycle: bool, weekly: np.ndarray | None = None,
                  smooth: bool = False) -> tuple[np.ndarray, ...]:
        """(actual, forecast, event spread, smoothing ratio, horizon week) at
        `band_origins` past origins: the profile (and day-of-month factors with
        `month_cycle`) from the clean hours before each origin, times the event effects (and
        the annual level curve fitted on the weekly levels `weekly` before the origin),
        against every usable hour after it, so unlisted disturbances count too. With
        `smooth`, the ratio of the day-total smoothing model fitted before the origin to the
        profile's day totals (`forecasting.daily`); 1 otherwise."""
        actuals, means, spreads, ratios, weeks = [], [], [], [], []
        count = max(1, -(-self.band_horizon // HOURS_PER_WEEK))
        end = len(hours)
        for j in range(1, self.band_origins + 1):
            origin = end - j * self.band_horizon
            if origin < 2 * HOURS_PER_WEEK:
                break
            month = np.ones(31)
            if month_cycle:
                month = day_of_month_factors(hours[:origin], values[:origin],
                                             baseline[:origin], clean[:origin])
            monthly = month[day_of_month(hours)]
            past = np.where(clean[:origin], values[:origin] / monthly[:origin], np.nan)
            profile = self._profile(week_matrix(past))
            window = slice(origin, min(end, origin + self.band_horizon))
            factor, spread = effects.multiplier(hours[window], occs)
            coef = None
            origin_week = (origin - 1) // HOURS_PER_WEEK + 1
            if weekly is not None:
                known = origin_week - 1 - self.radius_weeks  # levels made of pre-origin weeks
                coef = fit_annual(weekly, known)

            def base_at(index: np.ndarray, month: np.ndarray = month,
                        profile: np.ndarray = profile, coef: np.ndarray | None = coef,
                        origin_week: int = origin_week) -> np.ndarray:
                grid = hours[0] + index
                return (profile[hour_of_week(grid)] * month[day_of_month(grid)]
                        * annual_factors(coef, origin_week, index // HOURS_PER_WEEK,
                                         self.level_weeks))

            index = np.arange(window.start, window.stop)
            base = base_at(index)
            ratio = np.ones(len(base))
            if smooth:
                expected = baseline[:origin] * monthly[:origin]
                ratio = self._smoothing_ratio(hours[:origin], values[:origin],
                                              clean[:origin], expected, hours[window],
                                              lambda grid: base_at(grid - hours[0]))
            actuals.append(scored[window])
            means.append(base * factor)
            spreads.append(spread * base**2)
            ratios.append(ratio)
            weeks.append(horizon_weeks(hours[window], hours[origin], count))
        if not actuals:
            return tuple(np.array([]) for _ in range(5))
        return tuple(np.concatenate(x) for x in (actuals, means, spreads, ratios, weeks))

    @staticmethod
    def _smoothing_ratio(hours: np.ndarray, values: np.ndarray, clean: np.ndarray,
                         expected: np.ndarray, grid: np.ndarray,
                         base_at: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Per hour of `grid`, the smoothing model's day total (fitted on the history
        `hours`, `values`) over the profile's day total (`base_at` of the day's hours)."""
        first_day, totals = day_totals(hours, values, clean, expected)
        start = first_day + len(totals)
        smoothed = smoothed_days(totals, int(grid[-1] // 24) - start + 1)
        if smoothed is None:
            return np.ones(len(grid))
        return day_ratio(grid, start, smoothed, _day_base(base_at, start, len(smoothed)))

    def _band(self, actual: np.ndarray, mean: np.ndarray, spread: np.ndarray
              ) -> tuple[float, float]:
        """(phi, band scale) from the internal out-of-sample forecasts; see
        `forecasting.bands`."""
        if not len(actual):
            return DEFAULT_PHI, 1.0
        phi = moment_phi(actual, mean)
        if not self.calibrate_band:
            return phi, 1.0
        return phi, calibrate_scale(actual, mean, phi * mean**2 + spread)

    def predict(self, start: pd.Timestamp | str, hours: int,
                events: pd.DataFrame | None = None) -> pd.DataFrame:
        """Forecast `hours` hours from `start` for every fitted queue.

        Returns columns timestamp, queue, forecast (mean), p10, p50, p90, promo, sorted by
        timestamp then queue. Events default to the calendar given to `fit`.
        """
        if not hasattr(self, "models_"):
            raise RuntimeError("call fit() before predict()")
        if hours < 1:
            raise InputError(f"hours: expected a positive number of hours, got {hours}")
        events = self.events_ if events is None else events
        occs = occurrences(events)
        first = int(to_hours([pd.Timestamp(start)])[0])
        grid = np.arange(first, first + hours, dtype=np.int64)
        frames = []
        for queue in self.queues_:
            model = self.models_[queue]
            mine = [o for o in occs if o.applies_to(queue)]
            self._warn_unknown_kinds(queue, grid, mine)
            base = model.profile[hour_of_week(grid)] * model.month[day_of_month(grid)]
            base = base * model.annual_factors(grid, self.level_weeks)
            base = base * self._day_factor(model, grid)
            factor, spread = model.effects.multiplier(grid, mine)
            mean = base * factor
            closed = inside_kinds(grid, events, queue, self.zero_kinds)
            mean[closed] = 0.0
            variance = mean + model.band_scale * (model.phi * mean**2 + spread * base**2)
            p10, p50, p90 = count_quantiles(mean, variance, (0.1, 0.5, 0.9))
            frames.append(pd.DataFrame({
                "timestamp": to_timestamps(grid), "queue": queue, "forecast": mean,
                "p10": p10, "p50": p50, "p90": p90,
                "promo": inside_kinds(grid, events, queue, self.promo_kinds)}))
        out = pd.concat(frames, ignore_index=True)
        return out.sort_values(["timestamp", "queue"], kind="stable").reset_index(drop=True)

    def _day_factor(self, model: QueueModel, grid: np.ndarray) -> np.ndarray:
        """The blend of the smoothing model's day totals into the profile's at `grid` (1 =
        the profile alone)."""
        if model.day_weights is None or model.smoothed is None:
            return np.ones(len(grid))

        def base_at(hours: np.ndarray) -> np.ndarray:
            return (model.profile[hour_of_week(hours)] * model.month[day_of_month(hours)]
                    * model.annual_factors(hours, self.level_weeks))

        lo = max(model.smooth_first_day, int(grid[0] // 24))
        hi = min(model.smooth_first_day + len(model.smoothed), int(grid[-1] // 24) + 1)
        if hi <= lo:
            return np.ones(len(grid))
        smoothed = model.smoothed[lo - model.smooth_first_day: hi - model.smooth_first_day]
        ratio = day_ratio(grid, lo, smoothed, _day_base(base_at, lo, hi - lo))
        week = horizon_weeks(grid, model.last_hour + 1, len(model.day_weights))
        return blend(np.ones(len(grid)), ratio, model.day_weights[week])

    def _warn_unknown_kinds(self, queue: str, grid: np.ndarray, occs: list[Occurrence]) -> None:
        learned = self.learned_kinds_[queue] | {k.lower() for k in self.zero_kinds}
        unknown: dict[str, list[str]] = {}
        for occ in occs:
            near = occ.start - self.pre_hours < grid[-1] + 1 and occ.end + self.post_hours > grid[0]
            if near and occ.kind not in learned:
                unknown.setdefault(occ.kind, []).append(occ.name)
        for kind, names in unknown.items():
            warnings.warn(f"queue {queue!r}: event kind {kind!r} ({', '.join(sorted(set(names)))}) "
                          f"has no past occurrence in the history; forecasting it with no "
                          f"event effect", ForecastWarning, stacklevel=3)


def _day_base(base_at: Callable[[np.ndarray], np.ndarray], first_day: int, days: int
              ) -> np.ndarray:
    """The profile's total of each of `days` days from `first_day` (`base_at` of hours)."""
    hours = np.arange(first_day * 24, (first_day + days) * 24, dtype=np.int64)
    return base_at(hours).reshape(days, 24).sum(axis=1)


def _wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    ok = ~np.isnan(actual)
    total = float(np.sum(actual[ok]))
    return float(np.sum(np.abs(actual[ok] - forecast[ok]))) / total if total > 0 else 0.0
