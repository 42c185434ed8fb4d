"""The survey demo: loads quickly and shows its patterns in the rollups."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.db.models import Sum
from django.utils import timezone

from sqms.demo import load
from sqms.demo import surveys as demo
from sqms.surveys.models import Campaign, Response, Rollup
from sqms.surveys.reports import selection, servqual


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


def test_demo_servqual_is_reliable_and_store_volumes_differ(db):
    ctx = load.DemoContext(locale="en", scale=1, seed=11, out=io.StringIO(), rng=random.Random(11))
    load._load_org(ctx)
    demo.generate(ctx, volume=0.35)
    campaign = Campaign.objects.get(instrument__code="SERVQUAL")
    report = servqual.servqual_report(
        ctx.users["quality"], selection.ReportFilters(campaign=campaign.pk)
    )
    # the items of each dimension hang together, for expectations and perceptions alike
    assert len(report.dimensions) == 5
    for row in report.dimensions:
        assert row.alpha_p is not None and row.alpha_p >= 0.75, (row.code, row.alpha_p)
        assert row.alpha_e is not None and row.alpha_e >= 0.75, (row.code, row.alpha_e)
        assert row.e.mean > row.p.mean and row.e.sd < row.p.sd
    assert not any("alpha" in w or "α" in w for w in report.warnings)
    # stores differ in volume; the weak store and the strong one stand at the two ends (at
    # full volume both are outside the 99.8 % funnel limits)
    volumes = [r.gap.n for r in report.league]
    assert len(volumes) == 24 and max(volumes) >= 2 * min(volumes)
    ranked = sorted(report.league, key=lambda r: r.gap.mean)
    assert ranked[0].code == demo.LOW_SITE and ranked[-1].code == demo.HIGH_SITE
    assert ranked[-1].funnel.startswith("above")
    # the gap model: managers under-estimate expectations a little (most on responsiveness);
    # staff rate delivery against the standard about 5.7 of 7
    everything = servqual.servqual_report(ctx.users["quality"], selection.ReportFilters())
    gap1 = {row.code: row.gap1.estimate for row in everything.dimensions if row.gap1}
    assert len(gap1) == 5 and -0.7 < sum(gap1.values()) / 5 < -0.2
    assert all(g < 0 for g in gap1.values())
    for row in everything.dimensions:
        assert 5.2 < row.gap3.mean + servqual.GAP3_STANDARD < 6.2, (row.code, row.gap3)
