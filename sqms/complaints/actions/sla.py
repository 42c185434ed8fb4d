"""The SLA scheduler: warnings, breaches and escalations of open complaints.

``do_check_clocks(now)`` takes the complaints whose ``next_check_at`` has passed (an indexed
column that ``clocks.refresh_clocks`` keeps), in batches of ``BATCH`` rows by id, each batch
its own durable transaction. On PostgreSQL a batch locks its rows with ``FOR UPDATE SKIP
LOCKED``, so two runners at once share the work instead of doing it twice; on SQLite the job's
run lock (``sqms.jobs.registry``) already lets only one runner in.

For each complaint the clocks are computed on its site's calendar (one ``calendar_for_site``
per site per run, the batch's pauses read in one query), then:

- a first-response or resolution clock past its warning share (and not yet breached) sets
  ``*_warned_at``, writes an SLA entry and tells the assignee (the site managers when nobody
  is assigned); a clock found already breached gets the breach only;
- a breach sets ``*_breached_at`` (the moment of the deadline) and, when not escalated yet,
  escalates to level 1 (site managers);
- a level whose own target (``clocks.escalation_target``) has passed escalates to the next
  one, up to level 3 (quality managers);
- a customer-update interval that ran out writes one SLA entry and tells the assignee.

**Catch-up.** One run climbs every level a complaint should have reached: each escalation
takes ``escalated_at`` = the moment it was due (not the moment the scheduler noticed), so
after an outage the next level's deadline is computed as if the scheduler had never stopped,
and each level still gets its own entry, audit event and notification, once.

**Idempotence.** Every change is guarded by the field it sets (``*_warned_at``,
``*_breached_at``, ``escalation_level``), notifications carry event keys
(``complaint:<pk>:escalated:<level>``, ``…:warning:<clock>``), and ``next_check_at`` moves
past everything handled, so a second run at the same ``now`` finds nothing to do.

**Calendar errors.** A complaint whose calendar cannot answer (a year without holidays:
``Clocks.error``) is left as it is (still due, so every run reports it until the holidays
are loaded) and listed in :attr:`CheckReport.errors`; the periodic job then fails with that
message so it shows on the jobs page and in ``sqms tick``.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.analytics.calendars import CalendarError, ClockState, WorkCalendar, clock_state
from sqms.calendars.lookup import calendar_for_site
from sqms.complaints.choices import OPEN_STATUSES, EntryKind, EscalationLevel
from sqms.complaints.clocks import Clocks, Interval, compute, escalation_target, refresh_clocks
from sqms.complaints.models import Complaint, Entry, Pause, SlaPolicy
from sqms.complaints.recipients import Recipients
from sqms.core import audit
from sqms.core.choices import AuditAction, Channel
from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed
from sqms.jobs.models import WebhookEndpoint
from sqms.jobs.outbox import notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

BATCH = 500
#: fields the scheduler writes (bulk_update)
FIELDS = (
    "response_due_at",
    "resolution_due_at",
    "update_due_at",
    "escalation_due_at",
    "next_check_at",
    "response_warned_at",
    "resolution_warned_at",
    "response_breached_at",
    "resolution_breached_at",
    "escalation_level",
    "escalated_at",
)
#: a moment already handled that a clock still reports (rounding) is looked at again this
#: much later instead of at once
RECHECK = timedelta(minutes=1)


class ClockCheckError(Exception):
    """Raised by the periodic job when some complaints' clocks could not be computed."""


