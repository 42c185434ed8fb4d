"""How a complaint's SLA clocks read on its page and in lists.

- ``clock_rows(complaint, now)``: one row per clock (first response, customer update,
  resolution, the current escalation level's target) for ``complaints/_clocks.html``;
- ``clock_context(complaint, now)``: the partial's whole context (rows, the calendar error,
  the paused intervals);
- ``due_badge(complaint, now)``: the short state a list row shows, from the cached columns
  only (no clock is computed per row).

Durations are business time on the site's calendar ("2 h 15 min left"); moments are shown in
the site's time zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.analytics.calendars import ClockState
from sqms.complaints.choices import EscalationLevel, Status
from sqms.complaints.clocks import Clocks, compute, pauses_of
from sqms.complaints.models import Complaint

MET, RUNNING, WARNING, BREACHED, PAUSED = "met", "running", "warning", "breached", "paused"


def site_zone(complaint: Complaint) -> tzinfo:
    try:
        return ZoneInfo(complaint.site.time_zone)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def duration(value: timedelta) -> str:
    """``2 h 15 min``, ``45 min``, ``3 h`` (to the nearest minute, no sign)."""
    minutes = round(abs(value.total_seconds()) / 60)
    h, m = divmod(minutes, 60)
    if h and m:
        return _("%(h)d h %(m)d min") % {"h": h, "m": m}
    if h:
        return _("%(h)d h") % {"h": h}
    return _("%(m)d min") % {"m": m}


def state_of(st: ClockState) -> str:
    if st.stopped:
        return BREACHED if st.breached else MET
    if st.paused:
        return PAUSED
    if st.breached:
        return BREACHED
    if st.warning:
        return WARNING
    return RUNNING


def _left(st: ClockState) -> str:
    if st.stopped:
        if st.breached:
            return _("met late, by %(d)s") % {"d": duration(st.remaining)}
        return _("met with %(d)s to spare") % {"d": duration(st.remaining)}
    if st.remaining < timedelta(0) or st.breached:
        return _("overdue by %(d)s") % {"d": duration(st.remaining)}
    return _("%(d)s left") % {"d": duration(st.remaining)}


def _row(key: str, label: str, st: ClockState, zone: tzinfo) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "target": duration(st.target),
        "elapsed": duration(st.elapsed),
        "left": _left(st),
        "due_at": timezone.localtime(st.due_at, zone) if st.due_at else None,
        "state": state_of(st),
        "share": round(st.share * 100),
    }


def rows_of(complaint: Complaint, clocks: Clocks) -> list[dict[str, Any]]:
    zone = site_zone(complaint)
    rows = []
    if clocks.response is not None:
        rows.append(_row("response", _("First response"), clocks.response, zone))
    if clocks.update is not None:
        rows.append(_row("update", _("Customer update"), clocks.update, zone))
    if clocks.resolution is not None:
        rows.append(_row("resolution", _("Resolution"), clocks.resolution, zone))
    if clocks.escalation is not None:
        level = EscalationLevel(complaint.escalation_level).label
        rows.append(
            _row(
                "escalation",
                _("Escalation level target (%(level)s)") % {"level": level},
                clocks.escalation,
                zone,
            )
        )
    return rows


def clock_rows(complaint: Complaint, now: datetime) -> list[dict[str, Any]]:
    """One row per clock: ``label``, ``target``, ``elapsed``, ``left`` ("2 h 15 min left" /
    "overdue by 1 h 5 min" / "met …"), ``due_at`` (site-local, None once met or while
    paused), ``state`` (met / running / warning / breached / paused), ``share`` (%)."""
    return rows_of(complaint, compute(complaint, now))


def clock_context(complaint: Complaint, now: datetime) -> dict[str, Any]:
    """Everything ``complaints/_clocks.html`` needs: include it with
    ``{% include "complaints/_clocks.html" %}`` after putting this dict in the context."""
    zone = site_zone(complaint)
    pauses = pauses_of(complaint)
    clocks = compute(complaint, now, pauses=pauses)
    return {
        "clock_rows": rows_of(complaint, clocks),
        "clock_error": clocks.error,
        "clock_policy": complaint.policy,
        "clock_paused": [
            {
                "start": timezone.localtime(a, zone),
                "end": timezone.localtime(b, zone) if b else None,
            }
            for a, b in pauses
        ],
        "clock_escalation": EscalationLevel(complaint.escalation_level).label
        if complaint.escalation_level
        else "",
        "clock_zone": str(zone),
    }


def due_badge(complaint: Complaint, now: datetime) -> dict[str, Any] | None:
    """The list badge from the cached SLA columns: ``state`` (warning / breached / paused /
    running), ``text`` and ``due_at`` (site-local); None for a resolved or closed complaint
    or one without deadlines. Needs ``complaint.site`` (select_related it)."""
    if complaint.status in (Status.RESOLVED, Status.CLOSED):
        return None
    if complaint.paused_since is not None:
        return {"state": PAUSED, "text": _("paused"), "due_at": None}
    response = complaint.response_due_at if complaint.first_response_at is None else None
    candidates = [
        (d, k)
        for d, k in ((response, "response"), (complaint.resolution_due_at, "resolution"))
        if d
    ]
    if not candidates:
        return None
    due, kind = min(candidates)
    local = timezone.localtime(due, site_zone(complaint))
    when = local.strftime("%m-%d %H:%M")
    if due <= now:
        return {
            "state": BREACHED,
            "text": _("overdue since %(when)s") % {"when": when},
            "due_at": local,
        }
    warned = complaint.response_warned_at if kind == "response" else complaint.resolution_warned_at
    state = WARNING if warned is not None else RUNNING
    return {"state": state, "text": _("due %(when)s") % {"when": when}, "due_at": local}
