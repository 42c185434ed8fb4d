"""PDCA forms: create a project (prefilled from ``?kpi=&site=&nonconformity=``; a KPI-alarm
nonconformity brings its alert's KPI), edit its
Plan, add / complete / delete tasks, the after period of the Check and the Act decision.
Thin: every write goes through ``actions``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sqms.capa.choices import Origin
from sqms.capa.models import Nonconformity
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, delete_page, form_page
from sqms.improvement import actions
from sqms.improvement.forms_pdca import (
    PdcaActForm,
    PdcaAfterForm,
    PdcaProjectForm,
    PdcaTaskForm,
)
from sqms.improvement.models import PdcaProject, PdcaTask
from sqms.improvement.views.pdca import _back, visible
from sqms.kpis.choices import Level
from sqms.kpis.models import Alert


def _form_errors(form: Any) -> ValidationError:
    return ValidationError(
        [
            f"{form.fields[k].label if k in form.fields else k}: {' '.join(v)}"
            for k, v in form.errors.items()
        ]
    )


def _prefill(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("kpi", "site", "nonconformity"):
        value = request.GET.get(name, "")
        if value.isdigit():
            out[name] = int(value)
    if "site" in out:
        out["level"] = Level.SITE
    if "nonconformity" in out and "kpi" not in out:
        kpi_id = alert_kpi_of(request.user, out["nonconformity"])
        if kpi_id is not None:
            out["kpi"] = kpi_id
    return out


def alert_kpi_of(user: Any, nonconformity_id: int) -> int | None:
    """The KPI of the alert a nonconformity was raised from (None for other origins), so a
    project started from a KPI-alarm NC has its baseline KPI chosen."""
    nc = (
        Nonconformity.objects.restrict(user)
        .filter(pk=nonconformity_id, origin=Origin.KPI_ALARM)
        .first()
    )
    if nc is None:
        return None
    alerts = Alert.objects.restrict(user).filter(nonconformity_ref=nc.reference)
    kpi_id: int | None = alerts.order_by("period").values_list("kpi_id", flat=True).first()
    return kpi_id


@login_required
def pdca_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", PdcaProject):
        raise PermissionDenied
    form = PdcaProjectForm(request.POST or None, user=request.user, initial=_prefill(request))

    def save(data: dict[str, Any]) -> PdcaProject:
        try:
            return actions.do_create_project(
                form.plan_data(),
                code=data["code"],
                level=data["level"],
                site=data["site"],
                region=data["region"],
                acting_user=request.user,
                channel=WEB,
            )
        except PermissionDenied as exc:  # a unit outside the scope
            raise ValidationError({"level": str(exc)}) from None

    return form_page(request, form, save, _("New PDCA project"), reverse("improvement:pdca_board"))


@login_required
def pdca_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(visible(request, "change"), pk=pk)
    if p.is_closed:
        messages.error(
            request, _("%(code)s is closed and can no longer be changed.") % {"code": p.code}
        )
        return redirect(p.get_absolute_url())
    form = PdcaProjectForm(request.POST or None, user=request.user, project=p)

    def save(data: dict[str, Any]) -> PdcaProject:
        try:
            return actions.do_update_project(
                p,
                form.plan_data(),
                expected_version=data["version"],
                acting_user=request.user,
                channel=WEB,
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None

    title = _("Edit %(record)s") % {"record": p.code}
    return form_page(request, form, save, title, p.get_absolute_url())


@require_POST
@login_required
def pdca_after(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(visible(request, "change"), pk=pk)
    form = PdcaAfterForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        actions.do_update_project(
            p,
            {k: form.cleaned_data[k] for k in ("after_from", "after_to")},
            expected_version=form.cleaned_data["version"],
            acting_user=request.user,
            channel=WEB,
        )
    except (ValidationError, PermissionDenied) as exc:
        return _back(request, p, exc)
    return redirect(p.get_absolute_url() + "#check")


@require_POST
@login_required
def pdca_act(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(visible(request, "change"), pk=pk)
    form = PdcaActForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        out = actions.do_decide_act(
            p,
            data["decision"],
            standard_version=data["standard_version"],
            note=data["note"],
            new_code=data["new_code"],
            expected_version=data["version"],
            acting_user=request.user,
            channel=WEB,
        )
    except (ValidationError, PermissionDenied) as exc:
        return _back(request, p, exc)
    messages.success(request, _("Act decision recorded for %(code)s.") % {"code": p.code})
    return redirect(out.get_absolute_url())


@require_POST
@login_required
def pdca_task_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(visible(request, "change"), pk=pk)
    form = PdcaTaskForm(request.POST, project=p, user=request.user)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        actions.do_add_task(p, form.task_data(), acting_user=request.user, channel=WEB)
    except (ValidationError, PermissionDenied) as exc:
        return _back(request, p, exc)
    return redirect(p.get_absolute_url() + "#tasks")


def _task(request: AuthenticatedHttpRequest, pk: int) -> PdcaTask:
    return get_object_or_404(
        PdcaTask.objects.restrict(request.user, "change").select_related("project"),
        pk=pk,
    )


@require_POST
@login_required
def pdca_task_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    try:
        actions.do_complete_task(task, acting_user=request.user, channel=WEB)
    except (ValidationError, PermissionDenied) as exc:
        return _back(request, task.project, exc)
    return redirect(task.project.get_absolute_url() + "#tasks")


@login_required
def pdca_task_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    project = task.project
    try:
        return delete_page(
            request,
            task,
            lambda: actions.do_delete_task(task, acting_user=request.user, channel=WEB),
            project.get_absolute_url() + "#tasks",
        )
    except PermissionDenied as exc:
        return _back(request, project, exc)


urlpatterns: list[URLPattern] = [
    path("pdca/new/", pdca_create, name="pdca_create"),
    path("pdca/<int:pk>/edit/", pdca_edit, name="pdca_edit"),
    path("pdca/<int:pk>/after/", pdca_after, name="pdca_after"),
    path("pdca/<int:pk>/act/", pdca_act, name="pdca_act"),
    path("pdca/<int:pk>/tasks/add/", pdca_task_add, name="pdca_task_add"),
    path("pdca/tasks/<int:pk>/done/", pdca_task_done, name="pdca_task_done"),
    path("pdca/tasks/<int:pk>/delete/", pdca_task_delete, name="pdca_task_delete"),
]
