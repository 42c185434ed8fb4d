"""CAPA analytics: the figures by hand for a small known set of nonconformities."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sqms.analytics.metrics import proportion_ci
from sqms.capa import actions
from sqms.capa.reports.analytics import CapaFilters, capa_analytics, find_recurrences
from sqms.capa.tests.capa_data import CLI, add_action, make_nc, step, to_action_plan

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 30)


def at(y, m, d=10):
    return dt.datetime(y, m, d, 4, 0, tzinfo=dt.UTC)


def closed_nc(
    world, raised, due, closed, *, effective=True, cause=None, site=None, origin="manual"
):
    nc = make_nc(
        site or world.site_a, f"NC {raised:%Y-%m}", now=raised, due_date=due, origin=origin
    )
    step(nc, "analyse")
    actions.do_add_why_step(
        nc, {"answer": "root", "is_root": True, "cause": cause}, acting_user=None, channel=CLI
    )
    step(nc, "plan")
    a = add_action(nc, due=due)
    step(nc, "start")
    actions.do_complete_action(
        a, "", acting_user=None, channel=CLI, now=closed - dt.timedelta(days=1)
    )
    step(nc, "verify")
    actions.do_propose_verification(
        nc, "manual", {"before": 1, "after": 2}, acting_user=None, channel=CLI, now=closed
    )
    nc.refresh_from_db()
    if not effective:
        actions.do_confirm_verification(
            nc,
            "not_effective",
            "again",
            expected_version=nc.version,
            acting_user=world.qm,
            channel=CLI,
            now=closed,
        )
        return nc
    return actions.do_confirm_verification(
        nc, "effective", expected_version=nc.version, acting_user=world.qm, channel=CLI, now=closed
    )


def test_figures(world, client_for):
    cause = actions.do_create_cause(
        {"code": "NO_SOP", "name": "无SOP", "category": "method"}, acting_user=None, channel=CLI
    )
    other = actions.do_create_cause(
        {"code": "TRAIN", "name": "培训", "category": "people"}, acting_user=None, channel=CLI
    )
    # closed: on time, late, and one reopened (not effective) then open again
    closed_nc(world, at(2024, 1), dt.date(2024, 3, 1), at(2024, 2), cause=cause.pk)
    closed_nc(
        world, at(2026, 1), dt.date(2026, 3, 1), at(2026, 2), cause=cause.pk
    )  # recurrence? 24 months later: no (12)
    closed_nc(
        world, at(2026, 4), dt.date(2026, 4, 20), at(2026, 5), cause=cause.pk
    )  # late; recurrence of Jan 2026
    closed_nc(
        world, at(2026, 5), dt.date(2026, 6, 1), at(2026, 5, 20), cause=cause.pk, site=world.site_b
    )  # other site
    reopened = closed_nc(
        world, at(2026, 2), dt.date(2026, 3, 1), at(2026, 3), effective=False, cause=other.pk
    )
    # open ones of various ages
    make_nc(world.site_a, "fresh", now=at(2026, 6, 20), severity="minor")  # 10 days
    late = make_nc(world.site_b, "old", now=at(2025, 11, 1), origin="kpi_alarm")  # 241 days
    to_action_plan(late)
    add_action(late, due=dt.date(2026, 6, 1))  # overdue
    add_action(late, due=dt.date(2026, 7, 15))  # not yet

    r = capa_analytics(world.qm, CapaFilters(months=12), today=TODAY)
    assert r.open_total == 3  # reopened, fresh, old
    assert dict(r.by_age) == {"0–30": 1, "31–90": 0, "91–180": 1, "> 180": 1}
    assert {v: n for v, _l, n in r.by_severity} == {"major": 2, "minor": 1}
    assert {v: n for v, _l, n in r.by_origin}["kpi_alarm"] == 1
    assert dict(r.by_site) == {"ALPHA": 2, "BRAVO": 1}
    assert r.overdue_actions == 1
    # closed by due date: 2024 yes, Jan 2026 yes, Apr 2026 no (May 10 > Apr 20), BRAVO yes
    assert (r.on_time_closure.k, r.on_time_closure.n) == (3, 4)
    ci = proportion_ci(3, 4)
    assert (r.on_time_closure.lo, r.on_time_closure.hi) == (
        pytest.approx(ci.lo),
        pytest.approx(ci.hi),
    )
    assert (r.effectiveness.k, r.effectiveness.n) == (4, 5)
    assert (r.first_time_effective.k, r.first_time_effective.n) == (4, 4)
    assert [x.reference for x in r.recurrences] == [f"NC-{reopened.pk - 2:06d}"]
    assert (
        r.recurrences[0].previous == f"NC-{reopened.pk - 3:06d}"
        and r.recurrences[0].site == "ALPHA"
    )
    assert (r.recurrence_rate.k, r.recurrence_rate.n) == (1, 5)
    wide = capa_analytics(world.qm, CapaFilters(months=36), today=TODAY)
    assert len(wide.recurrences) == 2
    assert r.months[0] == "2024-01" and r.months[-1] == "2026-06"
    assert sum(r.sources["manual"]) == 6 and sum(r.sources["kpi_alarm"]) == 1
    # a site manager sees only their site
    mine = capa_analytics(world.alpha_manager, CapaFilters(), today=TODAY)
    assert dict(mine.by_site) == {"ALPHA": 2} and mine.overdue_actions == 0
    page = client_for(world.alpha_manager).get(reverse("capa:analytics") + "?months=24")
    assert page.status_code == 200 and "Recurrences" in page.content.decode()
    csv = client_for(world.qm).get(reverse("capa:analytics") + "?download=rates")
    assert b"Verifications confirmed effective" in b"".join(csv.streaming_content)


def test_find_recurrences_rule():
    t = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows = [
        (1, 10, 7, t),
        (2, 10, 7, t + dt.timedelta(days=100)),
        (3, 10, 7, t + dt.timedelta(days=500)),  # 400 days after #2: outside 12 months
        (4, 11, 7, t + dt.timedelta(days=50)),  # another site
        (5, 10, 8, t + dt.timedelta(days=60)),  # another cause
        (6, None, 7, t + dt.timedelta(days=10)),  # chain-wide: no site, never a recurrence
        (2, 10, 8, t + dt.timedelta(days=100)),  # #2 also has cause 8: recurrence of #5 (later)
    ]
    assert find_recurrences(rows, 12) == [(2, 5, 8)]
    assert find_recurrences(rows, 24) == [(2, 5, 8), (3, 2, 7)]
