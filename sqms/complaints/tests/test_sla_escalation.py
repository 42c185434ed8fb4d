"""The SLA scheduler: warning, breach, escalation 1 → 2 → 3 with the clock moved; pauses;
idempotence; catch-up after an outage; notifications once per recipient."""

from __future__ import annotations

from typing import Any

import pytest

from sqms.complaints import actions
from sqms.complaints.choices import EntryKind, EscalationLevel
from sqms.complaints.models import Entry
from sqms.complaints.tests.sla_data import CLI, T0, check, complaint, fresh, hours, people
from sqms.core.models import AuditEvent
from sqms.jobs.models import OutboxMessage, WebhookEndpoint

pytestmark = pytest.mark.django_db


def outbox(pk: int) -> dict[str, list[str]]:
    """event → sorted recipients of one complaint's notifications."""
    out: dict[str, list[str]] = {}
    for key, recipient in OutboxMessage.objects.filter(
        event_key__startswith=f"complaint:{pk}:"
    ).values_list("event_key", "recipient"):
        out.setdefault(key.split(":", 2)[2], []).append(recipient)
    return {k: sorted(v) for k, v in out.items()}


def kinds(pk: int) -> list[tuple[str, Any]]:
    return [
        (e.kind, e.data.get("event") or e.data.get("level"))
        for e in Entry.objects.filter(
            complaint_id=pk, kind__in=[EntryKind.SLA, EntryKind.ESCALATION]
        )
    ]


def test_warning_breach_and_three_levels(world: Any) -> None:
    people(world)
    hook = WebhookEndpoint.objects.create(name="ops", url="https://hooks.test/x", format="generic")
    WebhookEndpoint.objects.create(name="off", url="https://hooks.test/y", is_active=False)
    c = complaint(world)
    # default policy: response 4 h, resolution 24 h, warn at 80 %, site manager 4 h, region 8 h
    assert fresh(c).next_check_at == T0 + hours(3.2)
    assert check(T0 + hours(3)).checked == 0

    report = check(T0 + hours(3.2))
    assert (report.checked, report.warnings, report.escalations) == (1, 1, 0)
    c = fresh(c)
    assert c.response_warned_at == T0 + hours(3.2)
    assert c.next_check_at == T0 + hours(4)
    # unassigned: the warning goes to the site's managers (with an email)
    assert outbox(c.pk) == {"warning:response": ["boss@alpha.test"]}

    report = check(T0 + hours(4))
    assert (report.breaches, report.escalations) == (1, 1)
    c = fresh(c)
    assert c.response_breached_at == T0 + hours(4)
    assert (c.escalation_level, c.escalated_at) == (EscalationLevel.SITE_MANAGER, T0 + hours(4))
    assert c.escalation_due_at == T0 + hours(8)
    assert c.next_check_at == T0 + hours(8)

    assert check(T0 + hours(8)).escalations == 1
    c = fresh(c)
    assert (c.escalation_level, c.escalated_at) == (EscalationLevel.REGION_MANAGER, T0 + hours(8))
    assert c.escalation_due_at == T0 + hours(16)

    assert check(T0 + hours(16)).escalations == 1
    c = fresh(c)
    assert c.escalation_level == EscalationLevel.QUALITY_MANAGER
    assert c.escalation_due_at is None
    # the resolution warning (80 % of 24 h) is the next thing to happen
    assert c.next_check_at == T0 + hours(19.2)

    assert outbox(c.pk) == {
        "warning:response": ["boss@alpha.test"],
        "escalated:1": sorted(["boss@alpha.test", str(hook.pk)]),
        "escalated:2": sorted(["ra@region.test", str(hook.pk)]),
        "escalated:3": sorted(["qm@hq.test", str(hook.pk)]),
    }
    assert kinds(c.pk) == [
        (EntryKind.SLA, "warning"),
        (EntryKind.SLA, "breach"),
        (EntryKind.ESCALATION, 1),
        (EntryKind.ESCALATION, 2),
        (EntryKind.ESCALATION, 3),
    ]
    events = AuditEvent.objects.filter(
        model="complaints.complaint", object_id=str(c.pk), channel="scheduler"
    ).order_by("pk")
    assert [e.changes for e in events] == [
        {"escalation_level": [0, 1]},
        {"escalation_level": [1, 2]},
        {"escalation_level": [2, 3]},
    ]
    message = OutboxMessage.objects.get(event_key=f"complaint:{c.pk}:escalated:3", channel="email")
    assert message.payload["level"] == 3 and message.payload["site"] == "ALPHA"
    assert "Quality manager" in message.subject

    # resolution: warning then breach; already at the top level, nothing more to climb
    assert check(T0 + hours(19.2)).warnings == 1
    report = check(T0 + hours(24))
    assert (report.breaches, report.escalations) == (1, 0)
    c = fresh(c)
    assert c.resolution_breached_at == T0 + hours(24)
    assert c.next_check_at is None  # nothing left to happen without someone acting


def test_assignee_hears_the_warning(world: Any) -> None:
    people(world)
    from sqms.core.choices import Role
    from sqms.test import make_user

    agent = make_user("agent_mail", Role.AGENT, sites=[world.site_a], email="agent@alpha.test")
    c = complaint(world, assigned_to=agent)
    check(T0 + hours(3.5))
    assert outbox(c.pk) == {"warning:response": ["agent@alpha.test"]}


