"""KPI definition pages: list, detail (latest values in scope), create, edit, delete."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, delete_page, detail_page, form_page
from sqms.kpis import actions
from sqms.kpis.filters import KPI_FILTERS
from sqms.kpis.forms import KpiForm
from sqms.kpis.models import Alert, Kpi, KpiValue
from sqms.kpis.units import unit_choices

KPI_LIST = ListSpec(
    title=gettext_lazy("KPIs"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda k: k.code, sort="code", link=True),
        ListColumn("name", gettext_lazy("Name"), lambda k: k.name, sort="name"),
        ListColumn("unit", gettext_lazy("Unit"), lambda k: k.unit),
        ListColumn(
            "period", gettext_lazy("Period"), lambda k: k.get_period_display(), sort="period"
        ),
        ListColumn(
            "nature", gettext_lazy("Nature"), lambda k: k.get_nature_display(), sort="nature"
        ),
        ListColumn(
            "source", gettext_lazy("Source"), lambda k: k.get_source_display(), sort="source"
        ),
        ListColumn("target", gettext_lazy("Target"), lambda k: k.target),
        ListColumn("active", gettext_lazy("Active"), lambda k: k.is_active, sort="is_active"),
    ],
    filterset=KPI_FILTERS,
    default_sort="code",
    export_name="kpis",
    empty_text=gettext_lazy("No KPIs defined yet."),
)


@require_safe
@login_required
def kpi_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = Kpi.objects.restrict(request.user, "view")
    create = reverse("kpis:create") if allowed(request.user, "add", Kpi) else None
    return render_list(request, KPI_LIST, qs, extra={"create_url": create})


@require_safe
@login_required
def kpi_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(Kpi.objects.restrict(request.user, "view"), pk=pk)
    values = KpiValue.objects.restrict(request.user).filter(kpi=kpi)
    latest = values.order_by("-period").values_list("period", flat=True).first()
    rows = []
    if latest is not None:
        by_unit = {v.unit_key: v for v in values.filter(period=latest)}
        for value, label, unit in unit_choices(request.user):
            v = by_unit.get(unit.key)
            if v is not None:
                rows.append(
                    {"label": label, "value": v, "unit": value, "ok": kpi.meets_target(v.value)}
                )
    open_alerts = Alert.objects.restrict(request.user).filter(kpi=kpi, status="open").count()
    return detail_page(
        request,
        kpi,
        "kpis/kpi_detail.html",
        latest=latest,
        rows=rows,
        open_alerts=open_alerts,
        can_enter=allowed(request.user, "add", KpiValue) and not kpi.is_computed,
    )


@login_required
def kpi_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Kpi):
        raise PermissionDenied
    return form_page(
        request,
        KpiForm(request.POST or None),
        lambda data: actions.do_create_kpi(data, acting_user=request.user, channel=WEB),
        _("New KPI"),
        reverse("kpis:list"),
    )


@login_required
def kpi_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(Kpi.objects.restrict(request.user, "change"), pk=pk)
    return form_page(
        request,
        KpiForm(request.POST or None, instance=Kpi.objects.get(pk=pk)),
        lambda data: actions.do_update_kpi(kpi, data, acting_user=request.user, channel=WEB),
        _("Edit KPI %(record)s") % {"record": kpi},
        kpi.get_absolute_url(),
    )


@login_required
def kpi_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(Kpi.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        kpi,
        lambda: actions.do_delete_kpi(kpi, acting_user=request.user, channel=WEB),
        reverse("kpis:list"),
        _("Its values, control limits and alerts are deleted with it."),
    )


urlpatterns = [
    path("", kpi_list, name="list"),
    path("new/", kpi_create, name="create"),
    path("<int:pk>/", kpi_detail, name="detail"),
    path("<int:pk>/edit/", kpi_edit, name="edit"),
    path("<int:pk>/delete/", kpi_delete, name="delete"),
]
