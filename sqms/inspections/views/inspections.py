"""Inspection pages: the list (filters, exports), opening a new one, starting a planned one, the
detail page with the score per section, the answers, photos and history, and a photo's file.
A site never learns who its mystery shopper was (``Inspection.shows_inspector_to``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.core import audit
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.models import AuditEvent
from sqms.core.names import display_name
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, detail_page, form_page
from sqms.inspections import actions, detail_parts
from sqms.inspections.filters import INSPECTION_FILTERS
from sqms.inspections.forms import InspectionForm
from sqms.inspections.models import Answer, Inspection, Photo


def inspector_text(inspection: Inspection, user: Any) -> str:
    """The inspector's name, or "(hidden)" for a mystery shopper the user may not know."""
    if not inspection.shows_inspector_to(user):
        return str(_("(hidden)"))
    return display_name(inspection.inspector) if inspection.inspector else ""


def _spec(user: Any) -> ListSpec:
    return ListSpec(
        title=gettext_lazy("Inspections"),
        columns=[
            ListColumn("ref", gettext_lazy("Number"), lambda i: i.reference, sort="id", link=True),
            ListColumn("site", gettext_lazy("Site"), lambda i: i.site.code, sort="site__code"),
            ListColumn("kind", gettext_lazy("Kind"), lambda i: i.get_kind_display(), sort="kind"),
            ListColumn("checklist", gettext_lazy("Checklist"), lambda i: str(i.checklist)),
            ListColumn(
                "status", gettext_lazy("Status"), lambda i: i.get_status_display(), sort="status"
            ),
            ListColumn("due", gettext_lazy("Due"), lambda i: i.due_on, sort="due_on"),
            ListColumn(
                "submitted",
                gettext_lazy("Submitted"),
                lambda i: i.submitted_at,
                sort="submitted_at",
            ),
            ListColumn("score", gettext_lazy("Score (%)"), lambda i: i.score, sort="score"),
            ListColumn("passed", gettext_lazy("Passed"), lambda i: i.passed),
            ListColumn("inspector", gettext_lazy("Inspector"), lambda i: inspector_text(i, user)),
        ],
        filterset=INSPECTION_FILTERS,
        default_sort="-submitted",
        export_name="inspections",
        empty_text=gettext_lazy("No inspections yet."),
    )


def _visible(request: AuthenticatedHttpRequest) -> Any:
    return Inspection.objects.restrict(request.user, "view").select_related(
        "site", "checklist", "checklist__template", "inspector"
    )


@require_safe
@login_required
def inspection_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    can_add = allowed(request.user, "add", Inspection)
    return render_list(
        request,
        _spec(request.user),
        _visible(request),
        template="inspections/inspection_list.html",
        extra={"create_url": reverse("inspections:create") if can_add else None},
    )


@login_required
def inspection_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Inspection):
        raise PermissionDenied(_("Your role may not open inspections."))
    form = InspectionForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> Any:
        try:
            inspection = actions.do_create_inspection(data, acting_user=request.user, channel=WEB)
        except PermissionDenied as exc:
            raise ValidationError({"site": str(exc)}) from None
        return _PerformTarget(inspection)

    return form_page(request, form, save, _("New inspection"), reverse("inspections:list"))


class _PerformTarget:
    """Sends form_page's redirect to the perform page of the new inspection."""

    def __init__(self, inspection: Inspection) -> None:
        self.inspection = inspection

    def __str__(self) -> str:
        return self.inspection.reference

    def get_absolute_url(self) -> str:
        return reverse("inspections:perform", args=[self.inspection.pk])


@require_POST
@login_required
def inspection_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(Inspection.objects.restrict(request.user, "change"), pk=pk)
    try:
        actions.do_start_inspection(inspection, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(inspection.get_absolute_url())
    return redirect(reverse("inspections:perform", args=[pk]))


def _percent(points: Decimal, maximum: Decimal) -> Decimal | None:
    if not maximum:
        return None
    return (Decimal(100) * points / maximum).quantize(Decimal("0.1"), ROUND_HALF_UP)


def section_scores(inspection: Inspection) -> list[dict[str, Any]]:
    """Each section with its answers (items in order) and its score."""
    answers = {
        a.item_id: a
        for a in Answer.objects.filter(inspection=inspection).prefetch_related("photos")
    }
    out = []
    for section in inspection.checklist.sections.prefetch_related("items"):
        rows = [(item, answers.get(item.pk)) for item in section.items.all()]
        points = sum((a.points for _i, a in rows if a and a.answered_at), Decimal(0))
        maximum = sum((a.max_points for _i, a in rows if a and a.answered_at), Decimal(0))
        out.append(
            {
                "section": section,
                "rows": rows,
                "points": points,
                "max_points": maximum,
                "score": _percent(points, maximum),
            }
        )
    return out


def masked_history(history: Any, inspection: Inspection, user: Any) -> list[Any]:
    """The history with the mystery shopper's name and the inspector field left out for people
    who may not know who it was."""
    events = list(history)
    if inspection.shows_inspector_to(user):
        return events
    for e in events:
        if e.actor_id is not None and e.actor_id == inspection.inspector_id:
            e.actor_name = str(_("(hidden)"))
        e.changes = {k: v for k, v in (e.changes or {}).items() if k != "inspector"}
    return events


@require_safe
@login_required
def inspection_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(_visible(request), pk=pk)
    parts, part_context = detail_parts.parts(request, inspection)
    may_perform = (
        allowed(request.user, "change", Inspection)
        and actions.may_perform(request.user, inspection)
        and not inspection.is_closed
    )
    history = audit.history(inspection).filter(
        pk__in=AuditEvent.objects.restrict(request.user).values("pk")
    )[:50]
    context: dict[str, Any] = {
        **part_context,  # the page's own names win over a panel's
        "history": masked_history(history, inspection, request.user),
        "sections": section_scores(inspection),
        "inspector_name": inspector_text(inspection, request.user),
        "may_perform": may_perform,
        "loose_photos": inspection.photos.filter(answer__isnull=True),
        "extra_partials": parts,
    }
    return detail_page(request, inspection, "inspections/inspection_detail.html", **context)


@require_safe
@login_required
def photo_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    photo = get_object_or_404(Photo.objects.restrict(request.user, "view"), pk=pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, filename=photo.name, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


urlpatterns: list[URLPattern] = [
    path("", inspection_list, name="list"),
    path("new/", inspection_create, name="create"),
    path("<int:pk>/", inspection_detail, name="detail"),
    path("<int:pk>/start/", inspection_start, name="start"),
    path("photos/<int:pk>/", photo_file, name="photo"),
]
