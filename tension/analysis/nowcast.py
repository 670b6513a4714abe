"""A nowcast past the curated record: a machine-coded daily series calibrated onto the curated index.

``machine_series`` turns machine-coded events (or any daily score) into a feature ``x``: the decayed mean of the
daily score with a memory of ``half_life`` days (a day without a score is left out of the mean, not counted as 0).
``calibrate`` fits ``index ≈ intercept + slope · x`` by least squares on the days both series have in a fit
window and keeps the fit residuals (index points) and their day-to-day autocorrelation ``rho``. ``nowcast`` draws
the calibrated series only for days *after* the curated record's last day, with a prediction band from the
residuals' quantiles; given the curated value on that day (``anchor``), the last residual fades as ``rho^h`` over
``h`` days and the band widens from it as ``sqrt(1 − rho^(2h))`` (an AR(1) residual). The nowcast is a separate
frame (``source = "nowcast"``), never merged into the curated series. Method and measured quality: docs/nowcast.md.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from tension.events import as_frame
from tension.index import DEFAULT_TONE_WEIGHT, INDEX_BOUND, compute_index, daily_columns, decay

#: Memory of the machine feature, days: chosen by bench/nowcast_eval.py on the fit part only (docs/nowcast.md; 60
#: until the record of 2,098 events, on which 90 days has the lower error).
DEFAULT_MACHINE_HALF_LIFE = 90.0
#: Nominal share of days inside the prediction band.
DEFAULT_LEVEL = 0.9
#: The fewest days with both series that ``calibrate`` accepts (and the fewest test days ``evaluate_calibration``).
MIN_OVERLAP_DAYS = 60
#: The value of the ``source`` column of a nowcast.
SOURCE = "nowcast"
#: Rows named in an error about bad values.
SHOWN = 3


@dataclass(frozen=True)
class Calibration:
    """``index ≈ intercept + slope · x`` fitted on ``fit_start..fit_end`` (``n_days`` days with both series), with
    ``r`` and ``rmse`` (index points) there, the lag-1 autocorrelation ``rho`` and the sorted fit ``residuals``."""

    intercept: float
    slope: float
    fit_start: dt.date
    fit_end: dt.date
    n_days: int
    r: float
    rmse: float
    rho: float
    residuals: tuple[float, ...]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The calibrated index for feature values ``x``, clipped to the index bounds (±10)."""
        return np.clip(self.intercept + self.slope * np.asarray(x, dtype=float), -INDEX_BOUND, INDEX_BOUND)

    def band(self, level: float = DEFAULT_LEVEL) -> tuple[float, float]:
        """The residual quantiles (low, high) that leave ``(1 − level) / 2`` of the fit days on each side."""
        _check_level(level)
        low, high = np.quantile(np.asarray(self.residuals), [(1 - level) / 2, (1 + level) / 2])
        return float(low), float(high)


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be a share strictly between 0 and 1 (e.g. 0.9), got {level!r}")


def _dates(frame: pl.DataFrame, name: str) -> pl.Series:
    """The ``date`` column as dates (a pandas midnight timestamp is accepted), refused when null or repeated."""
    if "date" not in frame.columns:
        raise ValueError(f"{name}: no 'date' column (columns: {', '.join(frame.columns) or 'none'})")
    dates = frame["date"]
    if dates.dtype == pl.Datetime and (dates.dt.truncate("1d") == dates).all():
        dates = dates.cast(pl.Date)
    if dates.dtype != pl.Date:
        raise ValueError(f"{name}: column 'date' has dtype {dates.dtype}, expected a date")
    if dates.null_count():
        row = int(dates.is_null().arg_max())
        raise ValueError(f"{name}: column 'date' has {dates.null_count()} empty cells (first at row {row})")
    repeated = dates.filter(dates.is_duplicated()).unique().sort()
    if repeated.len():
        shown = ", ".join(str(d) for d in repeated.head(SHOWN))
        raise ValueError(f"{name}: {repeated.len()} dates appear more than once ({shown}); expected one row per day")
    return dates


def _numbers(frame: pl.DataFrame, column: str, name: str) -> np.ndarray:
    """A numeric column as floats, refused (naming the rows) when it is missing, not numeric, null or not finite."""
    if column not in frame.columns:
        raise ValueError(f"{name}: no '{column}' column (columns: {', '.join(frame.columns) or 'none'})")
    values = frame[column]
    if not values.dtype.is_numeric():
        raise ValueError(f"{name}: column '{column}' has dtype {values.dtype}, expected numbers")
    x = values.cast(pl.Float64).fill_null(math.nan).to_numpy()
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        shown = ", ".join(f"row {i} ({frame['date'][int(i)] if 'date' in frame.columns else '?'}): "
                          f"{'empty' if values[int(i)] is None else x[i]}" for i in bad[:SHOWN])
        raise ValueError(f"{name}: column '{column}' has {bad.size} empty or non-finite values ({shown}); "
                         "expected a finite number on every row")
    return x


