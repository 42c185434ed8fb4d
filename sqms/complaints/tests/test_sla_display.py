"""The clock partial's rows (target, elapsed, left / overdue, local due time, state, pauses)
and the list badge."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from sqms.complaints import actions
from sqms.complaints.clock_display import clock_context, clock_rows, due_badge, duration
from sqms.complaints.tests.sla_data import CLI, T0, check, complaint, fresh, hours

pytestmark = pytest.mark.django_db


def test_duration_reads() -> None:
    assert [duration(hours(h)) for h in (2.25, 3, 0.75, -1.0833333)] == [
        "2 h 15 min",
        "3 h",
        "45 min",
        "1 h 5 min",
    ]


def test_rows_states_and_pauses(world: Any) -> None:
    c = complaint(world)  # site A: Asia/Shanghai, 24×7 (no calendar)
    rows = clock_rows(fresh(c), T0 + hours(1.75))
    assert [(r["key"], r["state"], r["left"]) for r in rows] == [
        ("response", "running", "2 h 15 min left"),
        ("resolution", "running", "22 h 15 min left"),
    ]
    assert rows[0]["target"] == "4 h" and rows[0]["elapsed"] == "1 h 45 min"
    assert rows[0]["due_at"].strftime("%Y-%m-%d %H:%M %Z") == "2026-03-02 13:00 CST"
    check(T0 + hours(4))
    rows = clock_rows(fresh(c), T0 + hours(5.0833333))
    assert [(r["key"], r["state"]) for r in rows] == [
        ("response", "breached"),
        ("resolution", "running"),
        ("escalation", "running"),
    ]
    assert rows[0]["left"] == "overdue by 1 h 5 min"
    assert rows[2]["label"] == "Escalation level target (Site manager)"
    c = actions.do_transition(
        fresh(c),
        "acknowledge",
        expected_version=None,
        acting_user=world.qm,
        channel=CLI,
        now=T0 + hours(6),
    )
    c = actions.do_transition(
        c,
        "wait_customer",
        expected_version=None,
        acting_user=world.qm,
        channel=CLI,
        now=T0 + hours(7),
    )
    ctx = clock_context(fresh(c), T0 + hours(9))
    states = {r["key"]: (r["state"], r["left"]) for r in ctx["clock_rows"]}
    assert states["response"] == ("breached", "met late, by 2 h")
    assert states["resolution"][0] == "paused" and states["update"][0] == "paused"
    assert [(p["start"].strftime("%H:%M"), p["end"]) for p in ctx["clock_paused"]] == [
        ("16:00", None)
    ]
    html = render_to_string("complaints/_clocks.html", ctx)
    assert "met late, by 2 h" in html and "still paused" in html and "Site manager" in html
    badge = due_badge(fresh(c), T0 + hours(9))
    assert badge == {"state": "paused", "text": "paused", "due_at": None}


def test_badge_from_the_cached_columns(world: Any) -> None:
    c = fresh(complaint(world))
    assert due_badge(c, T0 + hours(1))["text"] == "due 03-02 13:00"
    assert due_badge(c, T0 + hours(1))["state"] == "running"
    check(T0 + hours(3.5))
    c = fresh(c)
    assert due_badge(c, T0 + hours(3.5))["state"] == "warning"
    assert due_badge(c, T0 + hours(4))["text"] == "overdue since 03-02 13:00"
    out = Template("{% load complaints_sla %}{% due_badge c now %}").render(
        Context({"c": c, "now": T0 + hours(4)})
    )
    assert 'class="badge sla-breached"' in out and "overdue since" in out


def test_calendar_error_shows(world: Any) -> None:
    from sqms.calendars import actions as cal_actions
    from sqms.calendars.lookup import clear_cache

    clear_cache()
    cal = cal_actions.do_create_calendar(
        {"code": "CN", "name": "cn", "holiday_source": "cn", "is_default": True},
        acting_user=None,
        channel=CLI,
    )
    c = fresh(complaint(world))
    ctx = clock_context(c, T0 + hours(1))
    assert ctx["clock_rows"] == [] and "2026 are not loaded" in ctx["clock_error"]
    assert "The clocks cannot be computed" in render_to_string("complaints/_clocks.html", ctx)
    clear_cache()
    assert cal.pk
