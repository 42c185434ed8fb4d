"""Rewards and penalties: the list with totals per site and kind (both downloadable as CSV or
XLSX), the record form for a submitted inspection, deletion with confirmation, and the
detail-page panel (``inspections/consequence_panel.html`` with
:func:`consequence_panel_context`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from sqms.core import exports
from sqms.core.filtersets import ChoiceFilter, FilterSet, RelatedFilter
from sqms.core.listing import ListColumn, ListSpec, apply_query
from sqms.core.models import Region, Site
from sqms.core.names import display_name
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, add_errors
from sqms.inspections import actions
from sqms.inspections.choices import ConsequenceKind, InspectionKind, InspectionStatus
from sqms.inspections.forms_results import ConsequenceForm
from sqms.inspections.models import Consequence, Inspection
from sqms.inspections.views.disputes import inspection_url, render_rows

CONSEQUENCE_FILTERS = FilterSet(
    search=("rule", "recipient", "note", "inspection__site__code", "inspection__site__name"),
    filters=(
        ChoiceFilter("kind", gettext_lazy("Kind"), "kind", ConsequenceKind),
        RelatedFilter("site", gettext_lazy("Site"), "inspection__site_id", Site, api_name="site"),
        RelatedFilter(
            "region",
            gettext_lazy("Region"),
            "inspection__site__region_id",
            Region,
            api_name="region",
        ),
        ChoiceFilter(
            "inspection_kind", gettext_lazy("Inspection kind"), "inspection__kind", InspectionKind
        ),
    ),
)

CONSEQUENCE_LIST = ListSpec(
    title=gettext_lazy("Rewards and penalties"),
    columns=[
        ListColumn(
            "recorded", gettext_lazy("Recorded"), lambda c: c.recorded_at, sort="recorded_at"
        ),
        ListColumn(
            "inspection",
            gettext_lazy("Inspection"),
            lambda c: c.inspection.reference,
            sort="inspection_id",
            link=True,
        ),
        ListColumn(
            "site",
            gettext_lazy("Site"),
            lambda c: c.inspection.site.code,
            sort="inspection__site__code",
        ),
        ListColumn("kind", gettext_lazy("Kind"), lambda c: c.get_kind_display(), sort="kind"),
        ListColumn("rule", gettext_lazy("Handbook rule"), lambda c: c.rule, sort="rule"),
        ListColumn("amount", gettext_lazy("Amount"), lambda c: c.amount, sort="amount"),
        ListColumn("points", gettext_lazy("Points"), lambda c: c.points, sort="points"),
        ListColumn("recipient", gettext_lazy("Recipient"), lambda c: c.recipient),
        ListColumn("note", gettext_lazy("Note"), lambda c: c.note[:120]),
        ListColumn(
            "recorded_by", gettext_lazy("Recorded by"), lambda c: display_name(c.recorded_by)
        ),
    ],
    filterset=CONSEQUENCE_FILTERS,
    export_name="rewards-penalties",
    empty_text=gettext_lazy("No rewards or penalties recorded yet."),
)


@dataclass(frozen=True)
class Total:
    site_id: int
    site: str
    kind: str
    kind_label: str
    count: int
    amount: Decimal
    points: int


def visible_consequences(user: Any) -> QuerySet[Consequence]:
    return Consequence.objects.restrict(user, "view").select_related(
        "inspection", "inspection__site", "recorded_by"
    )


def totals_of(qs: QuerySet[Consequence]) -> list[Total]:
    """Count, amount and points per site and kind (one ``GROUP BY``)."""
    labels = dict(ConsequenceKind.choices)
    rows = (
        qs.values("inspection__site_id", "inspection__site__code", "kind")
        .annotate(n=Count("pk"), amount_=Sum("amount"), points_=Sum("points"))
        .order_by("inspection__site__code", "kind")
    )
    return [
        Total(
            r["inspection__site_id"],
            r["inspection__site__code"],
            r["kind"],
            str(labels.get(r["kind"], r["kind"])),
            r["n"],
            Decimal(r["amount_"] or 0),
            int(r["points_"] or 0),
        )
        for r in rows
    ]


TOTAL_COLUMNS = (
    gettext_lazy("Site"),
    gettext_lazy("Kind"),
    gettext_lazy("Records"),
    gettext_lazy("Amount"),
    gettext_lazy("Points"),
)


@require_safe
@login_required
def consequence_list(request: HttpRequest) -> HttpResponseBase:
    qs = visible_consequences(request.user)
    fmt = request.GET.get("totals")
    if fmt in ("csv", "xlsx"):
        filtered, _state = apply_query(CONSEQUENCE_LIST, request, qs)
        header = [str(c) for c in TOTAL_COLUMNS]
        rows = (
            [t.site, t.kind_label, t.count, float(t.amount), t.points] for t in totals_of(filtered)
        )
        name = exports.stamped("rewards-penalties-totals", fmt)
        if fmt == "xlsx":
            return exports.xlsx_download(name, "totals", header, rows)
        return exports.csv_download(name, header, rows)
    filtered, _state = apply_query(CONSEQUENCE_LIST, request, qs)
    query = request.GET.copy()
    for key in ("page", "export", "totals"):
        query.pop(key, None)
    return render_rows(
        request,
        CONSEQUENCE_LIST,
        qs,
        lambda c: inspection_url(c.inspection_id),
        "inspections/consequence_list.html",
        {"totals": totals_of(filtered), "totals_query": query.urlencode()},
    )


def may_record(user: Any, inspection: Inspection) -> bool:
    return (
        inspection.status == InspectionStatus.SUBMITTED
        and allowed(user, "add", Consequence)
        and Inspection.objects.restrict(user, "view").filter(pk=inspection.pk).exists()
    )


@require_http_methods(["GET", "POST"])
@login_required
def consequence_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    inspection = get_object_or_404(
        Inspection.objects.restrict(request.user, "view").select_related("site"), pk=pk
    )
    if not may_record(request.user, inspection):
        raise PermissionDenied(_("You may not record a reward or penalty for this result."))
    form = ConsequenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_consequence(
                inspection,
                dict(form.cleaned_data),
                acting_user=request.user,  # type: ignore[arg-type]
                channel=WEB,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect(inspection_url(inspection))
    title = _("Reward or penalty for %(ref)s") % {"ref": inspection.reference}
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel_url": inspection_url(inspection)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def consequence_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    consequence = get_object_or_404(
        Consequence.objects.restrict(request.user, "delete").select_related("inspection"), pk=pk
    )
    back = inspection_url(consequence.inspection_id)
    if request.method == "POST":
        try:
            actions.do_delete_consequence(
                consequence,
                acting_user=request.user,  # type: ignore[arg-type]
                channel=WEB,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        messages.success(request, _("Deleted %(record)s.") % {"record": consequence})
        return redirect(back)
    return render(
        request, "inspections/consequence_delete.html", {"obj": consequence, "cancel_url": back}
    )


def consequence_panel_context(inspection: Inspection, user: Any) -> dict[str, Any]:
    """Context of ``inspections/consequence_panel.html`` on the inspection's detail page."""
    rows = list(visible_consequences(user).filter(inspection=inspection))
    deletable = set(
        Consequence.objects.restrict(user, "delete")
        .filter(inspection=inspection)
        .values_list("pk", flat=True)
    )
    return {
        "consequences": [
            {
                "obj": c,
                "delete_url": reverse("inspections:consequence_delete", args=[c.pk])
                if c.pk in deletable
                else None,
            }
            for c in rows
        ],
        "can_record_consequence": may_record(user, inspection),
        "consequence_add_url": reverse("inspections:consequence_add", args=[inspection.pk]),
    }


urlpatterns: list[URLPattern] = [
    path("consequences/", consequence_list, name="consequence_list"),
    path("<int:pk>/consequences/add/", consequence_add, name="consequence_add"),
    path("consequences/<int:pk>/delete/", consequence_delete, name="consequence_delete"),
]


def consequence_panel_part(request: HttpRequest, inspection: Inspection) -> dict[str, Any]:
    """:func:`consequence_panel_context` in the shape of ``detail_parts.register``."""
    return consequence_panel_context(inspection, request.user)


def _register_panel() -> None:
    import importlib

    try:
        parts = importlib.import_module("sqms.inspections.detail_parts")
    except ImportError:
        return
    parts.register("inspections/consequence_panel.html", consequence_panel_part)


_register_panel()
