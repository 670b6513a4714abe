import datetime as dt
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tension.analysis import uncertainty
from tension.analysis.uncertainty import draw_weights, plausible_ranges, sensitivity, weight_band
from tension.events import load_events
from tension.index import DEFAULT_SCALE, aggregate, compute_index, decay_daily, weigh
from tension.taxonomy import default_weights, type_ids
from tests.conftest import make_events

DATA = Path(__file__).resolve().parent.parent / "data" / "events.csv"
PARTS = [*type_ids(), "tone"]


@pytest.fixture(scope="module")
def bundled() -> pl.DataFrame:
    """The bundled record's daily table (tone scored once for the module)."""
    return aggregate(load_events(DATA))


@pytest.fixture(scope="module")
def decayed(bundled) -> pl.DataFrame:
    return decay_daily(bundled, 180.0)


def _fixed(weights: dict[str, float] | None = None, tone_weight: float = 3.0) -> pl.DataFrame:
    """Ranges of zero width at ``weights`` (defaults overlaid) and ``tone_weight``."""
    w = {**default_weights(), **(weights or {})}
    values = [w[t] for t in type_ids()] + [tone_weight]
    return pl.DataFrame({"type": PARTS, "low": values, "high": values})


def _with(ranges: pl.DataFrame, part: str, low: float, high: float) -> pl.DataFrame:
    return ranges.with_columns(
        low=pl.when(pl.col("type") == part).then(pl.lit(low)).otherwise(pl.col("low")),
        high=pl.when(pl.col("type") == part).then(pl.lit(high)).otherwise(pl.col("high")))


def _range(ranges: pl.DataFrame, part: str) -> tuple[float, float]:
    row = ranges.filter(pl.col("type") == part).row(0, named=True)
    return row["low"], row["high"]


# --- plausible ranges -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("part", "low", "high"), [
    ("talks", 2.8, 5.2),            # presets 4.0, 3.9, 4.0, 5.0; ±30 % of 4 is 2.8..5.2, wider on both sides
    ("visit", 2.3, 5.0),            # presets 3.5, 2.3, 4.0, 5.0; ±30 % of 3.5 is 2.45..4.55, narrower
    ("phone_call", 1.0, 5.0),       # presets 1.5, 1.0, 1.5, 5.0 (Equal magnitudes)
    ("statement", 0.0, 0.0),        # 0 in every preset, and ±30 % of 0 adds nothing
    ("incident", -9.1, -4.2),       # presets −6, −9.1 (Goldstein), −7, −5; −6 · 0.7 = −4.2 widens the top
    ("sovereignty_dispute", -5.2, -2.8),
    ("tone", 2.1, 3.9),             # no preset: 3 ± 30 %
])
def test_default_ranges_by_hand(part, low, high):
    ranges = plausible_ranges()
    assert ranges.columns == ["type", "label", "weight", "low", "high"]
    assert ranges["type"].to_list() == PARTS
    assert _range(ranges, part) == pytest.approx((low, high), abs=1e-12)
    assert ranges.filter(pl.col("type") == "tone")["label"][0] == "Tone of statements"


def test_ranges_follow_the_current_weights():
    ranges = plausible_ranges({"talks": 10.0, "visit": 0.0, "sanctions": -1.0}, tone_weight=-2.0)
    assert _range(ranges, "talks") == pytest.approx((3.9, 13.0))       # presets' least, then 10 + 3
    assert _range(ranges, "visit") == pytest.approx((0.0, 5.0))        # a zero weight: the presets' span and 0
    assert _range(ranges, "sanctions") == pytest.approx((-7.0, -0.7))  # Default −7 .. −1 · 0.7
    assert _range(ranges, "tone") == pytest.approx((-2.6, -1.4))
    assert ranges.filter(pl.col("type") == "talks")["weight"][0] == 10.0
    assert _range(plausible_ranges(tone_weight=0.0), "tone") == (0.0, 0.0)


