"""A scale chosen from the data, and how much of the time the index sits at its bound.

``index = 10 · tanh(raw / scale)``. ``data_scale`` picks ``scale = Q_q(|raw|) / target`` so that the q-quantile of
``|raw|`` maps to ``10 · tanh(target)`` (±7.6 by default), rounded to two significant figures and never below a floor.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from tension.index import DEFAULT_SCALE, INDEX_BOUND

#: ``raw / scale`` at the quantile by default: there the index is ``10 · tanh(atanh(0.76)) = 7.6``.
DEFAULT_TARGET = math.atanh(0.76)
DEFAULT_QUANTILE = 0.99
#: The smallest scale ``data_scale`` returns, so a handful of events never divides by (almost) zero.
SCALE_FLOOR = 1.0
#: The bound ``at_bound`` counts days beyond.
BOUND_THRESHOLD = 9.5


def _values(values: pl.Series | np.ndarray, name: str) -> np.ndarray:
    if isinstance(values, pl.Series):
        if values.null_count():
            raise ValueError(f"{name} has {values.null_count()} missing values; expected one number per day")
        values = values.to_numpy()
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0:
        raise ValueError(f"{name} is empty; expected one number per day")
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        raise ValueError(f"{name} has {bad.size} non-finite values (first at position {bad[0]}: {x[bad[0]]!r})")
    return x


def _two_figures(x: float) -> float:
    """``x`` (> 0) rounded to two significant figures: 123.4 → 120, 0.0345 → 0.035."""
    return round(x, 1 - math.floor(math.log10(x)))


def data_scale(raw: pl.Series | np.ndarray, *, quantile: float = DEFAULT_QUANTILE,
               target: float = DEFAULT_TARGET, floor: float = SCALE_FLOOR) -> float:
    """The scale at which the ``quantile`` of ``|raw|`` maps to ``10 · tanh(target)`` (7.6), to 2 significant figures.

    A zero quantile falls back to the largest ``|raw|``, all-zero ``raw`` to ``DEFAULT_SCALE``; never below ``floor``.
    """
    if not 0.0 < quantile <= 1.0:
        raise ValueError(f"quantile must be in (0, 1], got {quantile!r}")
    if not (target > 0 and math.isfinite(target)):
        raise ValueError(f"target must be a positive finite number, got {target!r}")
    if not (floor > 0 and math.isfinite(floor)):
        raise ValueError(f"floor must be a positive finite number, got {floor!r}")
    size = np.abs(_values(raw, "raw"))
    peak = float(size.max())
    if peak == 0.0:
        return DEFAULT_SCALE
    level = float(np.quantile(size, quantile))
    if level == 0.0:  # most days are quiet (e.g. no memory and few events): scale to the largest day instead
        level = peak
    return max(floor, _two_figures(level / target))


def at_bound(index: pl.Series | np.ndarray, threshold: float = BOUND_THRESHOLD) -> float:
    """The share of days (0..1) whose ``|index|`` exceeds ``threshold`` (9.5 of the bound 10)."""
    if not 0.0 <= threshold < INDEX_BOUND:
        raise ValueError(f"threshold must be in [0, {INDEX_BOUND:g}), got {threshold!r}")
    x = _values(index, "index")
    return float(np.mean(np.abs(x) > threshold))
