"""Demo complaints: a year of complaints ending today, with patterns the analytics make visible.

* Waiting time, service attitude and product quality are the vital few of the category
  Pareto (about 70 % together); method and people dominate the root causes.
* Store NO003 gets three times the chain's complaint rate per 1,000 transactions, so it lies
  outside the funnel plot's limits; EA006 half of it.
* Store SO005's complaints shift up in the last three months (``SHIFT_SITE``): its control
  chart in the KPI demo signals. Transaction volumes of the first and the current month cover
  only their days in the year, so partial months keep their rate.
* Region SOUTH answers slowly: its median first response is about 3 business hours against
  the 4-hour target (about a third breached), the other regions about 1 hour.
* Volume peaks around the Spring Festival (February) and National Day (October).
* About one customer in twelve complains twice or more (repeat complaints).
* The last two weeks are still being worked on: new, acknowledged, investigating, waiting and
  resolved complaints; the SLA check at the end escalates the overdue ones, as the scheduler
  would.

History is written in bulk (``sqms.complaints.history.insert_history``: the same clocks and
breach rule as live complaints, without one audit event per old complaint); the open
complaints of the last days go through the actions, as staff would have logged them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sqms.calendars import actions as calendar_actions
from sqms.calendars import holidays_cn
from sqms.complaints import actions
from sqms.complaints.choices import RecoveryKind, RecoveryStatus, RootCause, Source, Status
from sqms.complaints.history import HistoricalComplaint, insert_history
from sqms.complaints.models import (
    Category,
    Complaint,
    KeywordRule,
    RecoveryAction,
    TransactionVolume,
)
from sqms.core.choices import Channel

CLI = Channel.CLI
DAYS = 365
OPEN_DAYS = 14  # complaints of the last two weeks are still being worked on
PER_STORE_MONTH = 14
HIGH_SITE, HIGH_FACTOR = "NO003", 3.0
LOW_SITE, LOW_FACTOR = "EA006", 0.5
#: a store whose complaints shift up in the last SHIFT_MONTHS months (the current one included):
#: its control chart signals and the KPI demo raises a nonconformity from the alert
SHIFT_SITE, SHIFT_FACTOR, SHIFT_MONTHS = "SO005", 2.5, 3
SLOW_REGION = "SOUTH"
TRANSACTIONS_PER_STORE_MONTH = 9000

# (category code, weight, root causes with weights, texts zh, texts en)
CATEGORY_MIX: list[tuple[str, float, dict[str, float], list[str], list[str]]] = [
    (
        "WAITING",
        0.32,
        {"method": 0.6, "people": 0.25, "environment": 0.15},
        [
            "收银台排队太久，等了二十多分钟",
            "只开了一个收银台，排队的人很多",
            "退货窗口排队等了半小时",
        ],
        [
            "Waited over twenty minutes at the checkout",
            "Only one till open and a long queue",
            "Half an hour in the returns queue",
        ],
    ),
    (
        "ATTITUDE",
        0.22,
        {"people": 0.8, "method": 0.2},
        ["店员态度冷淡，问问题不理人", "收银员说话很不耐烦", "导购态度差，推销太强硬"],
        [
            "The assistant ignored my questions",
            "The cashier was impatient and rude",
            "Pushy sales assistant",
        ],
    ),
    (
        "PRODUCT",
        0.16,
        {"material": 0.7, "method": 0.3},
        ["买的牛奶已经过期了", "水果有坏的，要求退款", "买回家的面包发霉了"],
        [
            "The milk I bought was past its date",
            "Rotten fruit, I want a refund",
            "The bread was mouldy when I got home",
        ],
    ),
    (
        "BILLING",
        0.10,
        {"machine": 0.5, "method": 0.5},
        ["价签和结账价格不一致", "会员积分没有到账", "被多收了一件商品的钱"],
        [
            "Shelf price and till price differ",
            "My loyalty points are missing",
            "I was charged twice for one item",
        ],
    ),
    (
        "FACILITIES",
        0.08,
        {"environment": 0.6, "machine": 0.4},
        ["停车场太挤，没有指引", "卫生间很脏", "空调坏了，店里太热"],
        [
            "The car park is full and unsigned",
            "The toilets were dirty",
            "The air conditioning is broken, far too hot",
        ],
    ),
    (
        "POLICY",
        0.07,
        {"method": 0.7, "customer": 0.3},
        ["不给无小票退货", "促销规则说明不清楚"],
        ["No return without a receipt", "The promotion rules are unclear"],
    ),
    (
        "MANAGEMENT",
        0.03,
        {"method": 0.6, "people": 0.4},
        ["投诉了两次都没人回复", "店长不在，没人处理问题"],
        ["Complained twice and nobody answered", "No manager on duty to deal with it"],
    ),
    (
        "OTHER",
        0.02,
        {"third_party": 0.6, "customer": 0.4},
        ["送货员把东西放错了地址", "外卖平台配送太慢"],
        ["The courier delivered to the wrong address", "Delivery platform was too slow"],
    ),
]
CHANNEL_MIX = {
    "in_person": 0.35,
    "phone": 0.25,
    "web_form": 0.15,
    "social_media": 0.1,
    "email": 0.05,
    "hotline_12315": 0.05,
    "other": 0.05,
}
SEVERITY_MIX = {"low": 0.3, "medium": 0.5, "high": 0.17, "critical": 0.03}
RECOVERY_MIX = {
    RecoveryKind.APOLOGY: 0.35,
    RecoveryKind.EXPLANATION: 0.2,
    RecoveryKind.REFUND: 0.2,
    RecoveryKind.REPLACEMENT: 0.1,
    RecoveryKind.COMPENSATION: 0.08,
    RecoveryKind.GOODWILL: 0.07,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"


def _pick(rng: random.Random, mix: Mapping[Any, float]) -> str:
    return str(rng.choices(list(mix), weights=list(mix.values()))[0])


def _month_share(month: dt.date, start: dt.date, today: dt.date) -> float:
    """The part of ``month`` the demo's year covers (the first and the current month are
    partial: their transactions so far, so a month's rate is not diluted)."""
    days = calendar.monthrange(month.year, month.month)[1]
    first = max(1, start.day + 1) if (month.year, month.month) == (start.year, start.month) else 1
    last = today.day if (month.year, month.month) == (today.year, today.month) else days
    return max(1, last - first + 1) / days


