"""The control chart page of a KPI × unit (site, region, organization), its CSV/XLSX export,
freezing phase-I limits, and the chart events (annotations)."""

from __future__ import annotations

from typing import Any

import plotly  # type: ignore[import-untyped, unused-ignore]
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.analytics.spc import NELSON_RULES
from sqms.core.exports import csv_download, xlsx_download
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, add_errors, delete_page, form_page
from sqms.kpis import actions
from sqms.kpis import periods as P
from sqms.kpis.choices import Level
from sqms.kpis.figures import control_chart
from sqms.kpis.forms import EventForm, FreezeForm
from sqms.kpis.league import latest_period, league
from sqms.kpis.models import Alert, ChartEvent, ControlLimits, Kpi
from sqms.kpis.series import chart_data
from sqms.kpis.units import unit_choices, unit_from_request, unit_label

EXPORT_HEADER = [
    gettext_lazy("period"),
    gettext_lazy("value"),
    gettext_lazy("n"),
    gettext_lazy("centre line"),
    gettext_lazy("LCL"),
    gettext_lazy("UCL"),
    gettext_lazy("phase"),
    gettext_lazy("rules broken"),
]


@require_safe
@login_required
def chart_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    kpi = get_object_or_404(Kpi.objects.restrict(request.user), pk=pk)
    unit = unit_from_request(request, request.user)
    data = chart_data(kpi, unit, request.user)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        rows = [
            [
                r["period"],
                r["value"],
                r["n"],
                r["center"],
                r["lcl"],
                r["ucl"],
                r["phase"],
                " ".join(str(x) for x in r["rules"]),
            ]
            for r in data.rows()
        ]
        name = f"kpi-{kpi.code}-{unit.key.replace(':', '-')}"
        if fmt == "csv":
            return csv_download(f"{name}.csv", EXPORT_HEADER, rows)
        return xlsx_download(f"{name}.xlsx", kpi.code, EXPORT_HEADER, rows)
    history = ControlLimits.objects.restrict(request.user).filter(kpi=kpi, unit_key=unit.key)
    alerts = Alert.objects.restrict(request.user).filter(kpi=kpi, unit_key=unit.key)[:20]
    return render(
        request,
        "kpis/chart.html",
        {
            "kpi": kpi,
            "unit": unit,
            "unit_value": unit.key,
            "unit_label": unit_label(unit),
            "choices": [(v, label) for v, label, _u in unit_choices(request.user)],
            "data": data,
            "rows": data.rows(),
            "figure": control_chart(data),
            "history": history,
            "alerts": alerts,
            "rules": NELSON_RULES,
            "can_freeze": allowed(request.user, "add", ControlLimits),
            "plotly_url": reverse("plotly_js") + f"?v={plotly.__version__}",
            "query": request.GET.urlencode(),
        },
    )


@login_required
def freeze(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(Kpi.objects.restrict(request.user), pk=pk)
    unit = unit_from_request(request, request.user)
    if not allowed(request.user, "add", ControlLimits):
        raise PermissionDenied
    form = FreezeForm(request.POST or None)
    back = reverse("kpis:chart", args=[pk]) + f"?unit={unit.key}"
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_freeze_limits(
                kpi,
                unit,
                d["baseline_from"],
                d["baseline_to"],
                d["rules"],
                acting_user=request.user,
                channel=WEB,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Control limits frozen."))
            return redirect(back)
    title = _("Freeze the limits of %(kpi)s for %(unit)s") % {
        "kpi": kpi,
        "unit": unit_label(unit),
    }
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel_url": back, "submit_label": _("Freeze")},
    )


EVENT_LIST = ListSpec(
    title=gettext_lazy("Chart events"),
    columns=[
        ListColumn("date", gettext_lazy("Date"), lambda e: e.date.isoformat(), sort="date"),
        ListColumn("text", gettext_lazy("Text"), lambda e: e.text, sort="text"),
        ListColumn("kpi", gettext_lazy("KPI"), lambda e: e.kpi.code if e.kpi else ""),
        ListColumn("site", gettext_lazy("Site"), lambda e: e.site.code if e.site else ""),
    ],
    default_sort="-date",
    export_name="kpi-chart-events",
    empty_text=gettext_lazy("No chart events yet."),
)


@require_safe
@login_required
def event_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = ChartEvent.objects.restrict(request.user).select_related("kpi", "site")
    extra: dict[str, Any] = {}
    if allowed(request.user, "add", ChartEvent):
        extra["create_url"] = reverse("kpis:event_create")
    return render_list(request, EVENT_LIST, qs, extra=extra)


@login_required
def event_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", ChartEvent):
        raise PermissionDenied
    return form_page(
        request,
        EventForm(request.POST or None, user=request.user),
        lambda data: actions.do_create_event(data, acting_user=request.user, channel=WEB),
        _("New chart event"),
        reverse("kpis:events"),
    )


@login_required
def event_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(ChartEvent.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        event,
        lambda: actions.do_delete_event(event, acting_user=request.user, channel=WEB),
        reverse("kpis:events"),
    )


urlpatterns = [
    path("<int:pk>/chart/", chart_page, name="chart"),
    path("<int:pk>/chart/freeze/", freeze, name="freeze"),
    path("events/", event_list, name="events"),
    path("events/new/", event_create, name="event_create"),
    path("events/<int:pk>/delete/", event_delete, name="event_delete"),
]


@require_safe
@login_required
def league_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The league table of the sites (or regions) in scope for one period."""
    kpi = get_object_or_404(Kpi.objects.restrict(request.user), pk=pk)
    level = request.GET.get("level") or Level.SITE
    if level not in (Level.SITE, Level.REGION):
        level = Level.SITE
    raw = request.GET.get("period", "")
    period = (P.parse(raw, kpi.period) if raw else None) or latest_period(kpi, request.user, level)
    rows = league(kpi, request.user, period, level) if period else []
    return render(
        request,
        "kpis/league.html",
        {
            "kpi": kpi,
            "level": level,
            "period": period,
            "period_label": P.label(period, kpi.period) if period else "",
            "rows": rows,
            "statistical": kpi.nature in ("proportion", "rate"),
        },
    )


urlpatterns.append(path("<int:pk>/league/", league_page, name="league"))
