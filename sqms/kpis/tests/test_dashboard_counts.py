"""The dashboard's operational counts: open and overdue complaints, open and major
nonconformities, overdue CAPA actions, inspections due within a week and overdue — exact for a
quality manager, a region manager and a site manager (who never counts another site's
records, even one in their own region), each card linking to its list filtered to the same
rows, the API's ``counts``, and four queries whatever the number of sites."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sqms.capa import actions as capa_actions
from sqms.capa.tests.capa_data import add_action, make_nc, step, to_action_plan
from sqms.complaints import actions as complaint_actions
from sqms.complaints.tests.sla_data import complaint
from sqms.core import actions as core_actions
from sqms.core.choices import Channel, Role
from sqms.inspections import actions as inspection_actions
from sqms.inspections.tests.factories import make_checklist
from sqms.kpis.actions.common import ORG, Unit
from sqms.kpis.dashboard_counts import counts
from sqms.test import World, make_user

CLI = Channel.CLI
FIELDS = (
    "open_complaints",
    "overdue_complaints",
    "open_nonconformities",
    "major_nonconformities",
    "overdue_actions",
    "inspections_due",
    "inspections_overdue",
)


@dataclass
class Org:
    world: World
    site_a2: Any  # a second site of region A
    region_manager: Any


def _complaints(world: World, site: Any, late: int, fresh: int) -> None:
    now = timezone.now()
    for _ in range(late):  # received 30 days ago: both deadlines are long past
        complaint(world, site=site, at=now - dt.timedelta(days=30))
    for _ in range(fresh):
        complaint(world, site=site, at=now)


def _inspection(site: Any, checklist: Any, due_in: int) -> None:
    inspection_actions.do_create_inspection(
        {
            "site": site,
            "checklist": checklist,
            "due_on": timezone.localdate() + dt.timedelta(days=due_in),
        },
        acting_user=None,
        channel=CLI,
        start=False,
    )


def _ncs(site: Any, major: int, minor: int, *, cancelled: int = 0, late_actions: int = 0) -> None:
    for _ in range(major):
        make_nc(site, severity="major")
    for _ in range(minor):
        make_nc(site, severity="minor")
    for _ in range(cancelled):
        step(make_nc(site, severity="major"), "cancel", reason="duplicate")
    if late_actions:
        nc = make_nc(site, severity="minor")
        to_action_plan(nc)
        for _ in range(late_actions):
            add_action(nc, dt.date(2026, 3, 20))  # long before today
        add_action(nc, timezone.localdate() + dt.timedelta(days=10))  # not yet due
        done = add_action(nc, dt.date(2026, 3, 21))
        capa_actions.do_complete_action(done, "done", acting_user=None, channel=CLI)


@pytest.fixture
def org(world: World) -> Org:
    site_a2 = core_actions.do_create_site(
        {"region": world.region_a, "code": "ALPHA2", "name": "Alpha two", "city": "上海"},
        acting_user=None,
        channel=CLI,
    )
    # complaints: A 2 late + 1 fresh, A2 1 late + 2 fresh, B 4 late + 1 fresh
    _complaints(world, world.site_a, 2, 1)
    _complaints(world, site_a2, 1, 2)
    _complaints(world, world.site_b, 4, 1)
    complaint_actions.do_check_clocks(timezone.now())
    # nonconformities (open / of them major): A 3/2 (+1 cancelled), A2 2/1, B 1/0
    _ncs(world.site_a, 2, 0, cancelled=1, late_actions=2)
    _ncs(site_a2, 1, 0, late_actions=1)
    _ncs(world.site_b, 0, 0, late_actions=3)
    # inspections (due within 7 days / overdue): A 2/1, A2 1/0, B 1/2; each has one not due
    checklist = make_checklist()
    for site, due, late in ((world.site_a, 2, 1), (site_a2, 1, 0), (world.site_b, 1, 2)):
        for days in [0, 7][:due]:
            _inspection(site, checklist, days)
        for _ in range(late):
            _inspection(site, checklist, -3)
        _inspection(site, checklist, 8)
    return Org(world, site_a2, make_user("reg_a", Role.REGION_MANAGER, regions=[world.region_a]))


def _figures(user: Any, unit: Unit) -> tuple[int, ...]:
    c = counts(user, unit)
    return tuple(getattr(c, f) for f in FIELDS)


def test_exact_counts_per_persona(org: Org) -> None:
    w = org.world
    a, a2, b = w.site_a, org.site_a2, w.site_b
    # open, overdue, NCs, major, late actions, inspections due, overdue inspections
    assert _figures(w.qm, ORG) == (11, 7, 6, 3, 6, 4, 3)
    assert _figures(w.qm, Unit("site", site_id=b.pk)) == (5, 4, 1, 0, 3, 1, 2)
    assert _figures(w.qm, Unit("region", region_id=w.region_a.pk)) == (6, 3, 5, 3, 3, 3, 1)
    # the region manager: region A (site A + A2) whichever unit of theirs they look at
    reg = org.region_manager
    assert _figures(reg, Unit("region", region_id=w.region_a.pk)) == (6, 3, 5, 3, 3, 3, 1)
    assert _figures(reg, Unit("site", site_id=a2.pk)) == (3, 1, 2, 1, 1, 1, 0)
    assert _figures(reg, ORG) == (6, 3, 5, 3, 3, 3, 1)  # never site B's
    # the site manager of A: site A only, not A2 of the same region, not B
    mgr = w.alpha_manager
    assert _figures(mgr, Unit("site", site_id=a.pk)) == (3, 2, 3, 2, 2, 2, 1)
    assert _figures(mgr, Unit("region", region_id=w.region_a.pk)) == (3, 2, 3, 2, 2, 2, 1)
    assert _figures(mgr, ORG) == (3, 2, 3, 2, 2, 2, 1)


def _cards(body: str) -> dict[str, tuple[int, str]]:
    found = re.findall(r'id="count-(\w+)"><a href="([^"]+)"><span class="value">(\d+)</span>', body)
    return {key: (int(value), unescape(url)) for key, url, value in found}


def _rows(client: Any, url: str) -> int:
    body = client.get(url).content.decode()
    return len(re.findall(r"<tr>\s*<td>", body))


def test_page_cards_link_to_the_same_rows(org: Org, client_for: Any) -> None:
    w = org.world
    c = client_for(org.region_manager)
    page = c.get(reverse("kpis:dashboard"))  # default unit: region A
    assert page.status_code == 200
    cards = _cards(page.content.decode())
    assert {k: v for k, (v, _u) in cards.items()} == {
        "open_complaints": 6,
        "overdue_complaints": 3,
        "open_nonconformities": 5,
        "major_nonconformities": 3,
        "overdue_actions": 3,
        "inspections_due": 3,
        "inspections_overdue": 1,
    }
    region = f"region={w.region_a.pk}"
    assert cards["overdue_complaints"][1] == f"{reverse('complaints:list')}?view=overdue&{region}"
    assert cards["major_nonconformities"][1] == (
        f"{reverse('capa:list')}?view=open&severity=major&{region}"
    )
    assert cards["inspections_due"][1] == (
        f"{reverse('inspections:upcoming')}?overdue=0&due_within=7&{region}"
    )
    for key, (value, url) in cards.items():
        assert _rows(c, url) == value, key
    # "due within" alone counts from today on: the overdue ones are not in it
    assert _rows(c, f"{reverse('inspections:upcoming')}?due_within=7&{region}") == 3
    assert _rows(c, f"{reverse('inspections:upcoming')}?due_within=30&{region}") == 5


def test_site_manager_page_and_zero_state(org: Org, client_for: Any) -> None:
    w = org.world
    body = client_for(w.alpha_manager).get(reverse("kpis:dashboard")).content.decode()
    cards = _cards(body)
    assert cards["open_complaints"] == (
        3,
        f"{reverse('complaints:list')}?view=open&site={w.site_a.pk}",
    )
    assert "Nothing open or overdue here" not in body
    site = core_actions.do_create_site(
        {"region": w.region_b, "code": "QUIET", "name": "Quiet", "city": "x"},
        acting_user=None,
        channel=CLI,
    )
    quiet = make_user("quiet", Role.SITE_MANAGER, sites=[site])
    body = client_for(quiet).get(reverse("kpis:dashboard")).content.decode()
    assert {v for v, _u in _cards(body).values()} == {0}
    assert 'class="count zero"' in body and "Nothing open or overdue here" in body


def test_api_counts(org: Org, client_for: Any) -> None:
    w = org.world
    _t, raw = core_actions.do_create_api_token(
        w.alpha_manager, "t", acting_user=w.alpha_manager, channel=CLI
    )
    hdr = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = client_for(w.alpha_manager).get("/api/v1/kpis/dashboard", **hdr)
    assert r.status_code == 200, r.content
    got = r.json()["counts"]
    assert tuple(got[f] for f in FIELDS) == (3, 2, 3, 2, 2, 2, 1)
    assert got["links"]["overdue_actions"] == (
        f"{reverse('capa:actions')}?view=overdue&site={w.site_a.pk}"
    )


def _queries(user: Any, unit: Unit) -> int:
    with CaptureQueriesContext(connection) as ctx:
        counts(user, unit)
    return len(ctx.captured_queries)


def test_four_queries_whatever_the_sites(org: Org) -> None:
    w = org.world
    region = Unit("region", region_id=w.region_a.pk)
    reg = org.region_manager
    counts(reg, region)  # the scope is read once per request and kept on the user
    assert _queries(w.qm, ORG) == 4
    assert _queries(reg, region) == 4
    checklist = make_checklist("MORE")
    for i in range(6):
        site = core_actions.do_create_site(
            {"region": w.region_a, "code": f"S{i}", "name": f"Site {i}", "city": "x"},
            acting_user=None,
            channel=CLI,
        )
        _complaints(w, site, 1, 1)
        _ncs(site, 1, 1, late_actions=1)
        _inspection(site, checklist, 1)
    reg = make_user("reg_more", Role.REGION_MANAGER, regions=[w.region_a])
    counts(reg, region)
    assert _queries(w.qm, ORG) == 4
    assert _queries(reg, region) == 4
    assert counts(w.qm, ORG).open_nonconformities == 6 + 6 * 3