def test_ranges_nest_as_widen_grows():
    previous = None
    for widen in (0.0, 0.1, 0.3, 0.6, 1.5):
        ranges = plausible_ranges(widen=widen)
        assert (ranges["low"] <= ranges["weight"]).all() and (ranges["weight"] <= ranges["high"]).all()
        if previous is not None:
            assert (ranges["low"] <= previous["low"]).all() and (ranges["high"] >= previous["high"]).all()
        previous = ranges
    assert _range(plausible_ranges(widen=0.0), "tone") == (3.0, 3.0)
    assert _range(plausible_ranges(widen=0.0), "talks") == (3.9, 5.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"widen": -0.1}, "widen must be ≥ 0"),
    ({"widen": math.nan}, "widen must be a finite number"),
    ({"tone_weight": math.inf}, "tone_weight must be a finite number"),
    ({"weights": {"talk": 1.0}}, "unknown event type 'talk'"),
])
def test_ranges_refuse_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plausible_ranges(**kwargs)


# --- the band ---------------------------------------------------------------------------------------------------------

def test_band_by_hand_one_draw_is_the_midpoint():
    # One talks event (salience 1), half-life 1 day: d_talks is 1 then 0.5. Talks in [2, 8], the rest fixed at
    # their defaults, no statements, so raw = w_talks · d_talks. One draw is the midpoint, 5: raw 5, then 2.5.
    # (The centre of the band is the middle of the ranges, not the current weight 4.)
    daily = aggregate(make_events([("2023-01-01", "talks", 1.0)]))
    quiet = daily.with_columns(date=pl.lit(dt.date(2023, 1, 2)), n_events=pl.lit(0, dtype=pl.Int64),
                               s_talks=pl.lit(0.0))
    decayed = decay_daily(pl.concat([daily, quiet]), 1.0)
    band = weight_band(decayed, _with(_fixed(), "talks", 2.0, 8.0), draws=1, scale=10.0)
    assert band.columns == ["date", "raw_low", "raw_high", "index_low", "index_high"]
    assert band["raw_low"].to_list() == pytest.approx([5.0, 2.5], abs=1e-12)
    assert band["raw_high"].to_list() == pytest.approx([5.0, 2.5], abs=1e-12)
    assert band["index_low"].to_list() == pytest.approx([10 * math.tanh(0.5), 10 * math.tanh(0.25)], abs=1e-12)
    # With many draws and the 0–100 % quantiles the band spans (almost all of) 2..8 · d_talks, never beyond.
    wide = weight_band(decayed, _with(_fixed(), "talks", 2.0, 8.0), draws=1000, quantiles=(0.0, 1.0), scale=10.0)
    assert wide["raw_low"][0] >= 2.0 and wide["raw_low"][0] < 2.05
    assert wide["raw_high"][0] <= 8.0 and wide["raw_high"][0] > 7.95
    assert wide["raw_low"][0] + wide["raw_high"][0] == pytest.approx(10.0, abs=1e-12)  # antithetic: symmetric


@pytest.mark.parametrize("draws", [1, 2, 3, 10, 999, 1000])
@pytest.mark.parametrize("quantiles", [(0.05, 0.95), (0.0, 1.0), (0.5, 0.5), (0.2, 0.9), (0.3, 0.4)])
def test_band_is_the_quantile_of_every_draw(decayed, draws, quantiles):
    # The shortcut (magnitudes of one half of the antithetic pairs) equals np.quantile over the full product.
    ranges = plausible_ranges()
    raws = decayed.select(f"d_{p}" for p in PARTS).to_numpy() @ draw_weights(ranges, draws, seed=7)
    assert raws.shape == (decayed.height, draws)
    low, high = np.quantile(raws, quantiles, axis=1)
    band = weight_band(decayed, ranges, draws=draws, seed=7, quantiles=quantiles)
    assert np.abs(band["raw_low"].to_numpy() - low).max() < 1e-9
    assert np.abs(band["raw_high"].to_numpy() - high).max() < 1e-9
    assert band["index_high"].to_numpy() == pytest.approx(10 * np.tanh(high / DEFAULT_SCALE), abs=1e-12)


def test_draws_are_uniform_in_the_ranges_and_paired():
    ranges = plausible_ranges()
    w = draw_weights(ranges, 1001, seed=3)
    low, high = ranges["low"].to_numpy()[:, None], ranges["high"].to_numpy()[:, None]
    assert w.shape == (len(PARTS), 1001)
    assert ((w >= low) & (w <= high)).all()
    mid = (low + high) / 2
    assert w[:, :500] + w[:, 500:1000] == pytest.approx(np.repeat(2 * mid, 500, axis=1))  # antithetic twins
    assert w[:, 1000] == pytest.approx(mid[:, 0])                                           # the odd one: the middle
    talks = w[0, :1000]  # uniform on [2.8, 5.2]: mean 4.0, sd 2.4 / √12 ≈ 0.693
    assert talks.mean() == pytest.approx(4.0, abs=1e-12)
    assert talks.std() == pytest.approx(2.4 / math.sqrt(12), rel=0.05)


