"""§9.3 inputs from operations: inspections and audits, nonconformities and CAPA effectiveness,
capacity — read through the inspections', CAPA's and capacity planning's own functions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sqms.capa.reports.analytics import CapaFilters, capa_analytics
from sqms.improvement.capacity import plans_for_sites
from sqms.inspections.report_filters import ResultFilters
from sqms.inspections.reports.overview import overview_report
from sqms.reports.data import Chart, Metric, Section, Series
from sqms.reports.period import ReviewPeriod, ReviewScope


def _r(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(float(x), digits)


def _region(scope: ReviewScope) -> int | None:
    return scope.region_id if scope.level == "region" else None


def inspections(user: Any, scope: ReviewScope, p: ReviewPeriod) -> Section:
    def report(per: ReviewPeriod) -> Any:
        f = ResultFilters(
            region=_region(scope), site=scope.site_id, date_from=per.first, date_to=per.last
        )
        return overview_report(user, f)

    cur, prev = report(p), report(p.previous())
    prev_kinds = {k.kind: k for k in prev.kinds}
    rows: list[list[Any]] = []
    for row in [cur.total, *cur.kinds]:
        before = prev.total if row is cur.total else prev_kinds.get(row.kind)
        rows.append(
            [
                row.label,
                row.n,
                _r(row.score.mean, 1),
                _r(before.score.mean, 1) if before else None,
                _r(row.pass_rate.proportion, 3) if row.pass_rate else None,
                row.critical,
            ]
        )

    def rate(o: Any) -> float | None:
        return _r(o.total.pass_rate.proportion, 3) if o.total.pass_rate else None

    metrics = [
        Metric("inspections:n", _("Inspections and audits done"), cur.total.n, prev.total.n, None),
        Metric(
            "inspections:score",
            _("Mean inspection score"),
            _r(cur.total.score.mean, 1),
            _r(prev.total.score.mean, 1),
        ),
        Metric("inspections:pass", _("Inspection pass rate"), rate(cur), rate(prev), True, True),
        Metric(
            "inspections:critical",
            _("Critical-item failures"),
            cur.total.critical,
            prev.total.critical,
            False,
        ),
    ]
    charts = []
    if cur.kinds:
        charts.append(
            Chart(
                _("Mean score by kind"),
                [k.label for k in cur.kinds],
                [Series(p.label, [_r(k.score.mean, 1) for k in cur.kinds], "bar")],
            )
        )
    return Section(
        "inspections",
        _("Inspections and audits"),
        [
            _("Kind"),
            _("Done"),
            _("Mean score"),
            _("Mean score, previous period"),
            _("Pass rate"),
            _("Critical failures"),
        ],
        rows,
        metrics,
        charts,
    )


def capa(user: Any, scope: ReviewScope, p: ReviewPeriod) -> Section:
    def report(per: ReviewPeriod) -> Any:
        f = CapaFilters(
            site=scope.site_id, region=_region(scope), date_from=per.first, date_to=per.end
        )
        return capa_analytics(user, f, today=per.end)

    cur, prev = report(p), report(p.previous())
    shares = [  # key, label, the analytics' share, higher is better
        ("capa:closure", _("Closed on time"), "on_time_closure", True),
        ("capa:actions", _("Actions done on time"), "on_time_actions", True),
        ("capa:effective", _("Verified effective"), "effectiveness", True),
        ("capa:first", _("Effective at the first cycle"), "first_time_effective", True),
        ("capa:recurrence", _("Recurrence rate"), "recurrence_rate", False),
    ]
    figures = [
        ("capa:open", _("Open nonconformities"), cur.open_total, prev.open_total, False, False),
        (
            "capa:overdue",
            _("Overdue actions"),
            cur.overdue_actions,
            prev.overdue_actions,
            False,
            False,
        ),
        *(
            (key, label, _r(getattr(cur, a).share, 3), _r(getattr(prev, a).share, 3), up, True)
            for key, label, a, up in shares
        ),
    ]
    rows: list[list[Any]] = [[label, a, b] for _k, label, a, b, _h, _p in figures]
    for _v, label, n in cur.by_severity:
        rows.append([_("Open, severity: %(severity)s") % {"severity": label}, n, None])
    metrics = [Metric(k, label, a, b, h, pct) for k, label, a, b, h, pct in figures]
    charts = []
    if cur.months and cur.sources:
        total = [float(sum(v[i] for v in cur.sources.values())) for i in range(len(cur.months))]
        charts.append(
            Chart(
                _("Nonconformities raised per month"),
                cur.months,
                [Series(_("Raised"), list(total), "bar")],
            )
        )
    return Section(
        "capa",
        _("Nonconformities and CAPA effectiveness"),
        [_("Measure"), p.label, p.previous().label],
        rows,
        metrics,
        charts,
    )


def capacity(user: Any, scope: ReviewScope, p: ReviewPeriod) -> Section:
    rows: list[list[Any]] = []
    under = 0
    for site, plan in plans_for_sites(scope.site_ids):
        under += plan.hours_under
        rows.append(
            [
                f"{site.code} {site.name}",
                round(plan.arrivals_total, 1),
                plan.staff_hours_needed,
                plan.staff_hours_rostered,
                plan.hours_under,
                plan.hours_over,
                plan.peak.label,
            ]
        )
    metrics = [Metric("capacity:under", _("Under-staffed hours per week"), under, None, False)]
    return Section(
        "capacity",
        _("Capacity (Erlang C plan of a typical week)"),
        [
            _("Site"),
            _("Arrivals per week"),
            _("Staff hours needed"),
            _("Staff hours rostered"),
            _("Hours under-staffed"),
            _("Hours over-staffed"),
            _("Peak hour"),
        ],
        rows,
        metrics,
        note=_("The current arrival profile and roster of each site; not tied to the period."),
    )
