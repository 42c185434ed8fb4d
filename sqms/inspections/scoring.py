"""How an inspection is scored: pure functions, no Django.

An item earns ``weight × fraction`` points out of ``weight``:

* pass / fail: pass = 1, fail = 0, not applicable = the item leaves the total (0 of 0);
* 0–5: the score / 5; a score of 0 is a failure;
* measured value: within ``target ± tolerance`` = 1, outside = 0 (a failure).

The inspection's score is ``100 × Σ points / Σ max points`` over the answered, applicable items.
A failed critical item either fails the inspection (``fail``: passed is False whatever the
score) or caps the score at ``cap`` percent (``cap``). An inspection passes when its score
reaches the pass mark and no critical item failed under the ``fail`` rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PASS_FAIL, SCALE, NUMERIC = "pass_fail", "scale", "numeric"
PASS, FAIL, NA = "pass", "fail", "na"
RULE_FAIL, RULE_CAP = "fail", "cap"
SCALE_MAX = Decimal(5)
CENT = Decimal("0.01")


class ScoringError(ValueError):
    """An answer the item cannot take; ``field`` names what is wrong ("result" or "value")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ItemRule:
    scoring: str
    weight: Decimal
    is_critical: bool = False
    target: Decimal | None = None
    tolerance: Decimal | None = None


@dataclass(frozen=True)
class ItemScore:
    points: Decimal
    max_points: Decimal
    failed: bool


@dataclass(frozen=True)
class Total:
    points: Decimal
    max_points: Decimal
    score: Decimal | None  # percent, None when nothing applicable was answered
    critical_failed: bool
    passed: bool | None  # None while there is no score


def score_item(rule: ItemRule, result: str = "", value: Decimal | None = None) -> ItemScore:
    """The points of one answer; raises :class:`ScoringError` for an answer the item's scoring
    cannot take (a 0–5 item given 7, a pass/fail item given a number, …)."""
    weight = Decimal(rule.weight)
    if rule.scoring == PASS_FAIL:
        if result not in (PASS, FAIL, NA):
            raise ScoringError("result", "pass, fail or n/a")
        if result == NA:
            return ItemScore(Decimal(0), Decimal(0), False)
        return ItemScore(weight if result == PASS else Decimal(0), weight, result == FAIL)
    if result == NA:
        return ItemScore(Decimal(0), Decimal(0), False)
    if value is None:
        raise ScoringError("value", "a value is required")
    value = Decimal(value)
    if rule.scoring == SCALE:
        if value < 0 or value > SCALE_MAX or value != value.to_integral_value():
            raise ScoringError("value", "a whole number from 0 to 5")
        points = (weight * value / SCALE_MAX).quantize(CENT, ROUND_HALF_UP)
        return ItemScore(points, weight, value == 0)
    if rule.scoring == NUMERIC:
        if rule.target is None or rule.tolerance is None:
            raise ScoringError("value", "the item has no target and tolerance")
        within = abs(value - Decimal(rule.target)) <= Decimal(rule.tolerance)
        return ItemScore(weight if within else Decimal(0), weight, not within)
    raise ScoringError("result", f"unknown scoring {rule.scoring!r}")


def total(
    scores: Iterable[tuple[ItemScore, bool]],
    *,
    pass_mark: Decimal,
    critical_rule: str = RULE_FAIL,
    cap: Decimal = Decimal(60),
) -> Total:
    """The inspection's total from ``(item score, item is critical)`` pairs."""
    points = max_points = Decimal(0)
    critical_failed = False
    for item, is_critical in scores:
        points += item.points
        max_points += item.max_points
        critical_failed = critical_failed or (is_critical and item.failed)
    if max_points == 0:
        return Total(points, max_points, None, critical_failed, None)
    score = (Decimal(100) * points / max_points).quantize(CENT, ROUND_HALF_UP)
    if critical_failed and critical_rule == RULE_CAP:
        score = min(score, Decimal(cap))
    passed = score >= Decimal(pass_mark) and not (critical_failed and critical_rule == RULE_FAIL)
    return Total(points, max_points, score, critical_failed, passed)
