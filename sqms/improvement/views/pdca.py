"""PDCA project pages: the list (search, filters, CSV/XLSX), the board by stage, the detail
(Plan, tasks, Check result with its before/after chart, Act, history) and the POSTs that move
a project and run its Check. Thin: every write goes through ``actions``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, apply_query, render_list
from sqms.core.names import display_name
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, detail_page
from sqms.improvement import actions
from sqms.improvement.actions.pdca import TRANSITIONS, plan_missing
from sqms.improvement.models import PdcaProject, PdcaStage
from sqms.improvement.pdca_check import before_after_chart, summary_lines, verdict_label
from sqms.improvement.pdca_filters import PDCA_FILTERS


def _owner(p: PdcaProject) -> str:
    return display_name(p.owner) if p.owner else ""


PDCA_LIST = ListSpec(
    title=gettext_lazy("PDCA projects"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda p: p.code, sort="code", link=True),
        ListColumn("title", gettext_lazy("Title"), lambda p: p.title, sort="title"),
        ListColumn("unit", gettext_lazy("Scope"), lambda p: p.unit_label),
        ListColumn("stage", gettext_lazy("Stage"), lambda p: p.get_stage_display(), sort="stage"),
        ListColumn("cycle", gettext_lazy("Cycle"), lambda p: p.cycle, sort="cycle"),
        ListColumn(
            "kpi", gettext_lazy("KPI"), lambda p: p.kpi.code if p.kpi else "", sort="kpi__code"
        ),
        ListColumn("owner", gettext_lazy("Owner"), _owner),
        ListColumn("due", gettext_lazy("Due"), lambda p: p.due_date, sort="due_date"),
        ListColumn(
            "verdict",
            gettext_lazy("Check verdict"),
            lambda p: verdict_label(p.check_result["verdict"]) if p.check_result else "",
        ),
    ],
    filterset=PDCA_FILTERS,
    default_sort="-code",
    export_name="pdca-projects",
    empty_text=gettext_lazy("No PDCA projects yet."),
)


def visible(request: AuthenticatedHttpRequest, action: str = "view") -> QuerySet[PdcaProject]:
    return PdcaProject.objects.restrict(request.user, action).select_related(  # type: ignore[arg-type]
        "site", "region", "owner", "kpi"
    )


@require_safe
@login_required
def pdca_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    create = (
        reverse("improvement:pdca_create") if allowed(request.user, "add", PdcaProject) else None
    )
    return render_list(request, PDCA_LIST, visible(request), extra={"create_url": create})


@require_safe
@login_required
def pdca_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs, state = apply_query(PDCA_LIST, request, visible(request).order_by("due_date", "code"))
    columns = [
        (stage, label, [p for p in qs if p.stage == stage])
        for stage, label in PdcaStage.choices
        if stage != PdcaStage.CANCELLED
    ]
    filters = [
        (f, f.choices(request), state["filters"].get(f.name, ""))
        for f in PDCA_FILTERS.page_filters()
    ]
    return render(
        request,
        "improvement/pdca_board.html",
        {
            "columns": columns,
            "filters": filters,
            "state": state,
            "can_add": allowed(request.user, "add", PdcaProject),
        },
    )


@require_safe
@login_required
def pdca_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(visible(request), pk=pk)
    result: dict[str, Any] = p.check_result or {}
    extra: dict[str, Any] = {
        "tasks": list(p.tasks.select_related("owner")),
        "missing": plan_missing(p) if p.stage == PdcaStage.PLAN else [],
        "transitions": [
            (name, PdcaStage(target).label)
            for name, (sources, target) in TRANSITIONS.items()
            if p.stage in sources and name != "cancel"
        ],
        "can_edit": not p.is_closed and allowed(request.user, "change", PdcaProject),
        "summary": summary_lines(result) if result else [],
        "chart": before_after_chart(result, p.kpi.name if p.kpi else "") if result else None,
        "next_cycles": list(p.next_cycles.all()),
    }
    if extra["can_edit"]:
        from sqms.improvement.forms_pdca import PdcaActForm, PdcaAfterForm, PdcaTaskForm

        version = {"version": p.version}
        extra["task_form"] = PdcaTaskForm(project=p, user=request.user, auto_id="task_%s")
        extra["after_form"] = PdcaAfterForm(
            initial={**version, "after_from": p.after_from, "after_to": p.after_to},
            auto_id="after_%s",
        )
        extra["act_form"] = PdcaActForm(initial=version, auto_id="act_%s")
    return detail_page(request, p, "improvement/pdca_detail.html", **extra)


def _back(request: AuthenticatedHttpRequest, p: PdcaProject, exc: Exception) -> HttpResponse:
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or _("Permission denied."))
    return redirect(p.get_absolute_url())


def _version(request: AuthenticatedHttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@require_POST
@login_required
def pdca_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(visible(request, "change"), pk=pk)
    try:
        p = actions.do_transition_project(
            p,
            request.POST.get("transition", ""),
            expected_version=_version(request),
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
            channel=WEB,
        )
    except (ValidationError, PermissionDenied) as exc:
        return _back(request, p, exc)
    messages.success(
        request,
        _("%(code)s is now “%(stage)s”.") % {"code": p.code, "stage": p.get_stage_display()},
    )
    return redirect(p.get_absolute_url())


@require_POST
@login_required
def pdca_run_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(visible(request, "change"), pk=pk)
    try:
        p = actions.do_run_check(
            p, expected_version=_version(request), acting_user=request.user, channel=WEB
        )
    except (ValidationError, PermissionDenied) as exc:
        return _back(request, p, exc)
    return redirect(p.get_absolute_url() + "#check")


urlpatterns: list[URLPattern] = [
    path("pdca/", pdca_list, name="pdca_list"),
    path("pdca/board/", pdca_board, name="pdca_board"),
    path("pdca/<int:pk>/", pdca_detail, name="pdca_detail"),
    path("pdca/<int:pk>/transition/", pdca_transition, name="pdca_transition"),
    path("pdca/<int:pk>/check/", pdca_run_check, name="pdca_check"),
]
