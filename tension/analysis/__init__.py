"""Questions asked of an index: what moved it between two dates, which scale suits a set of events, how much it
depends on the weights, when it moved sharply, how two periods or two scenarios compare, and a nowcast past the
record."""

from tension.analysis.alerts import alert_days, alerts, alerts_per_year
from tension.analysis.change import Change, change
from tension.analysis.compare import PeriodComparison, PeriodSummary, compare_periods, scenario_difference
from tension.analysis.nowcast import Calibration, after_record, calibrate, evaluate_calibration, machine_series, nowcast
from tension.analysis.scale import at_bound, data_scale
from tension.analysis.uncertainty import draw_weights, plausible_ranges, sensitivity, weight_band

__all__ = [
    "Calibration", "Change", "PeriodComparison", "PeriodSummary", "after_record", "alert_days", "alerts",
    "alerts_per_year", "at_bound", "calibrate", "change", "compare_periods", "data_scale", "draw_weights",
    "evaluate_calibration", "machine_series", "nowcast", "plausible_ranges", "scenario_difference", "sensitivity",
    "weight_band",
]
