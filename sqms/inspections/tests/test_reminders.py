"""Reminders before due and overdue notices: who hears, and each only once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model

from sqms.inspections import actions
from sqms.inspections.models import Inspection
from sqms.inspections.periodic import plan_and_remind
from sqms.inspections.tests.programme_data import programme, shoppers
from sqms.jobs.models import OutboxMessage
from sqms.test import World

User = get_user_model()


def _emails(world: World) -> None:
    for user, email in (
        (world.qm, "qm@example.com"),
        (world.alpha_manager, "alpha.mgr@example.com"),
        (world.bravo_manager, "bravo.mgr@example.com"),
        (world.alpha_inspector, "alpha.insp@example.com"),
    ):
        User.objects.filter(pk=user.pk).update(email=email)


def _to(event: str) -> set[str]:
    return set(OutboxMessage.objects.filter(event_key=event).values_list("recipient", flat=True))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.mark.django_db
def test_reminder_then_overdue_once_each(world: World) -> None:
    _emails(world)
    p = programme(
        world,
        kind="supervisor",
        frequency="monthly",
        inspectors=[world.alpha_inspector],
        sites=[world.site_a],
        remind_days=3,
        code="SUP",
    )
    actions.do_generate_plans(p, until=date(2026, 3, 1), now=_at(date(2026, 3, 1)))
    march = Inspection.objects.get(programme=p, period_start=date(2026, 3, 1))
    # 27 March: not yet (remind 3 days before the 31st)
    early = actions.do_send_inspection_reminders(_at(date(2026, 3, 27)))
    assert early.reminders == 0
    report = actions.do_send_inspection_reminders(_at(date(2026, 3, 28)))
    assert report.reminders == 1
    assert _to(f"inspection:{march.pk}:reminder") == {"alpha.insp@example.com"}
    again = actions.do_send_inspection_reminders(_at(date(2026, 3, 29)))
    assert again.reminders == 0 and again.overdue == 0 and again.notifications == 0
    march.refresh_from_db()
    assert march.reminded_at == _at(date(2026, 3, 28)) and march.overdue_notified_at is None
    # due the 31st; overdue from 1 April (local date)
    assert actions.do_send_inspection_reminders(_at(date(2026, 3, 31))).overdue == 0
    late = actions.do_send_inspection_reminders(_at(date(2026, 4, 1)))
    assert late.overdue == 1
    assert _to(f"inspection:{march.pk}:overdue") == {"alpha.mgr@example.com", "qm@example.com"}
    assert actions.do_send_inspection_reminders(_at(date(2026, 4, 2))).actions == 0
    mine = OutboxMessage.objects.filter(event_key__startswith=f"inspection:{march.pk}:")
    assert mine.count() == 3  # one reminder, two overdue notices
    # January and February were overdue when the first run came: notices only
    assert OutboxMessage.objects.filter(event_key__endswith=":overdue").count() == 6


@pytest.mark.django_db
def test_past_due_gets_only_the_overdue_notice_and_submitted_nothing(world: World) -> None:
    _emails(world)
    p = programme(world, kind="self", frequency="monthly", sites=[world.site_a], code="SELF")
    actions.do_generate_plans(p, until=date(2026, 2, 1), now=_at(date(2026, 2, 1)))
    jan, feb = Inspection.objects.filter(programme=p).order_by("period_start")
    Inspection.objects.filter(pk=feb.pk).update(
        status="submitted", submitted_at=_at(date(2026, 2, 3))
    )
    report = actions.do_send_inspection_reminders(_at(date(2026, 3, 5)))
    assert (report.reminders, report.overdue) == (0, 1)
    assert not _to(f"inspection:{jan.pk}:reminder")
    assert not OutboxMessage.objects.filter(event_key__startswith=f"inspection:{feb.pk}:").exists()


@pytest.mark.django_db
def test_self_inspection_reminds_the_site_managers(world: World) -> None:
    _emails(world)
    p = programme(world, kind="self", frequency="monthly", sites=[world.site_a], code="SELF")
    actions.do_generate_plans(p, until=date(2026, 1, 1), now=_at(date(2026, 1, 1)))
    insp = Inspection.objects.get(programme=p)
    actions.do_send_inspection_reminders(_at(date(2026, 1, 30)))
    assert _to(f"inspection:{insp.pk}:reminder") == {"alpha.mgr@example.com"}


@pytest.mark.django_db
def test_an_overdue_mystery_visit_is_not_told_to_the_site(world: World) -> None:
    _emails(world)
    s1, s2 = shoppers(world)
    User.objects.filter(pk=s1.pk).update(email="s1@example.com")
    p = programme(world, inspectors=[s1, s2], sites=[world.site_a])
    actions.do_generate_plans(p, until=date(2026, 1, 1), now=_at(date(2026, 1, 1)))
    insp = Inspection.objects.get(programme=p)
    actions.do_send_inspection_reminders(_at(date(2026, 4, 2)))
    assert _to(f"inspection:{insp.pk}:overdue") == {"qm@example.com", "s1@example.com"}


@pytest.mark.django_db
def test_the_daily_job_plans_ahead_and_reminds(world: World) -> None:
    _emails(world)
    p = programme(
        world,
        kind="supervisor",
        frequency="monthly",
        inspectors=[world.alpha_inspector],
        sites=[world.site_a],
        starts_on=date(2026, 12, 1),
        code="SUP",
    )
    done = plan_and_remind(_at(date(2026, 12, 30)))
    # December to February planned (35 days ahead: 3 February); December's reminder sent
    assert Inspection.objects.filter(programme=p).count() == 3
    assert done == 4
    assert plan_and_remind(_at(date(2026, 12, 30))) == 0
