"""Every write to standards, their versions and steps, the approval workflow and the links.

Standards are organisation-wide documents: quality managers write them. A version changes
only while it is a draft; the author submits it, another quality manager approves it (with
the date it takes effect) or rejects it back to draft with a note. An approved version
supersedes the previous one on its effective date (at once when that date is today or past;
otherwise the periodic job does it, :func:`do_activate_due_versions`)."""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.actions import _delete, _save_changes, _save_new
from sqms.core.choices import AuditAction, Role
from sqms.core.scoping import ensure_allowed
from sqms.standards.choices import LinkKind, VersionStatus
from sqms.standards.models import Standard, StandardLink, StandardVersion, Step

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: the fields of a version a draft edit may set
VERSION_FIELDS = ("body", "promise", "compensation", "change_note", "ack_all_staff", "ack_sites")


def local_today(now: datetime | None = None) -> date:
    """Today in the installation's time zone."""
    return timezone.localdate(now or timezone.now())


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


# Standards ---------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_create_standard(data: dict[str, Any], *, acting_user: User | None, channel: str) -> Standard:
    """Create a standard and its first version, an empty draft written by ``acting_user``."""
    ensure_allowed(acting_user, "add", Standard)
    standard = _save_new(Standard(), data, acting_user=acting_user, channel=channel)
    version = StandardVersion(standard=standard, number=1, author=_user(acting_user))
    version.save()
    audit.record(version, AuditAction.CREATE, actor=acting_user, channel=channel)
    return standard


