"""Demo inspections: a year of store checks ending today, with patterns the reports make visible.

* Three checklists: the store checklist (supervisor visits and self-inspections), the mystery
  shopper's (with its scenario script) and the internal audit's (ISO 9001 clauses).
* Programmes: monthly supervisor visits and monthly self-inspections of every store, and a
  quarterly mystery-shopper programme with two shoppers taking turns (the planner never sends
  the same shopper to a store twice in a row). Plans are generated over the past year and the
  past periods performed; the current month (and quarter) is left planned, two visits of last
  month are overdue.
* Stores ``WEAK_SITES`` are clearly weaker; ``SELF_SITE`` rates itself about eight points
  higher than the supervisors do (the self-vs-visitor flag); the failed items' Pareto has a
  vital few (queue length, price tags, chiller temperature).
* One internal audit of ``AUDIT_SITE``: plan, opening and closing meetings, five findings (one
  major, two minor, an observation, an opportunity for improvement), closed: the major and
  minor findings raise nonconformities.
* One dispute (upheld, the answer corrected) and a few rewards and penalties.

Failed critical items raise their nonconformities on submit (the CAPA app's hook); the CAPA
demo (``sqms.demo.capa``) works them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sqms.core import actions as core_actions
from sqms.core import audit
from sqms.core.choices import AuditAction, Channel, Role
from sqms.core.models import AuditEvent, Region
from sqms.demo import org
from sqms.inspections import actions, hooks, scoring, totals
from sqms.inspections.choices import FindingKind, InspectionKind, InspectionStatus, Scoring
from sqms.inspections.models import Answer, ChecklistTemplate, Inspection, Item, Programme

CLI = Channel.CLI
MONTHS = 12
WEAK_SITES = ("NO003", "SO002")
SELF_SITE = "EA002"
AUDIT_SITE = "NO001"
#: the vital few of the failed-item Pareto: item code -> extra failure probability
VITAL_FEW = {"B2": 0.22, "C1": 0.16, "C3": 0.12}

# (code, text zh, text en, scoring, weight, critical, target, tolerance, unit)
ItemRow = tuple[str, str, str, str, str, bool, str | None, str | None, str]
STORE_SECTIONS: list[tuple[str, str, list[ItemRow]]] = [
    (
        "门店环境",
        "Store environment",
        [
            (
                "A1",
                "地面清洁无杂物",
                "Floor clean and clear",
                "pass_fail",
                "1",
                False,
                None,
                None,
                "",
            ),
            (
                "A2",
                "灭火器在有效期内",
                "Extinguishers in date",
                "pass_fail",
                "2",
                True,
                None,
                None,
                "",
            ),
            (
                "A3",
                "安全通道畅通",
                "Fire exits unobstructed",
                "pass_fail",
                "2",
                False,
                None,
                None,
                "",
            ),
        ],
    ),
    (
        "收银与服务",
        "Checkout and service",
        [
            (
                "B1",
                "三米微笑问候",
                "Greeting within three metres",
                "scale",
                "2",
                False,
                None,
                None,
                "",
            ),
            (
                "B2",
                "收银排队不超过三人",
                "No more than three in a queue",
                "pass_fail",
                "2",
                False,
                None,
                None,
                "",
            ),
            (
                "B4",
                "主动介绍会员活动",
                "Loyalty offer mentioned",
                "scale",
                "1",
                False,
                None,
                None,
                "",
            ),
        ],
    ),
    (
        "商品与价格",
        "Goods and prices",
        [
            (
                "C1",
                "价签与系统价格一致",
                "Shelf tags match the till price",
                "pass_fail",
                "2",
                False,
                None,
                None,
                "",
            ),
            (
                "C2",
                "无过期商品",
                "No goods past their date",
                "pass_fail",
                "3",
                True,
                None,
                None,
                "",
            ),
            ("C3", "冷柜温度", "Chiller temperature", "numeric", "2", True, "4", "2", "°C"),
            (
                "C4",
                "货架陈列整齐丰满",
                "Shelves full and tidy",
                "scale",
                "1",
                False,
                None,
                None,
                "",
            ),
        ],
    ),
]
MYSTERY_SECTIONS: list[tuple[str, str, list[ItemRow]]] = [
    (
        "进店",
        "Arrival",
        [
            (
                "M1",
                "进店十秒内被问候",
                "Greeted within ten seconds",
                "pass_fail",
                "2",
                False,
                None,
                None,
                "",
            ),
            (
                "M2",
                "店员主动提供帮助",
                "Offered help unprompted",
                "scale",
                "2",
                False,
                None,
                None,
                "",
            ),
        ],
    ),
    (
        "咨询与结账",
        "Advice and checkout",
        [
            (
                "M3",
                "能准确介绍商品",
                "Explained the product correctly",
                "scale",
                "2",
                False,
                None,
                None,
                "",
            ),
            ("M4", "结账等候时间", "Checkout wait", "numeric", "2", False, "3", "2", "min"),
            (
                "M5",
                "询问是否需要发票",
                "Offered a receipt (fapiao)",
                "pass_fail",
                "1",
                False,
                None,
                None,
                "",
            ),
        ],
    ),
]
MYSTERY_SCENARIO_ZH = (
    "1. 午间 12:00–13:30 进店，先在生鲜区停留两分钟，观察是否有员工主动问候。\n"
    "2. 向员工询问一款进口牛奶与国产牛奶的区别。\n"
    "3. 选购两件商品到人工收银台结账，记录排队等候时间（分钟）。\n"
    "4. 结账时不主动索要发票，观察收银员是否询问。\n"
    "5. 离店后十五分钟内完成问卷并写下过程记录。"
)
MYSTERY_SCENARIO_EN = (
    "1. Visit between 12:00 and 13:30; spend two minutes in fresh produce and note whether "
    "anyone greets you.\n2. Ask an assistant how the imported milk differs from the local one.\n"
    "3. Buy two items at a staffed till and time the wait (minutes).\n"
    "4. Do not ask for a receipt; note whether the cashier offers one.\n"
    "5. Fill in the questionnaire and the narrative within fifteen minutes of leaving."
)
AUDIT_ITEMS: list[tuple[str, str, str, str]] = [
    ("4.4", "质量管理体系过程已识别并文件化", "QMS processes identified and documented", "Q1"),
    ("5.3", "岗位职责与权限已明确", "Roles, responsibilities and authorities assigned", "Q2"),
    ("7.2", "员工培训记录完整有效", "Staff training records complete", "Q3"),
    ("7.5", "文件与记录受控", "Documented information controlled", "Q4"),
    ("8.5", "服务提供按标准执行", "Service provision under controlled conditions", "Q5"),
    ("8.7", "不合格输出得到控制", "Nonconforming outputs controlled", "Q6"),
    ("9.1", "顾客满意度得到监视", "Customer satisfaction monitored", "Q7"),
    ("10.2", "不合格与纠正措施有记录", "Nonconformity and corrective action recorded", "Q8"),
]
NARRATIVE_ZH = [
    "进店后约{n}秒有员工问候。",
    "询问牛奶区别，店员解释清楚并推荐了促销装。",
    "收银台开了{k}个，排队等候约{m}分钟。",
    "收银员未询问是否需要发票。",
]
NARRATIVE_EN = [
    "Greeted about {n} seconds after entering.",
    "Asked about the milk; the assistant explained clearly and pointed to the offer.",
    "{k} tills open; waited about {m} minutes.",
    "The cashier did not offer a receipt.",
]


def _month_start(day: dt.date, back: int) -> dt.date:
    y, m = day.year, day.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1)


def _checklist(
    ctx: Any,
    code: str,
    names: tuple[str, str],
    kind: str,
    sections: list[tuple[str, str, list[ItemRow]]],
    **version: Any,
) -> Any:
    zh = ctx.locale != "en"
    template = actions.do_create_template(
        {"code": code, "name": names[0] if zh else names[1], "name_en": names[1], "kind": kind},
        acting_user=None,
        channel=CLI,
    )
    draft = template.versions.get()
    if version:
        actions.do_update_version(draft, version, acting_user=None, channel=CLI)
    for title_zh, title_en, items in sections:
        section = actions.do_add_section(
            draft,
            {"title": title_zh if zh else title_en, "title_en": title_en},
            acting_user=None,
            channel=CLI,
        )
        for icode, text_zh, text_en, method, weight, critical, target, tol, unit in items:
            actions.do_add_item(
                section,
                {
                    "code": icode,
                    "text": text_zh if zh else text_en,
                    "text_en": text_en,
                    "scoring": method,
                    "weight": Decimal(weight),
                    "is_critical": critical,
                    "target": None if target is None else Decimal(target),
                    "tolerance": None if tol is None else Decimal(tol),
                    "unit": unit,
                },
                acting_user=None,
                channel=CLI,
            )
    return actions.do_publish_version(draft, acting_user=None, channel=CLI)


def _audit_checklist(ctx: Any) -> Any:
    zh = ctx.locale != "en"
    template = actions.do_create_template(
        {
            "code": "AUDIT",
            "name": "内部审核检查表（ISO 9001）" if zh else "Internal audit (ISO 9001)",
            "name_en": "Internal audit (ISO 9001)",
            "kind": InspectionKind.AUDIT,
        },
        acting_user=None,
        channel=CLI,
    )
    draft = template.versions.get()
    section = actions.do_add_section(
        draft,
        {"title": "ISO 9001:2015" if not zh else "ISO 9001:2015 条款", "title_en": "ISO 9001:2015"},
        acting_user=None,
        channel=CLI,
    )
    for clause, text_zh, text_en, code in AUDIT_ITEMS:
        actions.do_add_item(
            section,
            {
                "code": code,
                "text": text_zh if zh else text_en,
                "text_en": text_en,
                "scoring": Scoring.PASS_FAIL,
                "clause": clause,
            },
            acting_user=None,
            channel=CLI,
        )
    return actions.do_publish_version(draft, acting_user=None, channel=CLI)


def _inspectors(ctx: Any) -> tuple[list[Any], list[Any]]:
    """Supervisors (one per region, plus the demo's inspector account) and two mystery
    shoppers who may visit every store."""
    user_model = get_user_model()
    supervisors: list[Any] = []
    if "inspector" in ctx.users:
        supervisors.append(ctx.users["inspector"])
    for region in Region.objects.order_by("code"):
        username = f"sup.{region.code.lower()}"
        user = user_model.objects.filter(username=username).first()
        if user is None:
            first, last = org.person_name(ctx.rng, ctx.locale)
            user = core_actions.do_create_user(
                username=username,
                password=None,
                role=Role.INSPECTOR,
                sites=[x for x in ctx.sites if x.region_id == region.pk],
                first_name=first,
                last_name=last,
                acting_user=None,
                channel=CLI,
            )
        supervisors.append(user)
    shoppers = []
    for username in ("shopper.a", "shopper.b"):
        user = user_model.objects.filter(username=username).first()
        if user is None:
            first, last = org.person_name(ctx.rng, ctx.locale)
            user = core_actions.do_create_user(
                username=username,
                password=None,
                role=Role.INSPECTOR,
                sites=list(ctx.sites),
                first_name=first,
                last_name=last,
                acting_user=None,
                channel=CLI,
            )
        ctx.users[username] = user
        shoppers.append(user)
    return supervisors, shoppers


def _level(site_code: str, kind: str) -> float:
    """A store's quality: the chance an ordinary item passes, before the vital few."""
    level = 0.93
    if site_code in WEAK_SITES:
        level = 0.76
    if kind == InspectionKind.SELF and site_code == SELF_SITE:
        level = 0.995
    elif site_code == SELF_SITE:
        level = 0.84
    return min(level, 0.995)


def _answer(rng: random.Random, item: Item, level: float, improving: float) -> tuple[str, Any]:
    """(result, value) for one item at a store of ``level``."""
    extra = VITAL_FEW.get(item.code, 0.0) * improving
    fail = (1 - level) * 0.18 + extra * 0.6 if item.is_critical else (1 - level) + extra
    ok = rng.random() >= fail
    if item.scoring == Scoring.PASS_FAIL:
        return ("pass" if ok else "fail"), None
    if item.scoring == Scoring.SCALE:
        if not ok:
            return "", rng.choice([0, 1, 2])
        return "", min(5, max(3, round(rng.gauss(3.2 + 2.0 * level, 0.6))))
    target, tol = float(item.target or 0), float(item.tolerance or 0)
    if ok:
        return "", Decimal(str(round(rng.uniform(target - tol * 0.8, target + tol * 0.8), 1)))
    return "", Decimal(str(round(target + tol + rng.uniform(0.5, 3.0), 1)))


#: inspections written per transaction by the bulk path
BATCH = 100
UPDATED = (
    "status",
    "started_at",
    "submitted_at",
    "points",
    "max_points",
    "score",
    "critical_failed",
    "passed",
    "site_representative",
    "narrative",
    "version",
)


def _event(obj: Any, action: str, *, before: dict[str, Any] | None = None, site: Any = None) -> Any:
    """The audit event ``sqms.core.audit.record`` would write for ``obj`` (not saved), or None
    for an update that changed nothing."""
    after = audit.snapshot(obj)
    changes = audit.diff(before or {}, after)
    if action == AuditAction.UPDATE and not changes:
        return None
    return AuditEvent(
        actor=None,
        actor_name="",
        channel=CLI,
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        site=site if site is not None else audit.site_of(obj),
        changes=changes,
        actor_hidden=bool(getattr(obj, "audit_hides_actor", False)),
    )


def _narrative(ctx: Any, when: dt.datetime) -> list[dict[str, str]]:
    """Two timed entries of a mystery shopper's narrative, as ``do_add_narrative`` keeps them."""
    rng = ctx.rng
    lines = NARRATIVE_ZH if ctx.locale != "en" else NARRATIVE_EN
    entries = []
    for i, line in enumerate(rng.sample(lines, 2)):
        text = line.format(n=rng.randint(5, 40), k=rng.randint(1, 4), m=rng.randint(1, 9))
        at = timezone.localtime(when - dt.timedelta(minutes=30 - 8 * i))
        entries.append({"at": at.isoformat(timespec="seconds"), "text": text})
    return sorted(entries, key=lambda e: e["at"])


def _perform_all(ctx: Any, jobs: list[tuple[Inspection, list[Item], dt.datetime, float]]) -> None:
    """Perform and submit past inspections in bulk: the same rows and audit events as
    ``do_save_answer`` item by item then ``do_submit_inspection`` would write (an answer's
    creation, the inspection's change from planned to submitted), scored by
    ``sqms.inspections.scoring``; failed critical items raise their nonconformities through
    the same hook as the submit. One answer per item instead of one action per item keeps the
    year of history to a couple of seconds."""
    for first in range(0, len(jobs), BATCH):
        with transaction.atomic():
            _perform_batch(ctx, jobs[first : first + BATCH])


def _perform_batch(ctx: Any, jobs: list[tuple[Inspection, list[Item], dt.datetime, float]]) -> None:
    rng = ctx.rng
    answers: list[Answer] = []
    done: list[tuple[Inspection, list[Answer], dt.datetime, dict[str, Any]]] = []
    for inspection, items, when, improving in jobs:
        before = audit.snapshot(inspection)
        level = _level(inspection.site.code, inspection.kind)
        if inspection.kind == InspectionKind.SELF and inspection.site.code == SELF_SITE:
            improving = 0.0  # the lenient store passes its own queue and price-tag checks
        rows = []
        for item in items:
            result, value = _answer(rng, item, level, improving)
            pass_fail = item.scoring == Scoring.PASS_FAIL
            answer = Answer(
                inspection=inspection,
                item=item,
                result=result if pass_fail else "",
                value=None if pass_fail else Decimal(value),
                answered_at=when,
                answered_by=None,
            )
            totals.score_answer(answer, item)
            rows.append(answer)
        if inspection.kind == InspectionKind.MYSTERY:
            inspection.narrative = _narrative(ctx, when)
        checklist = inspection.checklist
        t = scoring.total(
            [(scoring.ItemScore(a.points, a.max_points, a.failed), a.is_critical) for a in rows],
            pass_mark=checklist.pass_mark,
            critical_rule=checklist.critical_rule,
            cap=checklist.cap_score,
        )
        inspection.points, inspection.max_points = t.points, t.max_points
        inspection.score, inspection.critical_failed, inspection.passed = (
            t.score,
            t.critical_failed,
            t.passed,
        )
        inspection.status = InspectionStatus.SUBMITTED
        inspection.started_at = inspection.submitted_at = when
        manager = inspection.site.manager
        inspection.site_representative = manager.get_full_name() if manager is not None else ""
        # one version per saved answer and narrative entry, one for the submit
        inspection.version += len(rows) + len(inspection.narrative) + 1
        answers.extend(rows)
        done.append((inspection, rows, when, before))
    Answer.objects.bulk_create(answers)
    Inspection.objects.bulk_update([d[0] for d in done], UPDATED)
    events = [_event(a, AuditAction.CREATE, site=a.inspection.site) for a in answers]
    events += [_event(i, AuditAction.UPDATE, before=before) for i, _r, _w, before in done]
    AuditEvent.objects.bulk_create([e for e in events if e is not None])
    for _inspection, rows, when, _before in done:
        failed = [a for a in rows if a.failed and a.is_critical]
        if failed:
            hooks.on_failed_critical(failed, acting_user=None, channel=CLI, now=when)


def _visit_time(rng: random.Random, inspection: Inspection, now: dt.datetime) -> dt.datetime:
    start = inspection.period_start or now.date()
    due = inspection.due_on or now.date()
    days = (due - start).days
    day = start + dt.timedelta(days=rng.randint(0, max(0, days - 1)))
    hour = rng.randint(12, 13) if inspection.kind == InspectionKind.MYSTERY else rng.randint(9, 17)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59))))
    return min(moment, now - dt.timedelta(hours=1))


