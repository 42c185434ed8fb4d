"""Waiting time vs satisfaction: the fitted line over the responses in scope, equal to a fit
of the same pairs by numpy; binned means for many points; scoping of campaigns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from sqms.surveys.choices import CampaignStatus, QuestionKind
from sqms.surveys.models import Campaign, CampaignSite, Instrument, Question, Response

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _campaign(world: Any, sites: list[Any]) -> Campaign:
    inst = Instrument.objects.create(code="WAITSAT", kind="custom", name_en="Wait and satisfaction")
    Question.objects.create(instrument=inst, order=1, code="WAIT", kind=QuestionKind.NUMBER,
                            text_en="Minutes waited")  # fmt: skip
    Question.objects.create(instrument=inst, order=2, code="SAT", kind=QuestionKind.SCALE_0_10,
                            text_en="How satisfied?", scale_min=0, scale_max=10)  # fmt: skip
    Question.objects.create(instrument=inst, order=3, code="WHY", kind=QuestionKind.TEXT)
    c = Campaign.objects.create(name="Wait study", instrument=inst, status=CampaignStatus.OPEN)
    for s in sites:
        CampaignSite.objects.create(campaign=c, site=s)
    return c


def _responses(c: Campaign, site: Any, rows: list[dict[str, Any]]) -> None:
    Response.objects.bulk_create(
        Response(
            campaign=c,
            instrument=c.instrument,
            site=site,
            channel="web",
            submitted_at=AT,
            answers=a,
        )  # fmt: skip
        for a in rows
    )


def test_fit_matches_numpy_and_ignores_incomplete_answers(world: Any, client_for: Any) -> None:
    c = _campaign(world, [world.site_a, world.site_b])
    waits = [0, 2, 5, 8, 10, 15, 20]
    sats = [10, 9, 9, 7, 6, 4, 2]
    _responses(c, world.site_a, [{"WAIT": w, "SAT": s} for w, s in zip(waits, sats, strict=True)])
    _responses(c, world.site_a, [{"WAIT": 3}, {"SAT": 5}, {"WAIT": "x", "SAT": 4}])
    _responses(c, world.site_b, [{"WAIT": 30, "SAT": 10}])  # not in alpha's scope
    url = reverse("improvement:capacity_wait_fit")
    page = client_for(world.alpha_manager).get(
        url, {"campaign": c.pk, "wait": "WAIT", "sat": "SAT"}
    )
    assert page.status_code == 200
    result = page.context["result"]
    slope, intercept = np.polyfit(waits, sats, 1)
    assert result.n == 7 and not result.binned
    assert result.fit.slope == pytest.approx(slope, rel=1e-12)
    assert result.fit.intercept == pytest.approx(intercept, rel=1e-12)
    assert result.fit.slope_ci[0] < slope < result.fit.slope_ci[1] < 0
    assert "wait-figure" in page.content.decode()
    # defaults are guessed from the codes; the text question is not offered
    page = client_for(world.alpha_manager).get(url, {"campaign": c.pk})
    assert (page.context["x_code"], page.context["y_code"]) == ("WAIT", "SAT")
    assert [q.code for q in page.context["questions"]] == ["WAIT", "SAT"]
    # the quality manager sees site B's response too
    qm = client_for(world.qm).get(url, {"campaign": c.pk, "wait": "WAIT", "sat": "SAT"})
    assert qm.context["result"].n == 8


def test_many_points_are_binned(world: Any, client_for: Any) -> None:
    c = _campaign(world, [world.site_a])
    rng = np.random.default_rng(3)
    w = rng.uniform(0, 30, 600).round(1)
    _responses(c, world.site_a, [{"WAIT": float(x), "SAT": float(10 - x / 5)} for x in w])
    page = client_for(world.alpha_manager).get(
        reverse("improvement:capacity_wait_fit"), {"campaign": c.pk}
    )
    result = page.context["result"]
    assert result.binned and result.n == 600
    assert result.fit.slope == pytest.approx(-0.2, abs=1e-9) and result.fit.r2 == pytest.approx(1)
    assert len(result.figure["data"][0]["x"]) <= 20


def test_campaign_outside_scope_is_404(world: Any, client_for: Any) -> None:
    c = _campaign(world, [world.site_a])
    url = reverse("improvement:capacity_wait_fit")
    assert client_for(world.bravo_manager).get(url, {"campaign": c.pk}).status_code == 404
    assert client_for(world.bravo_manager).get(url, {"campaign": "x"}).status_code == 404
    listing = client_for(world.bravo_manager).get(url).content.decode()
    assert "Wait study" not in listing
