"""§9.3 inputs from the customers' side: satisfaction (CSAT, NPS, SERVQUAL) and complaints with
their SLA — read through the surveys' and complaints' own report functions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sqms.complaints.reports.overview import overview_report
from sqms.complaints.reports.selection import ComplaintFilters
from sqms.reports.data import Chart, Metric, Section, Series
from sqms.reports.period import ReviewPeriod, ReviewScope
from sqms.surveys.reports.csat_nps import csat_nps_report
from sqms.surveys.reports.selection import ReportFilters
from sqms.surveys.reports.servqual import servqual_report


def _r(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(float(x), digits)


def _survey_filters(scope: ReviewScope, p: ReviewPeriod) -> ReportFilters:
    return ReportFilters(
        region=scope.region_id if scope.level == "region" else None,
        site=scope.site_id,
        date_from=p.first,
        date_to=p.last,
    )


def satisfaction(user: Any, scope: ReviewScope, p: ReviewPeriod) -> Section:
    cur = csat_nps_report(user, _survey_filters(scope, p))
    prev = csat_nps_report(user, _survey_filters(scope, p.previous()))
    sq = servqual_report(user, _survey_filters(scope, p), sections=())
    sq_prev = servqual_report(user, _survey_filters(scope, p.previous()), sections=())
    c, q = cur.current, prev.current

    def nps(s: Any) -> float | None:
        return None if s.nps is None or s.nps.suppressed else _r(s.nps.nps, 1)

    prev_gaps = {d.code: d.gap.mean for d in sq_prev.dimensions}
    rows: list[list[Any]] = [
        [_("CSAT (mean rating)"), _r(c.csat.mean), _r(q.csat.mean), c.csat.n],
        [_("Top-2-box share"), _r(c.top2.share, 3), _r(q.top2.share, 3), c.top2.n],
        [_("NPS"), nps(c), nps(q), c.nps_n],
        [
            _("SERVQUAL overall gap (P − E)"),
            _r(sq.overall.mean),
            _r(sq_prev.overall.mean),
            sq.overall.n,
        ],
    ]
    for d in sq.dimensions:
        rows.append(
            [
                _("SERVQUAL gap: %(dimension)s") % {"dimension": d.label},
                _r(d.gap.mean),
                _r(prev_gaps.get(d.code)),
                d.gap.n,
            ]
        )
    metrics = [
        Metric("csat", _("CSAT"), _r(c.csat.mean), _r(q.csat.mean)),
        Metric("nps", _("NPS"), nps(c), nps(q)),
        Metric(
            "servqual", _("SERVQUAL overall gap"), _r(sq.overall.mean), _r(sq_prev.overall.mean)
        ),
    ]
    for d in sq.dimensions:
        metrics.append(
            Metric(
                f"gap:{d.code}",
                _("SERVQUAL gap: %(dimension)s") % {"dimension": d.label},
                _r(d.gap.mean),
                _r(prev_gaps.get(d.code)),
            )
        )
    charts = []
    if sq.dimensions:
        charts.append(
            Chart(
                _("SERVQUAL gap by dimension (P − E)"),
                [d.label for d in sq.dimensions],
                [Series(p.label, [_r(d.gap.mean) for d in sq.dimensions], "bar")],
            )
        )
    return Section(
        "satisfaction",
        _("Customer satisfaction and feedback"),
        [_("Measure"), p.label, p.previous().label, _("n")],
        rows,
        metrics,
        charts,
        note=_("SERVQUAL overall score: mean of the dimension gaps per respondent."),
    )


def _complaint_filters(scope: ReviewScope, p: ReviewPeriod) -> ComplaintFilters:
    return ComplaintFilters(
        region=scope.region_id if scope.level == "region" else None,
        site=scope.site_id,
        date_from=p.first,
        date_to=p.last,
    )


def _complaint_figures(r: Any) -> dict[str, float | None]:
    volume = sum(s.transactions or 0 for s in r.site_months)
    with_volume = sum(s.complaints for s in r.site_months if s.transactions)
    sla = {s.clock: s.compliance.share for s in r.sla}
    median = {d.clock: d.median_hours for d in r.durations}
    return {
        "total": float(r.total),
        "rate": 1000.0 * with_volume / volume if volume else None,
        "response": sla.get("response"),
        "resolution": sla.get("resolution"),
        "median_resolution": median.get("resolution"),
    }


def complaints(user: Any, scope: ReviewScope, p: ReviewPeriod) -> Section:
    cur_r = overview_report(user, _complaint_filters(scope, p))
    prev_r = overview_report(user, _complaint_filters(scope, p.previous()))
    cur, prev = _complaint_figures(cur_r), _complaint_figures(prev_r)
    labels = {
        "total": (_("Complaints received"), False, None),
        "rate": (_("Complaints per 1,000 transactions"), False, 2),
        "response": (_("SLA compliance: first response"), True, 3),
        "resolution": (_("SLA compliance: resolution"), True, 3),
        "median_resolution": (_("Median resolution time (hours)"), False, 1),
    }
    rows: list[list[Any]] = []
    metrics = []
    for key, (label, better, digits) in labels.items():
        a, b = cur[key], prev[key]
        if digits is None:
            a_v: Any = None if a is None else int(a)
            b_v: Any = None if b is None else int(b)
        else:
            a_v, b_v = _r(a, digits), _r(b, digits)
        rows.append([label, a_v, b_v])
        metrics.append(Metric(f"complaints:{key}", label, a_v, b_v, better, digits == 3))
    charts = []
    if cur_r.months:
        charts.append(
            Chart(
                _("Complaints per month"),
                [f"{m:%Y-%m}" for m, _n in cur_r.months],
                [Series(_("Complaints"), [float(n) for _m, n in cur_r.months], "bar")],
            )
        )
    return Section(
        "complaints",
        _("Complaints and SLA"),
        [_("Measure"), p.label, p.previous().label],
        rows,
        metrics,
        charts,
    )