def generate(ctx: Any) -> str:
    rng = ctx.rng
    now = timezone.now()
    today = timezone.localdate(now)
    first = _month_start(today, MONTHS - 1)
    this_month = _month_start(today, 0)
    last_month = _month_start(today, 1)
    store = _checklist(
        ctx,
        "STORE",
        ("门店巡检表", "Store checklist"),
        InspectionKind.SUPERVISOR,
        STORE_SECTIONS,
        pass_mark=Decimal(80),
    )
    scenario = MYSTERY_SCENARIO_ZH if ctx.locale != "en" else MYSTERY_SCENARIO_EN
    _checklist(
        ctx,
        "MYSTERY",
        ("神秘顾客问卷", "Mystery shopper visit"),
        InspectionKind.MYSTERY,
        MYSTERY_SECTIONS,
        scenario=scenario,
    )
    audit_version = _audit_checklist(ctx)
    supervisors, shoppers = _inspectors(ctx)
    zh = ctx.locale != "en"
    programmes = [
        actions.do_create_programme(
            {
                "name": "督导月度巡店" if zh else "Monthly supervisor visits",
                "template": store.template,
                "kind": InspectionKind.SUPERVISOR,
                "frequency": "monthly",
                "starts_on": first,
                "sites": ctx.sites,
                "inspectors": supervisors,
            },
            acting_user=None,
            channel=CLI,
        ),
        actions.do_create_programme(
            {
                "name": "门店月度自查" if zh else "Monthly self-inspections",
                "template": store.template,
                "kind": InspectionKind.SELF,
                "frequency": "monthly",
                "starts_on": first,
                "sites": ctx.sites,
                "inspectors": [],
            },
            acting_user=None,
            channel=CLI,
        ),
        actions.do_create_programme(
            {
                "name": "神秘顾客季度暗访" if zh else "Quarterly mystery shopping",
                "template": ChecklistTemplate.objects.get(code="MYSTERY"),
                "kind": InspectionKind.MYSTERY,
                "frequency": "quarterly",
                "starts_on": first,
                "sites": ctx.sites,
                "inspectors": shoppers,
            },
            acting_user=None,
            channel=CLI,
        ),
    ]
    planned = 0
    for programme in programmes:
        planned += actions.do_generate_plans(
            programme, until=today, now=now, acting_user=None, channel=CLI
        ).created
    items_of: dict[int, list[Item]] = {}
    todo = list(
        Inspection.objects.filter(
            programme__in=programmes, status=InspectionStatus.PLANNED, due_on__lt=today
        )
        .select_related("site", "site__manager", "checklist")
        .order_by("period_start", "site__code", "kind")
    )
    # two visits of last month are left undone: overdue
    overdue = [
        i for i in todo if i.period_start == last_month and i.kind == InspectionKind.SUPERVISOR
    ]
    skipped = {i.pk for i in rng.sample(overdue, min(2, len(overdue)))}
    jobs: list[tuple[Inspection, list[Item], dt.datetime, float]] = []
    for inspection in todo:
        if inspection.pk in skipped:
            continue
        items = items_of.setdefault(
            inspection.checklist_id, list(Item.objects.filter(version_id=inspection.checklist_id))
        )
        # the vital few fade over the year once the stores work on them
        months_ago = (today - (inspection.period_start or today)).days / 30.4
        improving = 0.5 + 0.5 * min(1.0, months_ago / MONTHS)
        jobs.append((inspection, items, _visit_time(rng, inspection, now), improving))
    _perform_all(ctx, jobs)
    performed = [job[0] for job in jobs]
    audit_summary = _internal_audit(ctx, audit_version, now)
    extras = _dispute_and_consequences(ctx, performed, now)
    open_now = Inspection.objects.filter(status=InspectionStatus.PLANNED).count()
    assert this_month <= today
    return (
        f"Inspections: 3 checklists, {len(programmes)} programmes, {planned} planned visits, "
        f"{len(performed)} performed ({open_now} still planned, {len(skipped)} overdue); "
        f"{audit_summary}; {extras}."
    )


