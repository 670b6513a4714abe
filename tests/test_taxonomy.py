import pytest

from tension.taxonomy import (
    TYPES,
    cameo_codes,
    cameo_table,
    default_weights,
    get_type,
    goldstein_weights,
    presets,
    resolve_weights,
    type_ids,
)

FIXED_IDS = ["talks", "visit", "phone_call", "agreement", "cooperation", "statement", "accusation", "threat",
             "cancellation", "suspension", "sanctions", "export_controls", "tariffs", "expulsion",
             "military_activity", "incident", "sovereignty_dispute"]


def test_fixed_ids_present():
    assert set(FIXED_IDS) <= set(type_ids())


def test_signs_follow_groups():
    for t in TYPES:
        assert -10 <= t.weight <= 10
        assert (t.weight > 0) == (t.group == "cooperative")
        assert (t.weight < 0) == (t.group == "confrontational")
        assert t.definition and t.rationale


def test_default_weights_is_a_fresh_copy():
    w = default_weights()
    w["talks"] = 99
    assert default_weights()["talks"] == get_type("talks").weight


@pytest.mark.parametrize(("code", "type_id", "goldstein"), [
    ("041", "phone_call", 1.0), ("042", "visit", 1.9), ("046", "talks", 7.0), ("057", "agreement", 8.0),
    ("0871", "cooperation", 9.0), ("125", "cancellation", -5.0), ("1246", "accusation", -4.0),
    ("163", "sanctions", -8.0), ("166", "expulsion", -7.0), ("150", "military_activity", -7.2),
    ("173", "incident", -5.0), ("130", "threat", -4.4), ("010", "statement", 0.0), ("161", "suspension", -4.0),
])
def test_cameo_mapping_and_goldstein(code, type_id, goldstein):
    row = cameo_table().filter(cameo_table()["cameo_code"] == code)
    assert row["type"][0] == type_id and row["goldstein"][0] == goldstein


def test_cameo_table_complete_and_string_codes():
    table = cameo_table()
    assert table.height == 311
    assert table["cameo_code"].n_unique() == 311
    assert set(table["type"]) <= set(type_ids())
    assert "010" in cameo_codes("statement")


def test_goldstein_preset_means():
    g = goldstein_weights()
    assert g["phone_call"] == 1.0
    assert g["talks"] == pytest.approx(round((1.0 + 2.5 + 5.0 + 7.0) / 4, 1))
    assert g["tariffs"] == -8.0


def test_presets_cover_every_type():
    for name, weights in presets().items():
        assert set(weights) == set(type_ids()), name
    assert presets()["Equal magnitudes"]["sanctions"] == -5.0


def test_resolve_weights_rejects_unknown_and_nan():
    with pytest.raises(ValueError, match="unknown"):
        resolve_weights({"embargo": 1})
    with pytest.raises(ValueError, match="finite"):
        resolve_weights({"talks": float("nan")})
