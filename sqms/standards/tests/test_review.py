"""The periodic review: a reminder to the quality managers before the review date and an
overdue notice after it, each once; the job and the ``review-standards`` command."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from sqms.jobs.models import OutboxMessage
from sqms.jobs.registry import run_due_jobs
from sqms.standards import actions
from sqms.standards.models import StandardVersion
from sqms.standards.tests.data import WEB, effective_version

T0 = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def version(world, qm2):
    for user, email in ((world.qm, "qm@example.com"), (qm2, "qm2@example.com")):
        user.email = email
        user.save()
    v = effective_version(world, world.qm, qm2, effective_from=date(2026, 1, 10), now=T0)
    # its audience was told when it took effect (test_effective_notice covers that notice)
    StandardVersion.objects.filter(pk=v.pk).update(effective_notice_at=T0)
    return v


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def test_reminder_once_then_overdue_once(version):
    assert version.review_due == date(2027, 1, 10)
    quiet = actions.do_review_standards(at(date(2026, 12, 10)), acting_user=None, channel=WEB)
    assert quiet.sent == [] and OutboxMessage.objects.count() == 0  # 31 days before
    first = actions.do_review_standards(at(date(2026, 12, 11)), acting_user=None, channel=WEB)
    assert len(first.sent) == 1 and first.sent[0].startswith("reminder:")
    keys = set(OutboxMessage.objects.values_list("event_key", flat=True))
    assert keys == {f"standards:version:{version.pk}:review-reminder:2027-01-10"}
    assert OutboxMessage.objects.count() == 2  # two quality managers
    again = actions.do_review_standards(at(date(2026, 12, 20)), acting_user=None, channel=WEB)
    assert again.sent == [] and OutboxMessage.objects.count() == 2
    overdue = actions.do_review_standards(at(date(2027, 1, 10)), acting_user=None, channel=WEB)
    assert len(overdue.sent) == 1 and overdue.sent[0].startswith("overdue:")
    assert OutboxMessage.objects.filter(event_key__contains="review-overdue").count() == 2
    later = actions.do_review_standards(at(date(2027, 2, 1)), acting_user=None, channel=WEB)
    assert later.sent == [] and OutboxMessage.objects.count() == 4


def test_confirmed_review_moves_the_date_and_restarts_reminders(version, qm2):
    actions.do_review_standards(at(date(2027, 1, 11)), acting_user=None, channel=WEB)
    actions.do_confirm_review(version, acting_user=qm2, channel=WEB, now=at(date(2027, 1, 12)))
    version.refresh_from_db()
    assert version.review_due == date(2028, 1, 12)
    assert version.review_overdue_at is None


def test_superseded_versions_are_not_reminded(version, world, qm2):
    v2 = actions.do_new_version(version.standard, acting_user=world.qm, channel=WEB)
    actions.do_submit_version(v2, acting_user=world.qm, channel=WEB, now=T0)
    actions.do_approve_version(
        v2, effective_from=date(2026, 6, 1), acting_user=qm2, channel=WEB, now=T0
    )
    report = actions.do_review_standards(at(date(2026, 6, 1)), acting_user=None, channel=WEB)
    assert report.superseded == 1
    assert [line.split(":")[0] for line in report.sent] == ["effective"]  # v2's audience
    assert StandardVersion.objects.get(pk=version.pk).status == "superseded"
    report = actions.do_review_standards(at(date(2027, 5, 5)), acting_user=None, channel=WEB)
    assert [line.split(":")[0] for line in report.sent] == ["reminder"]
    reminder = OutboxMessage.objects.filter(event_key__contains="review-reminder")
    assert str(v2.pk) in reminder.values_list("event_key", flat=True)[0]


def test_effective_notice_goes_to_the_audience_once(world, qm2):
    """A new version in effect is announced to the staff who must acknowledge it (agents of
    its sites, as its step names that role), once, and not to other sites' staff."""
    from sqms.test import make_user

    agent = make_user("agent-a", "agent", sites=[world.site_a], email="agent-a@example.com")
    make_user("agent-b", "agent", sites=[world.site_b], email="agent-b@example.com")
    v = effective_version(
        world, world.qm, qm2, effective_from=date(2026, 1, 12), now=T0, ack_sites=[world.site_a]
    )
    early = actions.do_review_standards(at(date(2026, 1, 11)), acting_user=None, channel=WEB)
    assert early.sent == []  # not in effect yet
    report = actions.do_review_standards(at(date(2026, 1, 12)), acting_user=None, channel=WEB)
    assert report.sent == [
        "effective: In effect: GREET v1 迎宾服务标准 — please read and acknowledge it → 1 recipient(s)"
    ]
    sent = OutboxMessage.objects.get(event_key=f"standards:version:{v.pk}:effective")
    assert sent.recipient == agent.email
    again = actions.do_review_standards(at(date(2026, 1, 13)), acting_user=None, channel=WEB)
    assert again.sent == [] and OutboxMessage.objects.count() == 1


def test_command_prints_what_it_sent(version):
    out = StringIO()
    call_command("review_standards", "--now", "2026-12-15T10:00+08:00", stdout=out)
    text = out.getvalue()
    assert "reminder: Review due on 2027-01-10: GREET v1" in text
    assert "notices sent: 1" in text
    out = StringIO()
    call_command("review_standards", "--now", "2026-12-16T10:00+08:00", stdout=out)
    assert "notices sent: 0" in out.getvalue()


def test_periodic_job_is_registered(version):
    outcomes = run_due_jobs(at(date(2026, 12, 15)), force=True, names=["standards.review"])
    assert [(o.status, o.result) for o in outcomes] == [("ok", 1)]