def test_zero_ranges_collapse_onto_the_index(decayed):
    weights = {"talks": 2.5, "sanctions": -9.0}
    band = weight_band(decayed, _fixed(weights, 1.5), draws=1000, seed=11)
    index = weigh(decayed, weights, tone_weight=1.5)
    assert (band["index_low"] == band["index_high"]).all()
    assert np.abs(band["raw_low"].to_numpy() - index["raw"].to_numpy()).max() < 1e-9
    assert np.abs(band["index_low"].to_numpy() - index["index"].to_numpy()).max() < 1e-12


def test_band_is_reproducible_with_the_seed(decayed):
    ranges = plausible_ranges()
    first = weight_band(decayed, ranges, seed=42)
    assert first.equals(weight_band(decayed, ranges, seed=42))
    other = weight_band(decayed, ranges, seed=43)
    assert not first.equals(other)
    # Different draws, but the same band to within sampling noise: the 95 % edge moves by well under a point.
    assert np.abs(first["index_high"].to_numpy() - other["index_high"].to_numpy()).max() < 0.5


def test_band_widens_monotonically_with_the_ranges(decayed):
    # Common random numbers (one seed), the same midpoints, half-widths scaled by 0, 0.25, 0.5, 1, 2: each band
    # holds the previous one on every day, and the one of zero width is the index at the midpoints.
    base = plausible_ranges()
    mid = (base["low"] + base["high"]) / 2
    half = (base["high"] - base["low"]) / 2
    previous = None
    for factor in (0.0, 0.25, 0.5, 1.0, 2.0):
        ranges = pl.DataFrame({"type": base["type"], "low": mid - factor * half, "high": mid + factor * half})
        band = weight_band(decayed, ranges, seed=5)
        if previous is None:
            centre = weigh(decayed, dict(zip(type_ids(), mid.to_list()[:-1])), tone_weight=mid[-1])
            assert np.abs(band["raw_low"].to_numpy() - centre["raw"].to_numpy()).max() < 1e-9
        else:
            assert (band["raw_low"].to_numpy() <= previous["raw_low"].to_numpy() + 1e-9).all()
            assert (band["raw_high"].to_numpy() >= previous["raw_high"].to_numpy() - 1e-9).all()
            assert (band["raw_high"] - band["raw_low"]).sum() > (previous["raw_high"] - previous["raw_low"]).sum()
        previous = band


def test_band_in_day_blocks_is_the_same(decayed, monkeypatch):
    ranges = plausible_ranges()
    whole = weight_band(decayed, ranges, draws=200, seed=1)
    monkeypatch.setattr(uncertainty, "BLOCK_BYTES", 8 * 100 * 37)  # 37 days of 100 pairs per block
    blocked = weight_band(decayed, ranges, draws=200, seed=1)
    assert np.abs(blocked.select(pl.exclude("date")).to_numpy() - whole.select(pl.exclude("date")).to_numpy()).max() \
        < 1e-9
    assert blocked["date"].equals(whole["date"])


def test_band_of_the_bundled_record_is_ordered_and_holds_the_middle(decayed):
    band = weight_band(decayed, plausible_ranges())
    assert band.height == decayed.height == 3459
    assert (band["index_low"] <= band["index_high"]).all()
    assert band["index_low"].min() > -10 and band["index_high"].max() < 10
    # The 2022-08-02 Pelosi visit day: the band is a few points wide (the weights matter) but not the whole scale.
    day = band.filter(pl.col("date") == dt.date(2022, 8, 2)).row(0, named=True)
    assert 0.5 < day["index_high"] - day["index_low"] < 5.0


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r.filter(pl.col("type") != "tone"), "lack rows for tone"),
    (lambda r: pl.concat([r, r.head(1)]), "list talks more than once"),
    (lambda r: r.with_columns(pl.when(pl.col("type") == "visit").then(pl.lit("vist")).otherwise(pl.col("type"))
                              .alias("type")), "unknown types vist"),
    (lambda r: _with(r, "visit", 2.0, 1.0), "'visit' has low 2.0 above high 1.0"),
    (lambda r: _with(r, "visit", math.nan, 1.0), "'visit' must be finite"),
    (lambda r: r.drop("high"), "lack the columns high"),
])
def test_band_refuses_bad_ranges(decayed, change, message):
    with pytest.raises(ValueError, match=message):
        weight_band(decayed, change(_fixed()))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"draws": 0}, "draws must be a positive whole number"),
    ({"draws": 10.0}, "draws must be a positive whole number"),
    ({"draws": True}, "draws must be a positive whole number"),
    ({"quantiles": (0.95, 0.05)}, "quantiles must satisfy"),
    ({"quantiles": (-0.1, 0.5)}, "quantiles must satisfy"),
    ({"quantiles": (0.1, 0.5, 0.9)}, "a \\(low, high\\) pair"),
    ({"scale": 0.0}, "scale must be a positive finite number"),
])
def test_band_refuses_bad_settings(decayed, kwargs, message):
    with pytest.raises(ValueError, match=message):
        weight_band(decayed, _fixed(), **kwargs)


