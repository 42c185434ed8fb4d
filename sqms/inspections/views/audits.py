"""Internal-audit pages: list, create, the audit's page (plan, meetings, findings; the same
panel the inspection page includes), plan and meeting forms, findings, raise NC, close, and
the report PDF. Quality managers write; everyone in the site's scope reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.core.filtersets import ChoiceFilter, FilterSet, RelatedFilter
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.models import AuditEvent, Site
from sqms.core.names import display_name
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, add_errors
from sqms.inspections import actions
from sqms.inspections.actions.audits import capa_installed
from sqms.inspections.audit_report import audit_report_pdf
from sqms.inspections.choices import FindingKind, InspectionKind, InspectionStatus
from sqms.inspections.forms_audits import (
    AuditCreateForm,
    AuditPlanForm,
    CloseForm,
    FindingForm,
    MeetingForm,
)
from sqms.inspections.models import AuditPlan, Finding, Inspection
from sqms.inspections.views.programmes import linked


def audits_of(user: Any, action: str = "view") -> QuerySet[Inspection]:
    return Inspection.objects.restrict(user, action).filter(kind=InspectionKind.AUDIT)  # type: ignore[arg-type]


def may_run_audits(user: Any) -> bool:
    return allowed(user, "change", AuditPlan)


def plan_of(inspection: Inspection) -> AuditPlan | None:
    return AuditPlan.objects.filter(inspection=inspection).first()


def audit_panel_context(inspection: Inspection, user: Any) -> dict[str, Any]:
    """What ``inspections/audit_panel.html`` needs for an audit (an empty dict for any other
    inspection): the plan, the meetings, findings by clause with their NCs, counts by kind,
    and whether ``user`` may change it."""
    if inspection.kind != InspectionKind.AUDIT:
        return {}
    plan = plan_of(inspection)
    findings = list(inspection.findings.select_related("created_by").order_by("clause", "pk"))
    counts = Counter(f.kind for f in findings)
    can_edit = (
        may_run_audits(user)
        and not inspection.is_closed
        and audits_of(user, "change").filter(pk=inspection.pk).exists()
    )
    capa = capa_installed()
    rows = [
        {
            "finding": f,
            "nc": actions.nonconformity_of(f) if capa and f.is_nonconformity else None,
        }
        for f in findings
    ]
    return {
        "audit": inspection,
        "audit_plan": plan,
        "audit_auditors": [display_name(u) for u in plan.auditors.order_by("username")]
        if plan
        else [],
        "audit_findings": rows,
        "audit_counts": [(label, counts.get(value, 0)) for value, label in FindingKind.choices],
        "audit_can_edit": can_edit,
        "audit_can_raise": capa and may_run_audits(user),
    }


def audit_detail_part(request: Any, inspection: Inspection) -> dict[str, Any] | None:
    """The audit panel for the inspection page's registry (``detail_parts``): None unless an
    audit."""
    return audit_panel_context(inspection, request.user) or None


if find_spec("sqms.inspections.detail_parts") is not None:  # the inspection page's registry
    import_module("sqms.inspections.detail_parts").register(
        "inspections/audit_panel.html", audit_detail_part
    )


# List and create ------------------------------------------------------------------------------

AUDIT_LIST = ListSpec(
    title=gettext_lazy("Internal audits"),
    columns=[
        ListColumn("ref", gettext_lazy("Number"), lambda i: i.reference, sort="id", link=True),
        ListColumn("site", gettext_lazy("Site"), lambda i: i.site.code, sort="site__code"),
        ListColumn("due", gettext_lazy("Planned for"), lambda i: i.due_on, sort="due_on"),
        ListColumn(
            "status", gettext_lazy("Status"), lambda i: i.get_status_display(), sort="status"
        ),
        ListColumn(
            "criteria",
            gettext_lazy("Criteria"),
            lambda i: i.audit_plan.criteria if hasattr(i, "audit_plan") else "",
        ),
        ListColumn("findings", gettext_lazy("Findings"), lambda i: i.finding_count),
    ],
    filterset=FilterSet(
        search=("site__code", "site__name", "audit_plan__scope"),
        filters=(
            RelatedFilter("site", gettext_lazy("Site"), "site_id", Site),
            ChoiceFilter("status", gettext_lazy("Status"), "status", InspectionStatus),
        ),
    ),
    default_sort="-due",
    export_name="internal-audits",
    empty_text=gettext_lazy("No internal audits yet."),
)


@require_safe
@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = (
        audits_of(request.user)
        .select_related("site", "audit_plan")
        .annotate(finding_count=Count("findings"))
    )
    create = reverse("inspections:audit_create") if may_run_audits(request.user) else None
    return render_list(
        request,
        AUDIT_LIST,
        linked(qs),
        template="inspections/programme_list.html",
        extra={"create_url": create},
    )


def _form(
    request: AuthenticatedHttpRequest,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Inspection],
    title: str,
    cancel_url: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            inspection = save(dict(form.cleaned_data))
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied as exc:  # a closed audit: say so on the form
            form.add_error(None, str(exc) or _("You may not change this audit."))
        else:
            messages.success(request, _("Saved."))
            return redirect("inspections:audit_detail", inspection.pk)
    return render(
        request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel_url}
    )


@login_required
def audit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_run_audits(request.user):
        raise PermissionDenied
    form = AuditCreateForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> Inspection:
        return actions.do_create_audit(data, acting_user=request.user, channel=WEB)

    return _form(request, form, save, _("New internal audit"), reverse("inspections:audit_list"))


# The audit ------------------------------------------------------------------------------------


@require_safe
@login_required
def audit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(audits_of(request.user).select_related("site"), pk=pk)
    plan = plan_of(inspection)
    findings = [str(pk) for pk in inspection.findings.values_list("pk", flat=True)]
    trail = (
        Q(model="inspections.inspection", object_id=str(inspection.pk))
        | Q(model="inspections.auditplan", object_id=str(plan.pk if plan else 0))
        | Q(model="inspections.finding", object_id__in=findings)
    )
    history = (
        AuditEvent.objects.restrict(request.user)
        .filter(trail)
        .select_related("actor")
        .order_by("-at", "-pk")[:100]
    )
    context = {"obj": inspection, "history": history}
    context.update(audit_panel_context(inspection, request.user))
    return render(request, "inspections/audit_detail.html", context)


def _open_audit(request: AuthenticatedHttpRequest, pk: int) -> Inspection:
    inspection = get_object_or_404(audits_of(request.user, "change").select_related("site"), pk=pk)
    if not may_run_audits(request.user):
        raise Http404
    return inspection


def _back(request: AuthenticatedHttpRequest, pk: int, exc: ValidationError) -> HttpResponse:
    messages.error(request, " ".join(exc.messages))
    return redirect("inspections:audit_detail", pk)


@login_required
def audit_plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _open_audit(request, pk)
    form = AuditPlanForm(request.POST or None, plan=plan_of(inspection))

    def save(data: dict[str, Any]) -> Inspection:
        actions.do_update_audit_plan(inspection, data, acting_user=request.user, channel=WEB)
        return inspection

    title = _("Audit plan of %(ref)s") % {"ref": inspection.reference}
    return _form(request, form, save, title, reverse("inspections:audit_detail", args=[pk]))


@login_required
def audit_meeting(request: AuthenticatedHttpRequest, pk: int, which: str) -> HttpResponse:
    inspection = _open_audit(request, pk)
    if which not in ("opening", "closing"):
        raise Http404
    plan = plan_of(inspection)
    initial = (
        {"at": getattr(plan, f"{which}_at"), "notes": getattr(plan, f"{which}_notes")}
        if plan
        else {}
    )
    form = MeetingForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Inspection:
        actions.do_record_meeting(
            inspection, which, data["notes"], data["at"], acting_user=request.user, channel=WEB
        )
        return inspection

    title = (
        _("Opening meeting of %(ref)s") if which == "opening" else _("Closing meeting of %(ref)s")
    ) % {"ref": inspection.reference}
    return _form(request, form, save, title, reverse("inspections:audit_detail", args=[pk]))


@login_required
def audit_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _open_audit(request, pk)
    plan = plan_of(inspection)
    form = CloseForm(
        request.POST or None,
        initial={
            "closing_at": plan.closing_at if plan else None,
            "closing_notes": plan.closing_notes if plan else "",
            "version": inspection.version,
        },
    )

    def save(data: dict[str, Any]) -> Inspection:
        return actions.do_close_audit(
            inspection,
            data["closing_notes"],
            data["closing_at"],
            expected_version=data["version"],
            acting_user=request.user,
            channel=WEB,
        )

    title = _("Close audit %(ref)s") % {"ref": inspection.reference}
    return _form(request, form, save, title, reverse("inspections:audit_detail", args=[pk]))


@require_safe
@login_required
def audit_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(audits_of(request.user).select_related("site"), pk=pk)
    response = HttpResponse(audit_report_pdf(inspection), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="audit-{inspection.reference}.pdf"'
    return response


# Findings -------------------------------------------------------------------------------------


@login_required
def finding_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _open_audit(request, pk)
    form = FindingForm(request.POST or None)

    def save(data: dict[str, Any]) -> Inspection:
        actions.do_add_finding(inspection, data, acting_user=request.user, channel=WEB)
        return inspection

    title = _("New finding in %(ref)s") % {"ref": inspection.reference}
    return _form(request, form, save, title, reverse("inspections:audit_detail", args=[pk]))


def _finding(request: AuthenticatedHttpRequest, pk: int, action: str = "change") -> Finding:
    finding = get_object_or_404(
        Finding.objects.restrict(request.user, action).select_related("inspection"),  # type: ignore[arg-type]
        pk=pk,
    )
    return finding


@login_required
def finding_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    form = FindingForm(request.POST or None, finding=finding)

    def save(data: dict[str, Any]) -> Inspection:
        actions.do_update_finding(finding, data, acting_user=request.user, channel=WEB)
        return finding.inspection

    title = _("Edit finding %(f)s") % {"f": finding}
    back = reverse("inspections:audit_detail", args=[finding.inspection_id])
    return _form(request, form, save, title, back)


@login_required
def finding_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk, "delete")
    back = reverse("inspections:audit_detail", args=[finding.inspection_id])
    if request.method == "POST":
        try:
            actions.do_delete_finding(finding, acting_user=request.user, channel=WEB)
        except ValidationError as exc:
            return _back(request, finding.inspection_id, exc)
        messages.success(request, _("Deleted %(record)s.") % {"record": finding})
        return redirect(back)
    finding.get_absolute_url = lambda: back  # type: ignore[method-assign]
    return render(
        request,
        "core/confirm_delete.html",
        {"obj": finding, "consequences": "", "cancel_url": back},
    )


@require_POST
@login_required
def finding_raise_nc(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    try:
        nc = actions.do_raise_finding_nc(finding, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        return _back(request, finding.inspection_id, exc)
    messages.success(request, _("Nonconformity %(nc)s raised.") % {"nc": nc})
    return redirect("inspections:audit_detail", finding.inspection_id)


urlpatterns: list[URLPattern] = [
    path("audits/", audit_list, name="audit_list"),
    path("audits/new/", audit_create, name="audit_create"),
    path("audits/<int:pk>/", audit_detail, name="audit_detail"),
    path("audits/<int:pk>/plan/", audit_plan_edit, name="audit_plan"),
    path("audits/<int:pk>/meetings/<str:which>/", audit_meeting, name="audit_meeting"),
    path("audits/<int:pk>/close/", audit_close, name="audit_close"),
    path("audits/<int:pk>/report.pdf", audit_report, name="audit_report"),
    path("audits/<int:pk>/findings/new/", finding_add, name="finding_add"),
    path("audits/findings/<int:pk>/edit/", finding_edit, name="finding_edit"),
    path("audits/findings/<int:pk>/delete/", finding_delete, name="finding_delete"),
    path("audits/findings/<int:pk>/raise-nc/", finding_raise_nc, name="finding_raise_nc"),
]
