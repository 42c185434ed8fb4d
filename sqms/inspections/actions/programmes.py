"""Inspection programmes: create, change and delete them, generate their planned inspections,
and remind people of planned inspections before they are due and once they are overdue.

Generation (``do_generate_plans``) works one programme per durable transaction, with the
programme's row locked (``SELECT … FOR UPDATE``), so two runs at once do the work once: the
second waits for the first and then finds its rows. The unique constraint (programme, site,
period start) is the backstop. Inspectors rotate per site (``planning.next_inspector``).

Reminders (``do_send_inspection_reminders``) are guarded by ``Inspection.reminded_at`` and
``overdue_notified_at`` and carry outbox event keys (``inspection:<pk>:reminder``,
``inspection:<pk>:overdue``), so a second run at the same moment sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.complaints.recipients import people_of
from sqms.core import audit
from sqms.core.choices import AuditAction, Channel, Role
from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed, role_of, site_ids_in_scope
from sqms.inspections import planning
from sqms.inspections.choices import InspectionKind, InspectionStatus
from sqms.inspections.models import (
    INSPECTION_EDITORS,
    ChecklistTemplate,
    Inspection,
    Programme,
    TemplateVersion,
)
from sqms.jobs.outbox import notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: how far ahead of today plans may be generated
MAX_AHEAD = timedelta(days=800)
#: statuses of an inspection still to be done
OPEN = (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS)
FIELDS = (
    "name",
    "template",
    "kind",
    "frequency",
    "starts_on",
    "ends_on",
    "remind_days",
    "is_active",
)


# Programmes -----------------------------------------------------------------------------------


def _check_people(programme: Programme, sites: list[Site], inspectors: list[User]) -> None:
    if not sites:
        raise ValidationError({"sites": _("Choose at least one site.")})
    if programme.kind == InspectionKind.SELF and inspectors:
        raise ValidationError(
            {"inspectors": _("Self-inspections are done by the site's own staff: no inspectors.")}
        )
    if programme.kind != InspectionKind.SELF and not inspectors:
        raise ValidationError({"inspectors": _("Choose at least one inspector.")})
    for user in inspectors:
        if not user.is_active or role_of(user) not in INSPECTION_EDITORS:
            raise ValidationError(
                {
                    "inspectors": _("%(user)s may not perform inspections (role or inactive).")
                    % {"user": user.get_username()}
                }
            )
    for site in sites:
        if not any(_may_inspect(u, site.pk) for u in inspectors) and inspectors:
            raise ValidationError(
                {
                    "inspectors": _("None of the inspectors may inspect site %(site)s.")
                    % {"site": site.code}
                }
            )


def _may_inspect(user: User, site_id: int) -> bool:
    scope = site_ids_in_scope(user)
    return scope is None or site_id in scope


def _apply(programme: Programme, data: Mapping[str, Any]) -> tuple[list[Site], list[User]]:
    unknown = set(data) - set(FIELDS) - {"sites", "inspectors"}
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name in FIELDS:
        if name in data:
            setattr(programme, name, data[name])
    if "kind" not in data and not programme.kind and programme.template_id:
        programme.kind = programme.template.kind
    programme.name = (programme.name or "").strip()
    programme.full_clean(exclude=["sites", "inspectors"])
    template = ChecklistTemplate.objects.get(pk=programme.template_id)
    if not template.is_active:
        raise ValidationError({"template": _("This checklist is no longer active.")})

    def given_or_current(name: str) -> list[Any]:
        """The list sent, else the saved one (a new programme has none yet)."""
        if name in data:
            return list(data[name])
        return list(getattr(programme, name).all()) if programme.pk else []

    sites, inspectors = given_or_current("sites"), given_or_current("inspectors")
    _check_people(programme, sites, inspectors)
    return sites, inspectors


@transaction.atomic(durable=True)
def do_create_programme(
    data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> Programme:
    ensure_allowed(
        acting_user, "add", Programme, message=_("Only quality managers plan programmes.")
    )
    programme = Programme()
    sites, inspectors = _apply(programme, data)
    programme.save()
    programme.sites.set(sites)
    programme.inspectors.set(inspectors)
    after = {**audit.snapshot(programme), "sites": sorted(s.code for s in sites)}
    audit.record(programme, AuditAction.CREATE, actor=acting_user, channel=channel, after=after)
    return programme


@transaction.atomic(durable=True)
def do_update_programme(
    programme: Programme, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> Programme:
    ensure_allowed(acting_user, "change", programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    before = audit.snapshot(programme)
    planned = Inspection.objects.filter(programme=programme).exists()
    for name in ("frequency", "kind"):
        if name in data and data[name] != getattr(programme, name) and planned:
            raise ValidationError(
                {
                    name: _(
                        "Inspections are planned under this programme: end it and start a "
                        "new one to change its %(field)s."
                    )
                    % {"field": {"frequency": _("frequency"), "kind": _("kind")}[name]}
                }
            )
    sites_before = sorted(programme.sites.values_list("code", flat=True))
    sites, inspectors = _apply(programme, data)
    programme.save()
    programme.sites.set(sites)
    programme.inspectors.set(inspectors)
    before["sites"] = sites_before
    after = {**audit.snapshot(programme), "sites": sorted(s.code for s in sites)}
    audit.record(
        programme,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        after=after,
    )
    return programme


@transaction.atomic(durable=True)
def do_delete_programme(programme: Programme, *, acting_user: User | None, channel: str) -> int:
    """Delete the programme and its inspections nobody has started (returned: how many);
    started and submitted ones stay, without the programme."""
    ensure_allowed(acting_user, "delete", programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    planned = Inspection.objects.filter(
        programme=programme,
        status=InspectionStatus.PLANNED,
        started_at__isnull=True,
        answers__isnull=True,
        findings__isnull=True,
    )
    ids = list(planned.values_list("pk", flat=True).distinct())
    Inspection.objects.filter(pk__in=ids).delete()
    removed = len(ids)
    before = audit.snapshot(programme)
    audit.record(programme, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)
    programme.delete()
    return removed


# Generation -----------------------------------------------------------------------------------


@dataclass
class ProgrammeResult:
    programme: Programme
    created: int = 0
    existing: int = 0
    error: str = ""


@dataclass
class GenerationReport:
    until: date
    results: list[ProgrammeResult] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(r.created for r in self.results)

    @property
    def errors(self) -> list[str]:
        return [f"{r.programme}: {r.error}" for r in self.results if r.error]

    def summary(self) -> str:
        text = _("%(n)d programme(s), %(created)d inspection(s) planned until %(until)s") % {
            "n": len(self.results),
            "created": self.created,
            "until": self.until.isoformat(),
        }
        if self.errors:
            text += "; " + _("not planned: %(e)s") % {"e": "; ".join(self.errors)}
        return text


def no_published_version(template: ChecklistTemplate) -> ValidationError:
    return ValidationError(
        {
            "template": _(
                "Checklist %(code)s has no published version: publish one before planning."
            )
            % {"code": template.code}
        }
    )


def do_generate_plans(
    programme: Programme | None,
    *,
    until: date,
    now: datetime | None = None,
    acting_user: User | None = None,
    channel: str = Channel.SCHEDULER,
    progress: Callable[[ProgrammeResult], None] | None = None,
) -> GenerationReport:
    """Create the planned inspections of ``programme`` (every active programme when None) for
    the periods that start on or before ``until``. Running it again creates nothing new.

    For one programme, a checklist without a published version is refused (ValidationError);
    for every programme, that programme is skipped and named in the report's ``errors``."""
    now = now or timezone.now()
    ensure_allowed(
        acting_user, "change", Programme, message=_("Only quality managers plan inspections.")
    )
    if until > now.date() + MAX_AHEAD:
        raise ValidationError(
            {"until": _("Plan at most %(days)d days ahead.") % {"days": MAX_AHEAD.days}}
        )
    report = GenerationReport(until)
    if programme is not None:
        ensure_allowed(acting_user, "change", programme)
        result = _generate_one(programme.pk, until, now, acting_user, channel)
        report.results.append(result)
        if progress:
            progress(result)
        return report
    for pk in Programme.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True):
        try:
            result = _generate_one(pk, until, now, acting_user, channel)
        except ValidationError as exc:
            result = ProgrammeResult(Programme.objects.get(pk=pk), error=" ".join(exc.messages))
        report.results.append(result)
        if progress:
            progress(result)
    return report


