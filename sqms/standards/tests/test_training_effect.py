"""Training records and their measured effect: the linked items' pass rate at the training's
sites before vs after (two-proportion z-test) and a linked category's complaint count (exact
conditional Poisson test), each p-value checked against scipy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from scipy import stats

from sqms.complaints.models import Category
from sqms.core.choices import Channel
from sqms.inspections.tests.factories import make_checklist, make_inspection
from sqms.standards import actions
from sqms.standards.effect import training_effect
from sqms.standards.models import Training
from sqms.standards.tests.data import WEB, complaint, make_standard

CLI = Channel.CLI
DAY = date(2026, 3, 15)


def at(d: date, hour: int = 2) -> datetime:
    return datetime(d.year, d.month, d.day, hour, 0, tzinfo=UTC)


@pytest.fixture
def standard(world):
    checklist = make_checklist()
    std = make_standard(world, world.qm)
    actions.do_add_link(
        std, {"template": checklist.template, "item_code": "A1"}, acting_user=world.qm, channel=WEB
    )
    # before (5–14 March): 2 of 5 pass; after (16–25 March): 9 of 10 pass
    for i, result in enumerate(["pass", "pass", "fail", "fail", "fail"]):
        make_inspection(
            world.site_a,
            checklist,
            {"A1": (result, None)},
            submitted_at=at(DAY - timedelta(days=1 + i)),
        )
    for i in range(10):
        make_inspection(
            world.site_a,
            checklist,
            {"A1": ("fail" if i == 0 else "pass", None)},
            submitted_at=at(DAY + timedelta(days=1 + i % 10)),
        )
    # the training day itself and site B count in neither window
    make_inspection(world.site_a, checklist, {"A1": ("fail", None)}, submitted_at=at(DAY))
    make_inspection(
        world.site_b, checklist, {"A1": ("fail", None)}, submitted_at=at(DAY + timedelta(days=2))
    )
    return std


def training(world, std, **data):
    return actions.do_create_training(
        {
            "standard": std,
            "course": "Greeting",
            "held_on": DAY,
            "trainer": "Ms Li",
            "sites": [world.site_a],
            "attendees": [world.alpha_agent],
            "window_days": 10,
            **data,
        },
        acting_user=world.alpha_manager,
        channel=WEB,
    )


def test_pass_rate_effect_matches_scipy(world, standard):
    t = training(world, standard)
    effect = training_effect(t, world.qm)
    assert (effect.before.events, effect.before.n) == (2, 5)
    assert (effect.after.events, effect.after.n) == (9, 10)
    assert (effect.before.date_from, effect.before.date_to) == (date(2026, 3, 5), date(2026, 3, 14))
    assert (effect.after.date_from, effect.after.date_to) == (date(2026, 3, 16), date(2026, 3, 25))
    chi2, p, _dof, _exp = stats.chi2_contingency([[2, 3], [9, 1]], correction=False)
    assert effect.test.pvalue == pytest.approx(p, rel=1e-9)
    assert effect.test.estimate == pytest.approx(0.9 - 0.4)


def test_complaint_count_effect_matches_scipy(world, standard):
    category = Category.objects.order_by("pk")[0]
    actions.do_add_link(standard, {"category": category}, acting_user=world.qm, channel=WEB)
    for i in range(6):
        complaint(world.site_a, at(DAY - timedelta(days=1 + i)), category)
    complaint(world.site_a, at(DAY + timedelta(days=3)), category)
    complaint(world.site_b, at(DAY + timedelta(days=3)), category)  # another site
    t = training(world, standard, effect_metric="complaints", effect_category=category)
    effect = training_effect(t, world.qm)
    assert (effect.before.events, effect.after.events) == (6, 1)
    assert effect.test.estimate == pytest.approx(1 / 6)
    assert effect.test.pvalue == pytest.approx(stats.binomtest(1, 7, 0.5).pvalue, rel=1e-9)


def test_training_guards(world, standard):
    category = Category.objects.order_by("pk")[0]
    with pytest.raises(ValidationError, match="not linked"):
        training(world, standard, effect_metric="complaints", effect_category=category)
    with pytest.raises(ValidationError, match="does not work"):
        training(world, standard, attendees=[world.bravo_manager])
    with pytest.raises(PermissionDenied):
        training(world, standard, sites=[world.site_b])  # outside the alpha manager's scope
    assert Training.objects.count() == 0


def test_training_page_is_scoped_and_shows_the_test(world, standard):
    t = training(world, standard)
    c = Client()
    c.force_login(world.alpha_manager)
    body = c.get(t.get_absolute_url()).content.decode()
    assert "two-proportion" in body and "9 / 10" in body
    c.force_login(world.bravo_manager)
    assert c.get(t.get_absolute_url()).status_code == 404