def machine_series(data: pl.DataFrame | pl.LazyFrame | object, *, half_life: float = DEFAULT_MACHINE_HALF_LIFE,
                   score: str = "score", weights: dict[str, float] | None = None,
                   tone_weight: float = DEFAULT_TONE_WEIGHT) -> pl.DataFrame:
    """The machine feature ``(date, x, observed)``: the decayed mean (memory ``half_life`` days) of a daily score.

    ``data`` is machine-coded events (e.g. ``load_store(...)``) or their daily table, scored with ``weights`` and
    ``tone_weight`` (each day's shock; a day without events scores 0), or a frame of ``date`` and a ``score`` column
    (one row per day); a day missing from it is left out of the mean and marked ``observed = False``.
    """
    if not (half_life > 0):
        raise ValueError(f"half_life must be > 0 days (or math.inf), got {half_life!r}")
    frame = as_frame(data)
    name = "machine series"
    if "type" in frame.columns or daily_columns()[-1] in frame.columns:
        shocks = compute_index(frame, weights, half_life=0.0, tone_weight=tone_weight).select("date", "shock")
        daily = shocks.rename({"shock": "score"})
        score = "score"
    else:
        dates = _dates(frame, name)
        values = _numbers(frame, score, name)
        if frame.height == 0:
            raise ValueError(f"{name}: no rows")
        daily = pl.DataFrame({"date": dates, "score": values}).sort("date")
        score = "score"
    days = pl.DataFrame({"date": pl.date_range(daily["date"][0], daily["date"][-1], "1d", eager=True)})
    full = days.join(daily, on="date", how="left")
    observed = full[score].is_not_null().to_numpy()
    values = full[score].fill_null(0.0).to_numpy()
    weight_sum = decay(observed.astype(float)[:, None], half_life)[:, 0]
    x = decay(values[:, None], half_life)[:, 0] / weight_sum
    return pl.DataFrame({"date": full["date"], "x": x, "observed": observed})


def _window(day_range: tuple[dt.date, dt.date], label: str) -> tuple[dt.date, dt.date]:
    start, end = day_range
    if start > end:
        raise ValueError(f"{label} starts on {start}, after its end {end}")
    return start, end


def _paired(curated: pl.DataFrame | object, machine: pl.DataFrame | object, start: dt.date, end: dt.date,
            label: str) -> pl.DataFrame:
    """(date, index, x) on the days from ``start`` to ``end`` that both series have; ValueError when too few."""
    cur = as_frame(curated)
    mac = as_frame(machine)
    cur = pl.DataFrame({"date": _dates(cur, "curated index"), "index": _numbers(cur, "index", "curated index")})
    mac = pl.DataFrame({"date": _dates(mac, "machine series"), "x": _numbers(mac, "x", "machine series")})
    both = cur.join(mac, on="date", how="inner").filter(pl.col("date").is_between(start, end)).sort("date")
    if both.height < MIN_OVERLAP_DAYS:
        spans = (f"curated {cur['date'].min()}..{cur['date'].max()}, machine {mac['date'].min()}..{mac['date'].max()}"
                 if cur.height and mac.height else "one series is empty")
        raise ValueError(f"the {label} {start}..{end} has {both.height} days with both the curated index and the "
                         f"machine series ({spans}); at least {MIN_OVERLAP_DAYS} are needed")
    return both


def _r(a: np.ndarray, b: np.ndarray) -> float:
    if a.std() == 0.0 or b.std() == 0.0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])


def calibrate(curated_index: pl.DataFrame | object, machine: pl.DataFrame | object, *,
              fit: tuple[dt.date, dt.date], intercept: bool = True) -> Calibration:
    """Fit ``index ≈ intercept + slope · x`` (least squares; ``intercept=False`` fixes it at 0) on the days of
    ``fit`` that both ``curated_index`` (date, index) and ``machine`` (date, x) have; ValueError when too few."""
    start, end = _window(fit, "fit window")
    both = _paired(curated_index, machine, start, end, "fit window")
    y = both["index"].to_numpy()
    x = both["x"].to_numpy()
    if x.std() == 0.0:
        raise ValueError(f"the machine series is constant ({x[0]:g}) over the fit window {start}..{end}: "
                         "nothing to calibrate")
    if intercept:
        slope, icept = np.polyfit(x, y, 1)
    else:
        slope, icept = float(x @ y / (x @ x)), 0.0
    res = y - (icept + slope * x)
    rho = _r(res[:-1], res[1:]) if res.size > 2 else math.nan
    return Calibration(intercept=float(icept), slope=float(slope), fit_start=both["date"][0],
                       fit_end=both["date"][-1], n_days=both.height, r=_r(x, y),
                       rmse=float(np.sqrt(np.mean(res ** 2))), rho=0.0 if math.isnan(rho) else max(0.0, rho),
                       residuals=tuple(np.sort(res).tolist()))


