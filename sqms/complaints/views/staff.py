"""Complaint pages for staff: list, detail with clocks and timeline, create, edit, and the
workflow, assignment and timeline POSTs. Thin: every write goes through ``actions``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.complaints import actions, workflow
from sqms.complaints.choices import Source
from sqms.complaints.clock_display import due_badge
from sqms.complaints.filters import COMPLAINT_FILTERS
from sqms.complaints.forms import AssignForm, ComplaintForm, EntryForm, TransitionForm
from sqms.complaints.models import OVERDUE, Complaint
from sqms.complaints.partials import detail_partials
from sqms.core.choices import Role
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.names import display_name
from sqms.core.scoping import allowed, role_of
from sqms.core.views.generic import WEB, detail_page, form_page


def _due(c: Complaint) -> str:
    badge = due_badge(c, timezone.now())
    return str(badge["text"]) if badge else ""


_COLUMNS = [
    ListColumn("ref", gettext_lazy("Number"), lambda c: c.reference, sort="id", link=True),
    ListColumn("received", gettext_lazy("Received"), lambda c: c.received_at, sort="received_at"),
    ListColumn("site", gettext_lazy("Site"), lambda c: c.site.code, sort="site__code"),
    ListColumn(
        "category",
        gettext_lazy("Category"),
        lambda c: c.category.label if c.category else "",
        sort="category__position",
    ),
    ListColumn(
        "severity", gettext_lazy("Severity"), lambda c: c.get_severity_display(), sort="severity"
    ),
    ListColumn("status", gettext_lazy("Status"), lambda c: c.get_status_display(), sort="status"),
    ListColumn("summary", gettext_lazy("Summary"), lambda c: c.summary),
    ListColumn(
        "assigned",
        gettext_lazy("Assigned to"),
        lambda c: display_name(c.assigned_to) if c.assigned_to else "",
    ),
    ListColumn("due", gettext_lazy("Next deadline"), _due, sort="next_check_at"),
    ListColumn(
        "escalation",
        gettext_lazy("Escalation"),
        lambda c: c.get_escalation_level_display() if c.escalation_level else "",
    ),
]


def _spec(columns: list[ListColumn]) -> ListSpec:
    return ListSpec(
        title=gettext_lazy("Complaints"),
        columns=columns,
        filterset=COMPLAINT_FILTERS,
        default_sort="-received",
        export_name="complaints",
        empty_text=gettext_lazy("No complaints yet."),
    )


COMPLAINT_LIST = _spec(
    [*_COLUMNS, ListColumn("customer", gettext_lazy("Customer"), lambda c: c.masked_name)]
)
#: quality managers export the customer's name and contact in full (nobody else may)
COMPLAINT_LIST_FULL = _spec(
    [
        *_COLUMNS,
        ListColumn("customer", gettext_lazy("Customer"), lambda c: c.customer_name),
        ListColumn("contact", gettext_lazy("Contact"), lambda c: c.customer_contact),
        ListColumn("tracking", gettext_lazy("Tracking code"), lambda c: c.tracking_code),
    ]
)

#: quick views above the list: (query parameter, label)
VIEWS = [
    ("mine", gettext_lazy("Assigned to me")),
    ("open", gettext_lazy("Open")),
    ("overdue", gettext_lazy("Overdue")),
]


def _quick_view(
    request: AuthenticatedHttpRequest, qs: QuerySet[Complaint]
) -> tuple[QuerySet[Complaint], str]:
    view = request.GET.get("view", "")
    if view == "mine":
        return qs.filter(assigned_to=request.user), view
    if view == "open":
        return qs.filter(is_open=True), view
    if view == "overdue":
        return qs.filter(OVERDUE), view
    return qs, ""


@require_safe
@login_required
def complaint_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs, view = _quick_view(
        request,
        Complaint.objects.restrict(request.user, "view").select_related(
            "site", "category", "assigned_to"
        ),
    )
    full = role_of(request.user) == Role.QUALITY_MANAGER and request.GET.get("export")
    create = reverse("complaints:create") if allowed(request.user, "add", Complaint) else None
    return render_list(
        request,
        COMPLAINT_LIST_FULL if full else COMPLAINT_LIST,
        qs,
        template="complaints/list.html",
        extra={"create_url": create, "views": VIEWS, "current_view": view},
    )


def _changeable(request: AuthenticatedHttpRequest, pk: int) -> Complaint:
    return get_object_or_404(Complaint.objects.restrict(request.user, "change"), pk=pk)


@require_safe
@login_required
def complaint_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(
        Complaint.objects.restrict(request.user, "view").select_related(
            "site", "site__region", "service", "category", "policy", "assigned_to"
        ),
        pk=pk,
    )
    now = timezone.now()
    can_change = allowed(request.user, "change", Complaint)
    context: dict[str, Any] = {
        "entries": complaint.entries.select_related("author"),
        "pauses": complaint.pauses.all(),
        "now": now,
        **detail_partials(request, complaint, now),
    }
    if can_change:
        context["transitions"] = workflow.available(complaint.status)
        context["transition_form"] = TransitionForm(initial={"version": complaint.version})
        context["assign_form"] = AssignForm(
            initial={"version": complaint.version, "assignee": complaint.assigned_to_id or ""},
            users=actions.assignable_users(complaint),
        )
        context["entry_form"] = EntryForm()
    return detail_page(request, complaint, "complaints/detail.html", **context)


@login_required
def complaint_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Complaint):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> Complaint:
        data = {k: v for k, v in data.items() if v not in (None, "")}
        return actions.do_create_complaint(
            data, source=Source.STAFF, acting_user=request.user, channel=WEB
        )

    return form_page(request, form, save, _("New complaint"), reverse("complaints:list"))


@login_required
def complaint_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = _changeable(request, pk)
    form = ComplaintForm(request.POST or None, instance=complaint, user=request.user, editing=True)

    def save(data: dict[str, Any]) -> Complaint:
        version = data.pop("version")
        return actions.do_update_complaint(
            complaint,
            data,
            expected_version=version,
            acting_user=request.user,
            channel=WEB,
        )

    title = _("Edit %(record)s") % {"record": complaint.reference}
    return form_page(request, form, save, title, complaint.get_absolute_url())


def _back(
    request: AuthenticatedHttpRequest, complaint: Complaint, exc: ValidationError
) -> HttpResponse:
    messages.error(request, " ".join(exc.messages))
    return redirect(complaint.get_absolute_url())


@require_POST
@login_required
def complaint_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = _changeable(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _back(request, complaint, ValidationError(_("Choose a valid transition.")))
    data = form.cleaned_data
    try:
        complaint = actions.do_transition(
            complaint,
            data["transition"],
            expected_version=data["version"],
            body=data["body"],
            public=data["public"],
            resolution=data["resolution"] or None,
            root_cause=data["root_cause"] or None,
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        return _back(request, complaint, exc)
    messages.success(
        request,
        _("%(ref)s is now “%(status)s”.")
        % {"ref": complaint.reference, "status": complaint.get_status_display()},
    )
    return redirect(complaint.get_absolute_url())


@require_POST
@login_required
def complaint_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = _changeable(request, pk)
    form = AssignForm(request.POST, users=actions.assignable_users(complaint))
    if not form.is_valid():
        return _back(request, complaint, ValidationError(_("Choose someone who may work on it.")))
    assignee = form.users.get(form.cleaned_data["assignee"] or "")
    try:
        actions.do_assign(
            complaint,
            assignee,
            expected_version=form.cleaned_data["version"],
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        return _back(request, complaint, exc)
    messages.success(request, _("Assignment saved."))
    return redirect(complaint.get_absolute_url())


@require_POST
@login_required
def complaint_entry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = _changeable(request, pk)
    form = EntryForm(request.POST)
    if not form.is_valid():
        return _back(request, complaint, ValidationError(_("Write something first.")))
    try:
        actions.do_add_entry(
            complaint,
            form.cleaned_data["body"],
            public=form.cleaned_data["public"],
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        return _back(request, complaint, exc)
    messages.success(
        request,
        _("Reply sent to the customer.") if form.cleaned_data["public"] else _("Note added."),
    )
    return redirect(complaint.get_absolute_url() + "#timeline")


urlpatterns: list[URLPattern] = [
    path("", complaint_list, name="list"),
    path("new/", complaint_create, name="create"),
    path("<int:pk>/", complaint_detail, name="detail"),
    path("<int:pk>/edit/", complaint_edit, name="edit"),
    path("<int:pk>/transition/", complaint_transition, name="transition"),
    path("<int:pk>/assign/", complaint_assign, name="assign"),
    path("<int:pk>/entries/", complaint_entry, name="entry"),
]