def _internal_audit(ctx: Any, version: Any, now: dt.datetime) -> str:
    zh = ctx.locale != "en"
    site = next(s for s in ctx.sites if s.code == AUDIT_SITE)
    auditor = ctx.users["quality"]
    planned_on = timezone.localdate(now) - dt.timedelta(days=75)
    opening = timezone.make_aware(dt.datetime.combine(planned_on, dt.time(9, 0)))
    closing = opening + dt.timedelta(hours=7)
    audit_insp = actions.do_create_audit(
        {
            "site": site,
            "template": version.template,
            "scope": "门店运营与顾客服务过程" if zh else "Store operations and customer service",
            "criteria": "ISO 9001:2015; 门店服务手册" if zh else "ISO 9001:2015; store handbook",
            "clauses": "4.4, 5.3, 7.2, 7.5, 8.5, 8.7, 9.1, 10.2",
            "auditors": [auditor],
            "auditees": "店长、值班主管、收银组长" if zh else "Store manager, duty lead, till lead",
            "planned_on": planned_on,
        },
        acting_user=None,
        channel=CLI,
        now=opening - dt.timedelta(days=21),
    )
    actions.do_record_meeting(
        audit_insp,
        "opening",
        "确认审核范围、日程和陪同人员。" if zh else "Scope, agenda and guides confirmed.",
        opening,
        acting_user=None,
        channel=CLI,
        now=opening,
    )
    failing = {"Q3", "Q6", "Q8"}
    for item in Item.objects.filter(version=version):
        actions.do_save_answer(
            audit_insp,
            item,
            result="fail" if item.code in failing else "pass",
            acting_user=None,
            channel=CLI,
            now=opening + dt.timedelta(hours=2),
        )
    findings = [
        (
            FindingKind.MAJOR,
            "8.7",
            "过期商品未隔离，与在售商品混放" if zh else "Expired goods not segregated from stock",
            "冷柜 3 号发现 6 件过期酸奶" if zh else "Six expired yoghurts in chiller 3",
        ),
        (
            FindingKind.MINOR,
            "7.2",
            "两名新员工未完成收银培训" if zh else "Two new staff without till training",
            "培训台账 2026 年第三季度" if zh else "Training register, Q3",
        ),
        (
            FindingKind.MINOR,
            "10.2",
            "上次投诉的纠正措施无验证记录" if zh else "No verification of last complaint's action",
            "纠正措施登记表" if zh else "Corrective action log",
        ),
        (
            FindingKind.OBSERVATION,
            "7.5",
            "部分作业指导书版本未标注" if zh else "Some work instructions carry no version",
            "",
        ),
        (
            FindingKind.OFI,
            "9.1",
            "可在收银台增设满意度评价器" if zh else "A rating pad at the tills would help",
            "",
        ),
    ]
    for kind, clause, description, evidence in findings:
        actions.do_add_finding(
            audit_insp,
            {"kind": kind, "clause": clause, "description": description, "evidence": evidence},
            acting_user=None,
            channel=CLI,
        )
    actions.do_close_audit(
        audit_insp,
        "通报审核发现，约定 30 天内提交纠正措施。"
        if zh
        else "Findings presented; corrective actions due in 30 days.",
        closing,
        acting_user=None,
        channel=CLI,
        now=closing,
    )
    return f"1 internal audit of {AUDIT_SITE} with {len(findings)} findings"


