"""The whole demo at the smallest scale, loaded once: the stories the standards, KPI and PDCA
generators tell (the dashboard's signal, the management review's projects), and inspection
scores that ``sqms.inspections.scoring`` agrees with."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from sqms.capa.choices import Origin
from sqms.capa.models import Nonconformity
from sqms.core.models import AuditEvent, Site
from sqms.demo import complaints, kpis, load, pdca, standards, surveys
from sqms.improvement.models import PdcaDecision, PdcaProject, PdcaStage, PdcaTaskStatus
from sqms.inspections import scoring
from sqms.inspections.choices import InspectionStatus
from sqms.inspections.models import Answer, Inspection
from sqms.kpis import periods as P
from sqms.kpis.choices import AlertStatus, Level
from sqms.kpis.models import Alert, ChartEvent, ControlLimits, KpiValue, Objective, ObjectiveReview
from sqms.reports.review_data import gather
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
        "PDCA",
    ]
    today = timezone.localdate()
    qm = ctx.users["quality"]
    _inspections_scored_by_scoring()
    _standards(qm, today)
    _kpis(today)
    _pdca(qm, today)
    _dashboard_and_review(qm, today)


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


def _site_values(code: str, site: str, lo: dt.date, hi: dt.date) -> list[KpiValue]:
    return list(
        KpiValue.objects.filter(
            kpi__code=code, level=Level.SITE, site__code=site, period__gte=lo, period__lte=hi
        ).order_by("period")
    )


def _pdca(qm, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    projects = {p.code: p for p in PdcaProject.objects.select_related("kpi", "site", "owner")}
    assert {code: p.stage for code, p in projects.items()} == {
        pdca.WAIT_CODE: PdcaStage.CLOSED,
        pdca.CSAT_CODE: PdcaStage.CHECK,
        pdca.RATE_CODE: PdcaStage.DO,
    }
    change = today - dt.timedelta(days=surveys.CHANGE_DAYS_AGO)
    change_month = change.replace(day=1)
    baseline_from = P.shift(change_month, "month", -pdca.BASELINE_MONTHS)
    # the queue project: baseline the four months before the change, after the three after it
    wait = projects[pdca.WAIT_CODE]
    assert (wait.kpi.code, wait.site.code, wait.owner) == (
        "WAIT",
        surveys.CHANGE_SITE,
        wait.site.manager,
    )
    assert (wait.baseline_from, wait.baseline_to) == (
        baseline_from,
        change_month - dt.timedelta(days=1),
    )
    assert wait.after_from == P.shift(change_month, "month", 1)
    assert wait.after_to == P.shift(change_month, "month", 4) - dt.timedelta(days=1)
    before = _site_values("WAIT", surveys.CHANGE_SITE, wait.baseline_from, wait.baseline_to)
    after = _site_values("WAIT", surveys.CHANGE_SITE, wait.after_from, wait.after_to)
    assert (len(before), len(after)) == (4, 3)
    res = wait.check_result
    assert res["before"]["values"] == [v.value for v in before]
    assert res["after"]["values"] == [v.value for v in after]
    assert res["before"]["value"] == sum(v.value for v in before) / 4
    assert wait.target == round(0.75 * res["before"]["value"], 1)
    assert res["after"]["value"] <= wait.target
    assert res["test"]["test"] == "Welch t-test" and res["test"]["pvalue"] < 0.05
    assert res["verdict"] == "effective"
    assert wait.decision == PdcaDecision.STANDARDIZE
    assert str(wait.standard_version) == "CHECKOUT v2"
    assert wait.created_at.date() == change - dt.timedelta(days=45)
    assert timezone.localdate(wait.closed_at) == wait.after_to + dt.timedelta(days=10)
    assert [t.status for t in wait.tasks.all()] == [PdcaTaskStatus.DONE] * 2
    # the satisfaction follow-up: in Check, a significant rise of the top-2 box
    csat = projects[pdca.CSAT_CODE]
    res = csat.check_result
    before = _site_values("CSAT-TOP2", surveys.CHANGE_SITE, csat.baseline_from, csat.baseline_to)
    after = _site_values("CSAT-TOP2", surveys.CHANGE_SITE, csat.after_from, csat.after_to)
    assert csat.after_to == P.period_start(today, "month") - dt.timedelta(days=1)
    for key, rows in (("before", before), ("after", after)):
        events, n = sum(v.numerator for v in rows), sum(v.n for v in rows)
        assert (res[key]["events"], res[key]["n"]) == (round(events), round(n)), key
        assert res[key]["value"] == round(events) / round(n)
    assert res["after"]["value"] - res["before"]["value"] > 0.2
    assert res["test"]["test"] == "two-proportion z-test" and res["test"]["pvalue"] < 1e-6
    assert res["verdict"] == "effective" and csat.decision == "" and csat.closed_at is None
    # the complaint-rate project, started from the KPI alert's nonconformity: in Do
    rate = projects[pdca.RATE_CODE]
    nc = Nonconformity.objects.get(origin=Origin.KPI_ALARM)
    limits = ControlLimits.objects.get(
        kpi__code="COMPLAINT-RATE", site__code=complaints.SHIFT_SITE, is_current=True
    )
    assert (rate.nonconformity, rate.site, rate.kpi) == (nc, nc.site, limits.kpi)
    assert rate.baseline_from == limits.baseline_from and rate.target == round(limits.center, 2)
    assert [t.status for t in rate.tasks.all()] == [
        PdcaTaskStatus.DONE,
        PdcaTaskStatus.OPEN,
        PdcaTaskStatus.OPEN,
    ]
    assert rate.created_at >= nc.raised_at and rate.check_result == {}
    # every step through the actions: its audit event
    events = Counter(
        AuditEvent.objects.filter(model__startswith="improvement.pdca").values_list(
            "model", "action"
        )
    )
    assert events == {
        ("improvement.pdcaproject", "create"): 3,
        # WAIT: do, after period, check, run, act, decision, close; CSAT: do, after, check,
        # run; RATE: do
        ("improvement.pdcaproject", "update"): 12,
        ("improvement.pdcatask", "create"): 7,
        ("improvement.pdcatask", "update"): 5,
    }


def _dashboard_and_review(qm, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(qm)
    page = client.get("/kpis/dashboard/").content.decode()
    open_alerts = Alert.objects.filter(status=AlertStatus.OPEN).count()
    assert open_alerts >= 1 and f"{open_alerts} open KPI alert" in page
    shifted = Site.objects.get(code=complaints.SHIFT_SITE)
    page = client.get(f"/kpis/dashboard/?unit=site:{shifted.pk}").content.decode()
    assert "Signal (rules 1" in page
    # the last complete quarter's review: the two EA001 projects, with their Check figures
    quarter = (today.month - 1) // 3
    last = f"{today.year}Q{quarter}" if quarter else f"{today.year - 1}Q4"
    review = gather(last, "ORG", qm)
    section = next(s for s in review.sections if s.key == "improvement")
    rows = {r[0]: r for r in section.rows if str(r[0]).startswith("PDCA-")}
    assert sorted(rows) == [pdca.CSAT_CODE, pdca.WAIT_CODE]
    wait = PdcaProject.objects.get(code=pdca.WAIT_CODE)
    assert rows[pdca.WAIT_CODE][3:] == [
        "Closed",
        "WAIT",
        round(wait.check_result["before"]["value"], 4),
        round(wait.check_result["after"]["value"], 4),
        "Welch t-test",
        float(f"{wait.check_result['test']['pvalue']:.2g}"),
        "effective: target met and the change is significant",
        "Standardize (updated standard)",
    ]
    assert rows[pdca.CSAT_CODE][3:5] == ["Check", "CSAT-TOP2"]
    assert rows[pdca.CSAT_CODE][10] is None  # no Act decision yet
    page = client.get(f"/reports/management-review/?period={last}&scope=ORG").content.decode()
    assert pdca.WAIT_CODE in page and pdca.CSAT_CODE in page and pdca.RATE_CODE not in page
    # this quarter's review: all three
    now = gather(f"{today.year}Q{quarter + 1}", "ORG", qm)
    section = next(s for s in now.sections if s.key == "improvement")
    codes = sorted(str(r[0]) for r in section.rows if str(r[0]).startswith("PDCA-"))
    assert codes == sorted([pdca.CSAT_CODE, pdca.RATE_CODE, pdca.WAIT_CODE])