def _month_back(day: dt.date, back: int) -> dt.date:
    """The first day of the month ``back`` months before ``day``'s."""
    k = day.year * 12 + day.month - 1 - back
    return dt.date(k // 12, k % 12 + 1, 1)


def _season(day: dt.date) -> float:
    """More complaints around the Spring Festival (Feb) and National Day (Oct)."""
    return 1.0 + 0.5 * (day.month == 2) + 0.4 * (day.month == 10) + 0.15 * (day.month == 12)


def _calendar(ctx: Any, today: dt.date) -> Any:
    """The complaint desk's hours: 09:00–18:00 every day except China's public holidays
    (with the adjusted working days). Years chinese-calendar does not cover are reported."""
    years = [today.year - 1, today.year, today.year + 1]
    covered = [y for y in years if y in holidays_cn.covered_years()]
    cal = calendar_actions.do_create_calendar(
        {
            "code": "DESK",
            "name": "投诉处理时间" if ctx.locale != "en" else "Complaint desk hours",
            "time_zone": "Asia/Shanghai",
            **dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "09:00-18:00"),
            "holiday_source": "cn" if covered == years else "none",
            "is_default": True,
        },
        acting_user=None,
        channel=CLI,
    )
    if covered:
        calendar_actions.do_load_cn_holidays(cal, covered, acting_user=None, channel=CLI)
    missing = sorted(set(years) - set(covered))
    if missing:
        ctx.say(
            f"  calendar DESK: chinese-calendar does not cover {missing}; "
            "those years count as ordinary days until their holidays are loaded."
        )
    return cal