@dataclass
class CheckReport:
    """What one run did. ``errors`` maps a calendar error message to the complaints (ids) it
    stopped."""

    now: datetime
    checked: int = 0
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0
    updates_overdue: int = 0
    notifications: int = 0
    errors: dict[str, list[int]] = field(default_factory=dict)

    @property
    def actions(self) -> int:
        return self.warnings + self.breaches + self.escalations + self.updates_overdue

    @property
    def error_count(self) -> int:
        return sum(len(v) for v in self.errors.values())

    def error_lines(self) -> list[str]:
        lines = []
        for message, pks in sorted(self.errors.items()):
            refs = ", ".join(f"C-{pk:06d}" for pk in sorted(pks)[:10])
            more = "" if len(pks) <= 10 else ", …"
            lines.append(
                _("%(message)s — %(count)d complaint(s): %(refs)s")
                % {"message": message, "count": len(pks), "refs": refs + more}
            )
        return lines

    def summary(self) -> str:
        text = _(
            "%(checked)d checked, %(warnings)d warning(s), %(breaches)d breach(es), "
            "%(escalations)d escalation(s), %(updates)d customer update(s) overdue, "
            "%(notifications)d notification(s)"
        ) % {
            "checked": self.checked,
            "warnings": self.warnings,
            "breaches": self.breaches,
            "escalations": self.escalations,
            "updates": self.updates_overdue,
            "notifications": self.notifications,
        }
        if self.errors:
            text += "; " + _("%(count)d could not be checked: %(lines)s") % {
                "count": self.error_count,
                "lines": "; ".join(self.error_lines()),
            }
        return text


@dataclass
class _Run:
    now: datetime
    acting_user: User | None
    channel: str
    report: CheckReport
    recipients: Recipients = field(default_factory=Recipients)
    calendars: dict[int, WorkCalendar | str] = field(default_factory=dict)
    webhooks: list[int] = field(default_factory=list)

    def calendar(self, site: Site) -> WorkCalendar | str:
        if site.pk not in self.calendars:
            try:
                self.calendars[site.pk] = calendar_for_site(site)
            except CalendarError as exc:
                self.calendars[site.pk] = str(exc)
        return self.calendars[site.pk]


