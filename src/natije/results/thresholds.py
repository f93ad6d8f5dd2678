"""Every threshold the results engine uses, in one frozen object (documented in docs/results-rules.md).

>>> th = Thresholds()
>>> th.p_on_track, th.stale_grace_months
(0.6, 6)
>>> Thresholds(p_on_track=0.7).to_dict()["p_on_track"]
0.7
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Cut-offs for statuses, forecasts and flags.

    Attributes
    ----------
    p_on_track : float
        ``p_meet`` at or above this → ``on_track``.
    p_at_risk : float
        ``p_meet`` at or above this (and below ``p_on_track``) → ``at_risk``; below → ``off_track``.
    pace_on_track, pace_at_risk : float
        Without a forecast (too few points): share of the gap closed divided by share of the time elapsed
        since the baseline; the same three-way cut.
    reporting_lag_months : int
        After a target period ends, how long to wait for its value before calling the target ``missed``.
    stale_grace_months : int
        A series is stale when the period after its last value ended more than this many months ago.
    forecast_window : int
        Number of most recent points the trend is fitted on.
    min_points : int
        Fewer observed points than this → no forecast (reason ``insufficient_data``).
    interval : float
        Nominal coverage of the forecast interval.
    maintain_tolerance : float
        Tolerance band for ``maintain`` indicators that declare none, as a share of the target.
    """

    p_on_track: float = 0.6
    p_at_risk: float = 0.25
    pace_on_track: float = 0.9
    pace_at_risk: float = 0.6
    reporting_lag_months: int = 12
    stale_grace_months: int = 6
    forecast_window: int = 8
    min_points: int = 3
    interval: float = 0.8
    maintain_tolerance: float = 0.02

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT = Thresholds()
STATUSES = ("achieved", "on_track", "at_risk", "off_track", "missed", "insufficient_data", "no_data")
