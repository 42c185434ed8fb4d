"""The plan's numbers against an Erlang C staffing search written out in the test, the gap
with the roster, and a profile derived from complaint timestamps in Asia/Shanghai."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from sqms.analytics.queueing import erlang_c
from sqms.complaints.tests.sla_data import complaint
from sqms.improvement import actions
from sqms.improvement.capacity import build_plan, derive_arrivals, weekday_counts
from sqms.improvement.models import ArrivalProfile, ProfileSource, StaffRoster


def _need(arrivals: float, h: float, level: float, t: float) -> tuple[int, float, float]:
    """Fewest agents with 1 - C e^{-(c - A) t / h} >= level; their ASA and occupancy."""
    a = arrivals * h / 3600
    c = math.floor(a) + 1
    while True:
        pw = erlang_c(a, c)
        if 1 - pw * math.exp(-(c - a) * t / h) >= level:
            return c, pw / (c / h - arrivals / 3600), a / c
        c += 1


def test_plan_numbers_against_an_independent_search(world: Any) -> None:
    arrivals = [0.0] * 168
    arrivals[9], arrivals[10], arrivals[30] = 30.0, 60.0, 7.5
    profile = actions.do_save_profile(
        world.site_a,
        {"arrivals": arrivals, "handling_time": 240, "target_level": 80,
         "target_seconds": 60, "shrinkage": 25},
        acting_user=world.alpha_manager, channel="web",
    )  # fmt: skip
    plan = build_plan(profile, None)
    for i in (9, 10, 30):
        row = plan.rows[i]
        c, asa, occ = _need(arrivals[i], 240, 0.8, 60)
        assert (row.weekday, row.hour) == (i // 24, i % 24)
        assert row.needed == c
        assert row.to_roster == math.ceil(c / 0.75 - 1e-9)
        assert row.asa == pytest.approx(asa, rel=1e-9)
        assert row.occupancy == pytest.approx(occ, rel=1e-12)
        assert row.service_level >= 0.8
        assert row.rostered is None and row.gap is None
    # Monday 10:00: 60 arrivals x 240 s = 4 Erlangs -> 6 agents on duty, 8 to roster.
    assert (plan.rows[10].needed, plan.rows[10].to_roster) == (6, 8)
    quiet = plan.rows[0]
    assert (quiet.needed, quiet.to_roster, quiet.asa, quiet.service_level) == (0, 0, 0.0, 1.0)
    assert plan.staff_hours_needed == sum(r.to_roster for r in plan.rows)


def test_gap_and_service_level_with_the_roster(world: Any) -> None:
    arrivals = [0.0] * 168
    arrivals[9], arrivals[10] = 30.0, 60.0
    profile = actions.do_save_profile(
        world.site_a,
        {"arrivals": arrivals, "handling_time": 240, "target_level": 80, "target_seconds": 60},
        acting_user=world.alpha_manager, channel="web",
    )  # fmt: skip
    staff = [0] * 168
    staff[9], staff[10], staff[11] = 2, 9, 1
    roster = actions.do_save_roster(
        world.site_a, staff, acting_user=world.alpha_manager, channel="web"
    )
    plan = build_plan(profile, roster)
    need9, need10 = plan.rows[9].to_roster, plan.rows[10].to_roster  # 4 and 6
    assert plan.rows[9].gap == 2 - need9 < 0
    assert plan.rows[10].gap == 9 - need10 > 0
    assert plan.rows[11].gap == 1  # nobody arrives, one rostered
    assert (plan.hours_under, plan.hours_over) == (1, 2)
    # 2 agents for 2 Erlangs: overloaded; 9 agents for 4 Erlangs meet the target easily.
    assert plan.rows[9].roster_service_level is None
    pw = erlang_c(4.0, 9)
    assert plan.rows[10].roster_service_level == pytest.approx(
        1 - pw * math.exp(-(9 - 4) * 60 / 240), rel=1e-12
    )
    assert plan.staff_hours_rostered == 12


def test_bad_values_are_refused_with_the_field(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_save_profile(
            world.site_a, {"arrivals": [1.0] * 167}, acting_user=world.qm, channel="web"
        )
    assert "168" in str(exc.value.message_dict["arrivals"])
    with pytest.raises(ValidationError) as exc:
        actions.do_save_roster(world.site_a, [1] * 100 + [-1] + [1] * 67, acting_user=world.qm,
                               channel="web")  # fmt: skip
    assert "Day 5, hour 4" in str(exc.value.message_dict["staff"])
    with pytest.raises(ValidationError) as exc:
        actions.do_save_profile(world.site_a, {"target_level": 100}, acting_user=world.qm,
                                channel="web")  # fmt: skip
    assert "target_level" in exc.value.message_dict
    assert not ArrivalProfile.objects.exists() and not StaffRoster.objects.exists()


def test_weekday_counts() -> None:
    assert weekday_counts(date(2026, 3, 2), date(2026, 3, 15)) == [2] * 7
    assert weekday_counts(date(2026, 3, 4), date(2026, 3, 10)) == [1] * 7
    assert weekday_counts(date(2026, 3, 7), date(2026, 3, 9)) == [1, 0, 0, 0, 0, 1, 1]


def test_profile_derived_from_complaints_in_shanghai_time(world: Any) -> None:
    assert world.site_a.time_zone == "Asia/Shanghai"  # UTC+8 all year (no DST)
    utc = [
        datetime(2026, 3, 2, 1, 30, tzinfo=UTC),  # Mon 2 Mar 09:30 local
        datetime(2026, 3, 9, 1, 10, tzinfo=UTC),  # Mon 9 Mar 09:10
        datetime(2026, 3, 9, 1, 50, tzinfo=UTC),  # Mon 9 Mar 09:50
        datetime(2026, 3, 2, 16, 30, tzinfo=UTC),  # Tue 3 Mar 00:30 (Monday in UTC)
        datetime(2026, 3, 15, 15, 30, tzinfo=UTC),  # Sun 15 Mar 23:30
        datetime(2026, 3, 15, 16, 10, tzinfo=UTC),  # Mon 16 Mar 00:10: after the range
        datetime(2026, 3, 1, 15, 59, tzinfo=UTC),  # Sun 1 Mar 23:59: before the range
    ]
    for at in utc:
        complaint(world, at=at)
    complaint(world, at=datetime(2026, 3, 3, 2, 0, tzinfo=UTC), site=world.site_b)
    values, total = derive_arrivals(world.site_a, "complaints", date(2026, 3, 2), date(2026, 3, 15))
    assert total == 5
    expected = [0.0] * 168
    expected[9] = 1.5  # three Monday-09 arrivals over two Mondays
    expected[24 + 0] = 0.5
    expected[6 * 24 + 23] = 0.5
    assert values == expected
    profile = actions.do_derive_profile(
        world.site_a, "complaints", date(2026, 3, 2), date(2026, 3, 15),
        acting_user=world.alpha_manager, channel="web",
    )  # fmt: skip
    assert profile.arrivals == expected and profile.source == ProfileSource.COMPLAINTS
    assert (profile.derived_from, profile.derived_to) == (date(2026, 3, 2), date(2026, 3, 15))


def test_derive_with_no_data_changes_nothing(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_derive_profile(
            world.site_a, "surveys", date(2026, 3, 2), date(2026, 3, 15),
            acting_user=world.alpha_manager, channel="web",
        )  # fmt: skip
    assert "No timestamps" in str(exc.value.message_dict["date_from"])
    assert not ArrivalProfile.objects.exists()


def test_outsiders_may_not_write(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.do_save_roster(world.site_a, [1] * 168, acting_user=world.bravo_manager,
                               channel="web")  # fmt: skip
    with pytest.raises(PermissionDenied):
        actions.do_save_profile(world.site_a, {"arrivals": [1.0] * 168},
                                acting_user=world.alpha_agent, channel="web")  # fmt: skip
    assert not StaffRoster.objects.exists() and not ArrivalProfile.objects.exists()
