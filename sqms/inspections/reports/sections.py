"""Points and percent per section of one inspection, for its detail page (one ``GROUP BY``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from sqms.inspections.models import Answer, Inspection, _localized


@dataclass(frozen=True)
class SectionScore:
    section_id: int
    title: str
    points: Decimal
    max_points: Decimal
    percent: Decimal | None  # None when nothing applicable was answered
    answered: int
    failed: int


def section_scores(inspection: Inspection) -> list[SectionScore]:
    """Each section's points of its answered, applicable items out of their maximum, in
    checklist order (sections without an answer are left out). The percent is unweighted by
    the critical rule: the inspection's cap applies to its total only."""
    rows = (
        Answer.objects.filter(inspection=inspection)
        .values(
            "item__section_id",
            "item__section__position",
            "item__section__title",
            "item__section__title_en",
        )
        .annotate(
            points_=Sum("points"),
            max_=Sum("max_points"),
            answered_=Count("pk"),
            failed_=Count("pk", filter=Q(failed=True)),
        )
        .order_by("item__section__position", "item__section_id")
    )
    out = []
    for row in rows:
        points, maximum = Decimal(row["points_"] or 0), Decimal(row["max_"] or 0)
        percent = (
            (Decimal(100) * points / maximum).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if maximum
            else None
        )
        out.append(
            SectionScore(
                row["item__section_id"],
                _localized(row["item__section__title"], row["item__section__title_en"]),
                points,
                maximum,
                percent,
                row["answered_"],
                row["failed_"],
            )
        )
    return out
