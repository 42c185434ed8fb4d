"""KPI value pages: the list of values in scope, the entry grid of one KPI and period (one
row per site), and the file import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.models import Site
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, add_errors
from sqms.kpis import actions
from sqms.kpis import periods as P
from sqms.kpis.filters import VALUE_FILTERS
from sqms.kpis.forms import ImportForm
from sqms.kpis.models import Kpi, KpiValue

VALUE_LIST = ListSpec(
    title=gettext_lazy("KPI values"),
    columns=[
        ListColumn("kpi", gettext_lazy("KPI"), lambda v: v.kpi.code, sort="kpi__code"),
        ListColumn("unit", gettext_lazy("Unit"), lambda v: v.unit_label, sort="unit_key"),
        ListColumn(
            "period",
            gettext_lazy("Period"),
            lambda v: P.label(v.period, v.kpi.period),
            sort="period",
        ),
        ListColumn("value", gettext_lazy("Value"), lambda v: round(v.value, 4), sort="value"),
        ListColumn("n", gettext_lazy("n"), lambda v: v.n),
        ListColumn(
            "origin", gettext_lazy("Source"), lambda v: v.get_origin_display(), sort="origin"
        ),
        ListColumn("updated", gettext_lazy("Updated"), lambda v: v.updated_at, sort="updated_at"),
    ],
    filterset=VALUE_FILTERS,
    default_sort="-period",
    export_name="kpi-values",
    empty_text=gettext_lazy("No KPI values yet."),
)


@require_safe
@login_required
def value_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = KpiValue.objects.restrict(request.user).select_related("kpi", "site", "region")
    extra = {}
    if allowed(request.user, "add", KpiValue):
        extra["create_url"] = reverse("kpis:import")
    return render_list(request, VALUE_LIST, qs, extra=extra)


def _number(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValidationError(_("%(text)r is not a number.") % {"text": text}) from None


@login_required
def value_grid(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Enter one period's values of an entered KPI, one row per site in scope."""
    kpi = get_object_or_404(Kpi.objects.restrict(request.user), pk=pk)
    if kpi.is_computed:
        raise Http404
    can_enter = allowed(request.user, "add", KpiValue)
    raw = request.GET.get("period") or request.POST.get("period") or ""
    period = P.parse(raw, kpi.period) if raw else None
    period = period or P.period_start(timezone.localdate(), kpi.period)
    sites = list(Site.objects.restrict(request.user).filter(is_active=True).order_by("code"))
    stored = {
        v.site_id: v
        for v in KpiValue.objects.restrict(request.user).filter(
            kpi=kpi, period=period, level="site"
        )
    }
    error = ""
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        rows = []
        try:
            for s in sites:
                value = _number(request.POST.get(f"value-{s.pk}", ""))
                n = _number(request.POST.get(f"n-{s.pk}", ""))
                if value is not None:
                    rows.append(actions.EnteredValue(s, period, value, n))
            if not rows:
                raise ValidationError(_("Enter at least one value."))
            actions.do_enter_values(kpi, rows, acting_user=request.user, channel=WEB)
        except ValidationError as exc:
            error = "; ".join(exc.messages)
        else:
            messages.success(request, _("%(count)d value(s) saved.") % {"count": len(rows)})
            return redirect(reverse("kpis:grid", args=[pk]) + f"?period={period.isoformat()}")
    grid = [
        {
            "site": s,
            "value": request.POST.get(
                f"value-{s.pk}", stored[s.pk].value if s.pk in stored else ""
            ),
            "n": request.POST.get(f"n-{s.pk}", (stored[s.pk].n or "") if s.pk in stored else ""),
        }
        for s in sites
    ]
    return render(
        request,
        "kpis/value_grid.html",
        status=400 if error else 200,
        context={
            "kpi": kpi,
            "period": period,
            "period_label": P.label(period, kpi.period),
            "previous": P.shift(period, kpi.period, -1),
            "next": P.shift(period, kpi.period, 1),
            "grid": grid,
            "can_enter": can_enter,
            "error": error,
        },
    )


@login_required
def value_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", KpiValue):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.do_import_values(
                form.cleaned_data["file"].read(), acting_user=request.user, channel=WEB
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(rows)d value(s) of %(kpis)d KPI(s) imported.")
                % {"rows": result.rows, "kpis": result.kpis},
            )
            return redirect("kpis:values")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Import KPI values"),
            "cancel_url": reverse("kpis:values"),
            "submit_label": _("Import"),
        },
    )


urlpatterns = [
    path("values/", value_list, name="values"),
    path("values/import/", value_import, name="import"),
    path("<int:pk>/grid/", value_grid, name="grid"),
]
