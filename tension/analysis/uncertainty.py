"""How much the index depends on the weights: a band under many plausible weight sets, and exact sensitivities.

The stock is linear in the weights: with ``D`` the ``decay_daily`` table's ``d_<type>`` and ``d_tone`` columns
(days × (types + 1)) and ``w`` the weights followed by the tone weight, ``raw = D @ w`` and
``index = 10 · tanh(raw / scale)``. So many weight sets cost one matrix product ``D @ W`` (``W``: (types + 1) ×
draws), and the derivative of the index in each weight is exact: ``d index / d w_t = 10 · (1 − tanh²(raw / scale)) /
scale · D[day, t]``. Method and choices: docs/uncertainty.md.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from tension.analysis.change import TONE_LABEL, TONE_PART
from tension.index import DEFAULT_SCALE, DEFAULT_TONE_WEIGHT, INDEX_BOUND, bounded
from tension.taxonomy import get_type, presets, resolve_weights, type_ids

#: The least half-width of a plausible range, as a share of the weight's magnitude (±30 %).
DEFAULT_WIDEN = 0.3
DEFAULT_DRAWS = 1000
DEFAULT_QUANTILES = (0.05, 0.95)
#: The bytes of one block of days × antithetic pairs (float64) in ``weight_band``: memory stays bounded on long
#: spans, and a block that fits the cache is faster than one big product (524 days × 500 pairs).
BLOCK_BYTES = 2 * 2**20

_RANGE_SCHEMA = {"type": pl.String, "label": pl.String, "weight": pl.Float64, "low": pl.Float64,
                 "high": pl.Float64}


def _parts() -> list[str]:
    """The parameters of the index in the order of the columns of ``D``: the type ids, then ``tone``."""
    return [*type_ids(), TONE_PART]


def _labels() -> list[str]:
    return [get_type(t).label for t in type_ids()] + [TONE_LABEL]


def _finite(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value


def _check_scale(scale: float) -> float:
    scale = float(scale)
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    return scale


def plausible_ranges(weights: dict[str, float] | None = None, tone_weight: float = DEFAULT_TONE_WEIGHT, *,
                     widen: float = DEFAULT_WIDEN) -> pl.DataFrame:
    """Each type's plausible weight range around the current ``weights`` (and a ``tone`` row): the span of the
    presets and the current value, widened to at least ``±widen · |current|``. Columns type, label, weight, low, high.

    A weight of 0 gets no widening (its range is the preset span and 0: ``[0, 0]`` for ``statement``); the presets
    have no tone weight, so the tone range is ``tone_weight · (1 ± widen)``.
    """
    widen = _finite("widen", widen)
    if widen < 0:
        raise ValueError(f"widen must be ≥ 0, got {widen!r}")
    current = resolve_weights(weights)
    tone_weight = _finite("tone_weight", tone_weight)
    sets = list(presets().values())
    rows = []
    for t in type_ids():
        w = current[t]
        seen = [s[t] for s in sets] + [w]
        rows.append((t, w, min(min(seen), w - widen * abs(w)), max(max(seen), w + widen * abs(w))))
    spread = widen * abs(tone_weight)
    rows.append((TONE_PART, tone_weight, tone_weight - spread, tone_weight + spread))
    return pl.DataFrame({"type": [r[0] for r in rows], "label": _labels(), "weight": [r[1] for r in rows],
                         "low": [r[2] for r in rows], "high": [r[3] for r in rows]}, schema=_RANGE_SCHEMA)


def _range_bounds(ranges: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``low`` and ``high`` of ``ranges`` in the order of ``_parts()``; every part exactly once, finite, low ≤ high."""
    parts = _parts()
    missing = [c for c in ("type", "low", "high") if c not in ranges.columns]
    if missing:
        raise ValueError(f"the ranges lack the columns {', '.join(missing)}; pass the output of plausible_ranges")
    names = ranges["type"].to_list()
    unknown = sorted({str(n) for n in names if n not in parts})
    if unknown:
        raise ValueError(f"the ranges have unknown types {', '.join(unknown)}; expected the type ids and 'tone'")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"the ranges list {', '.join(twice)} more than once; expected one row per type and 'tone'")
    absent = [p for p in parts if p not in names]
    if absent:
        raise ValueError(f"the ranges lack rows for {', '.join(absent)}; expected one row per type and 'tone'")
    order = ranges.with_columns(pl.col("type").replace_strict(parts, list(range(len(parts))),
                                                              return_dtype=pl.Int64).alias("_pos")).sort("_pos")
    low = order["low"].cast(pl.Float64).to_numpy()
    high = order["high"].cast(pl.Float64).to_numpy()
    for i, part in enumerate(parts):
        lo, hi = float(low[i]), float(high[i])
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"the range of {part!r} must be finite, got [{lo!r}, {hi!r}]")
        if lo > hi:
            raise ValueError(f"the range of {part!r} has low {lo!r} above high {hi!r}")
    return low, high


