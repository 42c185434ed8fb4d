"""The pure planning arithmetic: periods per frequency across year and ISO-week boundaries,
labels, and the inspector rotation."""

from __future__ import annotations

from datetime import date

import pytest

from sqms.inspections import planning
from sqms.inspections.planning import Period, PlanningError


def test_weekly_periods_are_iso_weeks_starting_monday_across_the_year_end() -> None:
    spans = planning.periods("weekly", date(2026, 12, 24), date(2027, 1, 5))
    assert [(p.start, p.end) for p in spans] == [
        (date(2026, 12, 21), date(2026, 12, 27)),
        (date(2026, 12, 28), date(2027, 1, 3)),
        (date(2027, 1, 4), date(2027, 1, 10)),
    ]
    # 2026-12-28 is a Monday in ISO week 53 of 2026; the week after is week 1 of 2027
    assert [planning.label("weekly", p) for p in spans] == ["2026-W52", "2026-W53", "2027-W01"]
    assert spans[1].due == date(2027, 1, 3)


def test_iso_week_one_may_start_in_the_previous_year() -> None:
    period = planning.period_of("weekly", date(2025, 1, 1))
    assert period == Period(date(2024, 12, 30), date(2025, 1, 5))
    assert planning.label("weekly", period) == "2025-W01"


def test_monthly_periods_end_on_the_last_day_leap_years_included() -> None:
    spans = planning.periods("monthly", date(2027, 12, 15), date(2028, 3, 1))
    assert [(p.start, p.due) for p in spans] == [
        (date(2027, 12, 1), date(2027, 12, 31)),
        (date(2028, 1, 1), date(2028, 1, 31)),
        (date(2028, 2, 1), date(2028, 2, 29)),
        (date(2028, 3, 1), date(2028, 3, 31)),
    ]
    assert planning.label("monthly", spans[2]) == "2028-02"


def test_quarterly_and_yearly_periods() -> None:
    spans = planning.periods("quarterly", date(2026, 11, 30), date(2027, 4, 1))
    assert [(p.start, p.due) for p in spans] == [
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 6, 30)),
    ]
    assert [planning.label("quarterly", p) for p in spans] == ["2026-Q4", "2027-Q1", "2027-Q2"]
    years = planning.periods("yearly", date(2026, 6, 1), date(2027, 1, 1))
    assert [(p.start, p.due) for p in years] == [
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 12, 31)),
    ]
    assert planning.label("yearly", years[0]) == "2026"


def test_empty_range_and_bad_frequency() -> None:
    assert planning.periods("monthly", date(2026, 5, 1), date(2026, 4, 30)) == []
    assert len(planning.periods("weekly", date(2026, 1, 1), date(2026, 12, 31))) == 53
    with pytest.raises(PlanningError, match="frequency"):
        planning.periods("daily", date(2026, 1, 1), date(2026, 2, 1))


def test_rotation_never_sends_the_same_inspector_twice_in_a_row() -> None:
    visits = planning.rotation(["li", "wang"], [], 8)
    assert visits == ["li", "wang"] * 4
    assert all(a != b for a, b in zip(visits, visits[1:], strict=False))
    # carries on from the site's history: the last visitor is not sent back
    assert planning.rotation(["li", "wang"], ["li", "wang", "wang"], 2) == ["li", "wang"]


def test_rotation_is_round_robin_and_sites_start_at_different_inspectors() -> None:
    people = ["a", "b", "c"]
    assert planning.rotation(people, [], 6) == ["a", "b", "c", "a", "b", "c"]
    assert planning.rotation(people, [], 3, offset=1) == ["b", "c", "a"]
    # a new inspector (never at this site) goes next, but never the last visitor
    assert planning.next_inspector(["a", "b", "d"], ["a", "b"]) == "d"
    assert planning.next_inspector(["b", "a"], ["a", "b"]) == "a"


def test_rotation_with_one_inspector_repeats_and_none_is_an_error() -> None:
    assert planning.rotation(["solo"], ["solo"], 2) == ["solo", "solo"]
    with pytest.raises(PlanningError, match="inspectors"):
        planning.next_inspector([], [])
