"""Read-side aggregates for the survey report pages.

Every report reads the :class:`~sqms.surveys.models.Rollup` table (n, Σx, Σx² per measure ×
campaign × site × service × channel × month) through ``Rollup.objects.restrict(user)``, with
one ``GROUP BY`` query per need; raw answers (``Response.answers``) are read only for
drill-down, distributions of ratings, derived importance and comments. The maths comes from
``sqms.analytics``; comment keywords from ``sqms.surveys.keywords``.

Values whose n is under ``settings.SQMS_SURVEY_MIN_N`` are *suppressed*: their :class:`Stat`
has ``suppressed=True`` and no mean or interval, so no page can show them as numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.analytics import compare
from sqms.analytics.funnel import funnel_means
from sqms.analytics.ipa import ipa, key_drivers
from sqms.analytics.metrics import NpsResult, nps_from_counts, proportion_ci
from sqms.analytics.reliability import cronbach_alpha_from_sums
from sqms.analytics.summary import mean_ci_from_sums
from sqms.core.models import Region, Service, Site
from sqms.surveys.choices import (
    Dimension,
    InstrumentKind,
    QuestionKind,
    QuestionRole,
    ResponseChannel,
)
from sqms.surveys.keywords import chinese_keywords, english_keywords, is_chinese
from sqms.surveys.measures import GAP_PAIRS
from sqms.surveys.models import Campaign, Question, Response, Rollup, pick

PARTS = ("E", "P", "GAP", "A", "D", "MSA", "MSS", "M", "S")
IPA_SAMPLE_CAP = 5000
KEYWORD_SAMPLE_CAP = 2000


def min_n() -> int:
    return int(getattr(settings, "SQMS_SURVEY_MIN_N", 5))


# Filters ------------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _month(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        year, month = str(value)[:7].split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def add_months(day: dt.date, k: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + k
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """Number of months from ``first`` to ``last`` inclusive."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class ReportFilters:
    """The GET parameters every report page shares. Ids outside the user's scope simply match
    nothing (every query is restricted first)."""

    region: int | None = None
    site: int | None = None
    service: int | None = None  # 0 = responses without a service
    channel: str = ""
    campaign: int | None = None
    date_from: dt.date | None = None  # first day of a month
    date_to: dt.date | None = None  # first day of a month (inclusive)
    grain: str = "month"

    KEYS = ("region", "site", "service", "channel", "campaign", "from", "to", "grain")

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ReportFilters:
        channel = params.get("channel", "") or ""
        if channel not in ResponseChannel.values:
            channel = ""
        date_from, date_to = _month(params.get("from")), _month(params.get("to"))
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        return cls(
            region=_int(params.get("region")),
            site=_int(params.get("site")),
            service=_int(params.get("service")),
            channel=channel,
            campaign=_int(params.get("campaign")),
            date_from=date_from,
            date_to=date_to,
            grain="quarter" if params.get("grain") == "quarter" else "month",
        )

    def params(self) -> dict[str, str]:
        """The filters as GET parameters (only those set)."""
        out = {
            "region": self.region,
            "site": self.site,
            "service": self.service,
            "channel": self.channel,
            "campaign": self.campaign,
            "from": self.date_from.strftime("%Y-%m") if self.date_from else None,
            "to": self.date_to.strftime("%Y-%m") if self.date_to else None,
            "grain": self.grain if self.grain != "month" else None,
        }
        return {k: str(v) for k, v in out.items() if v not in (None, "")}

    def with_period(self, date_from: dt.date | None, date_to: dt.date | None) -> ReportFilters:
        return ReportFilters(
            self.region,
            self.site,
            self.service,
            self.channel,
            self.campaign,
            date_from,
            date_to,
            self.grain,
        )


@dataclass(frozen=True)
class FilterChoices:
    regions: list[tuple[int, str]]
    sites: list[tuple[int, str]]
    services: list[tuple[int, str]]
    campaigns: list[tuple[int, str]]
    channels: list[tuple[str, str]]


