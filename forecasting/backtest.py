"""Rolling-origin backtests: every model is fitted on the history before each origin and
scored on the next `horizon` hours, on the same folds."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import pandas as pd

from forecasting.baselines import MSTLBaseline, SeasonalAverage, SeasonalNaive
from forecasting.calendar import HOURS_PER_WEEK, to_hours
from forecasting.metrics import bias, coverage, mase, seasonal_scale, wape
from forecasting.model import EventProfileForecaster
from forecasting.validation import InputError

METRIC_COLUMNS = ["wape", "mase", "bias", "coverage"]


class Forecaster(Protocol):
    """The fit/predict contract every forecaster here follows."""

    def fit(self, history: pd.DataFrame, events: pd.DataFrame | None = None) -> Forecaster: ...

    def predict(self, start: pd.Timestamp | str, hours: int,
                events: pd.DataFrame | None = None) -> pd.DataFrame: ...


def default_models() -> dict[str, Callable[[], Forecaster]]:
    """The product's forecaster and the three baselines, by display name."""
    return {
        "event-profile (product)": EventProfileForecaster,
        "seasonal naive 168h": SeasonalNaive,
        "4-week seasonal average": SeasonalAverage,
        "MSTL (24, 168)": MSTLBaseline,
    }


def rolling_origins(history: pd.DataFrame, horizon: int, folds: int) -> list[pd.Timestamp]:
    """`folds` back-to-back origins so that the last window ends with the history."""
    if horizon < 1 or folds < 1:
        raise InputError(f"expected --horizon >= 1 and --folds >= 1, got {horizon} and {folds}")
    end = pd.Timestamp(history["timestamp"].max()) + pd.Timedelta(hours=1)
    start = pd.Timestamp(history["timestamp"].min())
    origins = [end - pd.Timedelta(hours=horizon * k) for k in range(folds, 0, -1)]
    if origins[0] - start < pd.Timedelta(hours=HOURS_PER_WEEK):
        raise InputError(f"expected a history longer than one week plus {folds} x {horizon} "
                         f"hours to backtest, got {(end - start) / pd.Timedelta(hours=1):.0f} "
                         f"hours")
    return origins


def score(actual: pd.DataFrame, forecast: pd.DataFrame, train: pd.DataFrame) -> dict[str, float]:
    """WAPE, MASE (season 168, mean over queues), bias and 80%-band coverage on the hours
    where the actual volume is known."""
    joined = forecast.merge(actual[["timestamp", "queue", "volume"]], on=["timestamp", "queue"])
    scales = []
    for queue, rows in joined.groupby("queue"):
        past = train[train["queue"] == queue]
        hours = to_hours(past["timestamp"])
        grid = np.full(int(hours.max() - hours.min()) + 1, np.nan)
        grid[hours - hours.min()] = past["volume"].to_numpy(float)
        scales.append(mase(rows["volume"], rows["forecast"], seasonal_scale(grid)))
    return {
        "wape": wape(joined["volume"], joined["forecast"]),
        "mase": float(np.nanmean(scales)) if np.isfinite(scales).any() else float("nan"),
        "bias": bias(joined["volume"], joined["forecast"]),
        "coverage": coverage(joined["volume"], joined["p10"], joined["p90"]),
    }


def backtest(history: pd.DataFrame, events: pd.DataFrame | None, horizon: int = 672,
             folds: int = 4, models: dict[str, Callable[[], Forecaster]] | None = None,
             origins: Sequence[pd.Timestamp] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Score every model on the same rolling-origin folds.

    Returns one row per model and fold (model, fold, origin, wape, mase, bias, coverage,
    seconds) and the distinct warnings the fits raised.
    """
    models = models or default_models()
    origins = list(origins) if origins is not None else rolling_origins(history, horizon, folds)
    rows, messages = [], []
    for fold, origin in enumerate(origins, start=1):
        train = history[history["timestamp"] < origin]
        test = history[(history["timestamp"] >= origin)
                       & (history["timestamp"] < origin + pd.Timedelta(hours=horizon))]
        for name, make in models.items():
            began = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                forecast = make().fit(train, events).predict(origin, horizon, events)
            messages += [str(w.message) for w in caught if str(w.message) not in messages]
            rows.append({"model": name, "fold": fold, "origin": origin,
                         **score(test, forecast, train),
                         "seconds": time.perf_counter() - began})
    return pd.DataFrame(rows), messages


def summarize(results: pd.DataFrame) -> pd.DataFrame:
    """Mean of each metric per model over the folds, in the models' original order."""
    order = list(dict.fromkeys(results["model"]))
    table = results.groupby("model")[[*METRIC_COLUMNS, "seconds"]].mean()
    return table.loc[order].reset_index()
