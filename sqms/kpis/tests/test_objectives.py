"""Quality objectives: the status rule on hand-made series, the organization → region →
site cascade, reviews storing the judged status, and scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.kpis import actions
from sqms.kpis.choices import Level
from sqms.kpis.models import Kpi, Objective, ObjectiveReview
from sqms.kpis.objective_status import judge_objective
from sqms.kpis.objectives import status_of
from sqms.kpis.tests.conftest import make_kpi, month

CLI = Channel.CLI


def j(values: list[float], *, left: int = 3, adverse: bool = False, higher: bool = True) -> str:
    return judge_objective(
        values,
        target=10.0,
        higher_is_better=higher,
        periods_to_deadline=left,
        adverse_signal=adverse,
    ).status


def test_status_rule() -> None:
    assert j([]) == "no_data"
    assert j([8, 9, 11]) == "on_track"
    assert j([8, 9, 11], adverse=True) == "at_risk"  # met, but the chart signals the wrong way
    # 7, 8, 9: slope 1 per period, 9 + 1·3 = 12 ≥ 10 by the deadline
    r = judge_objective([7, 8, 9], target=10, higher_is_better=True, periods_to_deadline=3)
    assert (r.status, r.slope, r.projected) == ("at_risk", pytest.approx(1.0), pytest.approx(12.0))
    assert j([9, 8, 7]) == "off_track"
    assert j([9.5]) == "off_track"  # too few values for a trend
    assert j([12, 11], left=0) == "achieved"
    assert j([8, 9], left=-1) == "missed"
    assert j([12, 11, 9], higher=False) == "on_track"


@pytest.fixture
def wait(world: Any) -> Any:
    kpi = make_kpi("FCR", nature="measurement", direction="higher")
    rows = [actions.EnteredValue(world.site_a, month(i + 1), v) for i, v in enumerate([7, 8, 9])]
    rows += [actions.EnteredValue(world.site_b, month(i + 1), v) for i, v in enumerate([9, 8, 7])]
    actions.do_enter_values(kpi, rows, acting_user=None, channel=CLI)
    return kpi


def objective(kpi: Any, level: str, *, parent: Any = None, user: Any = None, **unit: Any) -> Any:
    data = {
        "title": f"{level} goal",
        "kpi": kpi,
        "level": level,
        "target": 10.0,
        "deadline": dt.date(2025, 6, 30),
        "parent": parent,
        **unit,
    }
    return actions.do_create_objective(data, acting_user=user, channel=CLI)


def test_cascade(world: Any, wait: Any) -> None:
    org = objective(wait, Level.ORGANIZATION, user=world.qm)
    region = objective(wait, Level.REGION, parent=org, region=world.region_a)
    site = objective(wait, Level.SITE, parent=region, site=world.site_a)
    assert list(org.children.all()) == [region] and site.parent == region
    with pytest.raises(ValidationError) as exc:
        objective(wait, Level.SITE, parent=region, site=world.site_b)  # not region A's site
    assert "parent" in exc.value.error_dict
    with pytest.raises(ValidationError):
        objective(wait, Level.SITE, parent=site, site=world.site_a)
    other = make_kpi("OTHER", nature="measurement")
    with pytest.raises(ValidationError):
        objective(other, Level.REGION, parent=org, region=world.region_b)
    with pytest.raises(PermissionDenied):
        objective(wait, Level.SITE, site=world.site_a, user=world.alpha_manager)
    with pytest.raises(ValidationError):
        actions.do_delete_objective(org, acting_user=world.qm, channel=CLI)


def test_status_from_values_and_review(world: Any, wait: Any) -> None:
    today = dt.date(2025, 3, 15)
    a = objective(wait, Level.SITE, site=world.site_a)
    b = objective(wait, Level.SITE, site=world.site_b)
    assert status_of(a, today).status == "at_risk"  # 7, 8, 9 with 3 months left → 12
    assert status_of(b, today).status == "off_track"
    now = dt.datetime(2025, 3, 15, 4, 0, tzinfo=dt.UTC)
    review = actions.do_review_objective(
        a, "on plan", dt.date(2025, 4, 15), now=now, acting_user=world.alpha_manager, channel=CLI
    )
    assert (review.status, review.value, review.reviewed_on) == ("at_risk", 9.0, today)
    with pytest.raises(PermissionDenied):
        actions.do_review_objective(a, now=now, acting_user=world.bravo_manager, channel=CLI)
    with pytest.raises(ValidationError):
        actions.do_review_objective(
            a, next_review=today, now=now, acting_user=world.alpha_manager, channel=CLI
        )
    assert ObjectiveReview.objects.restrict(world.bravo_manager).count() == 0


def test_pages(world: Any, wait: Any, client_for: Any) -> None:
    a = objective(wait, Level.SITE, site=world.site_a)
    c = client_for(world.alpha_manager)
    assert "goal" in c.get("/kpis/objectives/").content.decode()
    page = c.get(f"/kpis/objectives/{a.pk}/")
    assert page.status_code == 200
    r = c.post(f"/kpis/objectives/{a.pk}/review/", {"note": "ok"})
    assert r.status_code == 302 and a.reviews.count() == 1
    assert client_for(world.bravo_manager).get(f"/kpis/objectives/{a.pk}/").status_code == 404
    qm = client_for(world.qm)
    r = qm.post(
        "/kpis/objectives/new/",
        {
            "title": "Org",
            "kpi": wait.pk,
            "level": "organization",
            "target": "10",
            "deadline": "2025-12-31",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Objective.objects.filter(title="Org", level="organization").exists()


def test_a_kpi_with_objectives_is_refused_deletion_by_name(world: Any, wait: Any) -> None:
    """Found by ``make fuzz``: DELETE /api/v1/kpis/{id} of a KPI an objective tracks was a 500
    (ProtectedError); now a 422 naming the objective, and nothing is deleted."""
    objective(wait, Level.ORGANIZATION, user=world.qm)
    _t, raw = core_actions.do_create_api_token(world.qm, "t", acting_user=world.qm, channel=CLI)
    r = Client(HTTP_ACCEPT_LANGUAGE="en").delete(
        f"/api/v1/kpis/{wait.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["msg"] == (
        "FCR is still used (objectives: organization goal); deactivate it instead."
    )
    assert Kpi.objects.filter(pk=wait.pk).exists()
