"""The service-recovery paradox page: are customers whose complaint was put right as
satisfied as — or more than — customers who did not complain?

Two groups from the survey rollups of the same sites and months (the filters): the answers to
the complaint follow-up survey (campaigns of the ``COMPLAINT-FOLLOWUP`` instrument: complainants
after recovery) and every other survey's answers (regular customers). Per measure — CSAT
(the 1–5 satisfaction rating) and the 0–10 would-recommend answer — each group's mean with its
95 % interval and the difference follow-up − regular with Welch's interval and test
(:func:`sqms.core.stats.mean_difference` → :func:`sqms.analytics.compare.welch_t_from_stats`).
A group with fewer than ``SQMS_SURVEY_MIN_N`` answers is suppressed, and so is the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from sqms.complaints.followup import FOLLOWUP_CODE
from sqms.core.charts import base_layout, y_err, y_value
from sqms.core.panels import Panel, count, num, render_panels, stat_cells, text
from sqms.core.stats import ZERO, Difference, Stat, Sums, mean_difference, min_n, stat
from sqms.surveys.reports.frame import frame, report_view
from sqms.surveys.reports.selection import ReportFilters, _as_sums, _sums_by, rollups

MEASURES = ("CSAT", "NPS")


@dataclass(frozen=True)
class ParadoxRow:
    measure: str
    followup: Stat
    regular: Stat
    difference: Difference | None  # None when either group is suppressed


def _label(measure: str) -> str:
    return {
        "CSAT": _("Satisfaction (CSAT, 1–5)"),
        "NPS": _("Would recommend (0–10)"),
    }.get(measure, measure)


def paradox_sums(user: Any, f: ReportFilters) -> dict[str, dict[str, Sums]]:
    """``{"followup" | "regular": {measure: (n, Σx, Σx²)}}`` in the user's scope under the
    filters (one GROUP BY query)."""
    qs = rollups(user, f)
    out: dict[str, dict[str, Sums]] = {"followup": {}, "regular": {}}
    for row in _sums_by(qs, MEASURES, "campaign__instrument__code"):
        group = "followup" if row["campaign__instrument__code"] == FOLLOWUP_CODE else "regular"
        sums = _as_sums(row)
        old = out[group].get(row["measure"], ZERO)
        out[group][row["measure"]] = (old[0] + sums[0], old[1] + sums[1], old[2] + sums[2])
    return out


def paradox_rows(sums: dict[str, dict[str, Sums]], minimum: int | None = None) -> list[ParadoxRow]:
    """Means, intervals and the difference per measure (suppressed under the minimum n)."""
    minimum = min_n() if minimum is None else minimum
    rows = []
    for measure in MEASURES:
        fu = sums["followup"].get(measure, ZERO)
        rg = sums["regular"].get(measure, ZERO)
        a, b = stat(fu, minimum), stat(rg, minimum)
        diff = mean_difference(rg, fu) if a.shown and b.shown else None
        rows.append(ParadoxRow(measure, a, b, diff))
    return rows


def paradox_panel(rows: list[ParadoxRow]) -> Panel:
    followup_name, regular_name = (
        _("After a complaint (follow-up)"),
        _("No complaint (regular surveys)"),
    )
    columns = [
        _("Measure"),
        _("Follow-up n"),
        _("Follow-up mean"),
        _("95 % CI low"),
        _("95 % CI high"),
        _("Regular n"),
        _("Regular mean"),
        _("95 % CI low"),
        _("95 % CI high"),
        _("Difference"),
        _("95 % CI low"),
        _("95 % CI high"),
        _("Welch t"),
        _("p"),
    ]
    table = []
    for r in rows:
        d = r.difference
        cells = [text(_label(r.measure)), *stat_cells(r.followup), *stat_cells(r.regular)]
        if d is None:
            cells += [num(None, suppressed=True) for _i in range(5)]
        else:
            cells += [num(d.estimate), num(d.low), num(d.high), num(d.z), num(d.p_value, 4)]
        table.append(cells)
    labels = [_label(r.measure) for r in rows]
    traces = []
    for name, stats in (
        (followup_name, [r.followup for r in rows]),
        (regular_name, [r.regular for r in rows]),
    ):
        traces.append(
            {
                "type": "bar",
                "name": name,
                "x": labels,
                "y": [y_value(s) for s in stats],
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [y_err(s)[0] for s in stats],
                    "arrayminus": [y_err(s)[1] for s in stats],
                },
            }
        )
    figure = {"data": traces, "layout": base_layout(barmode="group", yaxis={"zeroline": True})}
    shown = any(r.followup.shown or r.regular.shown for r in rows)
    return Panel(
        name="recovery-paradox",
        title=_("Complainants after recovery against customers without a complaint"),
        columns=columns,
        rows=table,
        figure=figure if shown else None,
        note=_(
            "A positive difference (follow-up − regular) whose interval lies above 0 is the "
            "service-recovery paradox: complainants whose problem was put right rate us higher "
            "than customers who had no problem."
        ),
        open=True,
    )


def counts_panel(sums: dict[str, dict[str, Sums]]) -> Panel:
    return Panel(
        name="recovery-paradox-counts",
        title=_("Answers per group"),
        columns=[_("Group"), _("Measure"), _("n")],
        rows=[
            [text(group_label), text(_label(m)), count(sums[group].get(m, ZERO)[0])]
            for group, group_label in (
                ("followup", _("After a complaint (follow-up)")),
                ("regular", _("No complaint (regular surveys)")),
            )
            for m in MEASURES
        ],
    )


@report_view("complaints:recovery_paradox")
def recovery_paradox(request: HttpRequest) -> HttpResponseBase:
    f = ReportFilters.from_params(request.GET)
    f = ReportFilters(region=f.region, site=f.site, date_from=f.date_from, date_to=f.date_to)
    sums = paradox_sums(request.user, f)
    rows = paradox_rows(sums)
    context = frame(
        request, f, "complaints:recovery_paradox", _("Service-recovery paradox"), tabs=[]
    )
    return render_panels(
        request,
        "complaints/recovery_paradox.html",
        context,
        [paradox_panel(rows), counts_panel(sums)],
    )


urlpatterns: list[URLPattern] = [
    path("reports/recovery-paradox/", recovery_paradox, name="recovery_paradox"),
]