def filter_choices(user: Any) -> FilterChoices:
    """What the filter form offers: only records in the user's scope (four small queries)."""
    regions = [(r.pk, str(r)) for r in Region.objects.restrict(user, "view").only("code", "name")]
    sites = [(s.pk, str(s)) for s in Site.objects.restrict(user, "view").only("code", "name")]
    services = [
        (s.pk, f"{s.code} {s.name}")
        for s in Service.objects.restrict(user, "view").only("code", "name")
    ]
    campaigns = [(c.pk, c.name) for c in Campaign.objects.restrict(user, "view").only("name")]
    return FilterChoices(regions, sites, services, campaigns, list(ResponseChannel.choices))


def rollups(user: Any, f: ReportFilters, *, with_period: bool = True) -> QuerySet[Rollup]:
    qs = Rollup.objects.restrict(user, "view")
    if f.site is not None:
        qs = qs.filter(site_id=f.site)
    if f.region is not None:
        qs = qs.filter(site__region_id=f.region)
    if f.service is not None:
        qs = qs.filter(service_key=f.service)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.campaign is not None:
        qs = qs.filter(campaign_id=f.campaign)
    if with_period:
        if f.date_from:
            qs = qs.filter(period__gte=f.date_from)
        if f.date_to:
            qs = qs.filter(period__lte=f.date_to)
    return qs


def _local_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def responses(user: Any, f: ReportFilters) -> QuerySet[Response]:
    """The responses behind the filters (months in the server's time zone)."""
    qs = Response.objects.restrict(user, "view")
    if f.site is not None:
        qs = qs.filter(site_id=f.site)
    if f.region is not None:
        qs = qs.filter(site__region_id=f.region)
    if f.service is not None:
        qs = qs.filter(service__isnull=True) if f.service == 0 else qs.filter(service_id=f.service)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.campaign is not None:
        qs = qs.filter(campaign_id=f.campaign)
    if f.date_from:
        qs = qs.filter(submitted_at__gte=_local_start(f.date_from))
    if f.date_to:
        qs = qs.filter(submitted_at__lt=_local_start(add_months(f.date_to, 1)))
    return qs


# Statistics from sums -----------------------------------------------------------------------

Sums = tuple[int, float, float]
ZERO: Sums = (0, 0.0, 0.0)


@dataclass(frozen=True)
class Stat:
    """A mean with its 95 % t-interval, or suppressed (n under the minimum)."""

    n: int
    mean: float | None = None
    lo: float | None = None
    hi: float | None = None
    sd: float | None = None
    suppressed: bool = True

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.mean is not None


# The employee gap-3 survey asks how well delivery meets the written standard on a 1–7 scale,
# 7 meaning "fully meets it"; gap 3 is the shortfall from that, S − 7, so that gaps 1, 3 and 5
# share one scale where 0 is "no gap" and negative is a shortfall.
GAP3_STANDARD = 7.0


def shifted(s: Stat, by: float) -> Stat:
    """The same estimate moved by a constant (its interval moves with it)."""
    if s.mean is None:
        return s
    return Stat(
        s.n,
        s.mean + by,
        None if s.lo is None else s.lo + by,
        None if s.hi is None else s.hi + by,
        s.sd,
        s.suppressed,
    )


def stat(sums: Sums, minimum: int | None = None) -> Stat:
    n, s, ss = sums
    n = int(n)
    if n == 0 or n < (minimum if minimum is not None else min_n()):
        return Stat(n)
    if n < 2:
        return Stat(n, s / n, None, None, None, False)
    r = mean_ci_from_sums(n, s, ss)
    return Stat(n, r.mean, r.lo, r.hi, r.sd, False)


@dataclass(frozen=True)
class Share:
    n: int
    k: float
    share: float | None = None
    lo: float | None = None
    hi: float | None = None
    suppressed: bool = True

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.share is not None


def share(n: int, k: float) -> Share:
    if n == 0 or n < min_n():
        return Share(n, k)
    r = proportion_ci(int(round(k)), int(n))
    return Share(n, k, r.proportion, r.lo, r.hi, False)


@dataclass(frozen=True)
class Difference:
    """A change (second − first) with its 95 % interval, test statistic and p value, as the
    report pages show it; NaN fields where the test is undefined (e.g. no variance)."""

    estimate: float
    low: float
    high: float
    z: float
    p_value: float


