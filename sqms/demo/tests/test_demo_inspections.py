"""The inspections, CAPA and capacity demo: loads at scale 1 and shows its patterns."""

from __future__ import annotations

import io
import random
from collections import defaultdict

from django.utils import timezone

from sqms.capa.choices import Stage, Verdict
from sqms.capa.models import Nonconformity, Verification
from sqms.demo import capa, capacity, inspections, load
from sqms.improvement.models import ArrivalProfile, StaffRoster
from sqms.inspections.choices import FindingKind, InspectionKind, InspectionStatus
from sqms.inspections.models import Consequence, Dispute, Inspection, Programme
from sqms.inspections.report_filters import ResultFilters
from sqms.inspections.reports import pareto, selfcheck


def test_demo_inspections_capa_and_capacity(db):  # type: ignore[no-untyped-def]
    ctx = load.DemoContext(
        locale="zh-hans", scale=1, seed=7, out=io.StringIO(), rng=random.Random(7)
    )
    load._load_org(ctx)
    summary = inspections.generate(ctx)
    assert summary.startswith("Inspections: 3 checklists, 3 programmes")
    capa_summary = capa.generate(ctx)
    capacity_summary = capacity.generate(ctx)
    assert capa_summary.startswith("CAPA:") and capacity_summary.startswith("Capacity: 3")
    today = timezone.localdate()
    sites = len(ctx.sites)

    # a year of monthly supervisor visits and self-inspections, quarterly mystery shopping
    done = Inspection.objects.filter(status=InspectionStatus.SUBMITTED)
    by_kind = {k: done.filter(kind=k).count() for k in InspectionKind.values}
    assert by_kind[InspectionKind.SUPERVISOR] == 11 * sites - 2  # two of last month overdue
    assert by_kind[InspectionKind.SELF] == 11 * sites
    assert 3 * sites <= by_kind[InspectionKind.MYSTERY] <= 4 * sites
    assert by_kind[InspectionKind.AUDIT] == 1
    assert Inspection.objects.count() <= 700
    planned = Inspection.objects.filter(status=InspectionStatus.PLANNED)
    assert planned.filter(due_on__lt=today).count() == 2
    assert planned.filter(due_on__gte=today).count() >= 2 * sites  # this month is still to do

    # the mystery programme: two shoppers, never the same one twice running at a store
    mystery = Programme.objects.get(kind=InspectionKind.MYSTERY)
    assert mystery.inspectors.count() == 2
    runs: dict[int, list[int]] = defaultdict(list)
    for site_id, inspector_id in (
        Inspection.objects.filter(programme=mystery)
        .order_by("period_start")
        .values_list("site_id", "inspector_id")
    ):
        runs[site_id].append(inspector_id)
    assert len(runs) == sites
    for seq in runs.values():
        assert len(seq) >= 4 and all(a != b for a, b in zip(seq, seq[1:], strict=False))
    assert all(
        i.narrative
        for i in Inspection.objects.filter(programme=mystery, status=InspectionStatus.SUBMITTED)
    )

    # patterns: the weak stores fail most; one store rates itself higher; a vital few
    user = ctx.users["quality"]
    comparison = selfcheck.self_report(user, ResultFilters())
    flagged = [s.code for s in comparison.sites if s.flagged]
    assert flagged == [inspections.SELF_SITE]
    failed = pareto.pareto_report(user, ResultFilters(kind=InspectionKind.SUPERVISOR))
    vital = [r.code for r in failed.rows if r.vital]
    assert set(inspections.VITAL_FEW) <= set(vital[:5]) and len(vital) <= 6
    means = {s.code: s.other_mean for s in comparison.sites if s.other_mean is not None}
    worst = sorted(means, key=lambda c: means[c])[:2]
    assert set(worst) == set(inspections.WEAK_SITES)
    assert Dispute.objects.filter(status="upheld").count() == 1
    assert Consequence.objects.filter(kind="reward").count() == 3
    assert Consequence.objects.filter(kind="penalty").exists()

    # one closed internal audit with its findings and their nonconformities
    audit = Inspection.objects.get(kind=InspectionKind.AUDIT)
    assert audit.status == InspectionStatus.SUBMITTED and audit.site.code == inspections.AUDIT_SITE
    plan = audit.audit_plan
    assert plan.opening_at and plan.closing_at and plan.closing_notes
    kinds = sorted(audit.findings.values_list("kind", flat=True))
    assert kinds == sorted(
        [
            FindingKind.MAJOR,
            FindingKind.MINOR,
            FindingKind.MINOR,
            FindingKind.OBSERVATION,
            FindingKind.OFI,
        ]
    )
    assert Nonconformity.objects.filter(audit_finding__inspection=audit).count() == 3

    # CAPA histories: failed critical items raised NCs; effective, reopened and open ones
    ncs = Nonconformity.objects.all()
    assert ncs.filter(inspection_answer__isnull=False).count() >= 20
    closed = ncs.filter(stage=Stage.CLOSED)
    assert closed.count() >= 5
    assert Verification.objects.filter(
        nonconformity__in=closed, verdict=Verdict.EFFECTIVE, metric="item_pass_rate"
    ).exists()
    reopened = ncs.filter(cycle=2)
    assert reopened.count() >= 1
    assert (
        Verification.objects.filter(
            nonconformity__in=reopened, cycle=1, verdict=Verdict.NOT_EFFECTIVE
        ).count()
        == reopened.count()
    )
    assert ncs.filter(stage=Stage.ANALYSIS).exists()
    assert ncs.filter(stage=Stage.IN_PROGRESS).exists()
    overdue = ncs.filter(
        stage=Stage.IN_PROGRESS, actions__status="open", actions__due_date__lt=today
    )
    assert overdue.exists()
    assert ncs.filter(why_steps__is_root=True, fishbone__is_root=True).exists()

    # capacity: three profiles and rosters, the short store below plan at its peaks
    assert ArrivalProfile.objects.count() == 3 and StaffRoster.objects.count() == 3
    from sqms.improvement.capacity import plan_for_site

    short = next(s for s in ctx.sites if s.code == capacity.SHORT_SITE)
    plan_short = plan_for_site(short)
    assert plan_short is not None
    assert sum(1 for r in plan_short.rows if r.gap is not None and r.gap < 0) >= 10
    other = next(s for s in ctx.sites if s.code == "EA001")
    plan_other = plan_for_site(other)
    assert plan_other is not None and all((r.gap or 0) >= 0 for r in plan_other.rows)
    lunch = plan_short.rows[5 * 24 + 12].arrivals  # Saturday 12:00 against Monday 10:00
    assert lunch > 2 * plan_short.rows[10].arrivals
