"""Questions asked of an index: what moved it between two dates, and which scale suits a set of events."""

from tension.analysis.change import Change, change
from tension.analysis.scale import at_bound, data_scale

__all__ = ["Change", "at_bound", "change", "data_scale"]
