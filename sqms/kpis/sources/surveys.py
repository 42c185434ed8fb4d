"""Survey sources, read from ``surveys.Rollup`` (monthly n, Σx per measure): CSAT mean
(measure ``CSAT``), CSAT top-2-box share (``CSAT.TOP``) and NPS (``NPS.PRO`` / ``NPS.DET``,
whose n is the number answering the NPS question), as the surveys' CSAT/NPS report reads
them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Sum

from sqms.kpis.sources import Cells
from sqms.surveys.models import Rollup

Row = tuple[int, dt.date, str, float, float]  # site, month, measure, n, Σx


def _sums(measures: tuple[str, ...], start: dt.date, end: dt.date) -> Iterator[Row]:
    rows = (
        Rollup.objects.filter(measure__in=measures, period__gte=start, period__lt=end)
        .values("site_id", "period", "measure")
        .annotate(n_sum=Sum("n"), x_sum=Sum("total"))
        .order_by()
        .values_list("site_id", "period", "measure", "n_sum", "x_sum")
    )
    for site_id, period, measure, n, total in rows:
        yield int(site_id), period, str(measure), float(n or 0), float(total or 0.0)


def csat_mean(period: str, start: dt.date, end: dt.date) -> Cells:
    return {(s, p): {"n": n, "total": x} for s, p, _m, n, x in _sums(("CSAT",), start, end)}


def csat_top(period: str, start: dt.date, end: dt.date) -> Cells:
    return {
        (s, p): {"n": n, "hits": float(round(x))}
        for s, p, _m, n, x in _sums(("CSAT.TOP",), start, end)
    }


def nps(period: str, start: dt.date, end: dt.date) -> Cells:
    out: Cells = {}
    for s, p, measure, n, x in _sums(("NPS.PRO", "NPS.DET"), start, end):
        cell = out.setdefault((s, p), {"promoters": 0.0, "detractors": 0.0})
        cell["n"] = n
        cell["promoters" if measure == "NPS.PRO" else "detractors"] = float(round(x))
    return out