@transaction.atomic(durable=True)
def do_update_standard(
    standard: Standard, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Standard:
    ensure_allowed(acting_user, "change", standard)
    return _save_changes(standard, data, acting_user=acting_user, channel=channel)


def _user(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


# Versions ----------------------------------------------------------------------------------


def _lock(version: StandardVersion) -> StandardVersion:
    return (
        StandardVersion.objects.select_for_update(of=("self",))
        .select_related("standard")
        .get(pk=version.pk)
    )


@transaction.atomic(durable=True)
def do_new_version(
    standard: Standard, *, acting_user: User | None, channel: str
) -> StandardVersion:
    """A new draft copied from the latest version (text, promise, steps, audience). Refused
    while another draft or a version in approval exists."""
    ensure_allowed(acting_user, "change", standard)
    Standard.objects.select_for_update().get(pk=standard.pk)
    open_ = standard.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.IN_APPROVAL])
    if open_.exists():
        raise ValidationError(
            _("%(version)s is still a draft or in approval; finish it first.")
            % {"version": open_.first()}
        )
    latest = standard.versions.order_by("-number").first()
    number = (standard.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = StandardVersion(standard=standard, number=number, author=_user(acting_user))
    if latest is not None:
        for name in ("body", "promise", "compensation", "ack_all_staff"):
            setattr(version, name, getattr(latest, name))
    version.save()
    if latest is not None:
        version.ack_sites.set(latest.ack_sites.all())
        Step.objects.bulk_create(
            Step(
                version=version,
                position=s.position,
                text=s.text,
                time_limit_minutes=s.time_limit_minutes,
                role=s.role,
            )
            for s in latest.steps.all()
        )
    audit.record(version, AuditAction.CREATE, actor=acting_user, channel=channel)
    return version


def _check_steps(steps: Sequence[dict[str, Any]]) -> list[Step]:
    out = []
    errors: list[str] = []
    for i, raw in enumerate(steps, start=1):
        text = str(raw.get("text") or "").strip()
        minutes = raw.get("time_limit_minutes")
        role = raw.get("role") or ""
        if not text:
            errors.append(_("steps[%(n)d].text: a step needs its text") % {"n": i})
        if minutes is not None and (not isinstance(minutes, int) or minutes < 0):
            errors.append(_("steps[%(n)d].time_limit_minutes: a whole number ≥ 0") % {"n": i})
        if role not in ("", *Role.values):
            errors.append(_("steps[%(n)d].role: unknown role %(role)r") % {"n": i, "role": role})
        out.append(Step(position=i, text=text[:500], time_limit_minutes=minutes, role=role))
    if errors:
        raise ValidationError({"steps": errors})
    return out


@transaction.atomic(durable=True)
def do_update_version(
    version: StandardVersion,
    data: dict[str, Any],
    *,
    steps: Sequence[dict[str, Any]] | None = None,
    acting_user: User | None,
    channel: str,
) -> StandardVersion:
    """Change a draft: its text fields, audience and (when given) its steps, replaced in
    order. Any other status is read-only."""
    ensure_allowed(acting_user, "change", version)
    version = _lock(version)
    if version.is_closed:
        raise ValidationError(
            _("%(version)s is %(status)s and can no longer be changed; start a new version.")
            % {"version": version, "status": version.get_status_display()}
        )
    unknown = sorted(set(data) - set(VERSION_FIELDS))
    if unknown:
        raise ValidationError({k: _("cannot be changed here") for k in unknown})
    before = audit.snapshot(version)
    before_steps = _steps_text(version)
    for name, value in data.items():
        if name != "ack_sites":
            setattr(version, name, value)
    version.full_clean()
    version.save()
    if "ack_sites" in data:
        version.ack_sites.set(data["ack_sites"])
    if steps is not None:
        new_steps = _check_steps(steps)
        version.steps.all().delete()
        for step in new_steps:
            step.version = version
        Step.objects.bulk_create(new_steps)
    after = audit.snapshot(version)
    before["steps"] = before_steps
    after["steps"] = _steps_text(version)
    audit.record(
        version, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before, after=after
    )
    return version


def _steps_text(version: StandardVersion) -> list[str]:
    return [
        f"{s.position}. {s.text} [{s.time_limit_minutes or '-'} min, {s.role or '-'}]"
        for s in version.steps.all()
    ]


def _transition(
    version: StandardVersion,
    status: str,
    *,
    acting_user: User | None,
    channel: str,
    **fields: Any,
) -> StandardVersion:
    before = audit.snapshot(version)
    version.status = status
    for name, value in fields.items():
        setattr(version, name, value)
    version.save()
    audit.record(version, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return version


@transaction.atomic(durable=True)
def do_submit_version(
    version: StandardVersion,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> StandardVersion:
    """The author (or any quality manager) sends a draft for approval."""
    ensure_allowed(acting_user, "change", version)
    version = _lock(version)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for approval."))
    if not version.body.strip() and not version.steps.exists():
        raise ValidationError({"body": _("Write the text or at least one step before submitting.")})
    return _transition(
        version,
        VersionStatus.IN_APPROVAL,
        acting_user=acting_user,
        channel=channel,
        submitted_at=now or timezone.now(),
        decision_note="",
    )


def _ensure_other_approver(version: StandardVersion, acting_user: User | None) -> None:
    if acting_user is not None and version.author_id == acting_user.pk:
        raise PermissionDenied(
            _(
                "You wrote %(version)s: another quality manager must approve or reject it "
                "(no self-approval)."
            )
            % {"version": version}
        )


@transaction.atomic(durable=True)
def do_approve_version(
    version: StandardVersion,
    *,
    effective_from: date,
    note: str = "",
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> StandardVersion:
    """Approve a version in approval, effective from ``effective_from``; it supersedes the
    previous approved version at once when that date is today or past. Its review falls due
    ``standard.review_months`` after the effective date."""
    ensure_allowed(acting_user, "change", version)
    version = _lock(version)
    _ensure_other_approver(version, acting_user)
    if version.status != VersionStatus.IN_APPROVAL:
        raise ValidationError(_("Only a version in approval can be approved."))
    if effective_from is None:
        raise ValidationError({"effective_from": _("Give the date the version takes effect.")})
    now = now or timezone.now()
    _transition(
        version,
        VersionStatus.APPROVED,
        acting_user=acting_user,
        channel=channel,
        decided_by=_user(acting_user),
        decided_at=now,
        decision_note=note,
        effective_from=effective_from,
        review_due=add_months(effective_from, version.standard.review_months),
    )
    if effective_from <= local_today(now):
        _supersede_older(version, acting_user=acting_user, channel=channel)
    return version


@transaction.atomic(durable=True)
def do_reject_version(
    version: StandardVersion,
    *,
    note: str,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> StandardVersion:
    """Send a version in approval back to draft with the reason."""
    ensure_allowed(acting_user, "change", version)
    version = _lock(version)
    _ensure_other_approver(version, acting_user)
    if version.status != VersionStatus.IN_APPROVAL:
        raise ValidationError(_("Only a version in approval can be rejected."))
    if not note.strip():
        raise ValidationError({"note": _("Say why the version is rejected.")})
    return _transition(
        version,
        VersionStatus.DRAFT,
        acting_user=acting_user,
        channel=channel,
        decided_by=_user(acting_user),
        decided_at=now or timezone.now(),
        decision_note=note.strip(),
    )


def _supersede_older(version: StandardVersion, *, acting_user: User | None, channel: str) -> int:
    """Mark the approved versions older than ``version`` superseded on its effective date."""
    older = StandardVersion.objects.filter(
        standard_id=version.standard_id, status=VersionStatus.APPROVED, number__lt=version.number
    ).select_for_update()
    done = 0
    for old in older:
        _transition(
            old,
            VersionStatus.SUPERSEDED,
            acting_user=acting_user,
            channel=channel,
            superseded_on=version.effective_from,
        )
        done += 1
    return done


def activate_due(now: datetime, *, acting_user: User | None, channel: str) -> int:
    """Supersede the predecessors of every approved version whose date has come (a building
    block: the caller holds the transaction)."""
    today = local_today(now)
    done = 0
    due = StandardVersion.objects.filter(
        status=VersionStatus.APPROVED, effective_from__lte=today
    ).order_by("standard_id", "number")
    for version in due:
        done += _supersede_older(version, acting_user=acting_user, channel=channel)
    return done


@transaction.atomic(durable=True)
def do_activate_due_versions(
    now: datetime | None = None, *, acting_user: User | None, channel: str
) -> int:
    """Versions whose effective date has arrived replace their predecessors; returns how many
    versions were superseded."""
    ensure_allowed(acting_user, "change", StandardVersion)
    return activate_due(now or timezone.now(), acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_confirm_review(
    version: StandardVersion,
    *,
    note: str = "",
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> StandardVersion:
    """Record that the periodic review found the effective version still right: the next
    review falls due ``review_months`` from today and the reminders start again."""
    ensure_allowed(acting_user, "change", version)
    version = _lock(version)
    if not version.is_effective(local_today(now)):
        raise ValidationError(_("Only the effective version is reviewed."))
    return _transition(
        version,
        version.status,
        acting_user=acting_user,
        channel=channel,
        review_due=add_months(local_today(now), version.standard.review_months),
        review_reminded_at=None,
        review_overdue_at=None,
        decision_note=note or version.decision_note,
    )


# Links -------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_add_link(
    standard: Standard, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> StandardLink:
    """Link a checklist item (``template`` + ``item_code``), an SLA policy (``sla_policy``)
    or a complaint category (``category``) to the standard; ``kind`` follows from what is
    given. A link made twice is refused."""
    ensure_allowed(acting_user, "change", standard)
    template, code = data.get("template"), str(data.get("item_code") or "").strip()
    policy, category = data.get("sla_policy"), data.get("category")
    given = [x for x in (template, policy, category) if x is not None]
    if len(given) != 1:
        raise ValidationError(
            _("Give exactly one of: a checklist with an item code, an SLA policy, a category.")
        )
    if template is not None:
        if not code:
            raise ValidationError({"item_code": _("Give the item's code in the checklist.")})
        from sqms.inspections.models import Item

        if not Item.objects.filter(version__template=template, code=code).exists():
            raise ValidationError(
                {
                    "item_code": _("Checklist %(t)s has no item %(c)s.")
                    % {"t": template.code, "c": code}
                }
            )
        link = StandardLink(
            standard=standard, kind=LinkKind.CHECKLIST_ITEM, template=template, item_code=code
        )
        taken = standard.links.filter(kind=link.kind, template=template, item_code=code)
    elif policy is not None:
        link = StandardLink(standard=standard, kind=LinkKind.SLA_POLICY, sla_policy=policy)
        taken = standard.links.filter(kind=link.kind, sla_policy=policy)
    else:
        link = StandardLink(standard=standard, kind=LinkKind.CATEGORY, category=category)
        taken = standard.links.filter(kind=link.kind, category=category)
    if taken.exists():
        raise ValidationError(_("%(link)s is already linked.") % {"link": link}, code="unique")
    link.save()
    audit.record(link, AuditAction.CREATE, actor=acting_user, channel=channel)
    return link


@transaction.atomic(durable=True)
def do_delete_link(link: StandardLink, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "delete", link)
    _delete(link, acting_user=acting_user, channel=channel)