def test_twice_at_the_same_moment_does_nothing_more(world: Any) -> None:
    people(world)
    c = complaint(world)
    first = check(T0 + hours(8))
    assert (first.breaches, first.escalations) == (1, 2)
    before = (Entry.objects.count(), AuditEvent.objects.count(), OutboxMessage.objects.count())
    again = check(T0 + hours(8))
    assert (again.checked, again.actions, again.notifications) == (0, 0, 0)
    assert (
        Entry.objects.count(),
        AuditEvent.objects.count(),
        OutboxMessage.objects.count(),
    ) == before
    assert fresh(c).escalation_level == EscalationLevel.REGION_MANAGER


def test_catch_up_climbs_each_level_once_at_its_moment(world: Any) -> None:
    people(world)
    c = complaint(world)
    # the scheduler was down for 20 hours: response breached at 4 h, level 1 then, level 2
    # at 8 h, level 3 at 16 h; the resolution clock is at 83 % (warning)
    report = check(T0 + hours(20))
    assert (report.warnings, report.breaches, report.escalations) == (1, 1, 3)
    c = fresh(c)
    assert (c.escalation_level, c.escalated_at) == (EscalationLevel.QUALITY_MANAGER, T0 + hours(16))
    assert c.response_breached_at == T0 + hours(4)
    assert c.response_warned_at == T0 + hours(4)  # found breached: no separate warning
    assert kinds(c.pk) == [
        (EntryKind.SLA, "breach"),
        (EntryKind.SLA, "warning"),
        (EntryKind.ESCALATION, 1),
        (EntryKind.ESCALATION, 2),
        (EntryKind.ESCALATION, 3),
    ]
    due = [e.data["due_at"] for e in Entry.objects.filter(complaint=c, kind=EntryKind.ESCALATION)]
    assert due == [(T0 + hours(h)).isoformat() for h in (4, 8, 16)]
    assert sorted(outbox(c.pk)) == [
        "escalated:1",
        "escalated:2",
        "escalated:3",
        "warning:resolution",
    ]
    assert check(T0 + hours(20)).actions == 0


def test_paused_complaint_does_not_escalate_and_resumes(world: Any) -> None:
    people(world)
    c = complaint(world)
    c = actions.do_transition(
        c,
        "investigate",
        expected_version=None,
        acting_user=world.qm,
        channel=CLI,
        now=T0 + hours(1),
    )
    c = actions.do_transition(
        c,
        "wait_customer",
        expected_version=None,
        acting_user=world.qm,
        channel=CLI,
        now=T0 + hours(2),
    )
    assert fresh(c).next_check_at is None
    assert check(T0 + hours(30)).checked == 0
    c = actions.do_transition(
        c, "resume", expected_version=None, acting_user=world.qm, channel=CLI, now=T0 + hours(10)
    )
    c = fresh(c)
    # 2 h used before the pause: the response is due 2 h after the resume
    assert c.response_due_at == T0 + hours(12)
    assert c.next_check_at == T0 + hours(11.2)
    assert check(T0 + hours(11)).checked == 0
    assert check(T0 + hours(11.2)).warnings == 1
    report = check(T0 + hours(12))
    assert (report.breaches, report.escalations) == (1, 1)
    c = fresh(c)
    assert (c.escalation_level, c.escalated_at) == (1, T0 + hours(12))


def test_pause_after_escalation_stops_the_level_clock(world: Any) -> None:
    people(world)
    c = complaint(world)
    check(T0 + hours(4))  # level 1 at 4 h, level 2 due at 8 h
    c = actions.do_transition(
        c,
        "investigate",
        expected_version=None,
        acting_user=world.qm,
        channel=CLI,
        now=T0 + hours(5),
    )
    c = actions.do_transition(
        c,
        "wait_third_party",
        expected_version=None,
        acting_user=world.qm,
        channel=CLI,
        now=T0 + hours(6),
    )
    assert check(T0 + hours(40)).checked == 0
    actions.do_transition(
        c, "resume", expected_version=None, acting_user=world.qm, channel=CLI, now=T0 + hours(40)
    )
    c = fresh(c)
    assert c.escalation_due_at == T0 + hours(42)  # 2 h of the site manager's 4 h were used
    assert check(T0 + hours(41)).escalations == 0
    assert check(T0 + hours(42)).escalations == 1


def test_overdue_customer_update_is_told_once(world: Any) -> None:
    people(world)
    c = complaint(world)
    c = actions.do_transition(
        c,
        "acknowledge",
        expected_version=None,
        acting_user=world.qm,
        channel=CLI,
        now=T0 + hours(1),
    )
    # update every 24 h from the acknowledgement; the resolution breach comes first (24 h)
    report = check(T0 + hours(25))
    assert report.updates_overdue == 1
    c = fresh(c)
    assert c.update_due_at == T0 + hours(25)
    assert c.next_check_at is not None and c.next_check_at > T0 + hours(25)
    again = check(c.next_check_at)
    assert again.updates_overdue == 0
    assert [k for k in outbox(c.pk) if k.startswith("update-overdue")] != []