NAN_DIFFERENCE = Difference(math.nan, math.nan, math.nan, math.nan, math.nan)


def mean_difference(first: Sums, second: Sums) -> Difference:
    """Mean of ``second`` minus mean of ``first`` (independent groups, Welch interval), from
    their rollups; the statistic is Welch's t."""
    if first[0] < 2 or second[0] < 2:
        return NAN_DIFFERENCE
    a, b = mean_ci_from_sums(*first), mean_ci_from_sums(*second)
    try:
        r = compare.welch_t_from_stats(a.mean, a.sd, a.n, b.mean, b.sd, b.n)
    except ValueError:  # both groups without variance: no interval, no test
        est = b.mean - a.mean
        return Difference(est, est, est, math.nan, math.nan)
    return Difference(r.estimate, r.lo, r.hi, r.statistic, r.pvalue)


def estimate_difference(est1: float, se1: float, est2: float, se2: float) -> Difference:
    """``est2 − est1`` of two independent estimates with standard errors (z-test)."""
    try:
        r = compare.difference_of_estimates(est1, se1, est2, se2)
    except ValueError:  # both standard errors 0
        return Difference(est2 - est1, math.nan, math.nan, math.nan, math.nan)
    return Difference(r.estimate, r.lo, r.hi, r.statistic, r.pvalue)


def _sums_by(qs: QuerySet[Rollup], measures: Iterable[str], *group: str) -> list[dict[str, Any]]:
    """One GROUP BY query: n, Σx, Σx² per (measure, *group) for the given measures."""
    return list(
        qs.filter(measure__in=list(measures))
        .values("measure", *group)
        .annotate(n_=Sum("n"), s_=Sum("total"), ss_=Sum("total_sq"))
        .order_by()
    )


def _as_sums(row: Mapping[str, Any]) -> Sums:
    return (int(row["n_"] or 0), float(row["s_"] or 0.0), float(row["ss_"] or 0.0))


def _add(a: Sums, b: Sums) -> Sums:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


# Scale items --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    code: str
    dimension: str
    text: str


def dimension_label(code: str) -> str:
    try:
        return str(Dimension(code).label)
    except ValueError:
        return code


def _campaigns(user: Any, f: ReportFilters) -> QuerySet[Campaign]:
    qs = Campaign.objects.restrict(user, "view")
    return qs.filter(pk=f.campaign) if f.campaign is not None else qs


def scale_items(user: Any, f: ReportFilters) -> list[Item]:
    """The dimension-tagged scale items of the instruments in the filtered campaigns (1 query)."""
    rows = (
        Question.objects.filter(
            role=QuestionRole.ITEM, instrument__campaigns__in=_campaigns(user, f)
        )
        .exclude(dimension="")
        .values_list("code", "dimension", "text_zh", "text_en", "order")
        .distinct()
        .order_by("order", "code")
    )
    seen: dict[str, Item] = {}
    for code, dim, zh, en, _order in rows:
        if code not in seen:
            seen[code] = Item(code, dim, pick(zh, en))
    order = {d: i for i, d in enumerate(Dimension.values)}
    return sorted(seen.values(), key=lambda it: (order.get(it.dimension, len(order)), it.code))


def dimensions_of(items: Iterable[Item]) -> list[str]:
    dims: list[str] = []
    for it in items:
        if it.dimension not in dims:
            dims.append(it.dimension)
    return dims


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
    weighted: Stat
    perf: Stat  # SERVPERF
    responses: int
    trend: list[TrendPoint]
    league: list[SiteRow]
    funnel: Funnel
    has_zone_of_tolerance: bool
    has_gap_model: bool
    warnings: list[str]


