"""Overdue actions remind and escalate (site manager, then quality manager) with a moved clock,
each notification once."""

from __future__ import annotations

import datetime as dt

import pytest

from sqms.capa import actions
from sqms.capa.tests.capa_data import CLI, add_action, make_nc, to_action_plan
from sqms.core.choices import Channel
from sqms.jobs.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(world):
    for user, mail in (
        (world.alpha_manager, "alpha.manager@example.com"),
        (world.qm, "qm@example.com"),
        (world.alpha_inspector, "owner@example.com"),
        (world.bravo_manager, "bravo@example.com"),
    ):
        user.email = mail
        user.save()
    return world


def at(day, hour=2):  # 02:00 UTC = 10:00 in Shanghai
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=dt.UTC)


def check(now):
    return actions.do_check_actions(now, acting_user=None, channel=Channel.SCHEDULER)


def sent(owner_notices=False):
    """(event, recipient) of the reminders and escalations (and the new-owner notices)."""
    rows = sorted((m.event_key.split(":", 2)[2], m.recipient) for m in OutboxMessage.objects.all())
    return [r for r in rows if owner_notices or not r[0].startswith("owner:")]


def test_remind_then_escalate_once_each(emails):
    world = emails
    nc = make_nc(world.site_a)
    to_action_plan(nc)
    action = add_action(nc, due=dt.date(2026, 3, 10), owner=world.alpha_inspector)
    assert check(at(8)).total == 0  # two days before
    r = check(at(9))
    assert (r.reminded, r.escalated) == (1, 0)
    assert sent() == [("remind:2026-03-10", "owner@example.com")]
    assert check(at(9, 8)).total == 0  # same day again: nothing twice
    assert check(at(10)).total == 0  # due today: not overdue yet
    r = check(at(11))
    assert r.escalated == 1
    assert ("overdue:2026-03-10:1", "alpha.manager@example.com") in sent()
    assert "bravo@example.com" not in {rcpt for _k, rcpt in sent()}
    assert check(at(12)).total == 0
    r = check(at(14, 3))  # three days after the first escalation
    assert r.escalated == 1
    assert ("overdue:2026-03-10:2", "qm@example.com") in sent()
    assert check(at(20)).total == 0
    assert len(sent()) == 3
    action.refresh_from_db()
    assert action.escalation_level == 2


def test_done_actions_and_closed_ncs_are_left_alone(emails):
    world = emails
    nc = make_nc(world.site_a)
    to_action_plan(nc)
    done = add_action(nc, due=dt.date(2026, 3, 10))
    actions.do_complete_action(done, "", acting_user=None, channel=CLI, now=at(5))
    assert check(at(20)).total == 0


def test_moving_the_due_date_starts_over(emails):
    world = emails
    nc = make_nc(world.site_a)
    to_action_plan(nc)
    action = add_action(nc, due=dt.date(2026, 3, 10))  # no owner: the site managers hear
    check(at(11))
    assert ("remind:2026-03-10", "alpha.manager@example.com") in sent()
    actions.do_update_action(
        action, {"due_date": dt.date(2026, 3, 25)}, acting_user=world.alpha_manager, channel=CLI
    )
    action.refresh_from_db()
    assert action.escalation_level == 0 and action.reminded_at is None
    assert check(at(23)).total == 0
    assert check(at(24)).reminded == 1


def test_periodic_job_is_registered():
    from sqms.jobs.registry import registered

    assert "capa.check_actions" in {job.name for job in registered()}


def test_new_owner_hears_once(emails):
    world = emails
    nc = make_nc(world.site_a)
    to_action_plan(nc)
    action = add_action(nc, owner=world.alpha_inspector, user=world.alpha_manager)
    assert sent(True) == [(f"owner:{world.alpha_inspector.pk}", "owner@example.com")]
    actions.do_update_action(
        action, {"description": "new text"}, acting_user=world.alpha_manager, channel=CLI
    )
    assert len(sent(True)) == 1
    actions.do_update_action(
        action, {"owner": world.alpha_manager}, acting_user=world.qm, channel=CLI
    )
    assert (f"owner:{world.alpha_manager.pk}", "alpha.manager@example.com") in sent(True)
