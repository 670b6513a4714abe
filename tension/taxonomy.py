"""Event types, their default weights, the weight presets and the CAMEO → type mapping.

Weights are on a −10..+10 scale, grounded in GDELT's Goldstein values for the CAMEO codes (the shipped table
``tension/data/cameo.tsv``) and in the PLOVER expert scores; the rationale for each is kept next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import polars as pl

Group = Literal["cooperative", "neutral", "confrontational"]


@dataclass(frozen=True)
class EventType:
    """One event type: its fixed id, a label, its group, a one-line definition and its default weight."""

    id: str
    label: str
    group: Group
    definition: str
    weight: float
    rationale: str


TYPES: tuple[EventType, ...] = (
    EventType("talks", "Talks", "cooperative",
              "In-person meetings, negotiations and dialogues between officials, summits included.", 4.0,
              "PLOVER CONSULT (in person) +4; Goldstein 044 meet +2.5, 043 host +2.8, 046 negotiate +7.0."),
    EventType("visit", "Visit", "cooperative",
              "An official visit to the other country (the trip; talks held during it are their own rows).", 3.5,
              "PLOVER CONSULT visit +4; Goldstein 042 make a visit +1.9, 043 host a visit +2.8."),
    EventType("phone_call", "Phone or video call", "cooperative",
              "Phone or video calls between officials.", 1.5,
              "PLOVER CONSULT by phone +1.5; Goldstein 041 discuss by telephone +1.0."),
    EventType("agreement", "Agreement", "cooperative",
              "Signed deals, joint statements, truces and announced consensus.", 6.0,
              "Goldstein 057 sign formal agreement +8.0, lowered because many are announced consensus, not treaties."),
    EventType("cooperation", "Cooperation", "cooperative",
              "Joint action, resumed mechanisms and goodwill gestures such as releases or lifted measures.", 5.0,
              "Goldstein 06 material cooperation +6.0, 081 ease administrative sanctions +5.0, 084 release +7.0."),
    EventType("statement", "Statement", "neutral",
              "An official statement about the other side; its weight is its tone only.", 0.0,
              "Goldstein 01 make public statement 0.0: the tone of the words carries the signal."),
    EventType("accusation", "Accusation", "confrontational",
              "Criticism, condemnation, formal protests and indictments of the other side's officials.", -2.0,
              "Goldstein 11 disapprove, 111 criticize, 112 accuse, 114 complain officially: all −2.0."),
    EventType("threat", "Threat", "confrontational",
              "Threatened punitive action: threatened tariffs, sanctions or 'countermeasures'.", -4.4,
              "Goldstein 130 threaten −4.4 (132 threaten with administrative sanctions −5.8)."),
    EventType("cancellation", "Cancellation", "confrontational",
              "Visits or meetings called off, postponed or declined.", -3.5,
              "Between PLOVER REJECT/cancel −2 and Goldstein 125 reject proposal to meet −5.0."),
    EventType("suspension", "Suspension", "confrontational",
              "Suspending dialogues or cooperation mechanisms.", -5.0,
              "Between Goldstein 161 reduce relations −4.0 and 164 halt negotiations −7.0."),
    EventType("sanctions", "Sanctions", "confrontational",
              "Sanctions on persons or entities: entity lists, blocking, visa bans, counter-sanctions.", -7.0,
              "Between Goldstein 163 impose sanctions −8.0 and PLOVER SANCTION −6."),
    EventType("export_controls", "Export controls", "confrontational",
              "Export restrictions on goods or technology (chips, tools, rare earths, minerals).", -6.0,
              "PLOVER SANCTION −6: a targeted economic restriction, narrower than a full embargo (163, −8.0)."),
    EventType("tariffs", "Tariffs", "confrontational",
              "Tariffs and trade-remedy actions, retaliatory tariffs included.", -6.0,
              "PLOVER SANCTION −6; CAMEO has no tariff code (GDELT codes trade penalties as 163, −8.0)."),
    EventType("expulsion", "Expulsion", "confrontational",
              "Expelling diplomats or journalists, closing consulates.", -5.0,
              "Goldstein 174 expel or deport individuals −5.0 (166 expel or withdraw −7.0 for closures)."),
    EventType("military_activity", "Military activity", "confrontational",
              "Exercises, shows of force, Taiwan Strait and South China Sea transits.", -5.5,
              "PLOVER MOBILIZE −5.5; Goldstein 15 exhibit force posture −7.2, lowered as transits are routine."),
    EventType("incident", "Incident", "confrontational",
              "Intercepts, collisions, intrusions such as the 2023 balloon, detentions.", -6.0,
              "Between PLOVER COERCE −7 and Goldstein 173 arrest or detain −5.0."),
    EventType("sovereignty_dispute", "Sovereignty dispute", "confrontational",
              "Actions the other side protests as violating sovereignty or core interests (Taiwan, Hong Kong, "
              "Xinjiang, Tibet, South China Sea).", -4.0,
              "Goldstein 12 reject −4.0: the other side reads the act as a rejection of its core position."),
)

#: The CAMEO codes whose Goldstein value stands for a type that has no CAMEO code of its own.
_GOLDSTEIN_PROXY = {"tariffs": "163", "export_controls": "163", "sovereignty_dispute": "120"}

#: PLOVER expert scores (as quoted in the project's brief) by type; types without one keep the default.
_PLOVER = {"talks": 4.0, "visit": 4.0, "phone_call": 1.5, "cancellation": -2.0, "sanctions": -6.0,
           "export_controls": -6.0, "tariffs": -6.0, "military_activity": -5.5, "incident": -7.0}


def type_ids() -> list[str]:
    """The event type ids in display order (cooperative, neutral, confrontational)."""
    return [t.id for t in TYPES]


def get_type(type_id: str) -> EventType:
    """The EventType with this id; KeyError names the known ids when there is none."""
    for t in TYPES:
        if t.id == type_id:
            return t
    raise KeyError(f"unknown event type {type_id!r}; known types: {', '.join(type_ids())}")


def default_weights() -> dict[str, float]:
    """A fresh dict of the default weight of every type."""
    return {t.id: t.weight for t in TYPES}


def resolve_weights(weights: dict[str, float] | None) -> dict[str, float]:
    """Defaults overlaid with ``weights``; unknown type ids or non-finite values raise ValueError."""
    out = default_weights()
    for key, value in (weights or {}).items():
        if key not in out:
            raise ValueError(f"unknown event type {key!r} in weights; known types: {', '.join(out)}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"weight for {key!r} must be a finite number, got {value!r}")
        out[key] = value
    return out


@lru_cache(maxsize=1)
def cameo_table() -> pl.DataFrame:
    """The CAMEO code table (code, description, Goldstein value, event type); codes are strings."""
    path = resources.files("tension").joinpath("data", "cameo.tsv")
    with path.open("rb") as fh:
        return pl.read_csv(fh.read(), separator="\t",
                           schema={"cameo_code": pl.String, "description": pl.String,
                                   "goldstein": pl.Float64, "type": pl.String})


def cameo_codes(type_id: str) -> list[str]:
    """The CAMEO codes (2-, 3- and 4-digit) that map to ``type_id``."""
    get_type(type_id)
    return cameo_table().filter(pl.col("type") == type_id)["cameo_code"].to_list()


def goldstein_weights() -> dict[str, float]:
    """Each type's mean Goldstein value over its 3-digit CAMEO codes (or its proxy code), rounded to 0.1."""
    table = cameo_table()
    three = table.filter(pl.col("cameo_code").str.len_chars() == 3)
    means = dict(three.group_by("type").agg(pl.col("goldstein").mean()).iter_rows())
    proxies = dict(table.select("cameo_code", "goldstein").iter_rows())
    out = {}
    for t in TYPES:
        if t.id in _GOLDSTEIN_PROXY:
            out[t.id] = proxies[_GOLDSTEIN_PROXY[t.id]]
        else:
            out[t.id] = round(float(means.get(t.id, 0.0)), 1)
    out["statement"] = 0.0
    return out


def presets() -> dict[str, dict[str, float]]:
    """Named weight sets: Default, Goldstein/CAMEO, PLOVER, Equal magnitudes (each a fresh dict)."""
    equal = {t.id: 5.0 if t.group == "cooperative" else -5.0 if t.group == "confrontational" else 0.0
             for t in TYPES}
    return {
        "Default": default_weights(),
        "Goldstein/CAMEO": goldstein_weights(),
        "PLOVER": {**default_weights(), **_PLOVER},
        "Equal magnitudes": equal,
    }
