"""How well a standard is kept, on a hand-made dataset: the linked checklist item's pass rate
over every checklist version (answered and applicable only) with its Wilson interval, the
complaints of a linked category and their rate per 1,000 transactions, and the SLA compliance
of complaints under a linked policy — each over the period and the reader's sites."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from sqms.complaints.actions import do_save_volume
from sqms.complaints.models import Category, SlaPolicy
from sqms.core.choices import Channel
from sqms.inspections import actions as insp
from sqms.inspections.tests.factories import make_checklist, make_inspection
from sqms.standards import actions
from sqms.standards.kept import kept_report
from sqms.standards.tests.data import WEB, complaint, make_standard, resolve

CLI = Channel.CLI
T = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def wilson(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


@pytest.fixture
def dataset(world):
    v1 = make_checklist()
    template = v1.template
    site_a, site_b = world.site_a, world.site_b
    make_inspection(site_a, v1, {"A1": ("pass", None)}, submitted_at=T)
    make_inspection(site_a, v1, {"A1": ("fail", None)}, submitted_at=T)
    make_inspection(site_a, v1, {"A1": ("na", None), "A2": ("fail", None)}, submitted_at=T)
    make_inspection(site_a, v1, {"A2": ("pass", None)}, submitted_at=T)  # A1 unanswered
    make_inspection(site_a, v1, {"A1": ("fail", None)}, submitted_at=T - timedelta(days=30))
    make_inspection(site_b, v1, {"A1": ("fail", None)}, submitted_at=T)
    v2 = insp.do_new_version(template, acting_user=None, channel=CLI)
    v2 = insp.do_publish_version(v2, acting_user=None, channel=CLI)
    for _ in range(2):
        make_inspection(site_a, v2, {"A1": ("pass", None)}, submitted_at=T)

    category = Category.objects.filter(parent__isnull=True).order_by("pk")[0]
    other = Category.objects.exclude(pk=category.pk).order_by("pk")[0]
    made = [complaint(site_a, T + timedelta(hours=h), category) for h in range(3)]
    made.append(complaint(site_b, T, category))
    complaint(site_a, T, other)
    complaint(site_a, T - timedelta(days=20), category)
    do_save_volume(
        {"site": site_a, "period": date(2026, 3, 1), "transactions": 2000},
        acting_user=None,
        channel=CLI,
    )
    policy = SlaPolicy.objects.get(code="STANDARD")
    assert all(c.policy_id == policy.pk for c in made)
    resolve(made[0], T + timedelta(hours=2))
    resolve(made[1], T + timedelta(hours=40))  # past the 24 h resolution target
    resolve(made[3], T + timedelta(hours=3))  # site B, in time
    standard = make_standard(world, world.qm)
    for data in (
        {"template": template, "item_code": "A1"},
        {"category": category},
        {"sla_policy": policy},
    ):
        actions.do_add_link(standard, data, acting_user=world.qm, channel=WEB)
    return standard


def test_quality_manager_sees_every_site(world, dataset):
    report = kept_report(dataset, world.qm, *MARCH)
    (items,) = report.items
    assert (items.n, items.passed) == (5, 3)  # v1 pass, fail; v2 pass, pass; site B fail
    lo, hi = wilson(3, 5)
    assert items.ci.proportion == pytest.approx(0.6)
    assert (items.ci.lo, items.ci.hi) == (pytest.approx(lo), pytest.approx(hi))
    (cat,) = report.categories
    assert (cat.complaints, cat.with_volume, cat.transactions) == (4, 3, 2000)
    assert cat.rate.rate == pytest.approx(1.5)  # 3 per 2,000 → 1.5 per 1,000
    (sla,) = report.sla
    assert (sla.resolved, sla.in_time) == (3, 2)
    assert sla.ci.proportion == pytest.approx(2 / 3)


def test_site_manager_sees_own_site_only(world, dataset):
    report = kept_report(dataset, world.alpha_manager, *MARCH)
    assert (report.items[0].n, report.items[0].passed) == (4, 3)
    lo, hi = wilson(3, 4)
    assert report.items[0].ci.lo == pytest.approx(lo)
    assert report.items[0].ci.hi == pytest.approx(hi)
    assert (report.categories[0].complaints, report.categories[0].with_volume) == (3, 3)
    assert (report.sla[0].resolved, report.sla[0].in_time) == (2, 1)


def test_period_and_site_narrow(world, dataset):
    feb = kept_report(dataset, world.qm, date(2026, 2, 1), date(2026, 2, 28))
    assert (feb.items[0].n, feb.items[0].passed) == (1, 0)
    assert feb.categories[0].complaints == 1 and feb.categories[0].rate is None
    only_b = kept_report(dataset, world.qm, *MARCH, site_ids=[world.site_b.pk])
    assert (only_b.items[0].n, only_b.categories[0].complaints) == (1, 1)
    assert (only_b.sla[0].resolved, only_b.sla[0].in_time) == (1, 1)


def test_page_and_api_show_the_numbers(world, dataset):
    c = Client()
    c.force_login(world.alpha_manager)
    url = reverse("standards:detail", args=[dataset.pk])
    page = c.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    body = page.content.decode()
    assert page.status_code == 200 and "STORE / A1" in body and "75.0" in body
    csv = c.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-31", "download": "kept-items"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "STORE / A1,4,3,75.0" in text
    from sqms.core.actions import do_create_api_token

    _t, token = do_create_api_token(
        world.alpha_manager, "t", acting_user=world.alpha_manager, channel=CLI
    )
    answer = c.get(
        f"/api/v1/standards/{dataset.pk}/kept",
        {"date_from": "2026-03-01", "date_to": "2026-03-31"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    assert answer["checklist_items"][0]["answers"] == 4
    assert answer["complaint_categories"][0]["rate_per_1000"]["rate"] == pytest.approx(1.5)
    assert answer["sla_policies"][0]["in_time"] == 1
    # the site codes come from the query string (repeatable), never from a GET body
    url = f"/api/v1/standards/{dataset.pk}/kept"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    own = c.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-31", "site": "ALPHA"}, **auth)
    assert own.json()["checklist_items"][0]["answers"] == 4
    other = c.get(url, {"date_from": "2026-03-01", "site": ["ALPHA", "BRAVO"]}, **auth)
    assert other.status_code == 422 and "BRAVO" in other.content.decode()
