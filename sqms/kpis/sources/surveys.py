"""Survey sources, read from ``surveys.Rollup`` (monthly n, Σx per measure): CSAT mean
(measure ``CSAT``), CSAT top-2-box share (``CSAT.TOP``) and NPS (``NPS.PRO`` / ``NPS.DET``,
whose n is the number answering the NPS question), as the surveys' CSAT/NPS report reads
them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from sqms.kpis.sources import Cells
from sqms.surveys.models import Rollup


def _sums(measures: tuple[str, ...], start: dt.date, end: dt.date) -> list[dict[str, object]]:
    return list(
        Rollup.objects.filter(measure__in=measures, period__gte=start, period__lt=end)
        .values("site_id", "period", "measure")
        .annotate(n=Sum("n"), total=Sum("total"))
        .order_by()
    )


def csat_mean(period: str, start: dt.date, end: dt.date) -> Cells:
    return {
        (int(r["site_id"]), r["period"]): {"n": float(r["n"]), "total": float(r["total"])}  # type: ignore[arg-type, index]
        for r in _sums(("CSAT",), start, end)
    }


def csat_top(period: str, start: dt.date, end: dt.date) -> Cells:
    return {
        (int(r["site_id"]), r["period"]): {"n": float(r["n"]), "hits": round(float(r["total"]))}  # type: ignore[arg-type, index]
        for r in _sums(("CSAT.TOP",), start, end)
    }


def nps(period: str, start: dt.date, end: dt.date) -> Cells:
    out: Cells = {}
    for r in _sums(("NPS.PRO", "NPS.DET"), start, end):
        cell = out.setdefault((int(r["site_id"]), r["period"]), {"promoters": 0.0, "detractors": 0.0})  # type: ignore[arg-type, index]
        cell["n"] = float(r["n"])  # type: ignore[arg-type]
        key = "promoters" if r["measure"] == "NPS.PRO" else "detractors"
        cell[key] = float(round(float(r["total"])))  # type: ignore[arg-type]
    return out
