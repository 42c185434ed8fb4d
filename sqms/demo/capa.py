"""Demo CAPA: the nonconformities the inspections demo raised, worked through their stages.

Runs after ``sqms.demo.inspections``: every failed critical item raised a nonconformity on
submit and the internal audit's major and minor findings raised theirs on closing. By age:

* older than ``CLOSE_DAYS``: 5-Why and fishbone causes from the default taxonomy, actions with
  the store manager as owner, done; verification measured by the product from the later
  inspection answers (the item's pass rate before and after), confirmed effective and closed;
  the first ones at a weak store were **not effective** and reopened into cycle 2 (one closed
  since, one still in progress);
* between ``WORK_DAYS`` and ``CLOSE_DAYS``: actions in progress, some past their due date;
* younger: some in analysis, the rest still in draft.

One queued complaint referral (``complaints.CapaReferral``), if any, is taken into an NC.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from sqms.capa import actions
from sqms.capa.choices import ActionKind, Stage, Verdict
from sqms.capa.models import Cause, Nonconformity
from sqms.core.choices import Channel
from sqms.demo.inspections import WEAK_SITES

CLI = Channel.CLI
CLOSE_DAYS = 110
WORK_DAYS = 30
REOPENED = 2

# cause codes per item code: (5-Why chain zh, en, root cause code, fishbone extras)
WHY: dict[str, tuple[list[str], list[str], str, list[str]]] = {
    "A2": (
        ["灭火器过期未更换", "没有人负责检查有效期", "月度安全检查表中没有这一项"],
        [
            "Extinguisher past its date",
            "Nobody checks the dates",
            "The monthly safety checklist lacks the item",
        ],
        "MS-NO-CHECK",
        ["ME-NO-SOP", "P-TRAINING"],
    ),
    "C2": (
        ["货架上有过期商品", "临期商品未按时下架", "交接班时没有临期检查步骤"],
        [
            "Goods past their date on the shelf",
            "Short-dated goods not taken off in time",
            "The shift handover has no date check",
        ],
        "ME-NOT-FOLLOWED",
        ["MT-STOCK", "P-STAFFING"],
    ),
    "C3": (
        ["冷柜温度超标", "冷柜除霜后温度未恢复", "设备未按期保养"],
        [
            "Chiller too warm",
            "Temperature not restored after defrosting",
            "Maintenance overdue",
        ],
        "MC-MAINTENANCE",
        ["MS-INSTRUMENT", "EN-PEAK"],
    ),
}
DEFAULT_WHY = (
    ["审核发现不符合", "流程未被执行", "员工不清楚要求"],
    ["Audit found a nonconformity", "The process was not followed", "Staff unaware of it"],
    "P-TRAINING",
    ["ME-SOP-UNCLEAR"],
)
ACTIONS_ZH: dict[str, str] = {
    ActionKind.CORRECTION: "立即整改并复查",
    ActionKind.CORRECTIVE: "修订检查表并培训全体员工",
    ActionKind.PREVENTIVE: "纳入区域督导月度抽查",
}
ACTIONS_EN: dict[str, str] = {
    ActionKind.CORRECTION: "Fix it at once and re-check",
    ActionKind.CORRECTIVE: "Revise the checklist and train all staff",
    ActionKind.PREVENTIVE: "Add it to the region's monthly spot checks",
}


def _at(base: dt.datetime, days: float, now: dt.datetime) -> dt.datetime:
    return min(base + dt.timedelta(days=days), now - dt.timedelta(hours=1))


def _code_of(nc: Nonconformity) -> str:
    answer = nc.inspection_answer
    return answer.item.code if answer is not None else ""


def _analyse(ctx: Any, nc: Nonconformity, causes: dict[str, Cause], at: dt.datetime) -> Any:
    zh = ctx.locale != "en"
    nc = actions.do_transition(
        nc, "analyse", expected_version=None, acting_user=None, channel=CLI, now=at
    )
    chain_zh, chain_en, root, extras = WHY.get(_code_of(nc), DEFAULT_WHY)
    chain = chain_zh if zh else chain_en
    for i, answer in enumerate(chain):
        last = i == len(chain) - 1
        actions.do_add_why_step(
            nc,
            {
                "question": "为什么？" if zh else "Why?",
                "answer": answer,
                "is_root": last,
                "cause": causes[root] if last else None,
            },
            acting_user=None,
            channel=CLI,
        )
    for code in [root, *extras]:
        actions.do_add_fishbone(
            nc, {"cause": causes[code], "is_root": code == root}, acting_user=None, channel=CLI
        )
    return nc


def _plan(
    ctx: Any, nc: Nonconformity, at: dt.datetime, kinds: list[str], due_days: int
) -> tuple[Any, list[Any]]:
    zh = ctx.locale != "en"
    if nc.stage == Stage.ANALYSIS:
        nc = actions.do_transition(
            nc, "plan", expected_version=None, acting_user=None, channel=CLI, now=at
        )
    owner = nc.site.manager if nc.site is not None else None
    added = [
        actions.do_add_action(
            nc,
            {
                "kind": kind,
                "description": (ACTIONS_ZH if zh else ACTIONS_EN)[kind],
                "owner": owner,
                "due_date": timezone.localdate(at) + dt.timedelta(days=due_days + 7 * i),
            },
            acting_user=None,
            channel=CLI,
            now=at,
        )
        for i, kind in enumerate(kinds)
    ]
    nc = actions.do_transition(
        nc, "start", expected_version=None, acting_user=None, channel=CLI, now=at
    )
    return nc, added


def _finish(
    ctx: Any, nc: Nonconformity, added: list[Any], done: dt.datetime, verify: dt.datetime
) -> Any:
    zh = ctx.locale != "en"
    for action in added:
        actions.do_complete_action(
            action, "已完成" if zh else "Done", acting_user=None, channel=CLI, now=done
        )
    return actions.do_transition(
        nc, "verify", expected_version=None, acting_user=None, channel=CLI, now=verify
    )


def _verdict(nc: Nonconformity, verdict: str, note: str, at: dt.datetime) -> Any:
    if not nc.verifications.filter(cycle=nc.cycle).exists():  # nothing measured: by hand
        actions.do_propose_verification(
            nc,
            "manual",
            {
                "before": 62,
                "after": 95 if verdict == Verdict.EFFECTIVE else 58,
                "unit": "% compliant",
            },
            note=note,
            acting_user=None,
            channel=CLI,
            now=at,
        )
    return actions.do_confirm_verification(
        nc, verdict, note, expected_version=None, acting_user=None, channel=CLI, now=at
    )


def generate(ctx: Any) -> str:
    rng: random.Random = ctx.rng
    zh = ctx.locale != "en"
    now = timezone.now()
    actions.do_install_default_causes(channel=CLI)
    causes = {c.code: c for c in Cause.objects.all()}
    ncs = list(
        Nonconformity.objects.select_related("site", "site__manager", "inspection_answer__item")
        .filter(stage=Stage.DRAFT)
        .order_by("raised_at", "pk")
    )
    reopened = closed = working = analysing = 0
    for nc in ncs:
        age = (now - nc.raised_at).days
        base = nc.raised_at
        if age >= CLOSE_DAYS:
            nc = _analyse(ctx, nc, causes, _at(base, 1, now))
            nc, added = _plan(
                ctx, nc, _at(base, 3, now), [ActionKind.CORRECTION, ActionKind.CORRECTIVE], 14
            )
            done = _at(base, 18, now)
            nc = _finish(ctx, nc, added, done, _at(base, 75, now))
            weak = nc.site is not None and nc.site.code in WEAK_SITES
            if weak and reopened < REOPENED:
                nc = _verdict(
                    nc,
                    Verdict.NOT_EFFECTIVE,
                    "整改后该项仍多次不合格" if zh else "The item kept failing after the actions",
                    _at(base, 77, now),
                )
                reopened += 1
                nc, added = _plan(ctx, nc, _at(base, 80, now), [ActionKind.PREVENTIVE], 21)
                if reopened == 1 and age > 80 + 21 + 30:
                    nc = _finish(ctx, nc, added, _at(base, 100, now), _at(base, 130, now))
                    nc = _verdict(nc, Verdict.EFFECTIVE, "", _at(base, 131, now))
                    closed += 1
                else:
                    working += 1
                continue
            nc = _verdict(nc, Verdict.EFFECTIVE, "", _at(base, 76, now))
            closed += 1
        elif age >= WORK_DAYS:
            nc = _analyse(ctx, nc, causes, _at(base, 2, now))
            # due 10–25 days after planning: the older ones are overdue now
            nc, _added = _plan(
                ctx, nc, _at(base, 5, now), [ActionKind.CORRECTIVE], rng.randint(10, 25)
            )
            working += 1
        elif rng.random() < 0.6:
            _analyse(ctx, nc, causes, _at(base, 1, now))
            analysing += 1
    referrals = _referral(ctx, now)
    total = Nonconformity.objects.count()
    return (
        f"CAPA: {total} nonconformities ({closed} closed effective, {reopened} reopened into "
        f"cycle 2, {working} with actions in progress, {analysing} in analysis"
        f"{referrals})."
    )


def _referral(ctx: Any, now: dt.datetime) -> str:
    from sqms.complaints.choices import CapaStatus
    from sqms.complaints.models import CapaReferral

    referral = CapaReferral.objects.filter(status=CapaStatus.QUEUED).order_by("pk").first()
    if referral is None:
        return ""
    actions.do_raise_from_referral(referral, acting_user=None, channel=CLI, now=now)
    return ", 1 from a complaint referral"
