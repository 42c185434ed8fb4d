"""Version pages: a version (steps, promise, compensation, approval actions, who has
acknowledged, history), its draft form, the workflow buttons, the acknowledgement click and
the per-site acknowledgement list with its CSV export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sqms.core import exports
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.names import display_name
from sqms.core.views.generic import WEB, add_errors, detail_page
from sqms.standards import actions
from sqms.standards.audience import audience_roles, in_audience, status_by_site, version_sites
from sqms.standards.choices import VersionStatus
from sqms.standards.forms import ApproveForm, RejectForm, ReviewForm, StepFormSet, VersionForm
from sqms.standards.models import Acknowledgement, Standard, StandardVersion


def _version(request: AuthenticatedHttpRequest, pk: int, action: str = "view") -> StandardVersion:
    return get_object_or_404(
        StandardVersion.objects.restrict(request.user, action).select_related(  # type: ignore[arg-type]
            "standard", "standard__service", "author", "decided_by"
        ),
        pk=pk,
    )


@require_safe
@login_required
def version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    today = timezone.localdate()
    can_change = StandardVersion.objects.restrict(request.user, "change").filter(pk=pk).exists()
    is_author = version.author_id == request.user.pk
    acked = Acknowledgement.objects.filter(version=version, user=request.user).first()
    statuses = status_by_site(version, request.user) if version.is_effective(today) else []
    return detail_page(
        request,
        version,
        "standards/version_detail.html",
        standard=version.standard,
        steps=version.steps.all(),
        sites=version_sites(version),
        roles=audience_roles(version),
        effective=version.is_effective(today),
        pending=version.status == VersionStatus.APPROVED and not version.is_effective(today),
        can_edit=can_change and version.status == VersionStatus.DRAFT,
        can_submit=can_change and version.status == VersionStatus.DRAFT,
        can_decide=can_change and version.status == VersionStatus.IN_APPROVAL and not is_author,
        is_author=is_author,
        can_review=can_change and version.is_effective(today),
        approve_form=ApproveForm(initial={"effective_from": today}),
        reject_form=RejectForm(),
        review_form=ReviewForm(),
        acknowledged=acked,
        must_acknowledge=acked is None
        and version.is_effective(today)
        and in_audience(version, request.user),
        statuses=statuses,
    )


@login_required
def version_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    standard = get_object_or_404(Standard.objects.restrict(request.user, "change"), pk=pk)
    if request.method != "POST":
        return render(
            request,
            "standards/version_new.html",
            {"standard": standard},
        )
    try:
        version = actions.do_new_version(standard, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(standard.get_absolute_url())
    messages.success(request, _("Started %(version)s as a draft.") % {"version": version})
    return redirect("standards:version_edit", pk=version.pk)


@login_required
def version_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk, "change")
    if version.is_closed:
        messages.error(request, _("Only drafts change; this version is read-only."))
        return redirect(version.get_absolute_url())
    initial_steps = [
        {"text": s.text, "time_limit_minutes": s.time_limit_minutes, "role": s.role}
        for s in version.steps.all()
    ]
    form = VersionForm(request.POST or None, instance=StandardVersion.objects.get(pk=pk))
    formset = StepFormSet(request.POST or None, initial=initial_steps, prefix="steps")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        steps = [
            {
                "text": f.cleaned_data.get("text", ""),
                "time_limit_minutes": f.cleaned_data.get("time_limit_minutes"),
                "role": f.cleaned_data.get("role", ""),
            }
            for f in formset.forms
            if f.cleaned_data.get("text")
        ]
        try:
            actions.do_update_version(
                version, dict(form.cleaned_data), steps=steps, acting_user=request.user, channel=WEB
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved %(record)s.") % {"record": version})
            return redirect(version.get_absolute_url())
    return render(
        request,
        "standards/version_form.html",
        {"form": form, "formset": formset, "version": version},
    )


def _workflow(request: AuthenticatedHttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    version = _version(request, pk, "change")
    try:
        run(version)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, done % {"version": version})
    return redirect(version.get_absolute_url())


@require_POST
@login_required
def version_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _workflow(
        request,
        pk,
        lambda v: actions.do_submit_version(v, acting_user=request.user, channel=WEB),
        _("Sent %(version)s for approval."),
    )


@require_POST
@login_required
def version_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = ApproveForm(request.POST)
    if not form.is_valid():
        _version(request, pk, "change")
        messages.error(request, _("Give the date the version takes effect."))
        return redirect("standards:version_detail", pk=pk)
    return _workflow(
        request,
        pk,
        lambda v: actions.do_approve_version(
            v,
            effective_from=form.cleaned_data["effective_from"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
            channel=WEB,
        ),
        _("Approved %(version)s."),
    )


@require_POST
@login_required
def version_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = RejectForm(request.POST)
    if not form.is_valid():
        _version(request, pk, "change")
        messages.error(request, _("Say why the version is rejected."))
        return redirect("standards:version_detail", pk=pk)
    return _workflow(
        request,
        pk,
        lambda v: actions.do_reject_version(
            v, note=form.cleaned_data["note"], acting_user=request.user, channel=WEB
        ),
        _("Sent %(version)s back to its author."),
    )


@require_POST
@login_required
def version_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _workflow(
        request,
        pk,
        lambda v: actions.do_confirm_review(v, note=note, acting_user=request.user, channel=WEB),
        _("Recorded the review of %(version)s."),
    )


@require_POST
@login_required
def version_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One click: "I have read this version". The form names the version number read, so a
    click on a page of another version (or an empty post) records nothing."""
    version = _version(request, pk)
    if request.POST.get("number") != str(version.number):
        return HttpResponseBadRequest(_("Read the version on its page, then acknowledge it."))
    try:
        _ack, new = actions.do_acknowledge(version, acting_user=request.user, channel=WEB)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        if new:
            messages.success(request, _("Thank you: you have acknowledged %(v)s.") % {"v": version})
        else:
            messages.info(request, _("You had already acknowledged %(v)s.") % {"v": version})
    return redirect(version.get_absolute_url())


@require_safe
@login_required
def version_acks(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    version = _version(request, pk)
    statuses = status_by_site(version, request.user)
    if request.GET.get("export") == "csv":
        header = [_("Site"), _("User"), _("Name"), _("Role"), _("Acknowledged")]
        rows = (
            [
                s.site.code,
                p.user.get_username(),
                display_name(p.user),
                p.user.profile.get_role_display(),
                p.acknowledged_at.isoformat() if p.acknowledged_at else "",
            ]
            for s in statuses
            for p in s.people
        )
        return exports.csv_download(exports.stamped("acknowledgements", "csv"), header, rows)
    return render(
        request,
        "standards/version_acks.html",
        {"version": version, "statuses": statuses, "obj": version},
    )


urlpatterns = [
    path("<int:pk>/versions/new/", version_new, name="version_new"),
    path("versions/<int:pk>/", version_detail, name="version_detail"),
    path("versions/<int:pk>/edit/", version_edit, name="version_edit"),
    path("versions/<int:pk>/submit/", version_submit, name="version_submit"),
    path("versions/<int:pk>/approve/", version_approve, name="version_approve"),
    path("versions/<int:pk>/reject/", version_reject, name="version_reject"),
    path("versions/<int:pk>/review/", version_review, name="version_review"),
    path("versions/<int:pk>/acknowledge/", version_acknowledge, name="version_acknowledge"),
    path("versions/<int:pk>/acknowledgements/", version_acks, name="version_acks"),
]
