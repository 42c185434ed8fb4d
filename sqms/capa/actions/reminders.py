"""Reminders and escalation of CAPA actions (the periodic job ``capa.check_actions``).

An open action of an open nonconformity is

- reminded to its owner (or, without one, the site's managers) ``SQMS_CAPA_REMIND_DAYS``
  days before its due date (1 by default; 0 = on the day);
- escalated once it is overdue (the day after its due date) to the site's managers
  (level 1), and ``SQMS_CAPA_ESCALATE_DAYS`` days later (3) to the quality managers (level 2).
  A chain-wide NC goes straight to the quality managers.

Dates are the site's calendar days (its time zone). Each notification has an event key of its
own (action, due date, level), and the action's bookkeeping fields record what was sent, so a
run repeated after a crash sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.capa.choices import OPEN_STAGES, ActionStatus
from sqms.capa.models import Action
from sqms.complaints.recipients import people_of
from sqms.core import audit
from sqms.core.choices import AuditAction, Role
from sqms.core.models import Site
from sqms.core.names import display_name
from sqms.jobs.outbox import notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


@dataclass
class ActionCheck:
    reminded: int = 0
    escalated: int = 0

    @property
    def total(self) -> int:
        return self.reminded + self.escalated


def _today(site: Site | None, now: dt.datetime) -> dt.date:
    tz_name = getattr(site, "time_zone", "") or settings.TIME_ZONE
    try:
        tz = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return now.astimezone(tz).date()


def _emails(users: list[User]) -> list[str]:
    return sorted({u.email for u in users if u.email})


def _managers(site: Site | None) -> list[str]:
    if site is None:
        return _quality_managers()
    return _emails(people_of(site, Role.SITE_MANAGER))


def _quality_managers() -> list[str]:
    return _emails(list(User.objects.filter(is_active=True, profile__role=Role.QUALITY_MANAGER)))


def _body(action: Action) -> str:
    nc = action.nonconformity
    return "\n".join(
        [
            f"{nc.reference} {nc.title}",
            f"{action.get_kind_display()}: {action.description}",
            _("Owner: %(owner)s") % {"owner": display_name(action.owner) if action.owner else "—"},
            _("Due: %(date)s") % {"date": action.due_date.isoformat()},
            f"{settings.SQMS_PUBLIC_BASE_URL.rstrip('/')}{action.get_absolute_url()}",
        ]
    )


@transaction.atomic(durable=True)
def do_check_actions(
    now: dt.datetime | None = None, *, acting_user: User | None = None, channel: str
) -> ActionCheck:
    """Send the due reminders and escalations of open CAPA actions (idempotent)."""
    now = now or timezone.now()
    remind_days = int(getattr(settings, "SQMS_CAPA_REMIND_DAYS", 1))
    escalate_days = int(getattr(settings, "SQMS_CAPA_ESCALATE_DAYS", 3))
    report = ActionCheck()
    horizon = now.date() + dt.timedelta(days=remind_days + 1)  # time zones: one day slack
    candidates = (
        Action.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("nonconformity", "nonconformity__site", "owner")
        .filter(
            status=ActionStatus.OPEN,
            nonconformity__stage__in=OPEN_STAGES,
            due_date__lte=horizon,
        )
        .order_by("due_date", "pk")
    )
    for action in candidates:
        nc = action.nonconformity
        today = _today(nc.site, now)
        before = audit.snapshot(action)
        changed = False
        due = action.due_date
        if action.reminded_at is None and today >= due - dt.timedelta(days=remind_days):
            owner = action.owner
            emails = (
                [owner.email] if owner and owner.is_active and owner.email else _managers(nc.site)
            )
            notify(
                f"capa-action:{action.pk}:remind:{due.isoformat()}",
                subject=_("Action of %(ref)s due on %(date)s")
                % {"ref": nc.reference, "date": due.isoformat()},
                body=_body(action),
                emails=emails,
                payload={"action": action.pk, "nonconformity": nc.pk, "due_date": due.isoformat()},
            )
            action.reminded_at = now
            report.reminded += 1
            changed = True
        overdue = today > due
        if overdue and action.escalation_level == 0:
            level = 2 if nc.site is None else 1
            emails = _quality_managers() if level == 2 else _managers(nc.site)
            _escalate(action, level, emails, now)
            report.escalated += 1
            changed = True
        elif (
            overdue
            and action.escalation_level == 1
            and action.escalated_at is not None
            and now >= action.escalated_at + dt.timedelta(days=escalate_days)
        ):
            _escalate(action, 2, _quality_managers(), now)
            report.escalated += 1
            changed = True
        if changed:
            action.save(update_fields=["reminded_at", "escalation_level", "escalated_at"])
            if action.escalation_level != before.get("escalation_level"):
                audit.record(
                    action, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before
                )
    return report


def _escalate(action: Action, level: int, emails: list[str], now: dt.datetime) -> None:
    nc = action.nonconformity
    notify(
        f"capa-action:{action.pk}:overdue:{action.due_date.isoformat()}:{level}",
        subject=_("Overdue action of %(ref)s (escalation level %(level)d)")
        % {"ref": nc.reference, "level": level},
        body=_body(action),
        emails=emails,
        payload={"action": action.pk, "nonconformity": nc.pk, "level": level},
    )
    action.escalation_level = level
    action.escalated_at = now
