"""The score cache of an inspection: each answer's points and the inspection's totals, worked
out by ``sqms.inspections.scoring`` from the answers as stored. Building blocks for the actions
(they run inside the action's transaction)."""

from __future__ import annotations

from decimal import Decimal

from sqms.inspections import scoring
from sqms.inspections.models import Answer, Inspection, Item


def rule_of(item: Item) -> scoring.ItemRule:
    return scoring.ItemRule(
        scoring=item.scoring,
        weight=item.weight,
        is_critical=item.is_critical,
        target=item.target,
        tolerance=item.tolerance,
    )


def score_answer(answer: Answer, item: Item) -> None:
    """Set ``answer``'s points, maximum and failed flag from its result or value (not saved);
    raises :class:`scoring.ScoringError` for an answer the item cannot take."""
    result = scoring.score_item(rule_of(item), answer.result, answer.value)
    answer.points, answer.max_points, answer.failed = (
        result.points,
        result.max_points,
        result.failed,
    )
    answer.is_critical = item.is_critical


def refresh_totals(inspection: Inspection) -> scoring.Total:
    """Recompute the inspection's score, points, critical flag and pass from its saved answers
    and store them on ``inspection`` (the caller saves it)."""
    checklist = inspection.checklist
    pairs = [
        (scoring.ItemScore(Decimal(a.points), Decimal(a.max_points), a.failed), a.is_critical)
        for a in Answer.objects.filter(inspection=inspection).only(
            "points", "max_points", "failed", "is_critical"
        )
    ]
    t = scoring.total(
        pairs,
        pass_mark=checklist.pass_mark,
        critical_rule=checklist.critical_rule,
        cap=checklist.cap_score,
    )
    inspection.points, inspection.max_points = t.points, t.max_points
    inspection.score, inspection.critical_failed, inspection.passed = (
        t.score,
        t.critical_failed,
        t.passed,
    )
    return t
