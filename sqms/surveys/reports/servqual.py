"""The SERVQUAL page: item and dimension gaps with intervals, Cronbach's α, the zone of
tolerance, the trend and the site league table with its funnel plot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from sqms.analytics.funnel import funnel_means
from sqms.analytics.reliability import cronbach_alpha_from_sums
from sqms.core.panels import (
    render_panels,
)
from sqms.core.stats import (
    ZERO,
    Difference,
    Stat,
    Sums,
    mean_difference,
    min_n,
    shifted,
    stat,
)
from sqms.surveys.choices import (
    InstrumentKind,
)
from sqms.surveys.models import Rollup
from sqms.surveys.reports.frame import frame, report_view
from sqms.surveys.reports.selection import (
    PARTS,
    Item,
    ReportFilters,
    _add,
    _as_sums,
    _period_key,
    _sums_by,
    dimension_label,
    dimensions_of,
    period_label,
    rollups,
    scale_items,
)
from sqms.surveys.reports.servqual_panels import servqual_panels

# The employee gap-3 survey asks how well delivery meets the written standard on a 1–7 scale,
# 7 meaning "fully meets it"; gap 3 is the shortfall from that, S − 7, so that gaps 1, 3 and 5
# share one scale where 0 is "no gap" and negative is a shortfall.
GAP3_STANDARD = 7.0

# SERVQUAL -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    item: Item
    e: Stat
    p: Stat
    gap: Stat


@dataclass(frozen=True)
class DimensionRow:
    code: str
    label: str
    k: int
    e: Stat
    p: Stat
    gap: Stat
    importance: Stat
    alpha_p: float | None
    alpha_e: float | None
    alpha_n: int
    # zone of tolerance
    adequate: Stat
    desired: Stat
    msa: Stat
    mss: Stat
    # gap model
    management: Stat
    gap1: Difference | None
    gap1_n: tuple[int, int]
    gap3: Stat


@dataclass(frozen=True)
class TrendPoint:
    period: dt.date
    label: str
    overall: Stat
    by_dimension: dict[str, Stat]


@dataclass(frozen=True)
class SiteRow:
    site_id: int
    code: str
    name: str
    gap: Stat
    funnel: str  # "", "above", "below" (outside the 99.8 % limits), "above95", "below95"


@dataclass(frozen=True)
class Funnel:
    target: float | None
    sd: float | None
    n: list[float] = field(default_factory=list)
    limits: dict[float, tuple[list[float], list[float]]] = field(default_factory=dict)


@dataclass(frozen=True)
class ServqualReport:
    filters: ReportFilters
    min_n: int
    items: list[ItemRow]
    dimensions: list[DimensionRow]
    overall: Stat  # unweighted SERVQUAL score (mean of the dimension gaps per respondent)
    overall_items: Stat  # the other convention: mean over all the item gaps per respondent
    weighted: Stat
    perf: Stat  # SERVPERF
    responses: int
    trend: list[TrendPoint]
    league: list[SiteRow]
    funnel: Funnel
    has_zone_of_tolerance: bool
    has_gap_model: bool
    warnings: list[str]


def _alpha(
    items: list[Item], part: str, totals: dict[str, Sums], dim: str
) -> tuple[float | None, int]:
    total = totals.get(f"DIMSUM.{dim}.{part}", ZERO)
    if len(items) < 2 or total[0] < max(min_n(), 2):
        return None, total[0]
    sums = [totals.get(f"{it.code}.{part}", ZERO) for it in items]
    try:
        a = cronbach_alpha_from_sums(
            [s[0] for s in sums], [s[1] for s in sums], [s[2] for s in sums], *total
        )
    except ValueError:  # an item with < 2 answers, or a total score without variance
        return None, total[0]
    return a.alpha, total[0]


# Instruments whose answers the SERVQUAL page reads (CSAT and NPS surveys have their own page).
SCALE_KINDS = (
    InstrumentKind.SERVQUAL,
    InstrumentKind.SERVPERF,
    InstrumentKind.ZONE_OF_TOLERANCE,
    InstrumentKind.GAP1_MANAGEMENT,
    InstrumentKind.GAP3_EMPLOYEE,
    InstrumentKind.CUSTOM,
)


def _scale_responses(qs: QuerySet[Rollup]) -> int:
    """Responses in the selection to instruments with scale items (not CSAT or NPS surveys)."""
    found = qs.filter(measure="RESP", campaign__instrument__kind__in=SCALE_KINDS).aggregate(
        n=Sum("n")
    )
    return int(found["n"] or 0)


def servqual_report(
    user: Any, f: ReportFilters, *, sections: Iterable[str] = ("trend", "league")
) -> ServqualReport:
    """Everything the SERVQUAL page shows: 1 query for the items, 1 for all totals, 1 for the
    trend and 1 for the site league table."""
    sections = set(sections)
    minimum = min_n()
    items = scale_items(user, f)
    dims = dimensions_of(items)
    qs = rollups(user, f)

    measures = [f"{it.code}.{p}" for it in items for p in PARTS]
    measures += [f"DIM.{d}.{p}" for d in dims for p in PARTS]
    measures += [f"DIMSUM.{d}.{p}" for d in dims for p in ("P", "E")]
    measures += [f"IMP.{d}" for d in dims]
    measures += ["SQ.GAP", "SQ.IGAP", "SQ.WGAP", "SQ.PERF", "RESP"]
    totals = {row["measure"]: _as_sums(row) for row in _sums_by(qs, measures)}

    def st(key: str) -> Stat:
        return stat(totals.get(key, ZERO), minimum)

    item_rows = [
        ItemRow(it, st(f"{it.code}.E"), st(f"{it.code}.P"), st(f"{it.code}.GAP")) for it in items
    ]
    warnings: list[str] = []
    dim_rows = []
    for d in dims:
        members = [it for it in items if it.dimension == d]
        alpha_p, alpha_n = _alpha(members, "P", totals, d)
        alpha_e, _n = _alpha(members, "E", totals, d)
        m_sums, e_sums = totals.get(f"DIM.{d}.M", ZERO), totals.get(f"DIM.{d}.E", ZERO)
        gap1 = None
        if m_sums[0] >= minimum and e_sums[0] >= minimum:
            gap1 = mean_difference(e_sums, m_sums)
        row = DimensionRow(
            code=d,
            label=dimension_label(d),
            k=len(members),
            e=st(f"DIM.{d}.E"),
            p=st(f"DIM.{d}.P"),
            gap=st(f"DIM.{d}.GAP"),
            importance=st(f"IMP.{d}"),
            alpha_p=alpha_p,
            alpha_e=alpha_e,
            alpha_n=alpha_n,
            adequate=st(f"DIM.{d}.A"),
            desired=st(f"DIM.{d}.D"),
            msa=st(f"DIM.{d}.MSA"),
            mss=st(f"DIM.{d}.MSS"),
            management=st(f"DIM.{d}.M"),
            gap1=gap1,
            gap1_n=(m_sums[0], e_sums[0]),
            gap3=shifted(st(f"DIM.{d}.S"), -GAP3_STANDARD),
        )
        for part, value in (("P", alpha_p), ("E", alpha_e)):
            if value is not None and value < 0.7:
                warnings.append(
                    _(
                        "Cronbach's alpha of %(dimension)s (%(part)s) is %(alpha).2f, under 0.7: the items may not measure one thing."
                    )
                    % {"dimension": row.label, "part": part, "alpha": value}
                )
        dim_rows.append(row)

    trend: list[TrendPoint] = []
    if "trend" in sections:
        trend = _servqual_trend(qs, dims, f.grain, minimum)
    league: list[SiteRow] = []
    funnel = Funnel(None, None)
    if "league" in sections:
        league, funnel = _league(qs, totals.get("SQ.GAP", ZERO), minimum)

    return ServqualReport(
        filters=f,
        min_n=minimum,
        items=item_rows,
        dimensions=dim_rows,
        overall=st("SQ.GAP"),
        overall_items=st("SQ.IGAP"),
        weighted=st("SQ.WGAP"),
        perf=st("SQ.PERF"),
        responses=_scale_responses(qs),
        trend=trend,
        league=league,
        funnel=funnel,
        has_zone_of_tolerance=any(totals.get(f"DIM.{d}.A", ZERO)[0] for d in dims),
        has_gap_model=any(
            totals.get(f"DIM.{d}.M", ZERO)[0] or totals.get(f"DIM.{d}.S", ZERO)[0] for d in dims
        ),
        warnings=warnings,
    )


def _servqual_trend(
    qs: QuerySet[Rollup], dims: list[str], grain: str, minimum: int
) -> list[TrendPoint]:
    measures = ["SQ.GAP", *(f"DIM.{d}.GAP" for d in dims)]
    cells: dict[dt.date, dict[str, Sums]] = {}
    for row in _sums_by(qs, measures, "period"):
        key = _period_key(row["period"], grain)
        bucket = cells.setdefault(key, {})
        bucket[row["measure"]] = _add(bucket.get(row["measure"], ZERO), _as_sums(row))
    return [
        TrendPoint(
            period=key,
            label=period_label(key, grain),
            overall=stat(cells[key].get("SQ.GAP", ZERO), minimum),
            by_dimension={d: stat(cells[key].get(f"DIM.{d}.GAP", ZERO), minimum) for d in dims},
        )
        for key in sorted(cells)
    ]


def _league(qs: QuerySet[Rollup], total: Sums, minimum: int) -> tuple[list[SiteRow], Funnel]:
    """League table of the sites' SERVQUAL scores and the funnel plot of the sites shown
    (``sqms.analytics.funnel.funnel_means``: respondent-weighted group mean, pooled
    within-site SD, 95 % and 99.8 % limits)."""
    rows = _sums_by(qs, ["SQ.GAP"], "site_id", "site__code", "site__name")
    sites = [
        (r["site_id"], r["site__code"], r["site__name"], stat(_as_sums(r), minimum)) for r in rows
    ]
    shown = [i for i, s in enumerate(sites) if s[3].shown and s[3].sd is not None and s[3].n >= 2]
    funnel = Funnel(None, None)
    flags = [""] * len(sites)
    if shown:
        shown_stats = [sites[i][3] for i in shown]  # shown: mean and sd are set
        means = [s.mean for s in shown_stats if s.mean is not None]
        ns = [s.n for s in shown_stats]
        sds = [s.sd for s in shown_stats if s.sd is not None]
        try:
            result = funnel_means(means, ns, sds)
        except ValueError:  # e.g. no within-site spread at all
            result = None
        if result is not None:
            hi_n = max(max(ns), minimum, 2)
            grid = np.unique(np.linspace(max(minimum, 2), hi_n, 60).round())
            lower, upper = result.limits(grid)
            funnel = Funnel(
                result.target,
                result.sd,
                grid.tolist(),
                {
                    lvl: (lower[k].tolist(), upper[k].tolist())
                    for k, lvl in enumerate(result.levels)
                },
            )
            for name, level in (("95", 0.95), ("", 0.998)):
                for j in result.high.get(level, []):
                    flags[shown[int(j)]] = f"above{name}"
                for j in result.low.get(level, []):
                    flags[shown[int(j)]] = f"below{name}"
    out = [SiteRow(sid, code, name, g, flags[i]) for i, (sid, code, name, g) in enumerate(sites)]
    out.sort(key=lambda r: (not r.gap.shown, -(r.gap.mean or 0.0) if r.gap.shown else 0.0, r.code))
    return out, funnel


@report_view("servqual")
def report_servqual(request: HttpRequest) -> HttpResponseBase:
    f = ReportFilters.from_params(request.GET)
    r = servqual_report(request.user, f)
    context = frame(
        request,
        f,
        "surveys:report_servqual",
        _("SERVQUAL gap report"),
        report=r,
        warnings=r.warnings,
    )
    return render_panels(request, "surveys/reports/report.html", context, servqual_panels(r))