@transaction.atomic(durable=True)
def _generate_one(
    pk: int, until: date, now: datetime, acting_user: User | None, channel: str
) -> ProgrammeResult:
    programme = (
        Programme.objects.select_for_update(of=("self",)).select_related("template").get(pk=pk)
    )
    result = ProgrammeResult(programme)
    last = min(until, programme.ends_on) if programme.ends_on else until
    spans = planning.periods(programme.frequency, programme.starts_on, last)
    if not spans:
        return result
    version: TemplateVersion | None = programme.template.published_version()
    if version is None:
        raise no_published_version(programme.template)
    sites = list(programme.sites.order_by("code", "pk"))
    inspectors = list(programme.inspectors.order_by("username", "pk"))
    scopes = {u.pk: site_ids_in_scope(u) for u in inspectors}
    done: dict[int, dict[date, int | None]] = defaultdict(dict)
    for site_id, start, inspector_id in (
        Inspection.objects.filter(programme=programme)
        .order_by("period_start", "pk")
        .values_list("site_id", "period_start", "inspector_id")
    ):
        if start is not None:
            done[site_id][start] = inspector_id
    for offset, site in enumerate(sites):
        able = [u.pk for u in inspectors if scopes[u.pk] is None or site.pk in scopes[u.pk]]  # type: ignore[operator]
        if programme.kind != InspectionKind.SELF and not able:
            result.error = _("no inspector may inspect site %(site)s") % {"site": site.code}
            continue
        history = [done[site.pk][d] for d in sorted(done[site.pk])]
        for span in spans:
            if span.start in done[site.pk]:
                result.existing += 1
                continue
            inspector = (
                planning.next_inspector(able, history, offset)
                if programme.kind != InspectionKind.SELF
                else None
            )
            history.append(inspector)
            inspection = Inspection(
                site=site,
                checklist=version,
                kind=programme.kind,
                status=InspectionStatus.PLANNED,
                programme=programme,
                period_start=span.start,
                due_on=span.due,
                inspector_id=inspector,
            )
            try:
                with transaction.atomic():
                    inspection.save()
            except IntegrityError:  # planned elsewhere in between (the constraint's backstop)
                result.existing += 1
                continue
            done[site.pk][span.start] = inspector
            audit.record(inspection, AuditAction.CREATE, actor=acting_user, channel=channel)
            result.created += 1
    return result


