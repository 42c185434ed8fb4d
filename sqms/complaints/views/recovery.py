"""Service recovery pages: the add / decide / done POSTs of a complaint's recovery panel, the
panel's context for the complaint page, and the list of every recovery action in scope."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.complaints import actions
from sqms.complaints.actions.recovery import APPROVER_ROLES, approval_limit
from sqms.complaints.choices import MONEY_KINDS, RecoveryStatus, Status
from sqms.complaints.filters import RECOVERY_FILTERS
from sqms.complaints.forms_recovery import DecisionForm, RecoveryForm
from sqms.complaints.models import Complaint, RecoveryAction
from sqms.core.choices import Role
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.names import display_name
from sqms.core.scoping import role_of
from sqms.core.views.generic import WEB


def _actions_in_scope(user: Any, action: str = "view") -> QuerySet[RecoveryAction]:
    return RecoveryAction.objects.restrict(user, action).select_related(  # type: ignore[arg-type]
        "complaint", "complaint__site", "requested_by", "decided_by"
    )


def _panel_url(complaint: Complaint) -> str:
    return complaint.get_absolute_url() + "#recovery"


def _errors(request: AuthenticatedHttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def recovery_context(request: AuthenticatedHttpRequest, complaint: Complaint) -> dict[str, Any]:
    """What ``complaints/_recovery.html`` needs on the complaint's page: the actions with the
    reader's buttons, the add form, the approval limit and the total paid or promised."""
    user = request.user
    can_change = Complaint.objects.restrict(user, "change").filter(pk=complaint.pk).exists()
    rows = []
    total = Decimal("0")
    for action in (
        _actions_in_scope(user).filter(complaint=complaint).order_by("requested_at", "id")
    ):
        pending = action.status == RecoveryStatus.PENDING_APPROVAL
        if action.amount is not None and action.status != RecoveryStatus.REJECTED:
            total += action.amount
        rows.append(
            {
                "action": action,
                "requested_by": display_name(action.requested_by) if action.requested_by else "",
                "decided_by": display_name(action.decided_by) if action.decided_by else "",
                "can_decide": pending and actions.may_decide(user, action),
                "can_complete": can_change and action.status == RecoveryStatus.APPROVED,
                "decide_url": reverse("complaints:recovery_decide", args=[action.pk]),
                "complete_url": reverse("complaints:recovery_complete", args=[action.pk]),
            }
        )
    return {
        "recovery_rows": rows,
        "recovery_total": total,
        "recovery_limit": approval_limit(),
        "recovery_money_kinds": sorted(MONEY_KINDS),
        "recovery_form": RecoveryForm()
        if can_change and complaint.status != Status.CLOSED
        else None,
        "recovery_add_url": reverse("complaints:recovery_add", args=[complaint.pk]),
        "recovery_decision_form": DecisionForm(),
    }


@require_POST
@login_required
def recovery_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint.objects.restrict(request.user, "change"), pk=pk)
    form = RecoveryForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(str(m) for m in e)}"
                     for f, e in form.errors.items()),
        )  # fmt: skip
        return redirect(_panel_url(complaint))
    try:
        action = actions.do_add_recovery(
            complaint, dict(form.cleaned_data), acting_user=request.user, channel=WEB
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if action.status == RecoveryStatus.PENDING_APPROVAL:
            messages.success(request, _("Recorded; it waits for a manager's approval."))
        else:
            messages.success(request, _("Recorded %(record)s.") % {"record": action})
    return redirect(_panel_url(complaint))


@require_POST
@login_required
def recovery_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(_actions_in_scope(request.user, "change"), pk=pk)
    form = DecisionForm(request.POST)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject") or not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect(_panel_url(action.complaint))
    try:
        actions.do_decide_recovery(
            action,
            decision == "approve",
            form.cleaned_data["note"],
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Approved.") if decision == "approve" else _("Rejected."))
    if request.POST.get("next") == "list":
        return redirect(reverse("complaints:recovery_list") + "?waiting=me")
    return redirect(_panel_url(action.complaint))


@require_POST
@login_required
def recovery_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(_actions_in_scope(request.user, "change"), pk=pk)
    try:
        actions.do_complete_recovery(action, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Marked done."))
    return redirect(_panel_url(action.complaint))


RECOVERY_LIST = ListSpec(
    title=gettext_lazy("Service recovery"),
    columns=[
        ListColumn(
            "complaint",
            gettext_lazy("Complaint"),
            lambda a: a.complaint.reference,
            sort="complaint_id",
            link=True,
        ),
        ListColumn(
            "site",
            gettext_lazy("Site"),
            lambda a: a.complaint.site.code,
            sort="complaint__site__code",
        ),
        ListColumn("kind", gettext_lazy("Kind"), lambda a: a.get_kind_display(), sort="kind"),
        ListColumn(
            "amount",
            gettext_lazy("Amount"),
            lambda a: "" if a.amount is None else f"{a.amount:.2f}",
            sort="amount",
        ),
        ListColumn(
            "status", gettext_lazy("Status"), lambda a: a.get_status_display(), sort="status"
        ),
        ListColumn("description", gettext_lazy("Details"), lambda a: a.description[:80]),
        ListColumn(
            "requested_by",
            gettext_lazy("Requested by"),
            lambda a: display_name(a.requested_by) if a.requested_by else "",
        ),
        ListColumn(
            "requested_at",
            gettext_lazy("Requested"),
            lambda a: a.requested_at.strftime("%Y-%m-%d %H:%M"),
            sort="requested_at",
        ),
        ListColumn(
            "decided_by",
            gettext_lazy("Decided by"),
            lambda a: display_name(a.decided_by) if a.decided_by else "",
        ),
    ],
    filterset=RECOVERY_FILTERS,
    default_sort="-requested_at",
    export_name="recovery-actions",
    empty_text=gettext_lazy("No recovery actions yet."),
)


def waiting_for(user: Any, qs: QuerySet[RecoveryAction]) -> QuerySet[RecoveryAction]:
    """The pending actions ``user`` may decide: in scope for change (the queryset is
    restricted already), a deciding role, not their own request unless a quality manager."""
    role = role_of(user)
    if role not in APPROVER_ROLES:
        return qs.none()
    pending = qs.filter(status=RecoveryStatus.PENDING_APPROVAL)
    if role != Role.QUALITY_MANAGER:
        pending = pending.filter(~Q(requested_by=user) | Q(requested_by__isnull=True))
    return pending


@require_safe
@login_required
def recovery_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = _actions_in_scope(request.user)
    mine = request.GET.get("waiting") == "me"
    if mine:
        qs = waiting_for(request.user, _actions_in_scope(request.user, "change"))
    filtered, _state = RECOVERY_FILTERS.apply(request, qs)
    total = filtered.exclude(status=RecoveryStatus.REJECTED).aggregate(s=Sum("amount"))["s"]
    waiting_count = waiting_for(request.user, _actions_in_scope(request.user, "change")).count()
    return render_list(
        request,
        RECOVERY_LIST,
        qs,
        template="complaints/recovery_list.html",
        extra={
            "amount_total": total or Decimal("0"),
            "waiting_mine": mine,
            "waiting_count": waiting_count,
        },
    )


urlpatterns: list[URLPattern] = [
    path("recovery/", recovery_list, name="recovery_list"),
    path("<int:pk>/recovery/add/", recovery_add, name="recovery_add"),
    path("recovery/<int:pk>/decide/", recovery_decide, name="recovery_decide"),
    path("recovery/<int:pk>/done/", recovery_complete, name="recovery_complete"),
]
