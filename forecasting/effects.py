"""Event effects learned per kind: a relative-time shape times a per-occurrence scale.

The volume in an event's footprint (the hours before, inside and after it) is modelled as
`baseline x prod(1 + scale_e x excess_kind[bin])` over the events touching the hour. The
shape `excess_kind` is shared by every event of a kind (each named promotion happens once
a year, so names alone teach little); `scale_e` says how strong one occurrence was, and an
event whose name was seen before is forecast with that name's scale. Shapes and scales are
fitted by backfitting (each event in turn against the volume left after the others).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from forecasting.calendar import N_BINS, Occurrence, footprint_bins, inside_any

MIN_MULTIPLIER = 1e-3
SCALE_LIMITS = (0.1, 5.0)
DEFAULT_SCALE_SD = 0.3
"""Relative spread of a kind's strength when the history holds only one occurrence."""


@dataclass
class KindEffect:
    """The learned shape of one kind: `excess[bin]` (0 = no effect) and the occurrence
    strengths' relative spread."""

    excess: np.ndarray
    scale_sd: float
    occurrences: int


@dataclass
class Effects:
    """Everything learned about events for one queue."""

    kinds: dict[str, KindEffect] = field(default_factory=dict)
    name_scale: dict[tuple[str, str], float] = field(default_factory=dict)
    pre_hours: int = 24
    post_hours: int = 24
    shape_cv: float = 0.3
    """Relative error of a learned excess besides the strength spread (few occurrences)."""

    def multiplier(self, hours: np.ndarray, occs: list[Occurrence]) -> tuple[np.ndarray,
                                                                              np.ndarray]:
        """The product of learned event multipliers at `hours`, and the variance of that
        multiplier from the spread of past strengths of the kinds there (for the band).
        Unknown kinds contribute nothing."""
        total = np.ones(len(hours))
        spread = np.zeros(len(hours))
        busy = inside_any(hours, occs)
        for occ in occs:
            effect = self.kinds.get(occ.kind)
            if effect is None:
                continue
            bins = footprint_bins(hours, occ, self.pre_hours, self.post_hours, busy, occs)
            inside = bins >= 0
            if not inside.any():
                continue
            scale = self.name_scale.get((occ.kind, occ.name), 1.0)
            excess = effect.excess[bins[inside]]
            total[inside] *= np.maximum(0.0, 1.0 + scale * excess)
            spread[inside] += (effect.scale_sd**2 + self.shape_cv**2) * (scale * excess) ** 2
        return total, spread


def fit_effects(hours: np.ndarray, values: np.ndarray, baseline: np.ndarray,
                usable: np.ndarray, occs: list[Occurrence], pre_hours: int, post_hours: int,
                shrink_hours: float = 0.5, name_prior: float = 0.25,
                iterations: int = 6) -> Effects:
    """Learn per-kind shapes and per-occurrence scales from the history on one hour grid.

    `values` may hold NaN (missing); only `usable` hours with a positive baseline count.
    `shrink_hours` pulls each bin toward no effect by that many hours of typical volume;
    `name_prior` weighs the kind's average strength (1.0) against a name's past occurrences,
    in units of a median occurrence's information.
    """
    first = int(hours[0]) if len(hours) else 0
    n = len(hours)
    parts = []
    busy = inside_any(hours, occs)
    for occ in occs:
        lo = max(0, occ.start - pre_hours - first)
        hi = min(n, occ.end + post_hours - first)
        if hi <= lo:
            continue
        bins = footprint_bins(hours[lo:hi], occ, pre_hours, post_hours, busy[lo:hi], occs)
        ok = usable[lo:hi] & (bins >= 0) & (baseline[lo:hi] > 0) & ~np.isnan(values[lo:hi])
        if ok.any():
            parts.append((occ, slice(lo, hi), bins, ok))
    effects = Effects(pre_hours=pre_hours, post_hours=post_hours)
    if not parts:
        return effects
    typical = float(np.mean(baseline[usable & (baseline > 0)])) if (usable & (baseline > 0)).any() \
        else 1.0
    lam = shrink_hours * typical
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, (occ, *_rest) in enumerate(parts):
        by_kind[occ.kind].append(i)
    scales = np.ones(len(parts))
    info = np.zeros(len(parts))
    mult = [np.ones(p[1].stop - p[1].start) for p in parts]
    product = np.ones(n)
    excess: dict[str, np.ndarray] = {k: np.zeros(N_BINS) for k in by_kind}
    for _ in range(iterations):
        for kind, members in by_kind.items():
            num, den = np.zeros(N_BINS), np.zeros(N_BINS)
            residuals = {}
            for i in members:
                _occ, sl, bins, ok = parts[i]
                weight = baseline[sl] * product[sl] / mult[i]
                rel = np.where(ok, values[sl] / np.where(ok, weight, 1.0) - 1.0, 0.0)
                residuals[i] = (weight, rel)
                np.add.at(num, bins[ok], (weight * scales[i] * rel)[ok])
                np.add.at(den, bins[ok], (weight * scales[i] ** 2)[ok])
            shape = num / (den + lam)
            for i in members:
                _occ, sl, bins, ok = parts[i]
                weight, rel = residuals[i]
                g = np.where(ok, shape[np.maximum(bins, 0)], 0.0)
                info[i] = float(np.sum(weight * g * g))
                prior = 1e-9
                fitted = (float(np.sum(weight * rel * g)) + prior) / (info[i] + prior)
                scales[i] = float(np.clip(fitted, *SCALE_LIMITS))
            mean_scale = float(np.mean(scales[members]))
            if mean_scale > 0:
                shape *= mean_scale
                scales[members] /= mean_scale
            excess[kind] = shape
            for i in members:
                _occ, sl, bins, _ok = parts[i]
                others = product[sl] / mult[i]
                new = np.ones(len(bins))
                inside = bins >= 0
                new[inside] = np.maximum(MIN_MULTIPLIER, 1.0 + scales[i] * shape[bins[inside]])
                mult[i] = new
                product[sl] = others * new
    for kind, members in by_kind.items():
        sd = float(np.std(scales[members], ddof=1)) if len(members) > 1 else DEFAULT_SCALE_SD
        effects.kinds[kind] = KindEffect(excess[kind], max(sd, 0.05), len(members))
        prior_info = name_prior * float(np.median(info[members])) + 1e-9
        names: dict[str, list[int]] = defaultdict(list)
        for i in members:
            names[parts[i][0].name].append(i)
        for name, idx in names.items():
            weighted = float(np.sum(info[idx] * scales[idx])) + prior_info
            effects.name_scale[(kind, name)] = weighted / (float(np.sum(info[idx])) + prior_info)
    return effects
