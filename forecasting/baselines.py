"""Baselines a planner would otherwise use, with the same fit/predict contract.

- `SeasonalNaive`: the same hour last week (168 h).
- `SeasonalAverage`: the mean of the same hour in the last four weeks.
- `MSTLBaseline`: statsforecast's MSTL with daily and weekly seasons (24, 168).

They ignore the events calendar. Their 80% bands come from the quantiles of their own
errors over the last weeks of the history, each past week forecast from the weeks before
it (as many as there are, up to the model's own; a history of one week gets Poisson bands);
MSTL uses its own prediction intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.bands import count_quantiles
from forecasting.calendar import HOURS_PER_WEEK, to_hours, to_timestamps, week_start
from forecasting.model import check_history
from forecasting.profile import trailing_profile, week_matrix

BAND_WEEKS = 8


class _HourlyBaseline:
    """Shared plumbing: one gap-aware hourly grid per queue."""

    def fit(self, history: pd.DataFrame, events: pd.DataFrame | None = None) -> _HourlyBaseline:
        """Store each queue's hourly grid (missing hours NaN); returns self."""
        check_history(history)
        self.queues_ = sorted(history["queue"].unique().tolist())
        self.grids_: dict[str, tuple[int, np.ndarray]] = {}
        for queue in self.queues_:
            rows = history[history["queue"] == queue]
            stamps = to_hours(rows["timestamp"])
            first = week_start(int(stamps.min()))
            values = np.full(int(stamps.max()) - first + 1, np.nan)
            values[stamps - first] = rows["volume"].to_numpy(dtype=float)
            self.grids_[queue] = (first, values)
        return self

    def predict(self, start: pd.Timestamp | str, hours: int,
                events: pd.DataFrame | None = None) -> pd.DataFrame:
        """Columns timestamp, queue, forecast, p10, p50, p90 (events are ignored)."""
        begin = int(to_hours([pd.Timestamp(start)])[0])
        grid = np.arange(begin, begin + hours, dtype=np.int64)
        frames = []
        for queue in self.queues_:
            first, values = self.grids_[queue]
            mean, p10, p90 = self._forecast(first, values, grid)
            mean = np.maximum(np.nan_to_num(mean), 0.0)
            frames.append(pd.DataFrame({
                "timestamp": to_timestamps(grid), "queue": queue, "forecast": mean,
                "p10": np.clip(p10, 0.0, mean), "p50": mean, "p90": np.maximum(p90, mean)}))
        out = pd.concat(frames, ignore_index=True)
        return out.sort_values(["timestamp", "queue"], kind="stable").reset_index(drop=True)

    def _forecast(self, first: int, values: np.ndarray, grid: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        raise NotImplementedError


class _ProfileBaseline(_HourlyBaseline):
    weeks = 1

    def _forecast(self, first: int, values: np.ndarray, grid: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        profile = trailing_profile(week_matrix(values), self.weeks, max_weeks=self.weeks + 4)
        mean = _repeat(profile, first, grid)
        errors = []
        for back in range(1, BAND_WEEKS + 1):
            cut = len(values) - back * HOURS_PER_WEEK
            if cut < HOURS_PER_WEEK:
                break
            past = trailing_profile(week_matrix(values[:cut]), self.weeks,
                                    max_weeks=self.weeks + 4)
            window = np.arange(cut, min(len(values), cut + HOURS_PER_WEEK))
            fitted = past[(window) % HOURS_PER_WEEK]
            errors.append(values[window] - fitted)
        spread = np.concatenate(errors) if errors else np.array([])
        spread = spread[~np.isnan(spread)]
        if not len(spread):
            known = np.nan_to_num(mean)
            low, _, high = count_quantiles(known, known, (0.1, 0.5, 0.9))
            return mean, low, high
        low, high = np.quantile(spread, [0.1, 0.9])
        return mean, mean + low, mean + high


class SeasonalNaive(_ProfileBaseline):
    """The same hour one week earlier (the last observed one if that hour is missing)."""

    weeks = 1

    def __init__(self, random_state: int | None = None):
        self.random_state = random_state


class SeasonalAverage(_ProfileBaseline):
    """The mean of the same hour-of-week over the last `weeks` weeks."""

    def __init__(self, weeks: int = 4, random_state: int | None = None):
        self.weeks = weeks
        self.random_state = random_state


class MSTLBaseline(_HourlyBaseline):
    """statsforecast MSTL with seasons 24 and 168 on the whole history (or its last
    `max_weeks` weeks when given); missing hours are filled with the 4-week seasonal average
    first."""

    def __init__(self, seasons: tuple[int, ...] = (24, 168), max_weeks: int | None = None,
                 random_state: int | None = None):
        self.seasons = seasons
        self.max_weeks = max_weeks
        self.random_state = random_state

    def _forecast(self, first: int, values: np.ndarray, grid: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        from statsforecast.models import MSTL

        keep = len(values) if self.max_weeks is None else min(
            len(values), self.max_weeks * HOURS_PER_WEEK)
        series = values[-keep:].copy()
        offset = len(values) - keep
        gaps = np.isnan(series)
        if gaps.any():
            profile = trailing_profile(week_matrix(values), 4, max_weeks=52)
            series[gaps] = profile[(np.nonzero(gaps)[0] + offset) % HOURS_PER_WEEK]
        end = first + len(values)
        ahead = int(grid[-1] - end + 1)
        model = MSTL(season_length=list(self.seasons))
        model = model.fit(series)
        result = model.predict(h=max(ahead, 1), level=[80])
        steps = grid - end
        ok = steps >= 0
        mean = np.full(len(grid), np.nan)
        low, high = mean.copy(), mean.copy()
        mean[ok] = result["mean"][steps[ok]]
        low[ok] = result["lo-80"][steps[ok]]
        high[ok] = result["hi-80"][steps[ok]]
        return mean, low, high


def _repeat(profile: np.ndarray, first: int, grid: np.ndarray) -> np.ndarray:
    return profile[(grid - first) % HOURS_PER_WEEK]
