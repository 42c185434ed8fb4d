"""Action pages and POSTs (add, edit, done, cancel, evidence), the actions list ("my actions",
overdue), the verification POSTs (measure, confirm) and the queue of complaints' CAPA
referrals with "raise NC"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.capa import actions
from sqms.capa.filters import ACTION_FILTERS, actions_with_overdue
from sqms.capa.forms import ActionForm, ConfirmForm, NoteForm, VerificationForm
from sqms.capa.models import Action, ActionEvidence, Nonconformity
from sqms.capa.people import owners_for
from sqms.capa.views.nonconformities import back, changeable
from sqms.complaints.choices import CapaStatus
from sqms.complaints.models import CapaReferral
from sqms.complaints.public_views import download
from sqms.core.attachments import check_uploads
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.names import display_name
from sqms.core.scoping import allowed, role_of
from sqms.core.views.generic import WEB, form_page

ACTION_LIST = ListSpec(
    title=gettext_lazy("CAPA actions"),
    columns=[
        ListColumn(
            "nc",
            gettext_lazy("Nonconformity"),
            lambda a: a.nonconformity.reference,
            sort="nonconformity_id",
            link=True,
        ),
        ListColumn(
            "site",
            gettext_lazy("Site"),
            lambda a: a.nonconformity.site.code if a.nonconformity.site else _("chain-wide"),
        ),
        ListColumn("kind", gettext_lazy("Kind"), lambda a: a.get_kind_display(), sort="kind"),
        ListColumn("description", gettext_lazy("Description"), lambda a: a.description),
        ListColumn(
            "owner", gettext_lazy("Owner"), lambda a: display_name(a.owner) if a.owner else ""
        ),
        ListColumn("due", gettext_lazy("Due"), lambda a: a.due_date, sort="due_date"),
        ListColumn(
            "status", gettext_lazy("Status"), lambda a: a.get_status_display(), sort="status"
        ),
        ListColumn("done", gettext_lazy("Done"), lambda a: a.done_at, sort="done_at"),
        ListColumn(
            "overdue", gettext_lazy("Overdue"), lambda a: bool(getattr(a, "is_overdue", False))
        ),
        ListColumn(
            "escalation", gettext_lazy("Escalation level"), lambda a: a.escalation_level or ""
        ),
    ],
    filterset=ACTION_FILTERS,
    default_sort="due",
    export_name="capa-actions",
    empty_text=gettext_lazy("No actions."),
)

VIEWS = [("mine", gettext_lazy("My actions")), ("overdue", gettext_lazy("Overdue"))]


def visible_actions(request: AuthenticatedHttpRequest) -> QuerySet[Action]:
    """Actions of the NCs the user sees, and the actions the user owns."""
    ncs = Nonconformity.objects.restrict(request.user, "view").values("pk")
    if role_of(request.user) is None:
        return Action.objects.none()
    return Action.objects.filter(Q(nonconformity__in=ncs) | Q(owner=request.user)).select_related(
        "nonconformity", "nonconformity__site", "owner"
    )


@require_safe
@login_required
def action_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = actions_with_overdue(visible_actions(request))
    view = request.GET.get("view", "")
    if view == "mine":
        qs = qs.filter(owner=request.user)
    elif view == "overdue":
        qs = qs.filter(is_overdue=True)
    else:
        view = ""
    return render_list(
        request,
        ACTION_LIST,
        qs,
        template="capa/action_list.html",
        extra={"views": VIEWS, "current_view": view},
    )


def _action(request: AuthenticatedHttpRequest, pk: int) -> Action:
    action: Action = get_object_or_404(visible_actions(request), pk=pk)
    return action


@require_POST
@login_required
def action_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nc = changeable(request, pk)
    form = ActionForm(request.POST, owners=owners_for(nc.site, request.user))
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[k].label}: {' '.join(str(e) for e in v)}"
            if k in form.fields
            else " ".join(str(e) for e in v)
            for k, v in form.errors.items()
        )
        return back(request, nc, ValidationError(errors), "#actions")
    try:
        actions.do_add_action(nc, form.data_for_action(), acting_user=request.user, channel=WEB)
    except (ValidationError, PermissionDenied) as exc:
        return back(request, nc, exc, "#actions")
    messages.success(request, _("Action added."))
    return redirect(nc.get_absolute_url() + "#actions")


@login_required
def action_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    nc = action.nonconformity
    if not Action.objects.restrict(request.user, "change").filter(pk=action.pk).exists():
        raise Http404
    form = ActionForm(
        request.POST or None, instance=action, owners=owners_for(nc.site, request.user)
    )

    def save(_data: dict[str, Any]) -> Action:
        return actions.do_update_action(
            action, form.data_for_action(), acting_user=request.user, channel=WEB
        )

    return form_page(
        request,
        form,
        save,
        _("Edit action of %(ref)s") % {"ref": nc.reference},
        action.get_absolute_url(),
    )


@require_POST
@login_required
def action_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        actions.do_complete_action(
            action, form.cleaned_data.get("note", ""), acting_user=request.user, channel=WEB
        )
    except (ValidationError, PermissionDenied) as exc:
        return back(request, action.nonconformity, exc, f"#action-{action.pk}")
    messages.success(request, _("Action marked done."))
    return redirect(action.get_absolute_url())


@require_POST
@login_required
def action_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        actions.do_cancel_action(
            action, form.cleaned_data.get("note", ""), acting_user=request.user, channel=WEB
        )
    except (ValidationError, PermissionDenied) as exc:
        return back(request, action.nonconformity, exc, f"#action-{action.pk}")
    messages.success(request, _("Action cancelled."))
    return redirect(action.get_absolute_url())


@require_POST
@login_required
def evidence_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    if not actions.may_work(request.user, action):
        raise Http404
    try:
        files = check_uploads(request.FILES.getlist("files"))
        added = actions.do_add_evidence(action, files, acting_user=request.user, channel=WEB)
    except (ValidationError, PermissionDenied) as exc:
        return back(request, action.nonconformity, exc, f"#action-{action.pk}")
    messages.success(
        request, _("Attached %(names)s.") % {"names": ", ".join(e.name for e in added)}
    )
    return redirect(action.get_absolute_url())


@require_safe
@login_required
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    ev = get_object_or_404(
        ActionEvidence.objects.filter(action__in=visible_actions(request)), pk=pk
    )
    return download(ev)  # type: ignore[arg-type]


# Verification ---------------------------------------------------------------------------------


@require_POST
@login_required
def verification_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nc = changeable(request, pk)
    form = VerificationForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(" ".join(str(e) for e in v) for v in form.errors.values())
        return back(request, nc, ValidationError(errors), "#verification")
    try:
        actions.do_propose_verification(
            nc,
            form.cleaned_data["metric"],
            form.params(),
            note=form.cleaned_data["note"],
            acting_user=request.user,
            channel=WEB,
        )
    except (ValidationError, PermissionDenied) as exc:
        return back(request, nc, exc, "#verification")
    messages.success(request, _("Effectiveness measured."))
    return redirect(nc.get_absolute_url() + "#verification")


@require_POST
@login_required
def verification_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nc = changeable(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return back(
            request, nc, ValidationError(_("Choose effective or not effective.")), "#verification"
        )
    try:
        nc = actions.do_confirm_verification(
            nc,
            form.cleaned_data["verdict"],
            form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
            acting_user=request.user,
            channel=WEB,
        )
    except (ValidationError, PermissionDenied) as exc:
        return back(request, nc, exc, "#verification")
    messages.success(
        request,
        _("%(ref)s is now “%(stage)s”.") % {"ref": nc.reference, "stage": nc.get_stage_display()},
    )
    return redirect(nc.get_absolute_url())


# CAPA referrals from complaints -----------------------------------------------------------------

REFERRAL_LIST = ListSpec(
    title=gettext_lazy("Complaint referrals waiting for CAPA"),
    columns=[
        ListColumn("created", gettext_lazy("Referred"), lambda r: r.created_at, sort="created_at"),
        ListColumn(
            "site", gettext_lazy("Site"), lambda r: r.site.code if r.site else _("several sites")
        ),
        ListColumn("title", gettext_lazy("Title"), lambda r: r.title),
        ListColumn("complaints", gettext_lazy("Complaints"), lambda r: r.complaints.count()),
        ListColumn("status", gettext_lazy("Status"), lambda r: r.get_status_display()),
    ],
    default_sort="-created",
    export_name="capa-referrals-queue",
    empty_text=gettext_lazy("No complaint referrals are waiting."),
)


@require_safe
@login_required
def referral_queue(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = (
        CapaReferral.objects.restrict(request.user, "view")
        .filter(status=CapaStatus.QUEUED)
        .select_related("site")
    )
    return render_list(
        request,
        REFERRAL_LIST,
        qs,
        template="capa/referral_queue.html",
        extra={"can_raise": allowed(request.user, "add", Nonconformity)},
    )


@require_POST
@login_required
def referral_raise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(CapaReferral.objects.restrict(request.user, "view"), pk=pk)
    if not allowed(request.user, "add", Nonconformity):
        raise PermissionDenied
    try:
        nc = actions.do_raise_from_referral(referral, acting_user=request.user, channel=WEB)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(reverse("capa:referrals"))
    messages.success(request, _("Raised %(ref)s from the referral.") % {"ref": nc.reference})
    return redirect(nc.get_absolute_url())


urlpatterns: list[URLPattern] = [
    path("actions/", action_list, name="actions"),
    path("<int:pk>/actions/", action_add, name="action_add"),
    path("actions/<int:pk>/edit/", action_edit, name="action_edit"),
    path("actions/<int:pk>/done/", action_complete, name="action_complete"),
    path("actions/<int:pk>/cancel/", action_cancel, name="action_cancel"),
    path("actions/<int:pk>/evidence/", evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", evidence_download, name="evidence_download"),
    path("<int:pk>/verification/", verification_propose, name="verification_propose"),
    path("<int:pk>/verification/confirm/", verification_confirm, name="verification_confirm"),
    path("referrals/", referral_queue, name="referrals"),
    path("referrals/<int:pk>/raise/", referral_raise, name="referral_raise"),
]
