"""Performing an inspection on a phone: one card per item, each answer saved as the inspector
goes (``perform_answer`` answers JSON to the page's script, which queues unsent answers in
localStorage and retries them; without script each card is a plain form), photos, the mystery
shopper's narrative (add, edit, remove, clear), the site representative and the submit."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.views.generic import WEB
from sqms.inspections import actions
from sqms.inspections.choices import InspectionKind, Result
from sqms.inspections.forms import SubmitForm
from sqms.inspections.models import Answer, Inspection, Item, Photo


def _performable(request: AuthenticatedHttpRequest, pk: int) -> Inspection:
    inspection = get_object_or_404(
        Inspection.objects.restrict(request.user, "change").select_related(
            "site", "checklist", "checklist__template"
        ),
        pk=pk,
    )
    if not actions.may_perform(request.user, inspection):
        raise PermissionDenied(_("You may not perform this inspection."))
    return inspection


def _wants_json(request: AuthenticatedHttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _state(inspection: Inspection) -> dict[str, Any]:
    return {
        "version": inspection.version,
        "score": None if inspection.score is None else str(inspection.score),
        "points": str(inspection.points),
        "max_points": str(inspection.max_points),
        "critical_failed": inspection.critical_failed,
        "passed": inspection.passed,
    }


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "item": answer.item_id,
        "result": answer.result,
        "value": _number(answer.value),
        "note": answer.note,
        "failed": answer.failed,
        "points": str(answer.points),
        "max_points": str(answer.max_points),
        "answered": answer.answered_at is not None,
    }


@require_safe
@login_required
def perform_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _performable(request, pk)
    if inspection.is_closed:
        messages.info(
            request,
            _("%(ref)s is %(status)s.")
            % {"ref": inspection.reference, "status": inspection.get_status_display().lower()},
        )
        return redirect(inspection.get_absolute_url())
    answers = {
        a.item_id: a
        for a in Answer.objects.filter(inspection=inspection).prefetch_related("photos")
    }
    sections = [
        (section, [(item, answers.get(item.pk)) for item in section.items.all()])
        for section in inspection.checklist.sections.prefetch_related("items")
    ]
    saved = {str(a.item_id): _answer_json(a) for a in answers.values()}
    return render(
        request,
        "inspections/perform_page.html",
        {
            "obj": inspection,
            "sections": sections,
            "item_count": sum(len(rows) for _s, rows in sections),
            "scale": range(6),
            "results": Result,
            "is_mystery": inspection.kind == InspectionKind.MYSTERY,
            "submit_form": SubmitForm(
                initial={
                    "version": inspection.version,
                    "site_representative": inspection.site_representative,
                    "notes": inspection.notes,
                }
            ),
            "state": {"saved": saved, **_state(inspection)},
        },
    )


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_POST
@login_required
def perform_answer(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Save one item's answer: JSON for the page's script, a redirect for a plain form."""
    inspection = _performable(request, pk)
    item = get_object_or_404(Item, pk=item_pk, version_id=inspection.checklist_id)
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return JsonResponse({"error": _("Send a JSON object.")}, status=400)
    else:
        data = request.POST
    result, value = str(data.get("result") or ""), data.get("value")
    if data.get("na") in (True, "1", "on", "true"):
        result = Result.NA
    try:
        answer = actions.do_save_answer(
            inspection,
            item,
            result=result,
            value=value if value not in (None, "") else None,
            note=str(data.get("note") or ""),
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        if _wants_json(request):
            code = 409 if getattr(exc, "code", None) == "already_submitted" else 422
            return JsonResponse({"error": _error_text(exc), "item": item.pk}, status=code)
        messages.error(request, _error_text(exc))
        return redirect(reverse("inspections:perform", args=[pk]) + f"#item-{item.pk}")
    if _wants_json(request):
        current = Inspection.objects.get(pk=inspection.pk)
        return JsonResponse({"answer": _answer_json(answer), **_state(current)})
    return redirect(reverse("inspections:perform", args=[pk]) + f"#item-{item.pk}")


@require_POST
@login_required
def perform_photo(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    inspection = _performable(request, pk)
    item = get_object_or_404(Item, pk=item_pk, version_id=inspection.checklist_id)
    try:
        files = actions.check_photos(inspection, request.FILES.getlist("photo"))
        photos = actions.do_add_photos(
            inspection, files, item=item, acting_user=request.user, channel=WEB
        )
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"error": _error_text(exc), "item": item.pk}, status=422)
        messages.error(request, _error_text(exc))
    else:
        if _wants_json(request):
            return JsonResponse(
                {
                    "photos": [
                        {
                            "id": p.pk,
                            "name": p.name,
                            "url": reverse("inspections:photo", args=[p.pk]),
                            "delete_url": reverse("inspections:perform_photo_delete", args=[p.pk]),
                        }
                        for p in photos
                    ]
                }
            )
        messages.success(request, _("Photo saved."))
    return redirect(reverse("inspections:perform", args=[pk]) + f"#item-{item.pk}")


