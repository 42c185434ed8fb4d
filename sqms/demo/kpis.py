"""Demo KPIs and quality objectives, through the ``sqms.kpis`` actions.

* KPI definitions on every computed source (CSAT, top-2-box, NPS, complaints received, the
  complaint rate per 1,000 transactions, SLA compliance, median resolution time, inspection
  score, critical-item failure rate) and two entered ones: the average checkout wait
  (EA001's new queue system halves it) and the staff on duty at the lunch peak (the
  under-staffed store of the capacity demo has fewer).
* The computed ones are computed for the demo's year (``do_compute_kpis``, what
  ``sqms compute-kpis`` runs), the entered ones entered per store and month.
* Phase-I limits are frozen on the baseline (the first ``BASELINE_MONTHS`` whole months) for
  the complaint rate of every store, the chain's CSAT and inspection score and
  EA001's waiting time. Later points are judged: ``complaints.SHIFT_SITE``'s complaints shift
  up in the last months, its alert is turned into a nonconformity; EA001's favourable wait
  signal is acknowledged with its reason.
* Chart events: the new queue system, the trainings held and a closed CAPA.
* Quality objectives for the complaint rate cascading organization → regions → stores, plus
  chain objectives for CSAT and the inspection score, reviewed three months ago and today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sqms.capa.choices import Stage
from sqms.capa.models import Nonconformity
from sqms.core.choices import Channel
from sqms.core.models import Region, Site
from sqms.demo import capacity, complaints, surveys
from sqms.kpis import actions
from sqms.kpis import periods as P
from sqms.kpis.choices import AlertStatus, Level
from sqms.kpis.models import Alert, Kpi
from sqms.standards.models import Training

CLI = Channel.CLI
MONTHS = 12
BASELINE_MONTHS = 8
#: the objectives' target for the complaint rate per 1,000 transactions, by unit
RATE_TARGETS = {"org": 1.4, "NORTH": 1.7, "EAST": 1.3, "SOUTH": 1.4}
SITE_RATE_TARGETS = {complaints.HIGH_SITE: 3.5, complaints.LOW_SITE: 0.8}

# code, zh name, en name, unit, direction, target, source, nature, extra fields
KPIS: list[tuple[str, str, str, str, str, float | None, str, str, dict[str, Any]]] = [
    ("CSAT", "顾客满意度", "Customer satisfaction", "1–5", "higher", 4.0, "surveys.csat_mean", "measurement", {}),
    ("CSAT-TOP2", "满意顾客占比", "Satisfied customers (top 2)", "%", "higher", 0.75, "surveys.csat_top", "proportion", {}),
    ("NPS", "净推荐值", "Net Promoter Score", "", "higher", 30.0, "surveys.nps", "measurement", {}),
    ("COMPLAINTS", "投诉数", "Complaints received", "", "lower", None, "complaints.count", "count", {}),
    ("COMPLAINT-RATE", "千笔交易投诉率", "Complaints per 1,000 transactions", "‰", "lower", 1.5, "complaints.rate", "rate", {"rate_base": 1000}),
    ("SLA", "投诉按时解决率", "Complaints resolved within the SLA", "%", "higher", 0.9, "complaints.sla", "proportion", {}),
    ("RESOLUTION", "投诉解决时长中位数", "Median resolution time", "h", "lower", 24.0, "complaints.median_resolution", "measurement", {}),
    ("INSP-SCORE", "巡检平均得分", "Mean inspection score", "%", "higher", 90.0, "inspections.score", "measurement", {}),
    ("CRITICAL-FAIL", "关键项不合格率", "Critical-item failure rate", "%", "lower", 0.05, "inspections.critical_rate", "proportion", {}),
    ("WAIT", "收银平均等候时间", "Average checkout wait", "min", "lower", 4.0, "entered", "measurement", {}),
    ("STAFF-PEAK", "午高峰在岗人数", "Staff on duty at the lunch peak", "", "higher", 6.0, "entered", "measurement", {}),
]  # fmt: skip


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def generate(ctx: Any) -> str:
    zh = ctx.locale != "en"
    qm = ctx.users["quality"]
    now = timezone.now()
    today = timezone.localdate(now)
    current = P.period_start(today, "month")
    months = [P.shift(current, "month", -k) for k in range(MONTHS - 1, -1, -1)]
    baseline = months[:BASELINE_MONTHS]
    kpis: dict[str, Kpi] = {}
    for code, name_zh, name_en, unit, direction, target, source, nature, extra in KPIS:
        kpis[code] = actions.do_create_kpi(
            {
                "code": code,
                "name": name_zh if zh else name_en,
                "name_en": name_en,
                "unit": unit,
                "direction": direction,
                "target": target,
                "source": source,
                "nature": nature,
                "period": "month",
                **extra,
            },
            acting_user=qm,
            channel=CLI,
        )
    report = actions.do_compute_kpis(
        periods_back=MONTHS - 1, now=now, acting_user=None, channel=CLI
    )
    entered = _enter(ctx, kpis, months[:-1], now)
    ctx.say(f"  KPIs: {len(kpis)} defined; {report.added} values computed, {entered} entered.")
    frozen = _freeze(ctx, kpis, baseline, now)
    raised, acknowledged = _alerts(ctx, kpis, now)
    events = _events(ctx, kpis, today)
    objectives, reviews = _objectives(ctx, kpis, today)
    alerts = Alert.objects.count()
    return (
        f"KPIs: {len(kpis)} KPIs over {len(months)} months, {frozen} frozen limits, {alerts} "
        f"alerts ({raised} turned into a nonconformity, {acknowledged} acknowledged), "
        f"{events} chart events; {objectives} quality objectives with {reviews} reviews."
    )


def _enter(ctx: Any, kpis: dict[str, Kpi], months: list[dt.date], now: dt.datetime) -> int:
    """Waiting time and peak staffing per store and whole month, entered by the quality
    manager (the stores send them in)."""
    rng = ctx.rng
    change = timezone.localdate(now) - dt.timedelta(days=surveys.CHANGE_DAYS_AGO)
    wait, staff = [], []
    for site in ctx.sites:
        base_wait = rng.uniform(4.2, 5.6) * (1.35 if site.code == capacity.SHORT_SITE else 1.0)
        base_staff = rng.choice([5, 6, 6, 7])
        for month in months:
            w = base_wait
            if site.code == surveys.CHANGE_SITE and month >= change.replace(day=1):
                w *= 0.55  # the new queue system
            wait.append(
                actions.EnteredValue(site, month, round(max(1.0, rng.gauss(w, 0.35)), 1), None)
            )
            short = 2 if site.code == capacity.SHORT_SITE else 0
            staff.append(
                actions.EnteredValue(
                    site, month, float(base_staff - short + rng.choice([-1, 0, 0, 1]))
                )
            )
    qm = ctx.users["quality"]
    count = actions.do_enter_values(kpis["WAIT"], wait, now=now, acting_user=qm, channel=CLI)
    count += actions.do_enter_values(
        kpis["STAFF-PEAK"], staff, now=now, acting_user=qm, channel=CLI
    )
    return count


def _freeze(ctx: Any, kpis: dict[str, Kpi], baseline: list[dt.date], now: dt.datetime) -> int:
    qm = ctx.users["quality"]
    first, last = baseline[0], baseline[-1]
    units: list[tuple[str, actions.Unit, dt.date]] = []
    for site in ctx.sites:
        units.append(("COMPLAINT-RATE", actions.Unit(Level.SITE, site_id=site.pk), last))
    units.append(("CSAT", actions.ORG, last))
    units.append(("INSP-SCORE", actions.ORG, last))
    ea = Site.objects.get(code=surveys.CHANGE_SITE)
    change = timezone.localdate(now) - dt.timedelta(days=surveys.CHANGE_DAYS_AGO)
    before_change = P.shift(change.replace(day=1), "month", -1)
    units.append(("WAIT", actions.Unit(Level.SITE, site_id=ea.pk), min(last, before_change)))
    for code, unit, to in units:
        actions.do_freeze_limits(
            kpis[code], unit, first, to, [1, 2], now=now, acting_user=qm, channel=CLI
        )
    return len(units)


def _alerts(ctx: Any, kpis: dict[str, Kpi], now: dt.datetime) -> tuple[int, int]:
    """The shifted store's first complaint-rate alert becomes a nonconformity; EA001's wait
    signal (an improvement) is acknowledged with its reason."""
    zh = ctx.locale != "en"
    qm = ctx.users["quality"]
    raised = acknowledged = 0
    shifted = (
        Alert.objects.filter(kpi=kpis["COMPLAINT-RATE"], site__code=complaints.SHIFT_SITE)
        .order_by("period", "rule")
        .first()
    )
    if shifted is not None:
        actions.do_alert_to_nonconformity(shifted, now=now, acting_user=qm, channel=CLI)
        raised += 1
    for alert in Alert.objects.filter(
        kpi=kpis["WAIT"], site__code=surveys.CHANGE_SITE, status=AlertStatus.OPEN
    ).order_by("period", "rule"):
        actions.do_acknowledge_alert(
            alert,
            "新排队叫号系统上线后等候时间下降，属改进。"
            if zh
            else "The wait fell after the new queue system: an improvement.",
            now=now,
            acting_user=qm,
            channel=CLI,
        )
        acknowledged += 1
    return raised, acknowledged


def _events(ctx: Any, kpis: dict[str, Kpi], today: dt.date) -> int:
    zh = ctx.locale != "en"
    qm = ctx.users["quality"]
    ea = Site.objects.get(code=surveys.CHANGE_SITE)
    change = today - dt.timedelta(days=surveys.CHANGE_DAYS_AGO)
    rows: list[dict[str, Any]] = [
        {
            "date": change,
            "text": "新排队叫号系统上线" if zh else "New queue system in service",
            "site": ea,
        }
    ]
    national_day = dt.date(today.year, 10, 1)
    if national_day > today:
        national_day = dt.date(today.year - 1, 10, 1)
    rows.append(
        {
            "date": national_day,
            "text": "国庆黄金周（投诉季节性高峰）"
            if zh
            else "National Day holiday week (seasonal complaint peak)",
        }
    )
    for training in Training.objects.order_by("held_on", "pk"):
        rows.append(
            {
                "date": training.held_on,
                "text": (f"培训：{training.course}" if zh else f"Training: {training.course}")[
                    :200
                ],
            }
        )
    closed = (
        Nonconformity.objects.filter(
            stage=Stage.CLOSED, closed_at__isnull=False, site__isnull=False
        )
        .select_related("site")
        .order_by("-closed_at", "-pk")
        .first()
    )
    if closed is not None and closed.closed_at is not None:
        rows.append(
            {
                "date": timezone.localdate(closed.closed_at),
                "text": (f"{closed.reference} 关闭" if zh else f"{closed.reference} closed"),
                "kpi": kpis["INSP-SCORE"],
                "site": closed.site,
            }
        )
    for row in rows:
        actions.do_create_event(row, acting_user=qm, channel=CLI)
    return len(rows)


def _objectives(ctx: Any, kpis: dict[str, Kpi], today: dt.date) -> tuple[int, int]:
    zh = ctx.locale != "en"
    qm = ctx.users["quality"]
    deadline = dt.date(today.year + 1, 6, 30)
    rate = kpis["COMPLAINT-RATE"]
    made: list[Any] = []

    def create(data: dict[str, Any]) -> Any:
        obj = actions.do_create_objective(
            {"kpi": rate, "deadline": deadline, **data}, acting_user=qm, channel=CLI
        )
        made.append(obj)
        return obj

    top = create(
        {
            "title": "全公司投诉率降至每千笔 1.4" if zh else "Chain complaint rate down to 1.4‰",
            "level": Level.ORGANIZATION,
            "target": RATE_TARGETS["org"],
            "owner": qm,
        }
    )
    reviewed = [top]
    for region in Region.objects.order_by("code"):
        target = RATE_TARGETS.get(region.code, RATE_TARGETS["org"])
        owner = ctx.users.get("north.manager") if region.code == "NORTH" else qm
        child = create(
            {
                "title": f"{region.name}投诉率 ≤ {target}‰"
                if zh
                else f"{region.name}: complaints ≤ {target}‰",
                "level": Level.REGION,
                "region": region,
                "target": target,
                "owner": owner,
                "parent": top,
            }
        )
        reviewed.append(child)
        for site in Site.objects.filter(region=region).select_related("manager").order_by("code"):
            site_target = SITE_RATE_TARGETS.get(site.code, target)
            create(
                {
                    "title": f"{site.name}投诉率 ≤ {site_target}‰"
                    if zh
                    else f"{site.name}: complaints ≤ {site_target}‰",
                    "level": Level.SITE,
                    "site": site,
                    "target": site_target,
                    "owner": site.manager,
                    "parent": child,
                }
            )
    for code, title_zh, title_en, target in (
        ("CSAT", "顾客满意度达到 4.2", "Customer satisfaction at 4.2", 4.2),
        ("INSP-SCORE", "巡检平均得分达到 92 分", "Mean inspection score at 92", 92.0),
    ):
        obj = actions.do_create_objective(
            {
                "title": title_zh if zh else title_en,
                "kpi": kpis[code],
                "level": Level.ORGANIZATION,
                "target": target,
                "deadline": dt.date(today.year, 12, 31),
                "owner": qm,
            },
            acting_user=qm,
            channel=CLI,
        )
        made.append(obj)
        reviewed.append(obj)
    reviews = 0
    earlier = today - dt.timedelta(days=91)
    for obj in reviewed:
        actions.do_review_objective(
            obj,
            "季度管理评审" if zh else "Quarterly management review",
            today,
            now=_at(earlier),
            acting_user=qm,
            channel=CLI,
        )
        actions.do_review_objective(
            obj,
            "季度管理评审" if zh else "Quarterly management review",
            today + dt.timedelta(days=91),
            now=timezone.now(),
            acting_user=qm,
            channel=CLI,
        )
        reviews += 2
    return len(made), reviews
