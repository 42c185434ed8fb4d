"""The whole demo at the smallest scale, loaded once: the stories the standards and KPI
generators tell, and inspection scores that ``sqms.inspections.scoring`` agrees with."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone

from sqms.capa.choices import Origin
from sqms.capa.models import Nonconformity
from sqms.core.models import AuditEvent
from sqms.demo import complaints, kpis, load, standards, surveys
from sqms.inspections import scoring
from sqms.inspections.choices import InspectionStatus
from sqms.inspections.models import Answer, Inspection
from sqms.kpis import periods as P
from sqms.kpis.choices import AlertStatus, Level
from sqms.kpis.models import Alert, ChartEvent, ControlLimits, KpiValue, Objective, ObjectiveReview
from sqms.standards.audience import status_by_site
from sqms.standards.choices import LinkKind, VersionStatus
from sqms.standards.models import Standard, StandardLink, StandardVersion, Training


def test_demo_story(db):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    ctx = load.load_demo(locale="en", scale=1, seed=7, out=out)
    lines = out.getvalue().splitlines()
    assert [x.split(":")[0] for x in lines if not x.startswith(" ")] == [
        "Organization",
        "Surveys",
        "Complaints",
        "Inspections",
        "CAPA",
        "Capacity",
        "Standards",
        "KPIs",
    ]
    today = timezone.localdate()
    qm = ctx.users["quality"]
    _inspections_scored_by_scoring()
    _standards(qm, today)
    _kpis(today)


def _inspections_scored_by_scoring() -> None:
    done = Inspection.objects.filter(status=InspectionStatus.SUBMITTED).select_related("checklist")
    answers: dict[int, list[Answer]] = {}
    for a in Answer.objects.filter(inspection__in=done).select_related("item"):
        answers.setdefault(a.inspection_id, []).append(a)
    assert len(answers) == done.count() > 500
    for inspection in done:
        pairs = []
        for a in answers[inspection.pk]:
            item = a.item
            rule = scoring.ItemRule(
                item.scoring, item.weight, item.is_critical, item.target, item.tolerance
            )
            s = scoring.score_item(rule, a.result, a.value)
            assert (s.points, s.max_points, s.failed) == (a.points, a.max_points, a.failed)
            pairs.append((s, item.is_critical))
        c = inspection.checklist
        t = scoring.total(
            pairs, pass_mark=c.pass_mark, critical_rule=c.critical_rule, cap=c.cap_score
        )
        assert (t.score, t.critical_failed, t.passed) == (
            inspection.score,
            inspection.critical_failed,
            inspection.passed,
        ), inspection.reference
        assert inspection.submitted_at is not None and inspection.score is not None
    # every answer has the creation event the action writes
    n_answers = sum(len(v) for v in answers.values())
    assert AuditEvent.objects.filter(model="inspections.answer", action="create").count() >= (
        n_answers - 10
    )
    assert Decimal(0) < min(i.score for i in done if i.score is not None)


def _standards(qm, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    assert Standard.objects.count() == len(standards.DOCS)
    checkout = StandardVersion.objects.filter(standard__code="CHECKOUT")
    assert {v.number: v.status for v in checkout} == {
        1: VersionStatus.SUPERSEDED,
        2: VersionStatus.APPROVED,
    }
    v2 = checkout.get(number=2)
    assert "three minutes" in v2.change_note
    assert [s.time_limit_minutes for s in v2.steps.all()] == [1, 2, 3, 10]
    assert v2.promise and v2.compensation and all(s.role for s in v2.steps.all())
    # staff acknowledged: most read v1, fewer the new v2, the weak store least
    people = [p for site in status_by_site(v2, qm) for p in site.people]
    unread = [p for p in people if p.acknowledged_at is None]
    assert 0 < len(unread) < len(people)
    v1 = checkout.get(number=1)
    assert v1.acknowledgements.count() > v2.acknowledgements.count() > 0
    weak = next(s for s in status_by_site(v2, qm) if s.site.code == standards.UNREAD_SITE)
    assert weak.missing
    # review: RETURNS overdue (its notice sent), DELIVERY due within the month
    returns = StandardVersion.objects.get(standard__code="RETURNS")
    assert returns.review_due is not None and returns.review_due < today
    assert returns.review_overdue_at is not None
    delivery = StandardVersion.objects.get(standard__code="DELIVERY")
    assert delivery.review_due is not None and today < delivery.review_due <= today + dt.timedelta(
        days=30
    )
    assert StandardVersion.objects.filter(
        standard__code="FRESH", status=VersionStatus.IN_APPROVAL
    ).exists()
    kinds = set(StandardLink.objects.values_list("kind", flat=True))
    assert kinds == {LinkKind.CHECKLIST_ITEM, LinkKind.SLA_POLICY, LinkKind.CATEGORY}
    assert StandardLink.objects.filter(
        standard__code="CHECKOUT", template__code="STORE", item_code="B2"
    ).exists()
    trainings = list(Training.objects.all())
    assert len(trainings) == 2 and all(t.attendees.exists() for t in trainings)


def _kpis(today: dt.date) -> None:
    current = P.period_start(today, "month")
    shift_from = P.shift(current, "month", -(complaints.SHIFT_MONTHS - 1))
    # the shifted store signals in its shifted months, and only there
    rate = Alert.objects.filter(kpi__code="COMPLAINT-RATE", site__code=complaints.SHIFT_SITE)
    assert rate.exists() and all(a.period >= shift_from for a in rate)
    raised = rate.get(status=AlertStatus.NONCONFORMITY)
    nc = Nonconformity.objects.get(origin=Origin.KPI_ALARM)
    assert raised.nonconformity_ref == nc.reference and nc.site.code == complaints.SHIFT_SITE
    assert raised.value > 2 * rate.first().limits.center  # type: ignore[union-attr]
    # elsewhere only the seasonal peaks (National Day, Spring Festival) signal, at a few stores
    others = Alert.objects.filter(kpi__code="COMPLAINT-RATE").exclude(
        site__code=complaints.SHIFT_SITE
    )
    peaks = {m for m in range(1, 13) if complaints._season(dt.date(2026, m, 1)) > 1}
    assert {a.period.month for a in others} <= peaks, [(a.site, a.period) for a in others]
    assert others.count() <= 6
    # the queue system's favourable signal, acknowledged with its reason
    wait = Alert.objects.filter(kpi__code="WAIT", site__code=surveys.CHANGE_SITE)
    assert wait.exists() and all(a.status == AlertStatus.ACKNOWLEDGED and a.note for a in wait)
    limits = ControlLimits.objects.get(kpi__code="COMPLAINT-RATE", site__code="EA001")
    assert limits.points == kpis.BASELINE_MONTHS and limits.chart == "u"
    # computed values for the demo's months, every computed source
    org_rate = KpiValue.objects.filter(kpi__code="COMPLAINT-RATE", level=Level.ORGANIZATION)
    assert org_rate.count() == kpis.MONTHS
    for code, *_rest in kpis.KPIS:
        assert KpiValue.objects.filter(kpi__code=code, level=Level.ORGANIZATION).exists(), code
    texts = " ".join(ChartEvent.objects.values_list("text", flat=True))
    assert "Training" in texts and "closed" in texts and "queue" in texts
    # objectives cascade organization → region → store, and are reviewed on schedule
    org = Objective.objects.get(kpi__code="COMPLAINT-RATE", level=Level.ORGANIZATION)
    regions = list(org.children.all())
    assert len(regions) == 3 and all(r.level == Level.REGION for r in regions)
    for region in regions:
        sites = list(region.children.all())
        assert sites and all(s.site.region_id == region.region_id for s in sites)
    assert Objective.objects.filter(level=Level.SITE).count() == 24
    latest = ObjectiveReview.objects.filter(objective=org).order_by("-reviewed_on").first()
    assert latest is not None and latest.reviewed_on == today
    assert latest.next_review is not None and latest.next_review > today
    assert ObjectiveReview.objects.filter(objective=org).count() == 2
