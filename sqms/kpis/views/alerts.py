"""KPI alerts: the list (filters KPI, site, status), an alert's page, acknowledging it and
raising a nonconformity from it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.analytics.spc import NELSON_RULES
from sqms.capa.models import Nonconformity
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.views.generic import WEB, detail_page
from sqms.kpis import actions
from sqms.kpis import periods as P
from sqms.kpis.filters import ALERT_FILTERS
from sqms.kpis.forms import AckForm
from sqms.kpis.models import Alert, chart_url

ALERT_LIST = ListSpec(
    title=gettext_lazy("KPI alerts"),
    columns=[
        ListColumn(
            "raised", gettext_lazy("Raised"), lambda a: a.created_at, sort="created_at", link=True
        ),
        ListColumn("kpi", gettext_lazy("KPI"), lambda a: a.kpi.code, sort="kpi__code"),
        ListColumn("unit", gettext_lazy("Unit"), lambda a: a.unit_label, sort="unit_key"),
        ListColumn(
            "period",
            gettext_lazy("Period"),
            lambda a: P.label(a.period, a.kpi.period),
            sort="period",
        ),
        ListColumn(
            "rule",
            gettext_lazy("Rule"),
            lambda a: f"{a.rule}: {NELSON_RULES.get(a.rule, '')}",
            sort="rule",
        ),
        ListColumn("value", gettext_lazy("Value"), lambda a: round(a.value, 4)),
        ListColumn(
            "status", gettext_lazy("Status"), lambda a: a.get_status_display(), sort="status"
        ),
    ],
    filterset=ALERT_FILTERS,
    default_sort="-raised",
    export_name="kpi-alerts",
    empty_text=gettext_lazy("No KPI alerts."),
)


@require_safe
@login_required
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = Alert.objects.restrict(request.user).select_related("kpi", "site", "region")
    return render_list(request, ALERT_LIST, qs)


@require_safe
@login_required
def alert_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(
        Alert.objects.restrict(request.user).select_related("kpi", "limits"), pk=pk
    )
    return detail_page(
        request,
        alert,
        "kpis/alert_detail.html",
        nonconformity=nonconformity_of(request.user, alert),
        rule_text=NELSON_RULES.get(alert.rule, ""),
        chart=chart_url(alert.kpi_id, alert.level, alert.site_id, alert.region_id),
        form=AckForm(),
        period_label=P.label(alert.period, alert.kpi.period),
    )


def nonconformity_of(user: object, alert: Alert) -> Nonconformity | None:
    """The nonconformity raised from the alert, when the reader may see it."""
    ref = alert.nonconformity_ref
    if not ref.startswith("NC-") or not ref[3:].isdigit():
        return None
    nc: Nonconformity | None = Nonconformity.objects.restrict(user).filter(pk=int(ref[3:])).first()
    return nc


@require_POST
@login_required
def alert_ack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert.objects.restrict(request.user, "change"), pk=pk)
    form = AckForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        actions.do_acknowledge_alert(alert, note, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Alert acknowledged."))
    return redirect(alert.get_absolute_url())


@require_POST
@login_required
def alert_to_nc(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert.objects.restrict(request.user, "change"), pk=pk)
    try:
        nc = actions.do_alert_to_nonconformity(alert, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(alert.get_absolute_url())
    messages.success(request, _("Nonconformity %(nc)s raised.") % {"nc": nc})
    return redirect(nc.get_absolute_url())


urlpatterns = [
    path("alerts/", alert_list, name="alerts"),
    path("alerts/<int:pk>/", alert_detail, name="alert"),
    path("alerts/<int:pk>/ack/", alert_ack, name="alert_ack"),
    path("alerts/<int:pk>/nonconformity/", alert_to_nc, name="alert_nc"),
]