def test_band_needs_a_decayed_table(bundled):
    with pytest.raises(ValueError, match="lacks the columns d_talks"):
        weight_band(bundled, _fixed())


# --- sensitivity ------------------------------------------------------------------------------------------------------

def test_sensitivity_by_hand():
    # Talks (salience 1) and sanctions (salience 0.5) on one day, no memory, scale 10:
    # raw = 4 · 1 − 7 · 0.5 = 0.5; d index / d w = 10 · (1 − tanh²(0.05)) / 10 · d = sech²(0.05) · d.
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-01", "sanctions", 0.5)])
    decayed = decay_daily(aggregate(events), 0.0)
    table = sensitivity(decayed, dt.date(2023, 1, 1), scale=10.0)
    assert table.columns == ["type", "label", "d_raw_per_unit", "d_index_per_unit"]
    assert table["type"].to_list()[:2] == ["talks", "sanctions"]
    assert table["label"].to_list()[:2] == ["Talks", "Sanctions"]
    slope = 1.0 - math.tanh(0.05) ** 2
    assert table["d_raw_per_unit"].to_list()[:2] == [1.0, 0.5]
    assert table["d_index_per_unit"].to_list()[:2] == pytest.approx([slope, 0.5 * slope], abs=1e-15)
    assert table["d_index_per_unit"].to_list()[2:] == [0.0] * 16
    assert sorted(table["type"].to_list()) == sorted(PARTS)


@pytest.mark.parametrize("day", [dt.date(2023, 2, 4), dt.date(2019, 5, 10), dt.date(2017, 1, 11)])
def test_sensitivity_matches_a_finite_difference_of_compute_index(bundled, day):
    weights = {"talks": 3.0, "tariffs": -8.0}
    tone_weight, scale, half_life, step = 2.0, 250.0, 90.0, 1e-4
    table = sensitivity(decay_daily(bundled, half_life), day, weights, tone_weight=tone_weight, scale=scale)
    got = dict(zip(table["type"], table["d_index_per_unit"]))

    def index_at(w: dict[str, float], tw: float) -> float:
        out = compute_index(bundled, w, half_life=half_life, tone_weight=tw, scale=scale, start=day, end=day)
        return float(out["index"][0])

    full = {**default_weights(), **weights}
    for part in PARTS:
        if part == "tone":
            up, down = index_at(full, tone_weight + step), index_at(full, tone_weight - step)
        else:
            up = index_at({**full, part: full[part] + step}, tone_weight)
            down = index_at({**full, part: full[part] - step}, tone_weight)
        assert got[part] == pytest.approx((up - down) / (2 * step), rel=1e-6, abs=1e-9), part
    assert any(abs(v) > 0.01 for v in got.values())
    ranked = [abs(v) for v in table["d_index_per_unit"]]
    assert ranked == sorted(ranked, reverse=True)


def test_sensitivity_refuses_a_missing_day(decayed):
    with pytest.raises(ValueError, match="day 2030-01-01 is not in the decayed table"):
        sensitivity(decayed, dt.date(2030, 1, 1))
    with pytest.raises(TypeError, match=r"day must be a datetime\.date"):
        sensitivity(decayed, dt.datetime(2023, 1, 1))
    with pytest.raises(ValueError, match="unknown event type"):
        sensitivity(decayed, dt.date(2023, 1, 1), {"nope": 1.0})