def nowcast(calibration: Calibration, machine: pl.DataFrame | object, *, after: dt.date,
            level: float = DEFAULT_LEVEL, anchor: float | None = None) -> pl.DataFrame:
    """The calibrated series ``(date, index, index_low, index_high, source)`` for the machine days after ``after``
    (the curated record's last day) only; ``anchor`` (the curated index on ``after``) carries its residual forward.

    Without ``anchor`` the band is the fit residuals' ``level`` quantiles around ``intercept + slope · x``; with it,
    ``h`` days on the residual of ``after`` adds ``rho^h`` of itself and the band is scaled by ``sqrt(1 − rho^(2h))``.
    """
    _check_level(level)
    mac = as_frame(machine)
    mac = pl.DataFrame({"date": _dates(mac, "machine series"), "x": _numbers(mac, "x", "machine series")})
    mac = mac.sort("date")
    later = mac.filter(pl.col("date") > after)
    if later.height == 0:
        last = mac["date"].max() if mac.height else None
        raise ValueError(f"the machine series has no day after {after} (its last day is {last}): nothing to nowcast")
    low, high = calibration.band(level)
    centre = calibration.intercept + calibration.slope * later["x"].to_numpy()
    if anchor is None:
        offset = np.zeros(later.height)
        spread = np.ones(later.height)
    else:
        if not math.isfinite(anchor):
            raise ValueError(f"anchor must be a finite index value, got {anchor!r}")
        on_day = mac.filter(pl.col("date") == after)
        if on_day.height == 0:
            raise ValueError(f"anchor given but the machine series has no value on {after} to take its residual")
        last_residual = anchor - (calibration.intercept + calibration.slope * on_day["x"][0])
        horizon = np.array([(d - after).days for d in later["date"]], dtype=float)
        fade = calibration.rho ** horizon
        offset = last_residual * fade
        spread = np.sqrt(1.0 - fade ** 2)
    centre = centre + offset

    def bounded(v: np.ndarray) -> np.ndarray:
        return np.clip(v, -INDEX_BOUND, INDEX_BOUND)

    return pl.DataFrame({
        "date": later["date"],
        "index": bounded(centre),
        "index_low": bounded(centre + low * spread),
        "index_high": bounded(centre + high * spread),
        "source": pl.Series([SOURCE] * later.height, dtype=pl.String),
    })


def evaluate_calibration(curated: pl.DataFrame | object, machine: pl.DataFrame | object,
                         fit: tuple[dt.date, dt.date], test: tuple[dt.date, dt.date], *,
                         level: float = DEFAULT_LEVEL, intercept: bool = True, anchored: bool = False) -> dict:
    """Calibrate on ``fit`` and score the nowcast on the later ``test`` days: r, mean absolute and RMS error and bias
    (index points), and the share of test days inside the band. ``anchored`` anchors on the day before ``test``."""
    _check_level(level)
    fit_start, fit_end = _window(fit, "fit window")
    test_start, test_end = _window(test, "test window")
    if test_start <= fit_end:
        raise ValueError(f"the test window {test_start}..{test_end} must start after the fit window ends ({fit_end})")
    cal = calibrate(curated, machine, fit=(fit_start, fit_end), intercept=intercept)
    both = _paired(curated, machine, test_start, test_end, "test window")
    origin = test_start - dt.timedelta(days=1)
    anchor = None
    if anchored:
        cur = as_frame(curated)
        on_day = cur.filter(pl.col("date") == origin)
        if on_day.height == 0:
            raise ValueError(f"anchored evaluation needs the curated index on {origin}, the day before the test window")
        anchor = float(on_day["index"][0])
    mac = as_frame(machine).filter(pl.col("date") <= test_end)
    pred = nowcast(cal, mac, after=origin, level=level, anchor=anchor)
    joined = both.join(pred, on="date", how="inner")
    y = joined["index"].to_numpy()
    p = joined["index_right"].to_numpy()
    err = y - p
    inside = (y >= joined["index_low"].to_numpy()) & (y <= joined["index_high"].to_numpy())
    return {
        "calibration": cal,
        "fit_r": cal.r,
        "fit_rmse": cal.rmse,
        "test_days": joined.height,
        "r": _r(p, y),
        "mae": float(np.mean(np.abs(err))),
        "rmse": float(np.sqrt(np.mean(err ** 2))),
        "bias": float(np.mean(err)),
        "coverage": float(np.mean(inside)),
        "level": level,
    }


def after_record(curated_index: pl.DataFrame, machine: pl.DataFrame | object, *, level: float = DEFAULT_LEVEL
                 ) -> tuple[pl.DataFrame, Calibration]:
    """The nowcast after the curated record's last day, calibrated on every day both series share up to it and
    anchored on the record's last value (what the dashboard draws), with its calibration."""
    curated = as_frame(curated_index)
    after = curated["date"].max()
    first = max(curated["date"].min(), _dates(as_frame(machine), "machine series").min())
    calibration = calibrate(curated, machine, fit=(first, after))
    anchor = float(curated.filter(pl.col("date") == after)["index"][0])
    return nowcast(calibration, machine, after=after, level=level, anchor=anchor), calibration
