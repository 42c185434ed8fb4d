"""The SLA clocks of one complaint: first response, customer update interval, resolution and
the current escalation level's target, each a ``sqms.analytics.calendars.ClockState`` on the
site's business calendar with the complaint's pauses taken out.

``refresh_clocks`` copies the deadlines onto the complaint (``response_due_at`` …) and sets
``next_check_at``: the earliest moment something can happen without anyone touching the
complaint (a warning, a breach, the next escalation). Lists sort and filter on those columns
and the scheduler picks the complaints whose ``next_check_at`` has passed, so neither
recomputes clocks of complaints that cannot have changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqms.analytics.calendars import CalendarError, ClockState, WorkCalendar, clock_state
from sqms.calendars.lookup import calendar_for_site
from sqms.complaints.choices import EscalationLevel, Status
from sqms.complaints.models import Complaint, Pause

Interval = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class Clocks:
    response: ClockState | None
    update: ClockState | None
    resolution: ClockState | None
    escalation: ClockState | None
    #: why the clocks could not be computed (a calendar year without holidays), else None
    error: str | None = None

    @property
    def running(self) -> list[ClockState]:
        return [c for c in (self.response, self.update, self.resolution) if c is not None]


NO_CLOCKS = Clocks(None, None, None, None)


def hours(value: Decimal | None) -> timedelta | None:
    return None if value is None else timedelta(hours=float(value))


def pauses_of(complaint: Complaint) -> list[Interval]:
    return [(p.started_at, p.ended_at) for p in complaint.pauses.all()]


def compute(
    complaint: Complaint,
    now: datetime,
    *,
    calendar: WorkCalendar | None = None,
    pauses: Sequence[Interval] | None = None,
) -> Clocks:
    """Every clock of ``complaint`` at ``now`` (NO_CLOCKS without an SLA policy)."""
    policy = complaint.policy
    if policy is None:
        return NO_CLOCKS
    cal = calendar if calendar is not None else calendar_for_site(complaint.site)
    paused = list(pauses_of(complaint) if pauses is None else pauses)
    share = float(policy.warning_share)
    try:
        response = clock_state(
            cal,
            complaint.received_at,
            timedelta(hours=float(policy.first_response_hours or 0)),
            now,
            paused,
            warning_share=share,
            stopped_at=complaint.first_response_at,
        )
        resolution = clock_state(
            cal,
            complaint.received_at,
            timedelta(hours=float(policy.resolution_hours or 0)),
            now,
            paused,
            warning_share=share,
            stopped_at=complaint.resolved_at,
        )
        update = None
        interval = hours(policy.update_interval_hours)
        last = complaint.last_update_at or complaint.first_response_at
        if interval is not None and last is not None and complaint.status != Status.CLOSED:
            update = clock_state(
                cal,
                last,
                interval,
                now,
                paused,
                warning_share=share,
                stopped_at=complaint.resolved_at,
            )
        escalation = None
        target = escalation_target(complaint)
        if target is not None and complaint.escalated_at is not None:
            escalation = clock_state(
                cal,
                complaint.escalated_at,
                target,
                now,
                paused,
                warning_share=share,
                stopped_at=complaint.resolved_at,
            )
    except CalendarError as exc:
        return Clocks(None, None, None, None, error=str(exc))
    return Clocks(response, update, resolution, escalation)


def escalation_target(complaint: Complaint) -> timedelta | None:
    """How long the current escalation level has before the next one (None at the top)."""
    policy = complaint.policy
    if policy is None:
        return None
    if complaint.escalation_level == EscalationLevel.SITE_MANAGER:
        return hours(policy.site_manager_hours)
    if complaint.escalation_level == EscalationLevel.REGION_MANAGER:
        return hours(policy.region_manager_hours)
    return None


def _next(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return min(present) if present else None


def refresh_clocks(complaint: Complaint, clocks: Clocks) -> None:
    """Copy the deadlines of ``clocks`` onto ``complaint`` (not saved) and set
    ``next_check_at``; a closed or paused complaint has nothing to check."""
    if clocks.error is not None:
        # The calendar cannot answer (a year without holidays): keep the last deadlines and
        # stay due, so the scheduler reports the complaint on every run instead of losing it.
        open_ = complaint.status not in (Status.CLOSED, Status.RESOLVED)
        complaint.next_check_at = (
            complaint.received_at if open_ and not complaint.paused_since else None
        )
        return
    r, u, s, e = clocks.response, clocks.update, clocks.resolution, clocks.escalation
    complaint.response_due_at = r.due_at if r else None
    complaint.update_due_at = u.due_at if u else None
    complaint.resolution_due_at = s.due_at if s else None
    complaint.escalation_due_at = e.due_at if e else None
    # A clock that stopped after its target between two scheduler runs: record the breach at
    # the stop, so the SLA figures count it (the scheduler only sees running clocks).
    if r and r.stopped and r.breached and complaint.response_breached_at is None:
        complaint.response_breached_at = complaint.first_response_at
    if s and s.stopped and s.breached and complaint.resolution_breached_at is None:
        complaint.resolution_breached_at = complaint.resolved_at
    if complaint.status in (Status.CLOSED, Status.RESOLVED) or complaint.paused_since:
        complaint.next_check_at = None
        return
    complaint.next_check_at = _next(
        r.warn_at if r and not complaint.response_warned_at else None,
        r.due_at if r and not complaint.response_breached_at else None,
        s.warn_at if s and not complaint.resolution_warned_at else None,
        s.due_at if s and not complaint.resolution_breached_at else None,
        u.due_at if u else None,
        e.due_at if e else None,
    )


def open_pause(complaint: Complaint) -> Pause | None:
    return complaint.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
