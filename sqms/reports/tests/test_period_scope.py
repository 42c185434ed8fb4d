"""Reading the period and the scope: clear errors, and a scope outside the user's sites is
refused (page and API: 404; CLI: an error)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.reports.period import ReviewInputError, ScopeRefused, parse_period, parse_scope
from sqms.reports.review_data import gather
from sqms.test import PASSWORD


@pytest.mark.parametrize(
    ("text", "first", "last", "previous"),
    [
        ("2026Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 1), "2026Q2"),
        ("2026-q1", dt.date(2026, 1, 1), dt.date(2026, 3, 1), "2025Q4"),
        ("2026-07", dt.date(2026, 7, 1), dt.date(2026, 7, 1), "2026-06"),
        ("2026-1", dt.date(2026, 1, 1), dt.date(2026, 1, 1), "2025-12"),
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 1), "2025"),
    ],
)
def test_periods(text: str, first: dt.date, last: dt.date, previous: str) -> None:
    p = parse_period(text)
    assert (p.first, p.last, p.previous().label) == (first, last, previous)
    assert p.end == (
        dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1) - dt.timedelta(days=1)
    )


@pytest.mark.parametrize(
    "text", ["", "26Q3", "2026Q5", "2026-13", "2026-00", "Q3 2026", "2026-07-01"]
)
def test_bad_periods(text: str) -> None:
    with pytest.raises(ReviewInputError) as exc:
        parse_period(text)
    assert str(exc.value).startswith("period:")


def test_scopes(world: Any) -> None:
    assert parse_scope("org", world.qm).level == "organization"
    assert parse_scope("ra", world.qm).region_id == world.region_a.pk
    s = parse_scope("ALPHA", world.alpha_manager)
    assert (s.level, s.site_id, s.site_ids) == ("site", world.site_a.pk, (world.site_a.pk,))
    assert parse_scope("RA", world.alpha_manager).level == "region"  # all of RA's sites are his
    with pytest.raises(ReviewInputError, match="scope: no region or site"):
        parse_scope("NOPE", world.qm)
    for code in ("ALPHA", "RA", "ORG"):
        with pytest.raises(ScopeRefused):
            parse_scope(code, world.bravo_manager)
    with pytest.raises(ScopeRefused):
        parse_scope("BRAVO", world.roleless)


def test_refused_on_page_and_api(world: Any) -> None:
    web = Client()
    web.login(username="bravo_manager", password=PASSWORD)
    url = "/reports/management-review/"
    assert web.get(url, {"period": "2026Q1", "scope": "ALPHA"}).status_code == 404
    assert web.get(url, {"period": "2026Q1", "scope": "ALPHA", "format": "pdf"}).status_code == 404
    assert web.get(url, {"period": "2026Q1", "scope": "BRAVO"}).status_code == 200
    bad = web.get(url, {"period": "2026Q9", "scope": "BRAVO"})
    assert bad.status_code == 400 and "period:" in bad.content.decode()
    web.logout()
    web.login(username="qm", password=PASSWORD)
    assert web.get(url, {"period": "2026Q1", "scope": "ALPHA"}).status_code == 200
    _t, raw = core_actions.do_create_api_token(
        world.bravo_manager, "t", acting_user=world.bravo_manager, channel=Channel.CLI
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    api = "/api/v1/reports/management-review"
    assert Client().get(api, {"period": "2026Q1", "scope": "ALPHA"}, **auth).status_code == 404
    assert Client().get(api, {"period": "2026Q1", "scope": "BRAVO"}, **auth).status_code == 200
    bad = Client().get(api, {"period": "2026-13", "scope": "BRAVO"}, **auth)
    assert bad.status_code == 422 and "period:" in bad.content.decode()


def test_cli_errors(world: Any, tmp_path: Any) -> None:
    out = tmp_path / "r.pdf"
    with pytest.raises(CommandError, match="period:"):
        call_command("report", "management-review", "--period", "2026Q9", "--output", str(out))
    with pytest.raises(CommandError, match="scope:"):
        call_command(
            "report",
            "management-review",
            "--period",
            "2026Q1",
            "--scope",
            "ZZZ",
            "--output",
            str(out),
        )
    with pytest.raises(CommandError, match="scope:"):
        call_command(
            "report",
            "management-review",
            "--period",
            "2026Q1",
            "--scope",
            "ALPHA",
            "--user",
            "bravo_manager",
            "--output",
            str(out),
        )
    assert not out.exists()


def test_gather_refuses_other_site(world: Any) -> None:
    with pytest.raises(ScopeRefused):
        gather("2026Q1", "ALPHA", world.bravo_manager)


def test_page_defaults_to_the_users_site(world: Any) -> None:
    web = Client()
    web.login(username="bravo_manager", password=PASSWORD)
    page = web.get("/reports/management-review/", {"period": "2026Q1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "BRAVO-SECRET" in body and "ALPHA-SECRET" not in body
