"""The executive dashboard: the page quality and region managers land on after login."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from sqms.core.http import AuthenticatedHttpRequest
from sqms.kpis import periods as P
from sqms.kpis.dashboard import build
from sqms.kpis.units import unit_choices, unit_from_request, unit_label


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


@require_safe
@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    unit = unit_from_request(request, request.user)
    month = P.parse(request.GET.get("period", ""), "month")
    data = build(request.user, unit, month, _int(request.GET.get("kpi")))
    return render(
        request,
        "kpis/dashboard.html",
        {
            "data": data,
            "unit_value": unit.key,
            "unit_label": unit_label(unit),
            "choices": [(v, label) for v, label, _u in unit_choices(request.user)],
            "month_label": P.label(data.month, "month"),
        },
    )


urlpatterns = [path("dashboard/", dashboard, name="dashboard")]
