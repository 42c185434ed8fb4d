"""The survey demo: loads quickly and shows its two patterns in the rollups."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.db.models import Sum
from django.utils import timezone

from sqms.demo import load
from sqms.demo import surveys as demo
from sqms.surveys.models import Campaign, Response, Rollup


def _mean(qs) -> float:  # type: ignore[no-untyped-def]
    agg = qs.aggregate(n=Sum("n"), t=Sum("total"))
    return agg["t"] / agg["n"]


def test_demo_patterns(db):
    ctx = load.DemoContext(
        locale="zh-hans", scale=1, seed=7, out=io.StringIO(), rng=random.Random(7)
    )
    load._load_org(ctx)
    summary = demo.generate(ctx, volume=0.35)
    assert summary.startswith("Surveys: 5 campaigns")
    assert Campaign.objects.count() == 5 and Response.objects.count() > 2000
    # region NORTH about one point worse on responsiveness, not on tangibles
    resp = Rollup.objects.filter(measure="DIM.responsiveness.P")
    north = _mean(resp.filter(site__region__code="NORTH"))
    others = _mean(resp.exclude(site__region__code="NORTH"))
    assert -1.3 < north - others < -0.7
    tang = Rollup.objects.filter(measure="DIM.tangibles.P")
    assert (
        abs(
            _mean(tang.filter(site__region__code="NORTH"))
            - _mean(tang.exclude(site__region__code="NORTH"))
        )
        < 0.3
    )
    # EA001 improves by about one point after the new queue system
    change = timezone.localdate() - dt.timedelta(days=demo.CHANGE_DAYS_AGO)
    ea = Rollup.objects.filter(measure="SQ.PERF", site__code="EA001")
    before = _mean(ea.filter(period__lt=change.replace(day=1)))
    after = _mean(ea.filter(period__gt=change))
    assert 0.6 < after - before < 1.4
    # gap 1 and gap 3 surveys are there, and the year ends today
    assert Rollup.objects.filter(measure="DIM.responsiveness.M").exists()
    assert Rollup.objects.filter(measure="DIM.responsiveness.S").exists()
    latest = Response.objects.order_by("-submitted_at").first()
    assert (timezone.localdate() - timezone.localtime(latest.submitted_at).date()).days <= 3
