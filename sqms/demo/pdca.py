"""Demo PDCA improvement projects, through the ``sqms.improvement`` actions (so each step has
its audit event), telling the demo's stories:

* ``PDCA-EA001-WAIT`` — the flagship EA001's checkout queue: planned before the new queue
  system went in (``surveys.CHANGE_DAYS_AGO``), its tasks done, the Check on the entered
  waiting time (four months before against three after, Welch's t-test) effective, standardized
  in the ``CHECKOUT`` standard's v2 (a fifth till opens at three in a queue) and closed;
* ``PDCA-EA001-CSAT`` — the follow-up on EA001's satisfied customers (top-2 box): in Check,
  the Check run on the months since the change (a pooled two-proportion z-test), a significant
  improvement waiting for the Act decision;
* ``PDCA-SO005-RATE`` — the complaint rate of ``complaints.SHIFT_SITE``, started from the
  nonconformity its KPI alert raised (``sqms.demo.kpis``): in Do, one task done and two open.

Runs after ``sqms.demo.kpis`` and ``sqms.demo.standards``. The dates are counted back from
today, so the first two are active in the last complete quarter's management review; the
third is as young as the alert's nonconformity.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sqms.capa.choices import Origin
from sqms.capa.models import Nonconformity
from sqms.core.choices import Channel
from sqms.core.models import Site
from sqms.demo import complaints, surveys
from sqms.improvement import actions
from sqms.improvement.models import PdcaDecision, PdcaProject
from sqms.kpis import periods as P
from sqms.kpis.choices import Level
from sqms.kpis.models import ControlLimits, Kpi, KpiValue
from sqms.standards.models import StandardVersion

CLI = Channel.CLI
WAIT_CODE, CSAT_CODE, RATE_CODE = "PDCA-EA001-WAIT", "PDCA-EA001-CSAT", "PDCA-SO005-RATE"
BASELINE_MONTHS = 4  # the months before the queue system the EA001 projects compare with
WAIT_AFTER_MONTHS = 3


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _month_end(first: dt.date) -> dt.date:
    return P.shift(first, "month", 1) - dt.timedelta(days=1)


def _t(zh: bool, pair: tuple[str, str]) -> str:
    return pair[0] if zh else pair[1]


def _plan(zh: bool, texts: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {key: _t(zh, pair) for key, pair in texts.items()}


def generate(ctx: Any) -> str:
    qm = ctx.users["quality"]
    today = timezone.localdate()
    change = today - dt.timedelta(days=surveys.CHANGE_DAYS_AGO)
    change_month = change.replace(day=1)  # already with the shorter queue: in neither window
    baseline = (
        P.shift(change_month, "month", -BASELINE_MONTHS),
        change_month - dt.timedelta(days=1),
    )
    ea = Site.objects.select_related("manager").get(code=surveys.CHANGE_SITE)
    wait = _wait(ctx, qm, ea, change, baseline)
    csat = _csat(ctx, qm, ea, change, baseline, today)
    rate = _rate(ctx, qm, today)
    made = [p for p in (wait, csat, rate) if p is not None]
    tasks = sum(p.tasks.count() for p in made)
    stages = ", ".join(f"{p.code} {p.get_stage_display()}" for p in made)
    return f"PDCA: {len(made)} improvement projects ({stages}), {tasks} tasks."


def _start(
    ctx: Any,
    qm: Any,
    site: Site,
    code: str,
    data: dict[str, Any],
    tasks: list[tuple[tuple[str, str], dt.date, dt.date | None]],
    created: dt.datetime,
    do_on: dt.datetime,
) -> PdcaProject:
    """Create the project with its Plan, add its tasks, move it to Do and mark the tasks
    done on their days (``None``: still open)."""
    zh = ctx.locale != "en"
    project = actions.do_create_project(
        {**data, "owner": site.manager},
        code=code,
        level=Level.SITE,
        site=site,
        acting_user=qm,
        channel=CLI,
        now=created,
    )
    added = [
        (
            actions.do_add_task(
                project,
                {"title": _t(zh, title), "due_date": due, "owner": site.manager},
                acting_user=qm,
                channel=CLI,
            ),
            done,
        )
        for title, due, done in tasks
    ]
    project = actions.do_transition_project(
        project, "do", expected_version=None, acting_user=qm, channel=CLI, now=do_on
    )
    for task, done in added:
        if done is not None:
            actions.do_complete_task(task, done_on=done, acting_user=qm, channel=CLI)
    return project


def _check(
    project: PdcaProject, qm: Any, after: tuple[dt.date, dt.date], on: dt.date
) -> PdcaProject:
    project = actions.do_update_project(
        project,
        {"after_from": after[0], "after_to": after[1]},
        expected_version=None,
        acting_user=qm,
        channel=CLI,
    )
    project = actions.do_transition_project(
        project, "check", expected_version=None, acting_user=qm, channel=CLI, now=_at(on)
    )
    return actions.do_run_check(project, acting_user=qm, channel=CLI, now=_at(on, 11))


def _baseline_mean(kpi: Kpi, site: Site, window: tuple[dt.date, dt.date]) -> float | None:
    values = list(
        KpiValue.objects.filter(
            kpi=kpi, level=Level.SITE, site=site, period__gte=window[0], period__lte=window[1]
        ).values_list("value", flat=True)
    )
    return sum(values) / len(values) if values else None


def _wait(
    ctx: Any, qm: Any, ea: Site, change: dt.date, baseline: tuple[dt.date, dt.date]
) -> PdcaProject | None:
    zh = ctx.locale != "en"
    kpi = Kpi.objects.get(code="WAIT")
    standard = StandardVersion.objects.filter(standard__code="CHECKOUT", number=2).first()
    before = _baseline_mean(kpi, ea, baseline)
    if before is None or standard is None:
        return None
    first_after = P.shift(change.replace(day=1), "month", 1)
    after = (first_after, _month_end(P.shift(first_after, "month", WAIT_AFTER_MONTHS - 1)))
    jitter = ctx.rng.randint(0, 3)
    plan = _plan(
        zh,
        {
            "title": ("EA001 收银排队等候时间降低 25%", "EA001: checkout wait down by a quarter"),
            "problem": (
                "旗舰店午高峰收银平均等候超过四分钟，顾客在问卷和投诉中屡次提到排队。",
                "At the flagship's lunch peak the average checkout wait exceeds four minutes; "
                "customers name the queue in surveys and complaints.",
            ),
            "root_cause": (
                "排队时没有人通知值班主管，加开收银台全凭经验。",
                "Nobody calls the duty lead when the queue grows; extra tills open by guesswork.",
            ),
            "plan_what": (
                "上线排队叫号系统，三人排队即加开收银台",
                "A queue-number system; open another till at three in a queue",
            ),
            "plan_why": ("缩短等候，减少排队投诉", "Shorter waits, fewer queue complaints"),
            "plan_where": ("EA001 收银区", "EA001 checkout area"),
            "plan_when": ("系统上线后连续三个月评估", "Three months from the go-live"),
            "plan_who": ("店长、值班主管、收银员", "Store manager, duty leads, cashiers"),
            "plan_how": (
                "叫号屏提示主管；每周复核等候时间",
                "The queue screen alerts the lead; the wait is reviewed weekly",
            ),
        },
    )
    project = _start(
        ctx,
        qm,
        ea,
        WAIT_CODE,
        {
            **plan,
            "kpi": kpi,
            "baseline_from": baseline[0],
            "baseline_to": baseline[1],
            "target": round(0.75 * before, 1),
            "due_date": after[1] + dt.timedelta(days=14),
        },
        [
            (("安装排队叫号系统", "Install the queue-number system"), change, change),
            (
                ("培训收银员和值班主管", "Train the cashiers and duty leads"),
                change + dt.timedelta(days=7),
                change + dt.timedelta(days=5 + jitter),
            ),
        ],
        created=_at(change - dt.timedelta(days=45)),
        do_on=_at(change - dt.timedelta(days=30)),
    )
    checked = after[1] + dt.timedelta(days=5)
    project = _check(project, qm, after, checked)
    project = actions.do_transition_project(
        project, "act", expected_version=None, acting_user=qm, channel=CLI, now=_at(checked, 12)
    )
    project = actions.do_decide_act(
        project,
        PdcaDecision.STANDARDIZE,
        standard_version=standard,
        note=_t(
            zh,
            (
                "三人排队加开收银台写入收银服务标准 v2。",
                "Opening a till at three in a queue is written into the checkout standard v2.",
            ),
        ),
        expected_version=None,
        acting_user=qm,
        channel=CLI,
        now=_at(checked + dt.timedelta(days=3)),
    )
    return actions.do_transition_project(
        project,
        "close",
        expected_version=None,
        acting_user=qm,
        channel=CLI,
        now=_at(checked + dt.timedelta(days=5)),
    )


def _csat(
    ctx: Any,
    qm: Any,
    ea: Site,
    change: dt.date,
    baseline: tuple[dt.date, dt.date],
    today: dt.date,
) -> PdcaProject:
    zh = ctx.locale != "en"
    kpi = Kpi.objects.get(code="CSAT-TOP2")
    last_month = P.shift(today.replace(day=1), "month", -1)
    after = (P.shift(change.replace(day=1), "month", 1), _month_end(last_month))
    plan = _plan(
        zh,
        {
            "title": ("EA001 满意顾客占比回到 75% 以上", "EA001: satisfied customers above 75 %"),
            "problem": (
                "排队问题期间 EA001 的满意顾客占比跌到三成多。",
                "While the queues lasted, EA001's top-2-box share fell to about a third.",
            ),
            "root_cause": (
                "等候时间长，收银员无暇问候顾客。",
                "Long waits; cashiers had no time to greet customers.",
            ),
            "plan_what": ("高峰时段安排迎宾员引导排队", "A greeter guides the queue at peaks"),
            "plan_why": ("让顾客感到被关注", "Customers feel looked after"),
            "plan_where": ("EA001 入口和收银区", "EA001 entrance and checkout"),
            "plan_when": ("叫号系统上线后", "From the queue system's go-live"),
            "plan_who": ("店长和迎宾员", "Store manager and greeters"),
            "plan_how": ("每月复核满意度问卷", "Monthly review of the satisfaction survey"),
        },
    )
    project = _start(
        ctx,
        qm,
        ea,
        CSAT_CODE,
        {
            **plan,
            "kpi": kpi,
            "baseline_from": baseline[0],
            "baseline_to": baseline[1],
            "target": 0.75,
            "due_date": today + dt.timedelta(days=30),
        },
        [
            (("排出高峰迎宾班次", "Roster greeters for the peaks"), change, change),
            (
                ("迎宾话术培训", "Greeting script training"),
                change + dt.timedelta(days=20),
                change + dt.timedelta(days=18),
            ),
        ],
        created=_at(change + dt.timedelta(days=10)),
        do_on=_at(change + dt.timedelta(days=14)),
    )
    return _check(project, qm, after, today - dt.timedelta(days=3))


def _rate(ctx: Any, qm: Any, today: dt.date) -> PdcaProject | None:
    """From the shifted store's KPI-alarm nonconformity: baseline the months of its frozen
    limits, target their centre line."""
    zh = ctx.locale != "en"
    nc = (
        Nonconformity.objects.filter(origin=Origin.KPI_ALARM, site__code=complaints.SHIFT_SITE)
        .select_related("site__manager")
        .first()
    )
    limits = ControlLimits.objects.filter(
        kpi__code="COMPLAINT-RATE", site__code=complaints.SHIFT_SITE, is_current=True
    ).first()
    if nc is None or nc.site is None or limits is None:
        return None
    plan = _plan(
        zh,
        {
            "title": (
                f"{nc.site.code} 投诉率回到正常水平",
                f"{nc.site.code}: complaint rate back to its usual level",
            ),
            "problem": (
                "控制图信号：近几个月千笔交易投诉率是基线的两倍多。",
                "Control-chart signal: the complaints per 1,000 transactions of the last "
                "months are more than twice the baseline.",
            ),
            "root_cause": (
                "新招的收银员未经培训即上岗，退换货规则解释不一致。",
                "New cashiers started untrained and explain the returns rules inconsistently.",
            ),
            "plan_what": (
                "新员工上岗前完成退换货培训",
                "Returns training before a new hire's first shift",
            ),
            "plan_why": ("减少因解释不一致引起的投诉", "Fewer complaints from mixed answers"),
            "plan_where": (f"{nc.site.code} 服务台和收银区", f"{nc.site.code} desk and tills"),
            "plan_when": ("本季度内", "Within this quarter"),
            "plan_who": ("店长、区域培训师", "Store manager, regional trainer"),
            "plan_how": (
                "培训、上岗考核、每周投诉复盘",
                "Training, a sign-off check, weekly complaint review",
            ),
        },
    )
    return _start(
        ctx,
        qm,
        nc.site,
        RATE_CODE,
        {
            **plan,
            "kpi": limits.kpi,
            "nonconformity": nc,
            "baseline_from": limits.baseline_from,
            "baseline_to": _month_end(limits.baseline_to),
            "target": round(limits.center, 2),
            "due_date": today + dt.timedelta(days=60),
        },
        [
            (
                ("复盘近三个月的投诉", "Review the last three months' complaints"),
                today,
                today,
            ),
            (
                ("新员工退换货培训", "Returns training for the new cashiers"),
                today + dt.timedelta(days=14),
                None,
            ),
            (
                ("上岗考核表加入退换货规则", "Add the returns rules to the sign-off check"),
                today + dt.timedelta(days=21),
                None,
            ),
        ],
        created=timezone.now(),
        do_on=timezone.now(),
    )
