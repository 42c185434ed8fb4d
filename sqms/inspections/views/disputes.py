"""Dispute pages: the list (open first; filters; CSV/XLSX), one dispute with the quality
manager's decision form, the raise form, and the detail-page panel
(``inspections/dispute_panel.html`` with :func:`dispute_panel_context`).

No dispute page shows the inspector: the site must not learn who its mystery shopper was
(``Inspection.shows_inspector_to``); the pages name the inspection, never the person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from sqms.core import audit
from sqms.core.filtersets import ChoiceFilter, FilterSet, RelatedFilter
from sqms.core.listing import ListColumn, ListSpec, apply_query, export_rows
from sqms.core.models import AuditEvent, Region, Site
from sqms.core.names import display_name
from sqms.core.views.generic import WEB, add_errors
from sqms.inspections import actions, hooks
from sqms.inspections.actions.disputes import may_decide, may_raise
from sqms.inspections.choices import DisputeStatus, InspectionKind
from sqms.inspections.forms_results import DecisionForm, DisputeForm
from sqms.inspections.models import Answer, Dispute, Inspection


def inspection_url(inspection: Inspection | int) -> str:
    """The inspection's detail page (the perform area's); the dispute list while it is not
    there."""
    pk = inspection if isinstance(inspection, int) else inspection.pk
    try:
        return reverse("inspections:detail", args=[pk])
    except NoReverseMatch:
        return reverse("inspections:dispute_list")


def render_rows(
    request: HttpRequest,
    spec: ListSpec,
    qs: QuerySet[Any],
    row_url: Callable[[Any], str | None],
    template: str = "core/list.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponseBase:
    """``sqms.core.listing.render_list`` with the rows' links given by ``row_url`` (the
    inspection's detail page belongs to another area)."""
    qs, state = apply_query(spec, request, qs)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export_rows(spec, qs, fmt)
    from django.conf import settings

    try:
        size = max(5, min(int(request.GET.get("per_page", settings.SQMS_PAGE_SIZE)), 200))
    except ValueError:
        size = settings.SQMS_PAGE_SIZE
    page = Paginator(qs, size).get_page(request.GET.get("page"))
    rows = [
        {"obj": obj, "url": row_url(obj), "cells": [(c, c.value(obj)) for c in spec.columns]}
        for obj in page.object_list
    ]
    query = request.GET.copy()
    for key in ("page", "export"):
        query.pop(key, None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    headers = []
    for col in spec.columns:
        current = state["sort"]
        direction = "asc" if current == col.name else "desc" if current == f"-{col.name}" else ""
        headers.append(
            {
                "column": col,
                "sortable": bool(col.sort),
                "next": f"-{col.name}" if direction == "asc" else col.name,
                "dir": direction,
            }
        )
    context = {
        "spec": spec,
        "headers": headers,
        "sort_querystring": sort_query.urlencode(),
        "page": page,
        "rows": rows,
        "state": state,
        "filters": [
            (f, f.choices(request), state["filters"].get(f.name, ""))
            for f in spec.filterset.page_filters()
        ],
        "querystring": query.urlencode(),
        **(extra or {}),
    }
    return render(request, template, context)


DISPUTE_FILTERS = FilterSet(
    search=("reason", "decision_note", "inspection__site__code", "inspection__site__name"),
    filters=(
        ChoiceFilter("status", gettext_lazy("Status"), "status", DisputeStatus),
        RelatedFilter("site", gettext_lazy("Site"), "inspection__site_id", Site, api_name="site"),
        RelatedFilter(
            "region",
            gettext_lazy("Region"),
            "inspection__site__region_id",
            Region,
            api_name="region",
        ),
        ChoiceFilter("kind", gettext_lazy("Inspection kind"), "inspection__kind", InspectionKind),
    ),
)


def disputed_item(d: Dispute) -> str:
    return str(d.answer.item) if d.answer_id and d.answer else _("The whole result")


DISPUTE_LIST = ListSpec(
    title=gettext_lazy("Inspection disputes"),
    columns=[
        ListColumn("raised", gettext_lazy("Raised"), lambda d: d.raised_at, sort="raised_at"),
        ListColumn(
            "inspection",
            gettext_lazy("Inspection"),
            lambda d: d.inspection.reference,
            sort="inspection_id",
            link=True,
        ),
        ListColumn(
            "site",
            gettext_lazy("Site"),
            lambda d: d.inspection.site.code,
            sort="inspection__site__code",
        ),
        ListColumn("kind", gettext_lazy("Kind"), lambda d: d.inspection.get_kind_display()),
        ListColumn("item", gettext_lazy("Disputed"), disputed_item),
        ListColumn("reason", gettext_lazy("Reason"), lambda d: d.reason[:120]),
        ListColumn(
            "status", gettext_lazy("Status"), lambda d: d.get_status_display(), sort="status"
        ),
        ListColumn("raised_by", gettext_lazy("Raised by"), lambda d: display_name(d.raised_by)),
        ListColumn("decided", gettext_lazy("Decided"), lambda d: d.decided_at, sort="decided_at"),
        ListColumn("decision", gettext_lazy("Decision"), lambda d: d.decision_note[:120]),
        ListColumn(
            "score",
            gettext_lazy("Score now (%)"),
            lambda d: d.inspection.score,
            sort="inspection__score",
        ),
    ],
    filterset=DISPUTE_FILTERS,
    export_name="inspection-disputes",
    empty_text=gettext_lazy("No disputes yet."),
)


def visible_disputes(user: Any) -> QuerySet[Dispute]:
    """The disputes in the user's scope, open ones first, newest first."""
    return (
        Dispute.objects.restrict(user, "view")
        .select_related("inspection", "inspection__site", "answer", "answer__item", "raised_by")
        .annotate(
            open_first=Case(
                When(status=DisputeStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "-raised_at", "-id")
    )


@require_safe
@login_required
def dispute_list(request: HttpRequest) -> HttpResponseBase:
    return render_rows(
        request,
        DISPUTE_LIST,
        visible_disputes(request.user),
        lambda d: reverse("inspections:dispute_detail", args=[d.pk]),
    )


@require_safe
@login_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    dispute = get_object_or_404(visible_disputes(request.user), pk=pk)
    form = DecisionForm(dispute=dispute)
    return _detail(request, dispute, form)


def _detail(request: HttpRequest, dispute: Dispute, form: DecisionForm) -> HttpResponseBase:
    history = audit.history(dispute).filter(
        pk__in=AuditEvent.objects.restrict(request.user).values("pk")
    )[:50]
    return render(
        request,
        "inspections/dispute_detail.html",
        {
            "dispute": dispute,
            "inspection": dispute.inspection,
            "inspection_url": inspection_url(dispute.inspection),
            "item": disputed_item(dispute),
            "answer": dispute.answer,
            "nonconformities": hooks.nonconformities_of(
                [dispute.answer]
                if dispute.answer is not None
                else Answer.objects.filter(inspection_id=dispute.inspection_id),
                request.user,
            ),
            "can_decide": dispute.status == DisputeStatus.OPEN and may_decide(request.user),
            "form": form,
            "history": history,
        },
    )


@require_http_methods(["POST"])
@login_required
def dispute_decide(request: HttpRequest, pk: int) -> HttpResponseBase:
    dispute = get_object_or_404(visible_disputes(request.user), pk=pk)
    if not may_decide(request.user):
        raise PermissionDenied(_("Only a quality manager may decide a dispute."))
    form = DecisionForm(request.POST, dispute=dispute)
    if form.is_valid():
        try:
            actions.do_decide_dispute(
                dispute,
                form.cleaned_data["decision"] == "upheld",
                form.cleaned_data["decision_note"],
                correction=form.correction() if "result" in form.fields else None,
                acting_user=request.user,  # type: ignore[arg-type]
                channel=WEB,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The dispute is decided; the site manager is told."))
            return redirect("inspections:dispute_detail", pk=dispute.pk)
    return _detail(request, dispute, form)


@require_http_methods(["GET", "POST"])
@login_required
def dispute_raise(request: HttpRequest, pk: int) -> HttpResponseBase:
    inspection = get_object_or_404(
        Inspection.objects.restrict(request.user, "view").select_related("site"), pk=pk
    )
    if not may_raise(request.user, inspection):
        raise PermissionDenied(_("You may not dispute this result."))
    form = DisputeForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = actions.do_raise_dispute(
                inspection,
                {"answer": form.cleaned_data["answer"], "reason": form.cleaned_data["reason"]},
                acting_user=request.user,  # type: ignore[arg-type]
                channel=WEB,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Dispute raised; a quality manager will decide."))
            return redirect("inspections:dispute_detail", pk=dispute.pk)
    title = _("Dispute the result of %(ref)s") % {"ref": inspection.reference}
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": inspection_url(inspection),
            "submit_label": _("Raise dispute"),
        },
    )


def dispute_panel_context(inspection: Inspection, user: Any) -> dict[str, Any]:
    """Context of ``inspections/dispute_panel.html`` on the inspection's detail page: its
    disputes (open first), whether the user may raise one (and the form), and whether they may
    decide. Nothing about the inspector."""
    disputes = list(visible_disputes(user).filter(inspection=inspection))
    can_raise = may_raise(user, inspection)
    return {
        "disputes": [
            {
                "obj": d,
                "item": disputed_item(d),
                "url": reverse("inspections:dispute_detail", args=[d.pk]),
                "raised_by": display_name(d.raised_by) if d.raised_by else "",
            }
            for d in disputes
        ],
        "can_raise_dispute": can_raise,
        "dispute_form": DisputeForm(inspection=inspection) if can_raise else None,
        "dispute_raise_url": reverse("inspections:dispute_raise", args=[inspection.pk]),
        "can_decide_disputes": may_decide(user),
    }


urlpatterns: list[URLPattern] = [
    path("disputes/", dispute_list, name="dispute_list"),
    path("disputes/<int:pk>/", dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/decide/", dispute_decide, name="dispute_decide"),
    path("<int:pk>/dispute/", dispute_raise, name="dispute_raise"),
]


def dispute_panel_part(request: HttpRequest, inspection: Inspection) -> dict[str, Any]:
    """:func:`dispute_panel_context` in the shape of ``detail_parts.register``."""
    return dispute_panel_context(inspection, request.user)


def _register_panel() -> None:
    """Add the panel to the detail page where the perform area's registry exists."""
    import importlib

    try:
        parts = importlib.import_module("sqms.inspections.detail_parts")
    except ImportError:
        return
    parts.register("inspections/dispute_panel.html", dispute_panel_part)


_register_panel()
