"""tension: a daily cooperation–confrontation index from two governments' events and statements.

A pure library (polars in, polars out); ``app.py`` is the dashboard and ``python -m tension`` the command line.
"""

from tension import tone
from tension.analysis import (
    Change,
    PeriodComparison,
    alert_days,
    alerts,
    at_bound,
    change,
    compare_periods,
    data_scale,
    plausible_ranges,
    scenario_difference,
    sensitivity,
    weight_band,
)
from tension.events import EventDataError, Problem, load_events, parse_events
from tension.export import export_csv
from tension.index import (
    DEFAULT_HALF_LIFE,
    DEFAULT_SCALE,
    DEFAULT_TONE_WEIGHT,
    LEVELS,
    PULSE_HALF_LIFE,
    aggregate,
    compute_index,
    decay_daily,
    drivers,
    level_of,
    score_events,
    weigh,
    with_tone,
)
from tension.taxonomy import TYPES, default_weights, presets, type_ids
from tension.tone import learned as tone_learned

__all__ = [
    "DEFAULT_HALF_LIFE",
    "DEFAULT_SCALE",
    "DEFAULT_TONE_WEIGHT",
    "LEVELS",
    "PULSE_HALF_LIFE",
    "TYPES",
    "Change",
    "EventDataError",
    "PeriodComparison",
    "Problem",
    "aggregate",
    "alert_days",
    "alerts",
    "at_bound",
    "change",
    "compare_periods",
    "compute_index",
    "data_scale",
    "decay_daily",
    "default_weights",
    "drivers",
    "export_csv",
    "level_of",
    "load_events",
    "parse_events",
    "plausible_ranges",
    "presets",
    "scenario_difference",
    "score_events",
    "sensitivity",
    "tone",
    "tone_learned",
    "type_ids",
    "weigh",
    "weight_band",
    "with_tone",
]
