"""Inspection sources over submitted inspections (by ``submitted_at``): the mean score (%)
and the critical-item failure rate (failed critical answers over answered, applicable
critical answers)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum

from sqms.inspections.choices import InspectionStatus, Result
from sqms.inspections.models import Answer, Inspection
from sqms.kpis.sources import Cells
from sqms.kpis.sources.common import as_date, bounds, trunc


def mean_score(period: str, start: dt.date, end: dt.date) -> Cells:
    lo, hi = bounds(start, end)
    rows = (
        Inspection.objects.filter(
            status=InspectionStatus.SUBMITTED,
            submitted_at__gte=lo,
            submitted_at__lt=hi,
            score__isnull=False,
        )
        .annotate(p=trunc("submitted_at", period))
        .values("site_id", "p")
        .annotate(n=Count("id"), total=Sum("score"))
        .order_by()
    )
    return {
        (r["site_id"], as_date(r["p"])): {"n": float(r["n"]), "total": float(r["total"])}
        for r in rows
    }


def critical_failures(period: str, start: dt.date, end: dt.date) -> Cells:
    lo, hi = bounds(start, end)
    rows = (
        Answer.objects.filter(
            is_critical=True,
            inspection__status=InspectionStatus.SUBMITTED,
            inspection__submitted_at__gte=lo,
            inspection__submitted_at__lt=hi,
        )
        .exclude(result=Result.NA)
        .filter(max_points__gt=0, answered_at__isnull=False)
        .annotate(p=trunc("inspection__submitted_at", period))
        .values("inspection__site_id", "p")
        .annotate(n=Count("id"), hits=Count("id", filter=Q(failed=True)))
        .order_by()
    )
    return {
        (r["inspection__site_id"], as_date(r["p"])): {"n": float(r["n"]), "hits": float(r["hits"])}
        for r in rows
    }