def _dispute_and_consequences(ctx: Any, performed: list[Inspection], now: dt.datetime) -> str:
    zh = ctx.locale != "en"
    sup = [i for i in performed if i.kind == InspectionKind.SUPERVISOR]
    weak = [i for i in sup if i.site.code == WEAK_SITES[0]]
    disputes = 0
    # the most recent but one visit of the weak store with a failed ordinary item
    candidates = [
        (target, answer)
        for target in reversed(weak[:-1] or weak)
        for answer in Answer.objects.filter(inspection=target, failed=True, is_critical=False)
        .select_related("item")
        .order_by("item__code")[:1]
    ]
    if candidates:
        target, answer = candidates[0]
        if answer is not None:
            at = (target.submitted_at or now) + dt.timedelta(days=1)
            dispute = actions.do_raise_dispute(
                target,
                {
                    "answer": answer,
                    "reason": "检查时该区域正在补货，已在十分钟内整改"
                    if zh
                    else "The area was being restocked and was fixed within ten minutes",
                },
                acting_user=None,
                channel=CLI,
                now=at,
            )
            correction = (
                {"result": "pass"} if answer.item.scoring == Scoring.PASS_FAIL else {"value": 3}
            )
            actions.do_decide_dispute(
                dispute,
                True,
                "核对照片后同意更正" if zh else "Upheld after checking the photos",
                correction=correction,
                acting_user=None,
                channel=CLI,
                now=at + dt.timedelta(days=2),
            )
            disputes = 1
    scored = sorted(
        (i for i in sup if i.score is not None), key=lambda i: (i.score, i.pk), reverse=True
    )
    consequences = 0
    for inspection in scored[:3]:
        actions.do_record_consequence(
            inspection,
            {
                "kind": "reward",
                "rule": "奖惩手册 3.1 满分门店" if zh else "Handbook 3.1 top score",
                "amount": "500",
                "recipient": inspection.site.name,
            },
            acting_user=None,
            channel=CLI,
        )
        consequences += 1
    for inspection in [i for i in scored if i.critical_failed][:3]:
        actions.do_record_consequence(
            inspection,
            {
                "kind": "penalty",
                "rule": "奖惩手册 5.2 关键项不合格" if zh else "Handbook 5.2 critical item failed",
                "points": 5,
                "recipient": inspection.site.name,
            },
            acting_user=None,
            channel=CLI,
        )
        consequences += 1
    return f"{disputes} dispute decided, {consequences} rewards and penalties"


def programme_of(kind: str) -> Programme:
    return Programme.objects.get(kind=kind)