# Reminders ------------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    reminders: int = 0
    overdue: int = 0
    notifications: int = 0

    @property
    def actions(self) -> int:
        return self.reminders + self.overdue

    def summary(self) -> str:
        return _("%(r)d reminder(s), %(o)d overdue notice(s), %(n)d notification(s)") % {
            "r": self.reminders,
            "o": self.overdue,
            "n": self.notifications,
        }


def _today(site: Site, now: datetime) -> date:
    try:
        zone = ZoneInfo(site.time_zone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return timezone.localtime(now, zone).date()


def _emails(users: list[User]) -> list[str]:
    return sorted({u.email for u in users if u.is_active and u.email})


BATCH = 500


def do_send_inspection_reminders(now: datetime | None = None) -> ReminderReport:
    """Remind the assigned inspector (the site's managers for a self-inspection) ``remind_days``
    before an open inspection is due, and tell the site's managers and the quality managers
    once it is overdue (a mystery-shopper visit: the quality managers and the shopper only, so
    the site does not learn of it). Each once per inspection."""
    now = now or timezone.now()
    report = ReminderReport()
    after = 0
    while True:
        count, after = _remind_batch(now, after, report)
        if count < BATCH:
            return report


@transaction.atomic(durable=True)
def _remind_batch(now: datetime, after: int, report: ReminderReport) -> tuple[int, int]:
    horizon = now.date() + timedelta(days=62)
    qs = (
        Inspection.objects.filter(status__in=OPEN, due_on__isnull=False, pk__gt=after)
        .filter(
            Q(reminded_at__isnull=True, due_on__lte=horizon)
            | Q(overdue_notified_at__isnull=True, due_on__lt=now.date() + timedelta(days=2))
        )
        .order_by("pk")
        .select_for_update(of=("self",))
        .select_related("site", "inspector", "programme")[:BATCH]
    )
    rows = list(qs)
    quality = _emails(list(User.objects.filter(is_active=True, profile__role=Role.QUALITY_MANAGER)))
    managers: dict[int, list[str]] = {}
    for insp in rows:
        today = _today(insp.site, now)
        due = insp.due_on
        assert due is not None
        if insp.site_id not in managers:
            managers[insp.site_id] = _emails(people_of(insp.site, Role.SITE_MANAGER))
        days = insp.programme.remind_days if insp.programme else 2
        changed = False
        if insp.reminded_at is None and today >= due - timedelta(days=days):
            insp.reminded_at = now
            changed = True
            if today <= due:
                report.reminders += 1
                report.notifications += _remind(insp, managers[insp.site_id])
        if insp.overdue_notified_at is None and today > due:
            insp.overdue_notified_at = now
            changed = True
            report.overdue += 1
            report.notifications += _overdue(insp, managers[insp.site_id], quality)
        if changed:
            Inspection.objects.filter(pk=insp.pk).update(
                reminded_at=insp.reminded_at, overdue_notified_at=insp.overdue_notified_at
            )
    return len(rows), rows[-1].pk if rows else after


def _what(insp: Inspection) -> dict[str, str]:
    return {
        "ref": insp.reference,
        "kind": insp.get_kind_display(),
        "site": f"{insp.site.code} {insp.site.name}",
        "due": insp.due_on.isoformat() if insp.due_on else "",
        "checklist": str(insp.checklist_id and insp.checklist),
    }


def _remind(insp: Inspection, site_managers: list[str]) -> int:
    who = _emails([insp.inspector]) if insp.inspector else site_managers
    what = _what(insp)
    return notify(
        f"inspection:{insp.pk}:reminder",
        subject=_("%(kind)s %(ref)s at %(site)s is due on %(due)s") % what,
        body=_("Checklist: %(checklist)s.") % what,
        emails=who,
        payload={"inspection": insp.pk, "event": "reminder", "due_on": what["due"]},
    )


def _overdue(insp: Inspection, site_managers: list[str], quality: list[str]) -> int:
    what = _what(insp)
    if insp.kind == InspectionKind.MYSTERY:
        who = sorted(set(quality) | set(_emails([insp.inspector]) if insp.inspector else []))
    else:
        who = sorted(set(site_managers) | set(quality))
    return notify(
        f"inspection:{insp.pk}:overdue",
        subject=_("Overdue: %(kind)s %(ref)s at %(site)s was due on %(due)s") % what,
        body=_("Checklist: %(checklist)s. It has not been submitted.") % what,
        emails=who,
        payload={"inspection": insp.pk, "event": "overdue", "due_on": what["due"]},
    )