def _loadings(decayed: pl.DataFrame) -> np.ndarray:
    """``D``: the ``d_<type>`` and ``d_tone`` columns of a ``decay_daily`` table (days × (types + 1)), finite."""
    cols = [f"d_{p}" for p in _parts()]
    missing = [c for c in ["date", *cols] if c not in decayed.columns]
    if missing:
        raise ValueError(f"the decayed table lacks the columns {', '.join(missing)}; pass the output of decay_daily")
    if decayed.height == 0:
        raise ValueError("the decayed table has no rows")
    loads = decayed.select(pl.col(c).cast(pl.Float64) for c in cols).to_numpy()
    if not np.isfinite(loads).all():
        raise ValueError("the decayed table has missing or non-finite values; pass the output of decay_daily")
    return loads


def _steps(ranges: pl.DataFrame, draws: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``mid``, ``half`` (per parameter) and ``spread`` (parameters × ``draws // 2``, uniform in [−1, 1))."""
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise ValueError(f"draws must be a positive whole number, got {draws!r}")
    low, high = _range_bounds(ranges)
    spread = 2.0 * np.random.default_rng(seed).random((len(low), int(draws) // 2)) - 1.0
    return (low + high) / 2.0, (high - low) / 2.0, spread


def draw_weights(ranges: pl.DataFrame, draws: int = DEFAULT_DRAWS, *, seed: int = 0) -> np.ndarray:
    """The ``draws`` weight vectors of ``weight_band`` (columns; rows: type ids then tone), uniform in ``ranges``:
    antithetic pairs ``mid ± half · s`` with ``s`` uniform in [−1, 1) from ``seed``; an odd count adds ``mid``."""
    mid, half, spread = _steps(ranges, draws, seed)
    steps = np.concatenate([spread, -spread, np.zeros((len(mid), int(draws) % 2))], axis=1)
    return mid[:, None] + half[:, None] * steps


def _order_statistic(i: int, n: int, pairs: int) -> tuple[float, int]:
    """Where the ``i``-th smallest (0-based) of a sample of ``n`` deviations ``±x_j`` (and one 0 if ``n`` is odd)
    sits among the ``pairs`` magnitudes ``|x_j|`` sorted ascending: (sign, rank), rank −1 for the 0."""
    if i < pairs:
        return -1.0, pairs - 1 - i
    if i >= n - pairs:
        return 1.0, i - (n - pairs)
    return 0.0, -1


def _band_block(centre: np.ndarray, spread_loads: np.ndarray, n: int, quantiles: tuple[float, float]) -> np.ndarray:
    """The raw quantiles (2 × days) of ``centre ± spread_loads`` (days × pairs), interpolated linearly between
    order statistics as ``np.quantile`` does; the sample is symmetric, so only the magnitudes are partitioned."""
    pairs = spread_loads.shape[1]
    size = np.abs(spread_loads)
    wanted = []
    for q in quantiles:
        p = q * (n - 1)
        lo = math.floor(p)
        wanted.append((p - lo, _order_statistic(lo, n, pairs), _order_statistic(min(lo + 1, n - 1), n, pairs)))
    ranks = sorted({r for _, a, b in wanted for _, r in (a, b) if r >= 0})
    if ranks:
        size.partition(ranks, axis=1)
    out = np.empty((len(quantiles), len(centre)))
    for k, (frac, (sign_a, rank_a), (sign_b, rank_b)) in enumerate(wanted):
        y_a = sign_a * size[:, rank_a] if rank_a >= 0 else 0.0
        y_b = sign_b * size[:, rank_b] if rank_b >= 0 else 0.0
        out[k] = centre + (y_a + frac * (y_b - y_a))
    return out


def weight_band(decayed: pl.DataFrame, ranges: pl.DataFrame, *, draws: int = DEFAULT_DRAWS, seed: int = 0,
                quantiles: tuple[float, float] = DEFAULT_QUANTILES, scale: float = DEFAULT_SCALE) -> pl.DataFrame:
    """The ``quantiles`` (5–95 %) of the index per day under the ``draws`` weight vectors of ``draw_weights``:
    ``date, raw_low, raw_high, index_low, index_high``; one matrix product per block of days."""
    scale = _check_scale(scale)
    if len(quantiles) != 2:
        raise ValueError(f"quantiles must be a (low, high) pair, got {quantiles!r}")
    q_low, q_high = (float(q) for q in quantiles)
    if not 0.0 <= q_low <= q_high <= 1.0:
        raise ValueError(f"quantiles must satisfy 0 ≤ low ≤ high ≤ 1, got {quantiles!r}")
    loads = _loadings(decayed)
    mid, half, spread = _steps(ranges, draws, seed)
    scaled = half[:, None] * spread  # raw of draw j and of its twin: D @ mid ± D @ scaled[:, j]
    centre = loads @ mid
    block = max(1, BLOCK_BYTES // (8 * max(1, spread.shape[1])))
    raw = np.empty((2, len(loads)))
    for s in range(0, len(loads), block):
        raw[:, s:s + block] = _band_block(centre[s:s + block], loads[s:s + block] @ scaled, int(draws),
                                          (q_low, q_high))
    raw += 0.0  # no -0.0
    return pl.DataFrame({"date": decayed["date"], "raw_low": raw[0], "raw_high": raw[1],
                         "index_low": bounded(raw[0], scale) + 0.0, "index_high": bounded(raw[1], scale) + 0.0})


def sensitivity(decayed: pl.DataFrame, day: dt.date, weights: dict[str, float] | None = None, *,
                tone_weight: float = DEFAULT_TONE_WEIGHT, scale: float = DEFAULT_SCALE) -> pl.DataFrame:
    """How much ``raw`` and the index move on ``day`` per unit of each type's weight and of the tone weight (exact):
    ``type, label, d_raw_per_unit, d_index_per_unit``, largest |d_index_per_unit| first."""
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise TypeError(f"day must be a datetime.date, got {day!r}")
    scale = _check_scale(scale)
    w = resolve_weights(weights)
    vec = np.array([w[t] for t in type_ids()] + [_finite("tone_weight", tone_weight)])
    loads = _loadings(decayed)
    rows = np.flatnonzero((decayed["date"] == day).to_numpy())
    if rows.size == 0:
        first, last = decayed["date"].min(), decayed["date"].max()
        raise ValueError(f"day {day} is not in the decayed table (it covers {first} to {last})")
    if rows.size > 1:
        raise ValueError(f"day {day} appears {rows.size} times in the decayed table; expected one row per day")
    d_raw = loads[rows[0]]
    slope = INDEX_BOUND * (1.0 - math.tanh(float(d_raw @ vec) / scale) ** 2) / scale
    frame = pl.DataFrame({"type": _parts(), "label": _labels(), "d_raw_per_unit": d_raw + 0.0,
                          "d_index_per_unit": slope * d_raw + 0.0},
                         schema={"type": pl.String, "label": pl.String, "d_raw_per_unit": pl.Float64,
                                 "d_index_per_unit": pl.Float64})
    return frame.sort(pl.col("d_index_per_unit").abs(), descending=True, maintain_order=True)
