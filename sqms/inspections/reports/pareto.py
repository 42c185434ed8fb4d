"""The Pareto of failed items across the chain: which checklist items fail most, with their
share and the cumulative share (``sqms.analytics.pareto``, vital few at 80 %).

An item is the same across versions of one checklist template when its code and text are the
same, so a republished checklist does not split its history. One ``GROUP BY`` over the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from sqms.analytics.pareto import pareto
from sqms.core.panels import Cell, Panel, count, num, text
from sqms.inspections.report_filters import ResultFilters, answers
from sqms.inspections.reports.frame import frame, render_report, report_view

CUT = 0.8


@dataclass(frozen=True)
class FailedItem:
    key: str  # "<template id>|<item code>|<item text>"
    template: str  # template code
    code: str
    text: str
    failures: int
    checked: int  # applicable answers of the item
    share: float
    cumulative: float
    vital: bool

    @property
    def failure_rate(self) -> float | None:
        return self.failures / self.checked if self.checked else None


@dataclass(frozen=True)
class FailedItems:
    filters: ResultFilters
    rows: list[FailedItem]
    total: int  # failures


def pareto_report(user: Any, f: ResultFilters) -> FailedItems:
    rows = (
        answers(user, f)
        .values(
            "item__version__template_id",
            "item__version__template__code",
            "item__code",
            "item__text",
        )
        .annotate(
            failures=Count("pk", filter=Q(failed=True)),
            checked=Count("pk", filter=Q(max_points__gt=0)),
        )
        .order_by()
    )
    counts: dict[str, int] = {}
    info: dict[str, tuple[str, str, str, int]] = {}
    for row in rows:
        if not row["failures"]:
            continue
        key = f"{row['item__version__template_id']}|{row['item__code']}|{row['item__text']}"
        counts[key] = row["failures"]
        info[key] = (
            row["item__version__template__code"],
            row["item__code"],
            row["item__text"],
            row["checked"],
        )
    if not counts:
        return FailedItems(f, [], 0)
    r = pareto(counts, cut=CUT)
    vital = set(r.vital_few)
    out = []
    for i, key in enumerate(r.labels):
        template, code, item_text, checked = info[key]
        out.append(
            FailedItem(
                key,
                template,
                code,
                item_text,
                int(r.counts[i]),
                checked,
                float(r.shares[i]),
                float(r.cumulative[i]),
                key in vital,
            )
        )
    return FailedItems(f, out, int(r.total))


def pareto_figure(r: FailedItems) -> dict[str, Any]:
    from sqms.core.charts import base_layout

    x = [f"{row.code} {row.text}"[:40] for row in r.rows]
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Failures"),
                "x": x,
                "y": [row.failures for row in r.rows],
                "marker": {"color": ["#b45309" if row.vital else "#94a3b8" for row in r.rows]},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Cumulative %"),
                "x": x,
                "y": [round(100 * row.cumulative, 1) for row in r.rows],
                "yaxis": "y2",
            },
        ],
        "layout": base_layout(
            xaxis={"type": "category"},
            yaxis={"title": _("Failures")},
            yaxis2={
                "title": _("Cumulative %"),
                "overlaying": "y",
                "side": "right",
                "range": [0, 105],
            },
        ),
    }


def pareto_panels(r: FailedItems) -> list[Panel]:
    panel = Panel(
        "pareto",
        _("Pareto of failed items"),
        [
            _("Rank"),
            _("Checklist"),
            _("Item code"),
            _("Item"),
            _("Failures"),
            _("Share %"),
            _("Cumulative %"),
            _("Times checked"),
            _("Failure rate %"),
            _("Vital few"),
        ],
        note=_(
            "%(total)d failed answers. An item counts as one across the versions of its "
            "checklist when its code and text stay the same. The vital few (marked) make up "
            "%(cut)d %% of the failures."
        )
        % {"total": r.total, "cut": round(100 * CUT)},
    )
    for rank, row in enumerate(r.rows, start=1):
        rate = row.failure_rate
        panel.rows.append(
            [
                count(rank),
                text(row.template),
                text(row.code),
                text(row.text),
                count(row.failures),
                num(100 * row.share, 1),
                num(100 * row.cumulative, 1),
                count(row.checked),
                num(None if rate is None else 100 * rate, 1),
                Cell(_("yes"), "yes", css="badge warn") if row.vital else Cell("", ""),
            ]
        )
    panel.figure = pareto_figure(r)
    return [panel]


@report_view("inspections")
def report_pareto(request: HttpRequest) -> HttpResponseBase:
    f = ResultFilters.from_params(request.GET)
    r = pareto_report(request.user, f)
    panels = pareto_panels(r) if r.rows else []
    context = frame(request, f, "inspections:report_pareto", _("Pareto of failed items"))
    return render_report(request, context, panels)
