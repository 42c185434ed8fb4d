"""The overview: inspections done, mean score with its 95 % t-interval, pass rate with its
Wilson interval (``sqms.analytics.metrics.proportion_ci``) and critical failures — overall and
per inspection kind, in one ``GROUP BY`` over the filtered inspections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from sqms.analytics.metrics import ProportionCI, proportion_ci
from sqms.core.charts import bar_with_ci
from sqms.core.panels import Cell, Panel, count, num, text
from sqms.core.stats import ZERO, Stat, Sums
from sqms.inspections.choices import InspectionKind
from sqms.inspections.report_filters import ResultFilters, inspections
from sqms.inspections.reports.frame import (
    add_sums,
    frame,
    render_report,
    report_view,
    score_sums,
    sums_of,
    sums_stat,
)


@dataclass(frozen=True)
class OverviewRow:
    kind: str  # "" = every kind
    label: str
    n: int
    score: Stat
    passed: int
    pass_rate: ProportionCI | None
    critical: int


@dataclass(frozen=True)
class Overview:
    filters: ResultFilters
    total: OverviewRow
    kinds: list[OverviewRow]


def _row(kind: str, label: str, sums: Sums, passed: int, critical: int) -> OverviewRow:
    n = sums[0]
    return OverviewRow(
        kind,
        label,
        n,
        sums_stat(sums),
        passed,
        proportion_ci(passed, n) if n else None,
        critical,
    )


def overview_report(user: Any, f: ResultFilters) -> Overview:
    labels = dict(InspectionKind.choices)
    rows = []
    total: Sums = ZERO
    passed = critical = 0
    for row in sorted(score_sums(inspections(user, f), "kind"), key=lambda r: r["kind"]):
        sums = sums_of(row)
        total = add_sums(total, sums)
        passed += row["passed"]
        critical += row["critical"]
        rows.append(
            _row(
                row["kind"],
                str(labels.get(row["kind"], row["kind"])),
                sums,
                row["passed"],
                row["critical"],
            )
        )
    return Overview(f, _row("", _("All kinds"), total, passed, critical), rows)


def overview_panels(r: Overview) -> list[Panel]:
    panel = Panel(
        "overview",
        _("Inspection results"),
        [
            _("Kind"),
            _("Inspections"),
            _("Mean score %"),
            _("95 % CI low"),
            _("95 % CI high"),
            _("Passed"),
            _("Pass rate %"),
            _("Wilson 95 % low"),
            _("Wilson 95 % high"),
            _("Critical failures"),
        ],
        note=_(
            "Submitted inspections with a score. The mean score has a Student-t 95 % "
            "interval (clipped to 0–100); the pass rate a Wilson 95 % interval. A critical failure is an "
            "inspection in which a critical item failed."
        ),
        open=True,
    )
    for row in [*r.kinds, r.total]:
        s = row.score
        pr = row.pass_rate
        panel.rows.append(
            [
                text(row.label),
                count(row.n),
                num(s.mean),
                num(s.lo),
                num(s.hi),
                count(row.passed),
                num(None if pr is None else 100 * pr.proportion, 1),
                num(None if pr is None else 100 * pr.lo, 1),
                num(None if pr is None else 100 * pr.hi, 1),
                Cell(str(row.critical), row.critical, css="num neg" if row.critical else "num"),
            ]
        )
    if r.kinds:
        panel.figure = bar_with_ci(
            [k.label for k in r.kinds], [k.score for k in r.kinds], _("Mean score %")
        )
    return [panel]


@report_view("inspections")
def report_overview(request: HttpRequest) -> HttpResponseBase:
    f = ResultFilters.from_params(request.GET)
    r = overview_report(request.user, f)
    panels = overview_panels(r) if r.total.n else []
    context = frame(request, f, "inspections:report_overview", _("Inspection results"))
    return render_report(request, context, panels)