def _period_key(period: dt.date, grain: str) -> dt.date:
    if grain == "quarter":
        return dt.date(period.year, 3 * ((period.month - 1) // 3) + 1, 1)
    return period


def period_label(period: dt.date, grain: str) -> str:
    if grain == "quarter":
        return f"{period.year} Q{(period.month - 1) // 3 + 1}"
    return period.strftime("%Y-%m")


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
    measures += ["SQ.GAP", "SQ.WGAP", "SQ.PERF", "RESP"]
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
        means = [sites[i][3].mean for i in shown]
        ns = [sites[i][3].n for i in shown]
        sds = [sites[i][3].sd for i in shown]
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


# CSAT and NPS -------------------------------------------------------------------------------

CSAT_MEASURES = ("CSAT", "CSAT.TOP", "NPS", "NPS.PRO", "NPS.DET", "OVERALL")


@dataclass(frozen=True)
class Satisfaction:
    csat: Stat  # mean rating
    top2: Share  # share in the top two boxes
    nps: NpsResult | None
    nps_n: int
    promoters: float
    detractors: float
    overall: Stat
    csat_sums: Sums
    nps_sums: tuple[int, float, float]  # n, promoters, detractors


def _satisfaction(cell: Mapping[str, Sums], minimum: int) -> Satisfaction:
    top = cell.get("CSAT.TOP", ZERO)
    pro, det = cell.get("NPS.PRO", ZERO), cell.get("NPS.DET", ZERO)
    nps_n = pro[0]
    nps_value = None
    if nps_n >= minimum and nps_n > 0:
        promoters, detractors = int(round(pro[1])), int(round(det[1]))
        nps_value = nps_from_counts(promoters, nps_n - promoters - detractors, detractors, min_n=1)
    return Satisfaction(
        csat=stat(cell.get("CSAT", ZERO), minimum),
        top2=share(top[0], top[1]),
        nps=nps_value,
        nps_n=nps_n,
        promoters=pro[1],
        detractors=det[1],
        overall=stat(cell.get("OVERALL", ZERO), minimum),
        csat_sums=cell.get("CSAT", ZERO),
        nps_sums=(nps_n, pro[1], det[1]),
    )


def _two_proportions(k1: float, n1: int, k2: float, n2: int) -> Difference:
    r = compare.two_proportions(int(round(k1)), int(n1), int(round(k2)), int(n2))
    return Difference(r.estimate, r.lo, r.hi, r.statistic, r.pvalue)


@dataclass(frozen=True)
class Change:
    what: str
    current: float | None
    previous: float | None
    difference: Difference | None

    @property
    def significant(self) -> bool:
        d = self.difference
        return d is not None and math.isfinite(d.p_value) and d.p_value < 0.05


@dataclass(frozen=True)
class SatisfactionReport:
    filters: ReportFilters
    min_n: int
    current: Satisfaction
    previous: Satisfaction
    current_period: tuple[dt.date, dt.date] | None
    previous_period: tuple[dt.date, dt.date] | None
    trend: list[tuple[dt.date, str, Satisfaction]]
    changes: list[Change]
    by_site: list[tuple[int, str, str, Satisfaction]]


def csat_nps_report(user: Any, f: ReportFilters) -> SatisfactionReport:
    """CSAT, top-2-box share, NPS with intervals, their trend, and the change against the
    previous period of equal length (2 aggregate queries)."""
    minimum = min_n()
    if f.date_from and f.date_to:
        length = months_between(f.date_from, f.date_to)
        qs = rollups(user, f.with_period(add_months(f.date_from, -length), f.date_to))
    else:
        qs = rollups(user, f)
    by_month: dict[dt.date, dict[str, Sums]] = {}
    for row in _sums_by(qs, CSAT_MEASURES, "period"):
        by_month.setdefault(row["period"], {})[row["measure"]] = _as_sums(row)
    months = sorted(by_month)
    current_period = previous_period = None
    if months:
        if f.date_from and f.date_to:
            first, last = f.date_from, f.date_to
        else:
            last = f.date_to or months[-1]
            first = f.date_from or add_months(last, -2)
            first = max(first, months[0]) if not f.date_from else first
        length = months_between(first, last)
        current_period = (first, last)
        previous_period = (add_months(first, -length), add_months(first, -1))

    def window(bounds: tuple[dt.date, dt.date] | None) -> dict[str, Sums]:
        cell: dict[str, Sums] = {}
        if bounds is None:
            return cell
        for m in months:
            if bounds[0] <= m <= bounds[1]:
                for key, sums in by_month[m].items():
                    cell[key] = _add(cell.get(key, ZERO), sums)
        return cell

    cur_cell, prev_cell = window(current_period), window(previous_period)
    current, previous = _satisfaction(cur_cell, minimum), _satisfaction(prev_cell, minimum)

    shown_from = f.date_from
    trend_cells: dict[dt.date, dict[str, Sums]] = {}
    for m in months:
        if shown_from and m < shown_from:
            continue
        key = _period_key(m, f.grain)
        bucket = trend_cells.setdefault(key, {})
        for measure, sums in by_month[m].items():
            bucket[measure] = _add(bucket.get(measure, ZERO), sums)
    trend = [
        (k, period_label(k, f.grain), _satisfaction(trend_cells[k], minimum))
        for k in sorted(trend_cells)
    ]

    changes = []
    top_c, top_p = current.top2, previous.top2
    if top_c.shown and top_p.shown:
        changes.append(
            Change(
                _("CSAT top-2-box share"),
                top_c.share,
                top_p.share,
                _two_proportions(top_p.k, top_p.n, top_c.k, top_c.n),
            )
        )
    else:
        changes.append(Change(_("CSAT top-2-box share"), top_c.share, top_p.share, None))
    if current.csat.shown and previous.csat.shown:
        changes.append(
            Change(
                _("CSAT mean"),
                current.csat.mean,
                previous.csat.mean,
                mean_difference(previous.csat_sums, current.csat_sums),
            )
        )
    else:
        changes.append(Change(_("CSAT mean"), current.csat.mean, previous.csat.mean, None))
    if current.nps and previous.nps:
        d = estimate_difference(previous.nps.nps, previous.nps.se, current.nps.nps, current.nps.se)
        changes.append(Change(_("NPS"), current.nps.nps, previous.nps.nps, d))
    else:
        changes.append(
            Change(
                _("NPS"),
                current.nps.nps if current.nps else None,
                previous.nps.nps if previous.nps else None,
                None,
            )
        )

    site_qs = rollups(user, f.with_period(*current_period)) if current_period else rollups(user, f)
    by_site: dict[int, tuple[str, str, dict[str, Sums]]] = {}
    for row in _sums_by(site_qs, CSAT_MEASURES, "site_id", "site__code", "site__name"):
        by_site.setdefault(row["site_id"], (row["site__code"], row["site__name"], {}))[2][
            row["measure"]
        ] = _as_sums(row)
    sites = sorted(
        (
            (sid, code, name, _satisfaction(cell, minimum))
            for sid, (code, name, cell) in by_site.items()
        ),
        key=lambda r: r[1],
    )
    return SatisfactionReport(
        f, minimum, current, previous, current_period, previous_period, trend, changes, sites
    )


# Importance–performance ---------------------------------------------------------------------


@dataclass(frozen=True)
class IpaPoint:
    key: str  # dimension code or item code
    label: str
    importance: float | None
    performance: Stat
    importance_n: int
    quadrant: str
    weight_pct: float | None = None  # Johnson's relative weight, % of R² (derived importance)


@dataclass(frozen=True)
class IpaReport:
    filters: ReportFilters
    mode: str  # "stated" | "derived"
    points: list[IpaPoint]
    importance_mean: float | None
    performance_mean: float | None
    sample: int  # raw responses read for derived importance
    cap: int
    drivers: list[IpaPoint]


QUADRANT_KEYS = {
    "concentrate here": "concentrate",
    "keep up the good work": "keep_up",
    "low priority": "low_priority",
    "possible overkill": "overkill",
}


def _quadrants(
    imp: list[float | None], perf: list[float | None]
) -> tuple[list[str], float | None, float | None]:
    """Martilla & James (1977) quadrants (``sqms.analytics.ipa.ipa``) with the cross-hairs at
    the means of the attributes that have both coordinates."""
    idx = [
        j for j, (i, p) in enumerate(zip(imp, perf, strict=True)) if i is not None and p is not None
    ]
    out = ["" for _ in imp]
    if not idx:
        return out, None, None
    result = ipa([imp[j] for j in idx], [perf[j] for j in idx])
    for j, item in zip(idx, result.items, strict=True):
        out[j] = QUADRANT_KEYS.get(item.quadrant, item.quadrant)
    return out, result.importance_cut, result.performance_cut


def _overall_code(user: Any, f: ReportFilters) -> list[str]:
    return list(
        Question.objects.filter(
            role=QuestionRole.OVERALL, instrument__campaigns__in=_campaigns(user, f)
        )
        .values_list("code", flat=True)
        .distinct()
    )


def ipa_report(user: Any, f: ReportFilters, mode: str = "stated") -> IpaReport:
    """Stated importance (mean points per dimension from ``IMP.d``) or derived importance
    (``sqms.analytics.ipa.key_drivers`` on a capped sample of raw responses: Pearson r of each
    item's perception with the overall rating, and Johnson's relative weights for the key
    drivers), against performance (mean perception from the rollups)."""
    minimum = min_n()
    items = scale_items(user, f)
    dims = dimensions_of(items)
    qs = rollups(user, f)
    if mode == "derived":
        totals = {r["measure"]: _as_sums(r) for r in _sums_by(qs, [f"{it.code}.P" for it in items])}
        overall_codes = _overall_code(user, f)
        sample = 0
        imp: list[float | None] = [None] * len(items)
        weights: list[float | None] = [None] * len(items)
        counts = [0] * len(items)
        if overall_codes:
            code = overall_codes[0]
            rows = list(
                responses(user, f)
                .filter(answers__has_key=code)
                .values_list("answers", flat=True)[:IPA_SAMPLE_CAP]
            )
            sample = len(rows)
            if sample:
                y = np.array([_float(r.get(code)) for r in rows])
                x = np.array(
                    [[_float(r.get(f"{it.code}.P")) for it in items] for r in rows], dtype=float
                ).reshape(sample, len(items))
                try:
                    kd = key_drivers(x, y, [it.code for it in items])
                except ValueError:  # too few complete respondents, or no variance
                    kd = None
                if kd is not None and kd.n >= minimum:
                    for j in range(len(items)):
                        counts[j] = kd.n
                        imp[j] = float(kd.correlations[j])
                        weights[j] = float(kd.relative_weights_pct[j])
        perf = [stat(totals.get(f"{it.code}.P", ZERO), minimum) for it in items]
        quads, mi, mp = _quadrants(imp, [p.mean if p.shown else None for p in perf])
        points = [
            IpaPoint(
                it.code, f"{it.code} {it.text}", imp[j], perf[j], counts[j], quads[j], weights[j]
            )
            for j, it in enumerate(items)
        ]
        drivers = sorted(
            (p for p in points if p.weight_pct is not None), key=lambda p: -(p.weight_pct or 0)
        )
        return IpaReport(f, "derived", points, mi, mp, sample, IPA_SAMPLE_CAP, drivers[:5])

    totals = {
        r["measure"]: _as_sums(r)
        for r in _sums_by(qs, [f"IMP.{d}" for d in dims] + [f"DIM.{d}.P" for d in dims])
    }
    imp_stats = [stat(totals.get(f"IMP.{d}", ZERO), minimum) for d in dims]
    perf = [stat(totals.get(f"DIM.{d}.P", ZERO), minimum) for d in dims]
    quads, mi, mp = _quadrants(
        [s.mean if s.shown else None for s in imp_stats],
        [p.mean if p.shown else None for p in perf],
    )
    points = [
        IpaPoint(
            d,
            dimension_label(d),
            imp_stats[j].mean if imp_stats[j].shown else None,
            perf[j],
            imp_stats[j].n,
            quads[j],
        )
        for j, d in enumerate(dims)
    ]
    drivers = sorted(
        (p for p in points if p.importance is not None), key=lambda p: -(p.importance or 0)
    )
    return IpaReport(f, "stated", points, mi, mp, 0, 0, drivers[:5])


def _float(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return math.nan


# Distributions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    key: str
    label: str
    n: int
    counts: list[tuple[str, int]]  # value label, count
    suppressed: bool


@dataclass(frozen=True)
class DistributionReport:
    filters: ReportFilters
    choices: list[Distribution]
    rating_keys: list[tuple[str, str]]
    rating: Distribution | None


def _questions(user: Any, f: ReportFilters) -> list[Question]:
    return list(
        Question.objects.filter(instrument__campaigns__in=_campaigns(user, f))
        .only(
            "code",
            "kind",
            "text_zh",
            "text_en",
            "options",
            "ratings",
            "scale_min",
            "scale_max",
            "order",
        )
        .distinct()
        .order_by("order", "code")
    )


def distribution_report(user: Any, f: ReportFilters, rating_key: str = "") -> DistributionReport:
    """Answers per option of choice questions (``CODE=v`` rollups, 1 query) and, for one rating
    question, the count per value from the raw answers (1 GROUP BY over the JSON value)."""
    minimum = min_n()
    questions: dict[str, Question] = {}
    for q in _questions(user, f):
        questions.setdefault(q.code, q)
    choice_codes = [
        c for c, q in questions.items() if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI)
    ]
    rows = (
        rollups(user, f)
        .filter(measure__contains="=")
        .values("measure")
        .annotate(n_=Sum("n"))
        .order_by()
    )
    counts_by_code: dict[str, dict[str, int]] = {}
    for row in rows:
        code, _sep, value = row["measure"].partition("=")
        counts_by_code.setdefault(code, {})[value] = int(row["n_"] or 0)
    # respondents per choice question: the RESP count is not per question, so use the sum of
    # option counts for single choice and the largest option count as a floor for multi.
    choices = []
    for code in choice_codes + sorted(set(counts_by_code) - set(choice_codes)):
        q = questions.get(code)
        counts = counts_by_code.get(code, {})
        labels = {
            str(o.get("value")): pick(o.get("zh", ""), o.get("en", "")) or str(o.get("value"))
            for o in (q.options if q else [])
        }
        order = list(labels) + sorted(set(counts) - set(labels))
        n = sum(counts.values())
        choices.append(
            Distribution(
                code,
                f"{code} {q.text}" if q else code,
                n,
                [
                    (f"{v} {labels[v]}" if v in labels and labels[v] != v else v, counts.get(v, 0))
                    for v in order
                ],
                n < minimum,
            )
        )

    rating_keys: list[tuple[str, str]] = []
    for q in questions.values():
        if q.kind in (
            QuestionKind.LIKERT,
            QuestionKind.SCALE_0_10,
            QuestionKind.RATINGS,
            QuestionKind.NUMBER,
        ):
            for key in q.answer_keys():
                rating_keys.append((key, f"{key} {q.text[:60]}"))
    valid = {k for k, _label in rating_keys}
    if rating_key not in valid:
        rating_key = rating_keys[0][0] if rating_keys else ""
    rating = None
    if rating_key:
        grouped = (
            responses(user, f)
            .filter(answers__has_key=rating_key)
            .annotate(v=KT(f"answers__{rating_key}"))
            .values("v")
            .annotate(c=Count("id"))
            .order_by()
        )
        counts = {}
        for row in grouped:
            try:
                value = float(row["v"])
            except (TypeError, ValueError):
                continue
            label = str(int(value)) if value.is_integer() else str(value)
            counts[label] = counts.get(label, 0) + int(row["c"])
        q = questions.get(rating_key.split(".")[0]) or questions.get(rating_key)
        lo = q.scale_min if q and q.scale_min is not None else None
        hi = q.scale_max if q and q.scale_max is not None else None
        labels = (
            [str(v) for v in range(lo, hi + 1)]
            if lo is not None and hi is not None and hi - lo <= 20
            else []
        )
        order = labels + sorted(set(counts) - set(labels), key=lambda s: float(s))
        n = sum(counts.values())
        rating = Distribution(
            rating_key,
            dict(rating_keys).get(rating_key, rating_key),
            n,
            [(v, counts.get(v, 0)) for v in order],
            n < minimum,
        )
    return DistributionReport(f, choices, rating_keys, rating)


# Comments -----------------------------------------------------------------------------------


def comments(user: Any, f: ReportFilters, search: str = "") -> QuerySet[Response]:
    qs = responses(user, f).exclude(comment="").select_related("site")
    if search:
        qs = qs.filter(comment__icontains=search)
    return qs


@dataclass(frozen=True)
class Keywords:
    chinese: list[tuple[str, float]]
    english: list[tuple[str, int]]
    sample: int
    cap: int


def keywords(qs: QuerySet[Response], top: int = 20) -> Keywords:
    """Keywords of the newest comments of the filtered scope (capped): jieba TF-IDF for Chinese,
    a stop-word frequency count for English."""
    texts = list(
        qs.order_by("-submitted_at").values_list("comment", flat=True)[:KEYWORD_SAMPLE_CAP]
    )
    zh = [t for t in texts if is_chinese(t)]
    en = [t for t in texts if not is_chinese(t)]
    return Keywords(
        chinese_keywords(zh, top),
        english_keywords(en, top),
        len(texts),
        KEYWORD_SAMPLE_CAP,
    )


# Drill-down ---------------------------------------------------------------------------------


def _role_codes(user: Any, f: ReportFilters, role: str, dimension: str = "") -> list[str]:
    qs = Question.objects.filter(role=role, instrument__campaigns__in=_campaigns(user, f))
    if dimension:
        qs = qs.filter(dimension=dimension)
    return list(qs.values_list("code", flat=True).distinct())


def measure_condition(user: Any, f: ReportFilters, measure: str) -> Q:
    """Which raw responses stand behind a rollup measure (those that contributed to its n)."""
    if not measure or measure == "RESP":
        return Q()
    if "=" in measure:
        code, _sep, value = measure.partition("=")
        import re

        v = re.escape(value)
        return Q(**{f"answers__{code}__regex": rf'^{v}$|[\[,]\s*"?{v}"?\s*[,\]]'})
    head, _sep, part = measure.rpartition(".")
    if measure in ("OVERALL", "CSAT", "CSAT.TOP", "NPS", "NPS.PRO", "NPS.DET"):
        role = {
            "OVERALL": QuestionRole.OVERALL,
            "CSAT": QuestionRole.CSAT,
            "NPS": QuestionRole.NPS,
        }[measure.split(".")[0]]
        codes = _role_codes(user, f, role)
        return Q(answers__has_any_keys=codes) if codes else Q(pk__in=[])
    if measure.startswith("IMP."):
        codes = _role_codes(user, f, QuestionRole.IMPORTANCE, measure[4:])
        return Q(answers__has_any_keys=codes) if codes else Q(pk__in=[])
    pairs = gap_pairs()
    if measure.startswith(("DIM.", "DIMSUM.", "SQ.")):
        if measure.startswith("SQ."):
            codes = [it.code for it in scale_items(user, f)]
            part = "P"
        else:
            dim = measure.split(".")[1]
            codes = [it.code for it in scale_items(user, f) if it.dimension == dim]
        parts = pairs.get(part, (part,))
        keys = [f"{c}.{p}" for c in codes for p in parts]
        if not keys:
            return Q(pk__in=[])
        if measure.startswith("DIMSUM."):
            return Q(answers__has_keys=keys)
        if len(parts) > 1:
            cond = Q()
            for c in codes:
                cond |= Q(answers__has_keys=[f"{c}.{p}" for p in parts])
            return cond
        return Q(answers__has_any_keys=keys)
    if part in pairs and head:
        return Q(answers__has_keys=[f"{head}.{p}" for p in pairs[part]])
    return Q(answers__has_key=measure)


def gap_pairs() -> dict[str, tuple[str, ...]]:
    """Gap measure part -> the two answer parts it is the difference of (e.g. GAP -> P, E)."""
    return dict(GAP_PAIRS)


def drilldown(
    user: Any, f: ReportFilters, measure: str = "", month: dt.date | None = None
) -> QuerySet[Response]:
    """The responses behind a number: the report's filters, narrowed to one measure (and month)."""
    if month:
        f = f.with_period(month, month)
    qs = responses(user, f).filter(measure_condition(user, f, measure))
    return qs.select_related("site", "campaign")