@require_POST
@login_required
def perform_photo_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    photo = get_object_or_404(Photo.objects.restrict(request.user, "change"), pk=pk)
    inspection = _performable(request, photo.inspection_id)
    try:
        actions.do_delete_photo(photo, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(reverse("inspections:perform", args=[inspection.pk]))


@require_POST
@login_required
def perform_narrative(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _performable(request, pk)
    at = parse_datetime(request.POST.get("at", "") or "") if request.POST.get("at") else None
    try:
        actions.do_add_narrative(
            inspection, request.POST.get("text", ""), at=at, acting_user=request.user, channel=WEB
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(reverse("inspections:perform", args=[pk]) + "#narrative")


def _version(request: AuthenticatedHttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _narrative_change(
    request: AuthenticatedHttpRequest, inspection: Inspection, entries: list[Any], done: str
) -> HttpResponse:
    try:
        actions.do_replace_narrative(
            inspection,
            entries,
            expected_version=_version(request),
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        if getattr(exc, "code", None) == "already_submitted":
            return redirect(inspection.get_absolute_url())
    else:
        messages.success(request, done)
    return redirect(reverse("inspections:perform", args=[inspection.pk]) + "#narrative")


@require_POST
@login_required
def perform_narrative_entry(request: AuthenticatedHttpRequest, pk: int, index: int) -> HttpResponse:
    """Edit the text of the narrative's entry ``index`` (from 1), or remove it (``remove``)."""
    inspection = _performable(request, pk)
    entries = [dict(e) for e in inspection.narrative]
    if not 1 <= index <= len(entries):
        messages.error(request, _("That narrative entry is gone; reload the page."))
        return redirect(reverse("inspections:perform", args=[pk]) + "#narrative")
    if "remove" in request.POST:
        del entries[index - 1]
        done = _("Entry removed from the narrative.")
    else:
        entries[index - 1]["text"] = request.POST.get("text", "")
        done = _("Narrative entry saved.")
    return _narrative_change(request, inspection, entries, done)


@require_POST
@login_required
def perform_narrative_clear(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _performable(request, pk)
    return _narrative_change(request, inspection, [], _("The narrative is cleared."))


@require_POST
@login_required
def perform_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _performable(request, pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and submit again."))
        return redirect(reverse("inspections:perform", args=[pk]))
    data = form.cleaned_data
    try:
        done = actions.do_submit_inspection(
            inspection,
            expected_version=data["version"],
            site_representative=data["site_representative"],
            acknowledged=data["acknowledged"],
            notes=data["notes"],
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        target = (
            "inspections:detail"
            if inspection.is_closed or getattr(exc, "code", "") == "already_submitted"
            else "inspections:perform"
        )
        return redirect(reverse(target, args=[pk]))
    messages.success(
        request,
        _("%(ref)s submitted: score %(score)s %%.")
        % {"ref": done.reference, "score": done.score if done.score is not None else "—"},
    )
    return redirect(done.get_absolute_url())


urlpatterns: list[URLPattern] = [
    path("<int:pk>/perform/", perform_page, name="perform"),
    path("<int:pk>/perform/items/<int:item_pk>/", perform_answer, name="perform_answer"),
    path("<int:pk>/perform/items/<int:item_pk>/photo/", perform_photo, name="perform_photo"),
    path("<int:pk>/perform/narrative/", perform_narrative, name="perform_narrative"),
    path(
        "<int:pk>/perform/narrative/<int:index>/",
        perform_narrative_entry,
        name="perform_narrative_entry",
    ),
    path(
        "<int:pk>/perform/narrative/clear/",
        perform_narrative_clear,
        name="perform_narrative_clear",
    ),
    path("<int:pk>/perform/submit/", perform_submit, name="perform_submit"),
    path("photos/<int:pk>/delete/", perform_photo_delete, name="perform_photo_delete"),
]