def _customers(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """A pool of customers for a site; drawing from it with replacement makes repeats."""
    pool = []
    for _i in range(max(4, int(n * 0.92))):
        name = rng.choice(SURNAMES) + ("先生" if rng.random() < 0.5 else "女士")
        pool.append((name, f"1{rng.randint(3_000_000_000, 9_999_999_999)}"))
    return pool


def generate(ctx: Any) -> str:
    rng = ctx.rng
    now = timezone.now()
    today = timezone.localdate(now)
    start = today - dt.timedelta(days=DAYS)
    zh = ctx.locale != "en"
    actions.do_install_defaults(channel=CLI)
    _calendar(ctx, today)
    categories = {c.code: c for c in Category.objects.all()}
    KeywordRule.objects.get_or_create(
        name="食品安全 / food safety",
        defaults={
            "words": "食物中毒\n拉肚子\nfood poisoning\ninjury\n受伤",
            "severity": "critical",
            "category": categories["PRODUCT"],
            "notify_emails": "quality@example.com",
        },
    )
    weights = [w for _c, w, *_rest in CATEGORY_MIX]
    rows: list[HistoricalComplaint] = []
    recent: list[dict[str, Any]] = []
    volumes: list[TransactionVolume] = []
    shift_from = _month_back(today, SHIFT_MONTHS - 1)
    for site in ctx.sites:
        factor = (
            HIGH_FACTOR if site.code == HIGH_SITE else LOW_FACTOR if site.code == LOW_SITE else 1.0
        )
        traffic = math.exp(rng.gauss(0, 0.25))
        slow = site.region.code == SLOW_REGION
        expected = PER_STORE_MONTH * 12 * factor * traffic
        customers = _customers(rng, int(expected))
        month = dt.date(start.year, start.month, 1)
        while month <= today:
            volumes.append(
                TransactionVolume(
                    site=site,
                    period=month,
                    transactions=int(
                        TRANSACTIONS_PER_STORE_MONTH
                        * traffic
                        * rng.uniform(0.9, 1.1)
                        * _month_share(month, start, today)
                    ),
                )
            )
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        for offset in range(DAYS):
            day = start + dt.timedelta(days=offset + 1)
            rate = expected / 365 * _season(day)
            if site.code == SHIFT_SITE and day >= shift_from:
                rate *= SHIFT_FACTOR
            for _ in range(_poisson(rng, rate)):
                code, _w, causes, texts_zh, texts_en = rng.choices(CATEGORY_MIX, weights=weights)[0]
                received = timezone.make_aware(
                    dt.datetime.combine(day, dt.time(rng.randint(9, 20), rng.randint(0, 59)))
                )
                if received > now:
                    continue
                name, contact = rng.choice(customers)
                text = rng.choice(texts_zh if zh else texts_en)
                data = {
                    "site": site,
                    "service": rng.choice(ctx.services) if ctx.services else None,
                    "channel": _pick(rng, CHANNEL_MIX),
                    "category": categories[code],
                    "severity": _pick(rng, SEVERITY_MIX),
                    "description": text,
                    "customer_name": name if rng.random() < 0.8 else "",
                    "customer_contact": contact if rng.random() < 0.85 else "",
                    "received_at": received,
                }
                if (today - day).days < OPEN_DAYS:
                    recent.append(data)
                    continue
                response_h = rng.lognormvariate(math.log(3.0 if slow else 1.0), 0.6)
                resolve_h = response_h + rng.lognormvariate(math.log(14 if slow else 8), 0.7)
                rows.append(
                    HistoricalComplaint(
                        data=data,
                        source=Source.DEMO,
                        status=Status.CLOSED if rng.random() < 0.96 else Status.RESOLVED,
                        first_response_after=dt.timedelta(hours=response_h),
                        resolved_after=dt.timedelta(hours=resolve_h),
                        closed_after=dt.timedelta(hours=resolve_h + rng.uniform(2, 48)),
                        root_cause=_pick(rng, causes),
                        resolution=_resolution(zh, code),
                    )
                )
    TransactionVolume.objects.bulk_create(volumes, ignore_conflicts=True)
    inserted = insert_history(rows)
    _recoveries(ctx, rng, inserted)
    answered = _follow_ups(ctx, rng, inserted)
    opened = _recent(ctx, rng, recent, now)
    checked = _check_clocks(now)
    return (
        f"Complaints: {len(inserted) + opened} over {DAYS} days ({opened} still open or recent), "
        f"{len(volumes)} monthly transaction volumes, {answered} follow-up answers{checked}."
    )


def _poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _resolution(zh: bool, code: str) -> str:
    if zh:
        return {"PRODUCT": "已退款并致歉，门店下架同批次商品", "WAITING": "致歉，已增开收银台"}.get(
            code, "已向顾客解释并致歉"
        )
    return {
        "PRODUCT": "Refunded with an apology; the batch was taken off the shelf",
        "WAITING": "Apologised; an extra till now opens at peak times",
    }.get(code, "Explained and apologised to the customer")


def _recoveries(ctx: Any, rng: random.Random, complaints: list[Any]) -> None:
    manager = ctx.users.get("store.manager")
    batch = []
    for c in complaints:
        if rng.random() > 0.6:
            continue
        kind = _pick(rng, RECOVERY_MIX)
        amount = None
        if kind in (RecoveryKind.REFUND, RecoveryKind.COMPENSATION, RecoveryKind.GOODWILL):
            amount = Decimal(rng.choice([20, 50, 80, 120, 200, 300, 600, 1200]))
        when = c.resolved_at or c.received_at
        batch.append(
            RecoveryAction(
                complaint=c,
                kind=kind,
                amount=amount,
                status=RecoveryStatus.DONE,
                requested_at=when,
                decided_by=manager if amount and amount > 500 else None,
                decided_at=when if amount and amount > 500 else None,
                done_at=when,
            )
        )
    RecoveryAction.objects.bulk_create(batch, batch_size=2000)


def _follow_ups(ctx: Any, rng: random.Random, complaints: list[Any]) -> int:
    """The follow-up campaign, and the answers of about a quarter of the closed complaints'
    customers: recovered complainants rate a little above the chain's CSAT (the recovery
    paradox the report tests), those of region SOUTH (slow answers) below it."""
    from sqms.complaints.followup import RECOMMEND_QUESTION, RECOVERY_QUESTION
    from sqms.surveys import actions as survey_actions
    from sqms.surveys.choices import CampaignStatus, ResponseChannel

    instrument = actions.do_install_followup_instrument(acting_user=None, channel=CLI)
    campaign = survey_actions.do_create_campaign(
        {
            "name": "投诉回访" if ctx.locale != "en" else "Complaint follow-up",
            "instrument": instrument,
            "sites": ctx.sites,
            "status": CampaignStatus.OPEN,
        },
        acting_user=None,
        channel=CLI,
    )
    rows, linked = [], []
    for c in complaints:
        if c.status != Status.CLOSED or rng.random() > 0.25:
            continue
        slow = c.site.region.code == SLOW_REGION
        level = rng.gauss(3.6 if slow else 4.4, 0.8)
        rows.append(
            {
                "site": c.site_id,
                "submitted_at": c.closed_at + dt.timedelta(hours=rng.uniform(2, 72)),
                "external_id": f"complaint:{c.pk}",
                "answers": {
                    RECOVERY_QUESTION: max(1, min(5, round(level))),
                    RECOMMEND_QUESTION: max(0, min(10, round(level * 2 + rng.gauss(0, 1.2)))),
                },
            }
        )
        linked.append(c)
    result = survey_actions.write_responses(
        campaign, rows, channel=ResponseChannel.DEMO, acting_user=None
    )
    for c, rid in zip(linked, result.row_ids, strict=True):
        c.follow_up_response_id = rid
        c.follow_up_sent_at = c.closed_at
    Complaint.objects.bulk_update(
        linked, ["follow_up_response", "follow_up_sent_at"], batch_size=2000
    )
    return len(rows)


def _recent(ctx: Any, rng: random.Random, recent: list[dict[str, Any]], now: dt.datetime) -> int:
    """The last two weeks through the actions, left at the steps staff have reached."""
    agent = ctx.users.get("agent")
    count = 0
    for data in recent:
        c = actions.do_create_complaint(
            {k: v for k, v in data.items() if v not in (None, "")},
            source=Source.STAFF,
            acting_user=None,
            channel=CLI,
            now=data["received_at"],
        )
        count += 1
        age = now - c.received_at
        steps: list[tuple[str, dict[str, Any]]] = []
        if age > dt.timedelta(hours=2) and rng.random() < 0.85:
            steps.append(("acknowledge", {}))
        if age > dt.timedelta(days=1) and steps and rng.random() < 0.8:
            steps.append(("investigate", {}))
            roll = rng.random()
            if roll < 0.15:
                steps.append(("wait_customer", {}))
            elif roll < 0.22:
                steps.append(("wait_third_party", {}))
            elif age > dt.timedelta(days=3) and roll < 0.75:
                steps.append(
                    (
                        "resolve",
                        {
                            "resolution": _resolution(
                                ctx.locale != "en", c.category.code if c.category else "OTHER"
                            ),
                            "root_cause": rng.choice(list(RootCause.values)),
                        },
                    )
                )
        at = c.received_at
        for name, extra in steps:
            at = min(now, at + dt.timedelta(hours=rng.uniform(0.5, 6)))
            c = actions.do_transition(
                c, name, expected_version=c.version, acting_user=None, channel=CLI, now=at, **extra
            )
        if (
            agent is not None
            and c.site_id == agent.profile.sites.values_list("id", flat=True).first()
        ):
            c = actions.do_assign(
                c, agent, expected_version=c.version, acting_user=None, channel=CLI
            )
    return count


def _check_clocks(now: dt.datetime) -> str:
    """Let the SLA check escalate what is overdue, as the scheduler would have."""
    report = actions.do_check_clocks(now, acting_user=None, channel=Channel.SCHEDULER)
    return (
        f"; SLA check: {report.breaches} breaches, {report.escalations} escalations, "
        f"{report.warnings} warnings"
    )
