"""Every write to PDCA improvement projects: create and edit the Plan, the Do tasks, the
stage transitions with their guards, the Check (measured from the KPI's stored values) and
the Act decision (standardize, or start the next cycle copying the Plan).

Each action locks the project (``sqms.core.locking``, optimistic version), refuses closed or
cancelled projects (``audit.ensure_open``) and records its audit event."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit, locking
from sqms.core.choices import AuditAction, Role
from sqms.core.scoping import ensure_allowed, ensure_site_in_scope, role_of, site_ids_in_scope
from sqms.improvement.models import (
    PdcaDecision,
    PdcaProject,
    PdcaStage,
    PdcaTask,
    PdcaTaskStatus,
)
from sqms.improvement.pdca_check import measure
from sqms.kpis.choices import Level
from sqms.kpis.models import whole_regions

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

S = PdcaStage

#: the fields a form or the API may set on a project
PLAN_FIELDS = (
    "title",
    "owner",
    "problem",
    "kpi",
    "baseline_from",
    "baseline_to",
    "target",
    "root_cause",
    "nonconformity",
    "plan_what",
    "plan_why",
    "plan_where",
    "plan_when",
    "plan_who",
    "plan_how",
    "due_date",
    "after_from",
    "after_to",
)
TEXT_FIELDS = {
    "title",
    "problem",
    "root_cause",
    "plan_what",
    "plan_why",
    "plan_where",
    "plan_when",
    "plan_who",
    "plan_how",
}
FIVE_W1H = ("plan_what", "plan_why", "plan_where", "plan_when", "plan_who", "plan_how")

#: transition name → (from stages, to stage)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "do": (frozenset({S.PLAN}), S.DO),
    "check": (frozenset({S.DO}), S.CHECK),
    "act": (frozenset({S.CHECK}), S.ACT),
    "close": (frozenset({S.ACT}), S.CLOSED),
    "cancel": (frozenset({S.PLAN, S.DO, S.CHECK, S.ACT}), S.CANCELLED),
}


def _field_label(name: str) -> str:
    field = PdcaProject._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _check_unit(acting_user: User | None, level: str, site: Any, region: Any) -> None:
    if level == Level.SITE:
        if site is None:
            raise ValidationError({"site": _("A site project needs its site.")})
        ensure_site_in_scope(acting_user, site.pk)
    elif level == Level.REGION:
        if region is None:
            raise ValidationError({"region": _("A region project needs its region.")})
        scope = site_ids_in_scope(acting_user) if acting_user is not None else None
        if scope is not None and not whole_regions(scope).filter(pk=region.pk).exists():
            raise PermissionDenied(_("The region is outside your scope."))
    elif level == Level.ORGANIZATION:
        if acting_user is not None and role_of(acting_user) != Role.QUALITY_MANAGER:
            raise PermissionDenied(
                _("An organization-wide project is started by a quality manager.")
            )
    else:
        raise ValidationError({"level": _("Choose site, region or organization.")})


def _apply(project: PdcaProject, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    for key, value in data.items():
        if key in TEXT_FIELDS:
            value = (value or "").strip()
        setattr(project, key, value)
    if not project.title:
        raise ValidationError({"title": _("Give the project a title.")})
    for lo, hi, name in (
        ("baseline_from", "baseline_to", "baseline_to"),
        ("after_from", "after_to", "after_to"),
    ):
        a, b = getattr(project, lo), getattr(project, hi)
        if a and b and b < a:
            raise ValidationError({name: _("The period ends before it starts.")})
    if project.baseline_to and project.after_from and project.after_from <= project.baseline_to:
        raise ValidationError(
            {"after_from": _("The after period must start after the baseline period ends.")}
        )


def plan_missing(p: PdcaProject) -> list[str]:
    """What the Plan still lacks before the Do stage (empty when complete)."""
    missing = []
    if not p.problem:
        missing.append(_("the problem statement"))
    if p.kpi_id is None:
        missing.append(_("the baseline KPI"))
    if p.baseline_from is None or p.baseline_to is None:
        missing.append(_("the baseline period (from and to)"))
    if p.target is None:
        missing.append(_("the target value"))
    if not p.root_cause:
        missing.append(_("the root cause"))
    empty = [str(_field_label(f)) for f in FIVE_W1H if not getattr(p, f)]
    if empty:
        missing.append(_("the 5W1H plan: %(fields)s") % {"fields": ", ".join(empty)})
    return missing


def _guard(p: PdcaProject, name: str) -> list[str]:
    if name == "do":
        return plan_missing(p)
    if name == "check":
        tasks = p.tasks.all()
        if not tasks.exists():
            return [_("add at least one task to the Do stage")]
        open_count = tasks.filter(status=PdcaTaskStatus.OPEN).count()
        if open_count:
            return [_("%(n)d task(s) are still open; every task must be done") % {"n": open_count}]
        return []
    if name == "act":
        return [] if p.check_result else [_("run the Check first (the after period's result)")]
    if name == "close":
        return [] if p.decision else [_("record the Act decision first")]
    return []


def _lock(p: PdcaProject, expected_version: int | None) -> PdcaProject:
    current = locking.lock(p, expected_version, select_related=("site", "kpi"))
    audit.ensure_open(current)
    return current


def _save(p: PdcaProject, before: audit.Snapshot, acting_user: User | None, channel: str) -> None:
    p.version += 1
    p.save()
    audit.record(p, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)


def _create(
    data: Mapping[str, Any],
    *,
    code: str,
    level: str,
    site: Any,
    region: Any,
    now: datetime,
    acting_user: User | None,
    channel: str,
    **extra: Any,
) -> PdcaProject:
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": _("Give the project a code.")})
    if PdcaProject.objects.filter(code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is taken.") % {"code": code}})
    p = PdcaProject(
        code=code,
        level=level,
        site=site if level == Level.SITE else None,
        region=region if level == Level.REGION else None,
        created_at=now,
        **extra,
    )
    _apply(p, data)
    p.save()
    audit.record(p, AuditAction.CREATE, actor=acting_user, channel=channel)
    return p


@transaction.atomic(durable=True)
def do_create_project(
    data: Mapping[str, Any],
    *,
    code: str,
    level: str,
    site: Any = None,
    region: Any = None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> PdcaProject:
    """A new project in the Plan stage for a site, a region or the organization."""
    ensure_allowed(acting_user, "add", PdcaProject)
    _check_unit(acting_user, level, site, region)
    return _create(
        data,
        code=code,
        level=level,
        site=site,
        region=region,
        now=now or timezone.now(),
        acting_user=acting_user,
        channel=channel,
    )


@transaction.atomic(durable=True)
def do_update_project(
    project: PdcaProject,
    data: Mapping[str, Any],
    *,
    expected_version: int | None,
    acting_user: User | None,
    channel: str,
) -> PdcaProject:
    current = _lock(project, expected_version)
    ensure_allowed(acting_user, "change", current)
    before = audit.snapshot(current)
    _apply(current, data)
    _save(current, before, acting_user, channel)
    return current


@transaction.atomic(durable=True)
def do_transition_project(
    project: PdcaProject,
    name: str,
    *,
    expected_version: int | None,
    reason: str = "",
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> PdcaProject:
    """Move the project: do, check, act, close (each with its guard) or cancel (a reason)."""
    current = _lock(project, expected_version)
    ensure_allowed(acting_user, "change", current)
    if name not in TRANSITIONS:
        raise ValidationError({"transition": _("Unknown transition “%(name)s”.") % {"name": name}})
    sources, target = TRANSITIONS[name]
    if current.stage not in sources:
        raise ValidationError(
            {
                "transition": _("%(code)s is in stage “%(stage)s” and cannot go to “%(to)s”.")
                % {
                    "code": current.code,
                    "stage": current.get_stage_display(),
                    "to": PdcaStage(target).label,
                }
            }
        )
    missing = _guard(current, name)
    if missing:
        raise ValidationError(
            {
                "transition": _("%(code)s cannot go to “%(to)s” yet: %(missing)s.")
                % {
                    "code": current.code,
                    "to": PdcaStage(target).label,
                    "missing": "; ".join(missing),
                }
            }
        )
    before = audit.snapshot(current)
    now = now or timezone.now()
    if name == "cancel":
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Say why the project is cancelled.")})
        current.cancel_reason = reason
    if target in (S.CLOSED, S.CANCELLED):
        current.closed_at = now
    current.stage = target
    _save(current, before, acting_user, channel)
    return current


# Tasks ---------------------------------------------------------------------------------------


def _open_project_for_tasks(project: PdcaProject, acting_user: User | None) -> PdcaProject:
    current = _lock(project, None)
    ensure_allowed(acting_user, "change", current)
    if current.stage not in (S.PLAN, S.DO):
        raise ValidationError(
            {
                "task": _("Tasks change in the Plan and Do stages only (now “%(stage)s”).")
                % {"stage": current.get_stage_display()}
            }
        )
    return current


def _task_fields(task: PdcaTask, data: Mapping[str, Any]) -> None:
    unknown = set(data) - {"title", "owner", "due_date", "status", "done_on"}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    for key, value in data.items():
        setattr(task, key, (value or "").strip() if key == "title" else value)
    if not task.title:
        raise ValidationError({"title": _("Say what the task is.")})
    if task.due_date is None:
        raise ValidationError({"due_date": _("Give the task a due date.")})
    if task.status not in PdcaTaskStatus.values:
        raise ValidationError({"status": _("Choose open or done.")})
    if task.status == PdcaTaskStatus.DONE and task.done_on is None:
        raise ValidationError({"done_on": _("A done task needs the date it was done.")})
    if task.status == PdcaTaskStatus.OPEN:
        task.done_on = None


@transaction.atomic(durable=True)
def do_add_task(
    project: PdcaProject, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> PdcaTask:
    current = _open_project_for_tasks(project, acting_user)
    task = PdcaTask(project=current)
    _task_fields(task, data)
    task.save()
    audit.record(task, AuditAction.CREATE, actor=acting_user, channel=channel)
    return task


@transaction.atomic(durable=True)
def do_update_task(
    task: PdcaTask, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> PdcaTask:
    _open_project_for_tasks(task.project, acting_user)
    task = PdcaTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
    before = audit.snapshot(task)
    _task_fields(task, data)
    task.save()
    audit.record(task, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return task


@transaction.atomic(durable=True)
def do_complete_task(
    task: PdcaTask,
    *,
    done_on: date | None = None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> PdcaTask:
    _open_project_for_tasks(task.project, acting_user)
    task = PdcaTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
    before = audit.snapshot(task)
    task.status = PdcaTaskStatus.DONE
    task.done_on = done_on or timezone.localdate(now or timezone.now())
    task.save()
    audit.record(task, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return task


@transaction.atomic(durable=True)
def do_delete_task(task: PdcaTask, *, acting_user: User | None, channel: str) -> None:
    _open_project_for_tasks(task.project, acting_user)
    before = audit.snapshot(task)
    audit.record(task, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)
    task.delete()


# Check and Act -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_run_check(
    project: PdcaProject,
    *,
    expected_version: int | None = None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> PdcaProject:
    """Measure the KPI before and after and store the result with the proposed verdict."""
    current = _lock(project, expected_version)
    ensure_allowed(acting_user, "change", current)
    if current.stage != S.CHECK:
        raise ValidationError(
            {
                "stage": _("The Check is run in the Check stage (now “%(stage)s”).")
                % {"stage": current.get_stage_display()}
            }
        )
    if current.after_from is None or current.after_to is None:
        raise ValidationError({"after_from": _("Give the after period (from and to) first.")})
    assert current.kpi is not None and current.baseline_from and current.baseline_to
    before = audit.snapshot(current, ("check_result",))
    current.check_result = measure(
        current.kpi,
        current.unit_key,
        (current.baseline_from, current.baseline_to),
        (current.after_from, current.after_to),
        current.target,
    )
    current.checked_at = now or timezone.now()
    current.version += 1
    current.save()
    audit.record(
        current,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        after=audit.snapshot(current, ("check_result",)),
    )
    return current


@transaction.atomic(durable=True)
def do_decide_act(
    project: PdcaProject,
    decision: str,
    *,
    standard_version: Any = None,
    note: str = "",
    new_code: str = "",
    expected_version: int | None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> PdcaProject:
    """Record the Act decision. Standardize needs the updated standard version; another
    cycle creates the next project (cycle + 1, the Plan copied, linked to this one) and
    returns it."""
    current = _lock(project, expected_version)
    ensure_allowed(acting_user, "change", current)
    if current.stage != S.ACT:
        raise ValidationError(
            {
                "decision": _("The Act decision is taken in the Act stage (now “%(stage)s”).")
                % {"stage": current.get_stage_display()}
            }
        )
    if decision not in PdcaDecision.values:
        raise ValidationError({"decision": _("Choose standardize or another cycle.")})
    if decision == PdcaDecision.STANDARDIZE and standard_version is None:
        raise ValidationError(
            {"standard_version": _("Standardizing needs the updated standard version.")}
        )
    before = audit.snapshot(current)
    current.decision = decision
    current.standard_version = standard_version if decision == PdcaDecision.STANDARDIZE else None
    current.act_note = (note or "").strip()
    _save(current, before, acting_user, channel)
    if decision == PdcaDecision.NEW_CYCLE:
        plan = {f: getattr(current, f) for f in PLAN_FIELDS if f not in ("after_from", "after_to")}
        return _create(
            plan,
            code=new_code or f"{current.code}-C{current.cycle + 1}",
            level=current.level,
            site=current.site,
            region=current.region,
            now=now or timezone.now(),
            acting_user=acting_user,
            channel=channel,
            cycle=current.cycle + 1,
            previous=current,
        )
    return current
