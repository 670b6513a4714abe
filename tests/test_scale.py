import math

import numpy as np
import polars as pl
import pytest

from tension.analysis import at_bound, data_scale
from tension.index import DEFAULT_SCALE, bounded

ATANH_076 = math.atanh(0.76)  # 0.9962150...


@pytest.mark.parametrize(("raw", "kwargs", "expected"), [
    ([-250.0] * 10, {}, 250.0),                       # 250 / 0.99622 = 250.95 → 250
    (np.linspace(0, 1000, 101), {}, 990.0),           # Q_0.99 = 990 → 993.8 → 990
    (np.linspace(0, 1000, 101), {"quantile": 0.5}, 500.0),  # Q_0.5 = 500 → 501.9 → 500
    ([300.0] * 4, {"target": 0.5}, 600.0),            # 300 / 0.5
    ([1234.0], {"target": 1.0}, 1200.0),              # two significant figures
    ([99.96], {"target": 1.0}, 100.0),
    ([0.5], {"target": 1.0, "floor": 0.01}, 0.5),
    ([0.0345], {"target": 1.0, "floor": 0.001}, 0.035),
    ([0.1, -0.2, 0.0], {}, 1.0),                       # Q ≈ 0.2: the floor keeps a tiny upload readable
    ([0.0] * 999 + [50.0], {}, 50.0),                  # Q_0.99 = 0: the largest day sets the scale (50.19 → 50)
    ([0.0] * 7, {}, DEFAULT_SCALE),                    # nothing happens: the default scale
])
def test_data_scale_known_values(raw, kwargs, expected):
    assert data_scale(np.array(raw, dtype=float), **kwargs) == pytest.approx(expected, rel=1e-12)


def test_quantile_maps_to_7_6_up_to_rounding():
    rng = np.random.default_rng(3)
    raw = rng.normal(size=3000) * 137.0
    scale = data_scale(pl.Series("raw", raw))
    q = float(np.quantile(np.abs(raw), 0.99))
    assert scale == float(f"{q / ATANH_076:.2g}")
    assert float(bounded(q, q / ATANH_076)) == pytest.approx(7.6, abs=1e-12)  # before rounding: exactly 7.6
    assert float(bounded(q, scale)) == pytest.approx(7.6, abs=0.2)           # after: within the 2-figure rounding


def test_sign_and_input_type_do_not_matter():
    raw = np.array([-3.0, 120.0, -480.0, 17.0])
    assert data_scale(raw) == data_scale(-raw) == data_scale(pl.Series(raw))


@pytest.mark.parametrize(("raw", "kwargs", "match"), [
    ([], {}, "raw is empty"),
    ([1.0, float("nan")], {}, "1 non-finite values"),
    ([1.0, float("inf")], {}, "non-finite"),
    ([1.0], {"quantile": 0.0}, "quantile must be in"),
    ([1.0], {"quantile": 1.5}, "quantile must be in"),
    ([1.0], {"target": 0.0}, "target must be"),
    ([1.0], {"floor": -1.0}, "floor must be"),
])
def test_data_scale_bad_input(raw, kwargs, match):
    with pytest.raises(ValueError, match=match):
        data_scale(np.array(raw, dtype=float), **kwargs)


def test_data_scale_rejects_missing_values():
    with pytest.raises(ValueError, match="1 missing values"):
        data_scale(pl.Series("raw", [1.0, None]))


def test_at_bound_known_values():
    index = [9.6, -9.7, 9.5, 0.0, 3.0]  # 9.5 itself does not exceed the threshold
    assert at_bound(np.array(index)) == pytest.approx(0.4)
    assert at_bound(pl.Series("index", index)) == pytest.approx(0.4)
    assert at_bound(np.array(index), threshold=2.0) == pytest.approx(0.8)
    assert at_bound(np.zeros(10)) == 0.0


def test_at_bound_of_a_running_sum():
    raw = np.cumsum(np.full(100, -30.0))       # no decay: raw = −30, −60, ..., −3000
    index = bounded(raw, 300.0)                 # |index| > 9.5 once |raw| > 300 · atanh(0.95) = 549.4: day 19 on
    assert at_bound(index) == pytest.approx(82 / 100)


@pytest.mark.parametrize(("index", "threshold", "match"), [
    ([], 9.5, "index is empty"),
    ([1.0, float("nan")], 9.5, "non-finite"),
    ([1.0], 10.0, "threshold must be in"),
    ([1.0], -1.0, "threshold must be in"),
])
def test_at_bound_bad_input(index, threshold, match):
    with pytest.raises(ValueError, match=match):
        at_bound(np.array(index, dtype=float), threshold)
