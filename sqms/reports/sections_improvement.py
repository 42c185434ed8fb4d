"""§9.3 input: the improvement (PDCA) projects in scope active in or closed during the period,
with their Check verdicts and Act decisions — read from ``sqms.improvement``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from sqms.improvement.models import PdcaProject, PdcaStage
from sqms.improvement.pdca_check import NOT_EFFECTIVE, verdict_label
from sqms.kpis.choices import Level
from sqms.reports.data import Metric, Section, Value
from sqms.reports.period import ReviewPeriod, ReviewScope


def _unit_filter(scope: ReviewScope) -> Q:
    q = Q(level=Level.SITE, site_id__in=scope.site_ids)
    if scope.level == "region":
        q |= Q(level=Level.REGION, region_id=scope.region_id)
    if scope.level == "organization":
        q |= Q(level=Level.REGION) | Q(level=Level.ORGANIZATION)
    return q


def projects_in(user: Any, scope: ReviewScope, p: ReviewPeriod) -> list[PdcaProject]:
    """The projects ``user`` may see, in ``scope``, created by the period's end and not closed
    before its start."""
    qs = (
        PdcaProject.objects.restrict(user)
        .filter(_unit_filter(scope), created_at__date__lte=p.end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=p.first))
        .select_related("kpi", "site", "region")
        .order_by("code")
    )
    return list(qs)


def _r(x: Any, digits: int = 4) -> float | None:
    return None if x is None else round(float(x), digits)


def _p(x: Any) -> float | None:
    """A p-value to two significant digits: 3.1e-28 stays readable where 4 decimals give 0."""
    return None if x is None else float(f"{float(x):.2g}")


def improvement(user: Any, scope: ReviewScope, p: ReviewPeriod) -> Section:
    rows: list[list[Value]] = []
    failed: list[Metric] = []
    stages: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    for pr in projects_in(user, scope, p):
        res = pr.check_result or {}
        test = res.get("test") or {}
        verdict = str(res.get("verdict") or "")
        stages[pr.stage] += 1
        if verdict:
            verdicts[verdict] += 1
        if verdict == NOT_EFFECTIVE:
            failed.append(
                Metric(f"improvement:failed:{pr.code}", f"{pr.code} {pr.title}", 1, None, None)
            )
        rows.append(
            [
                pr.code,
                pr.title,
                pr.unit_label,
                str(pr.get_stage_display()),
                pr.kpi.code if pr.kpi else None,
                _r((res.get("before") or {}).get("value")),
                _r((res.get("after") or {}).get("value")),
                test.get("test") or None,
                _p(test.get("pvalue")),
                str(verdict_label(verdict)) if verdict else None,
                str(pr.get_decision_display()) if pr.decision else None,
            ]
        )
    stage_labels = dict(PdcaStage.choices)
    for code, n in sorted(stages.items()):
        rows.append([_("Projects, stage: %(stage)s") % {"stage": stage_labels.get(code, code)}, n])
    for code, n in sorted(verdicts.items()):
        rows.append([_("Projects, verdict: %(verdict)s") % {"verdict": verdict_label(code)}, n])
    metrics = [
        Metric("improvement:projects", _("Improvement projects"), sum(stages.values()), None, None),
        Metric(
            "improvement:not_effective",
            _("Projects judged not effective"),
            verdicts.get(NOT_EFFECTIVE, 0),
            None,
            False,
        ),
        *failed,
    ]
    return Section(
        "improvement",
        _("Improvement projects (PDCA)"),
        [
            _("Code"),
            _("Title"),
            _("Unit"),
            _("Stage"),
            _("KPI"),
            _("Baseline"),
            _("After"),
            _("Test"),
            _("p-value"),
            _("Verdict"),
            _("Act decision"),
        ],
        rows,
        metrics,
        note=_("Projects active in the period or closed during it; the figures are the Check's."),
    )