def do_check_clocks(
    now: datetime | None = None,
    *,
    acting_user: User | None = None,
    channel: str = Channel.SCHEDULER,
    batch_size: int = BATCH,
) -> CheckReport:
    """Warn, record breaches and escalate every open complaint whose next check is due at
    ``now`` (see the module docstring). Each batch commits on its own, so a long run keeps
    what it did if it is interrupted, and the next run continues."""
    now = now or timezone.now()
    if acting_user is not None:
        ensure_allowed(
            acting_user,
            "change",
            SlaPolicy,
            message=_("Only quality managers may run the SLA check."),
        )
    run = _Run(now, acting_user, channel, CheckReport(now))
    run.webhooks = list(
        WebhookEndpoint.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    after = 0
    while True:
        count, after = _check_batch(run, after, batch_size)
        if count < batch_size:
            break
    return run.report


@transaction.atomic(durable=True)
def _check_batch(run: _Run, after: int, size: int) -> tuple[int, int]:
    """One batch of due complaints with an id above ``after``: (rows taken, last id)."""
    qs = Complaint.objects.filter(next_check_at__lte=run.now, pk__gt=after).order_by("pk")
    if connection.vendor == "postgresql":
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    rows = list(qs.select_related("policy", "site", "assigned_to")[:size])
    if not rows:
        return 0, after
    ids = [c.pk for c in rows]
    pauses: dict[int, list[Interval]] = defaultdict(list)
    for cid, start, end in (
        Pause.objects.filter(complaint_id__in=ids)
        .order_by("started_at", "pk")
        .values_list("complaint_id", "started_at", "ended_at")
    ):
        pauses[cid].append((start, end))
    told_updates = _update_entries(ids)
    entries: list[Entry] = []
    changed: list[Complaint] = []
    for complaint in rows:
        run.report.checked += 1
        cal = run.calendar(complaint.site)
        paused = pauses.get(complaint.pk, [])
        if isinstance(cal, str):
            run.report.errors.setdefault(cal, []).append(complaint.pk)
            continue
        clocks = compute(complaint, run.now, calendar=cal, pauses=paused)
        if clocks.error:
            run.report.errors.setdefault(clocks.error, []).append(complaint.pk)
            continue
        if _act(run, complaint, clocks, cal, paused, entries, told_updates):
            clocks = compute(complaint, run.now, calendar=cal, pauses=paused)
        _refresh(complaint, clocks, run.now)
        changed.append(complaint)
    Entry.objects.bulk_create(entries)
    _write(changed)
    return len(rows), ids[-1]


def _write(changed: list[Complaint]) -> None:
    """One ``UPDATE … WHERE id = %s`` executed for many rows (``bulk_update`` builds a CASE
    per field and row, which is far slower for a batch of hundreds)."""
    if not changed:
        return
    meta = Complaint._meta
    fields: list[Any] = [meta.get_field(name) for name in FIELDS]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    pk_column = str(meta.pk.column) if meta.pk is not None else "id"
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(pk_column)} = %s"
    params = [
        [f.get_db_prep_value(getattr(c, f.attname), connection) for f in fields] + [c.pk]
        for c in changed
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _update_entries(ids: list[int]) -> set[tuple[int, str]]:
    """(complaint id, due moment) of the customer-update overdue entries already written."""
    return {
        (cid, str(data.get("due_at")))
        for cid, data in Entry.objects.filter(
            complaint_id__in=ids, kind=EntryKind.SLA, data__clock="update"
        ).values_list("complaint_id", "data")
        if isinstance(data, dict)
    }


def _refresh(complaint: Complaint, clocks: Clocks, now: datetime) -> None:
    """``refresh_clocks``, leaving out an overdue customer-update deadline (handled once), so
    ``next_check_at`` moves past everything this run dealt with."""
    update = clocks.update
    overdue = update is not None and update.due_at is not None and update.due_at <= now
    refresh_clocks(complaint, dataclasses.replace(clocks, update=None) if overdue else clocks)
    if overdue and update is not None:
        complaint.update_due_at = update.due_at
    if complaint.next_check_at is not None and complaint.next_check_at <= now:
        complaint.next_check_at = now + RECHECK


def _local(moment: datetime | None, site: Site) -> str:
    if moment is None:
        return "-"
    try:
        zone = ZoneInfo(site.time_zone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M")


def _clock_names() -> dict[str, str]:
    return {
        "response": _("First-response"),
        "resolution": _("Resolution"),
        "update": _("Customer-update"),
    }


def _act(
    run: _Run,
    c: Complaint,
    clocks: Clocks,
    cal: WorkCalendar,
    paused: list[Interval],
    entries: list[Entry],
    told_updates: set[tuple[int, str]],
) -> bool:
    """Warnings, breaches and escalations of one complaint; True when something changed."""
    if c.policy is None or c.status not in OPEN_STATUSES or c.paused_since is not None:
        return False
    now, names = run.now, _clock_names()
    acted = False
    for clock, st in (("response", clocks.response), ("resolution", clocks.resolution)):
        if st is None or st.stopped or st.paused or st.due_at is None:
            continue
        warned, breached = f"{clock}_warned_at", f"{clock}_breached_at"
        is_breached = st.breached or st.due_at <= now
        is_warning = not is_breached and (
            st.warning or (st.warn_at is not None and st.warn_at <= now)
        )
        if is_warning and getattr(c, warned) is None:
            setattr(c, warned, now)
            body = _("%(clock)s clock at %(share)d %% of its target; due %(due)s (local time).") % {
                "clock": names[clock],
                "share": round(st.share * 100),
                "due": _local(st.due_at, c.site),
            }
            entries.append(_entry(c, EntryKind.SLA, body, now, clock=clock, event="warning"))
            run.report.warnings += 1
            run.report.notifications += notify(
                f"complaint:{c.pk}:warning:{clock}",
                subject=_("Complaint %(ref)s: %(clock)s deadline at %(due)s")
                % {
                    "ref": c.reference,
                    "clock": names[clock].lower(),
                    "due": _local(st.due_at, c.site),
                },
                body=f"{body}\n\n{c.summary}",
                emails=run.recipients.warning(c.site, c.assigned_to),
                payload={"complaint": c.pk, "clock": clock, "event": "warning"},
            )
            acted = True
        if is_breached and getattr(c, breached) is None:
            setattr(c, breached, st.due_at)
            if getattr(c, warned) is None:
                setattr(c, warned, st.due_at)
            body = _("%(clock)s target missed: it was due %(due)s (local time).") % {
                "clock": names[clock],
                "due": _local(st.due_at, c.site),
            }
            entries.append(
                _entry(c, EntryKind.SLA, body, now, clock=clock, event="breach", due_at=st.due_at)
            )
            run.report.breaches += 1
            acted = True
    acted = _update_overdue(run, c, clocks.update, entries, told_updates) or acted
    return _escalate_due(run, c, cal, paused, entries) or acted


def _update_overdue(
    run: _Run,
    c: Complaint,
    st: ClockState | None,
    entries: list[Entry],
    told: set[tuple[int, str]],
) -> bool:
    if st is None or st.stopped or st.paused or st.due_at is None or st.due_at > run.now:
        return False
    due = st.due_at.isoformat()
    if (c.pk, due) in told:
        return False
    told.add((c.pk, due))
    body = _("The customer has not had an update since %(last)s; one was due %(due)s.") % {
        "last": _local(c.last_update_at or c.first_response_at, c.site),
        "due": _local(st.due_at, c.site),
    }
    entries.append(
        _entry(c, EntryKind.SLA, body, run.now, clock="update", event="overdue", due_at=st.due_at)
    )
    run.report.updates_overdue += 1
    run.report.notifications += notify(
        f"complaint:{c.pk}:update-overdue:{due}",
        subject=_("Complaint %(ref)s: the customer is waiting for an update")
        % {"ref": c.reference},
        body=f"{body}\n\n{c.summary}",
        emails=run.recipients.warning(c.site, c.assigned_to),
        payload={"complaint": c.pk, "clock": "update", "event": "overdue", "due_at": due},
    )
    return True


def _escalate_due(
    run: _Run, c: Complaint, cal: WorkCalendar, paused: list[Interval], entries: list[Entry]
) -> bool:
    """Climb every level that is due at ``now``, each with ``escalated_at`` = its due moment."""
    climbed = False
    while c.escalation_level < EscalationLevel.QUALITY_MANAGER:
        if c.escalation_level == EscalationLevel.NONE:
            moments = [m for m in (c.response_breached_at, c.resolution_breached_at) if m]
            if not moments:
                break
            due = min(moments)
            reason = _("the SLA target was missed")
        else:
            target = escalation_target(c)
            if target is None or c.escalated_at is None:
                break
            st = clock_state(
                cal,
                c.escalated_at,
                target,
                run.now,
                paused,
                stopped_at=c.resolved_at,
            )
            if st.paused or st.stopped or st.due_at is None:
                break
            if not (st.breached or st.due_at <= run.now):
                break
            due = st.due_at
            reason = _("level %(level)s did not resolve it within %(hours)s business hour(s)") % {
                "level": EscalationLevel(c.escalation_level).label,
                "hours": f"{target.total_seconds() / 3600:g}",
            }
        _escalate(run, c, EscalationLevel(c.escalation_level + 1), due, reason, entries)
        climbed = True
    return climbed


def _escalate(
    run: _Run,
    c: Complaint,
    level: EscalationLevel,
    due: datetime,
    reason: str,
    entries: list[Entry],
) -> None:
    before = {"escalation_level": c.escalation_level}
    c.escalation_level = level
    c.escalated_at = due
    body = _("Escalated to %(level)s: %(reason)s (due %(due)s, local time).") % {
        "level": level.label,
        "reason": reason,
        "due": _local(due, c.site),
    }
    entries.append(_entry(c, EntryKind.ESCALATION, body, run.now, level=int(level), due_at=due))
    audit.record(
        c,
        AuditAction.UPDATE,
        actor=run.acting_user,
        channel=run.channel,
        before=before,
        after={"escalation_level": int(level)},
        site=c.site,
    )
    run.report.escalations += 1
    run.report.notifications += notify(
        f"complaint:{c.pk}:escalated:{int(level)}",
        subject=_("Complaint %(ref)s escalated to you (%(level)s) — %(site)s")
        % {"ref": c.reference, "level": level.label, "site": c.site},
        body=f"{body}\n\n{c.summary}\n\n{c.description}",
        emails=run.recipients.level(c.site, level),
        webhooks=run.webhooks,
        payload={
            "complaint": c.pk,
            "reference": c.reference,
            "site": c.site.code,
            "level": int(level),
            "severity": c.severity,
            "due_at": due.isoformat(),
        },
    )


def _entry(c: Complaint, kind: str, body: str, now: datetime, **data: object) -> Entry:
    plain = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}
    return Entry(complaint=c, kind=kind, body=body, created_at=now, data=plain)
