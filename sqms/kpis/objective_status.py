"""The status of a quality objective (ISO 9001 §6.2), judged from its KPI's latest value, the
control chart's signals and the trend — with the reason in words, not a colour alone. Pure:
no database."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

ON_TRACK, AT_RISK, OFF_TRACK, ACHIEVED, MISSED, NO_DATA = (
    "on_track",
    "at_risk",
    "off_track",
    "achieved",
    "missed",
    "no_data",
)
TREND_POINTS = 6


@dataclass(frozen=True)
class Judgement:
    status: str
    reason: str
    latest: float | None
    slope: float | None  # per period, least squares over the last TREND_POINTS values
    projected: float | None  # the trend's value at the deadline


def judge_objective(
    values: list[float],
    *,
    target: float,
    higher_is_better: bool,
    periods_to_deadline: int,
    adverse_signal: bool = False,
) -> Judgement:
    """``values`` in time order; ``periods_to_deadline`` from the latest value (≤ 0: the
    deadline has passed); ``adverse_signal``: the chart's latest point breaks a run rule on
    the wrong side of the centre line."""
    if not values:
        return Judgement(NO_DATA, _("No values yet."), None, None, None)
    latest = values[-1]

    def good(x: float) -> bool:
        return x >= target if higher_is_better else x <= target

    tail = values[-TREND_POINTS:]
    slope = projected = None
    if len(tail) >= 3:
        slope = float(np.polyfit(np.arange(len(tail), dtype=float), np.asarray(tail), 1)[0])
        projected = latest + slope * max(periods_to_deadline, 0)
    if periods_to_deadline <= 0:
        if good(latest):
            return Judgement(
                ACHIEVED, _("The target is met at the deadline."), latest, slope, projected
            )
        return Judgement(
            MISSED, _("The deadline passed with the target not met."), latest, slope, projected
        )
    if good(latest):
        if adverse_signal:
            reason = _("The target is met, but the control chart signals a shift the wrong way.")
            return Judgement(AT_RISK, reason, latest, slope, projected)
        return Judgement(ON_TRACK, _("The target is met."), latest, slope, projected)
    if projected is not None and good(projected) and not adverse_signal:
        reason = _("The target is not met yet; the trend reaches it by the deadline.")
        return Judgement(AT_RISK, reason, latest, slope, projected)
    reason = _("The target is not met and the trend does not reach it by the deadline.")
    if slope is None:
        reason = _("The target is not met (too few values for a trend).")
    return Judgement(OFF_TRACK, reason, latest, slope, projected)
