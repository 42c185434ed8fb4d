"""Demo service standards and SOPs, through the ``sqms.standards`` actions.

* Four documents for the demo services, each with steps (time limits and responsible roles),
  the service promise and its compensation, written by the quality manager and approved by a
  second one (``quality.lead``: no self-approval).
* ``CHECKOUT`` has two versions: v1 took effect 14 months ago, v2 (a fifth till opens at
  three in a queue) four months ago and superseded it; most staff acknowledged v1, fewer have
  read v2 yet. ``RETURNS`` is past its yearly review date, ``DELIVERY`` falls due within the
  month (the reminder window); ``FRESH`` is young and its v2 waits in approval.
* Links to what checks each standard: the store checklist's items (queue, price tags, dates,
  chiller), the standard SLA policy and complaint categories.
* Two trainings with attendees: checkout v2 in the North region (effect measured on the
  linked checklist items), returns in the South (on the linked complaint category).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from sqms.complaints.models import Category, SlaPolicy
from sqms.core import actions as core_actions
from sqms.core.choices import Channel, Role
from sqms.core.models import Site
from sqms.demo import org
from sqms.inspections.models import ChecklistTemplate
from sqms.standards import actions
from sqms.standards.audience import status_by_site
from sqms.standards.choices import EffectMetric, StandardKind
from sqms.standards.models import Standard, StandardVersion

CLI = Channel.CLI
AGENT, MANAGER = Role.AGENT, Role.SITE_MANAGER
#: the store whose staff have read least (the weak store of the inspections demo)
UNREAD_SITE = "NO003"

# code, service, kind, review months, (title zh, en), body zh/en, promise zh/en,
# compensation zh/en, steps [(zh, en, minutes, role)], checklist items, SLA, categories,
# age of v1 in days
DOCS: list[dict[str, Any]] = [
    {
        "code": "CHECKOUT",
        "service": "SALES",
        "kind": StandardKind.STANDARD,
        "review": 12,
        "title": ("收银服务标准", "Checkout service standard"),
        "body": (
            "收银员微笑问候，唱收唱付，主动询问会员卡与发票。",
            "Greet with a smile, call out amounts, ask for the loyalty card and the receipt.",
        ),
        "promise": ("排队不超过三人；价签与结账价格一致。", "No more than three in a queue."),
        "compensation": (
            "价格不一致按低价结算并赠送 10 元购物券。",
            "A price difference is settled at the lower price plus a ¥10 voucher.",
        ),
        "steps": [
            ("三米内微笑问候顾客", "Greet the customer within three metres", 1, AGENT),
            ("排队超过三人时通知值班主管", "Call the duty lead at three in a queue", 2, AGENT),
            ("五分钟内加开收银台", "Open another till within five minutes", 5, MANAGER),
            ("核对价签，差异当场处理", "Check the shelf tag and settle differences", 10, AGENT),
        ],
        "items": ["B1", "B2", "C1"],
        "sla": False,
        "categories": ["WAITING", "BILLING"],
        "age": 425,
    },
    {
        "code": "RETURNS",
        "service": "AFTER",
        "kind": StandardKind.SOP,
        "review": 12,
        "title": ("退换货作业程序", "Returns and exchanges procedure"),
        "body": (
            "七天无理由退货，凭小票或会员记录办理。",
            "Returns within seven days without a reason, with the receipt or loyalty record.",
        ),
        "promise": ("退款三十分钟内到账。", "Refunds reach the customer within 30 minutes."),
        "compensation": (
            "超时退款赠送 20 元购物券。",
            "A late refund earns a ¥20 voucher.",
        ),
        "steps": [
            ("登记退货原因与商品状况", "Record the reason and the goods' condition", 5, AGENT),
            ("主管审批超过 500 元的退款", "The manager approves refunds over ¥500", 10, MANAGER),
            ("原路退款并告知到账时间", "Refund to the original payment, say when", 30, AGENT),
        ],
        "items": [],
        "sla": True,
        "categories": ["POLICY", "PRODUCT"],
        "age": 395,  # its yearly review is a month overdue
    },
    {
        "code": "DELIVERY",
        "service": "DELIV",
        "kind": StandardKind.STANDARD,
        "review": 12,
        "title": ("送货上门服务标准", "Home delivery standard"),
        "body": (
            "按预约的两小时时段送达，提前三十分钟电话确认。",
            "Deliver in the booked two-hour slot; phone thirty minutes ahead.",
        ),
        "promise": ("在预约时段内送达。", "Delivered within the booked slot."),
        "compensation": ("迟到赠送 50 元购物券。", "A late delivery earns a ¥50 voucher."),
        "steps": [
            ("提前三十分钟电话确认", "Phone the customer thirty minutes ahead", 30, AGENT),
            (
                "送达后当面验货签收",
                "Check the goods with the customer and get a signature",
                15,
                AGENT,
            ),
        ],
        "items": [],
        "sla": True,
        "categories": ["OTHER"],
        "age": 350,  # its review falls due in about two weeks
    },
    {
        "code": "FRESH",
        "service": "SALES",
        "kind": StandardKind.SOP,
        "review": 12,
        "title": ("生鲜与冷柜作业程序", "Fresh food and chiller procedure"),
        "body": (
            "开店前检查临期商品，冷柜温度每四小时记录一次。",
            "Check dates before opening; log chiller temperatures every four hours.",
        ),
        "promise": ("不售卖过期商品。", "Nothing past its date is sold."),
        "compensation": (
            "买到过期商品退一赔十。",
            "Goods past their date: refund and ten times the price.",
        ),
        "steps": [
            ("开店前下架临期商品", "Take short-dated goods off before opening", 30, AGENT),
            ("每四小时记录冷柜温度", "Log chiller temperatures every four hours", 5, AGENT),
            ("温度超标立即报修并转移商品", "Report a warm chiller and move the goods", 15, MANAGER),
        ],
        "items": ["C2", "C3"],
        "sla": False,
        "categories": ["PRODUCT"],
        "age": 60,
    },
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _approver(ctx: Any) -> Any:
    user = get_user_model().objects.filter(username="quality.lead").first()
    if user is None:
        first, last = org.person_name(ctx.rng, ctx.locale)
        user = core_actions.do_create_user(
            username="quality.lead",
            password=None,
            role=Role.QUALITY_MANAGER,
            first_name=first,
            last_name=last,
            acting_user=None,
            channel=CLI,
        )
    ctx.users["quality.lead"] = user
    return user


def _write(
    version: StandardVersion, doc: dict[str, Any], zh: bool, author: Any, **extra: Any
) -> None:
    i = 0 if zh else 1
    steps = extra.pop("steps", doc["steps"])
    actions.do_update_version(
        version,
        {
            "body": doc["body"][i],
            "promise": doc["promise"][i],
            "compensation": doc["compensation"][i],
            "ack_all_staff": True,
            **extra,
        },
        steps=[{"text": s[i], "time_limit_minutes": s[2], "role": s[3]} for s in steps],
        acting_user=author,
        channel=CLI,
    )


def _approve(version: StandardVersion, effective: dt.date, author: Any, approver: Any) -> Any:
    submitted = _at(effective - dt.timedelta(days=10))
    actions.do_submit_version(version, acting_user=author, channel=CLI, now=submitted)
    return actions.do_approve_version(
        version,
        effective_from=effective,
        acting_user=approver,
        channel=CLI,
        now=_at(effective - dt.timedelta(days=3)),
    )


def _acknowledge(
    ctx: Any, version: StandardVersion, share: float, until: dt.date
) -> tuple[int, int]:
    """Let about ``share`` of the version's audience acknowledge it between its effective date
    and ``until`` (the weak store's staff rarely); returns (acknowledged, audience)."""
    rng = ctx.rng
    effective = version.effective_from or until
    span = max(1, (until - effective).days)
    seen: set[int] = set()
    done = total = 0
    for status in status_by_site(version, ctx.users["quality"]):
        for person in status.people:
            if person.user.pk in seen:
                continue
            seen.add(person.user.pk)
            total += 1
            chance = share * (0.3 if status.site.code == UNREAD_SITE else 1.0)
            if rng.random() >= chance:
                continue
            day = effective + dt.timedelta(days=min(span - 1, int(rng.expovariate(1 / 12))))
            actions.do_acknowledge(
                version, acting_user=person.user, channel=CLI, now=_at(day, rng.randint(9, 17))
            )
            done += 1
    return done, total


def generate(ctx: Any) -> str:
    zh = ctx.locale != "en"
    today = timezone.localdate()
    author = ctx.users["quality"]
    approver = _approver(ctx)
    services = {s.code: s for s in ctx.services}
    store = ChecklistTemplate.objects.filter(code="STORE").first()
    policy = SlaPolicy.objects.filter(code="STANDARD").first()
    categories = {c.code: c for c in Category.objects.all()}
    acked = audience = links = 0
    standards: dict[str, Standard] = {}
    for doc in DOCS:
        standard = actions.do_create_standard(
            {
                "code": doc["code"],
                "title": doc["title"][0] if zh else doc["title"][1],
                "title_en": doc["title"][1],
                "kind": doc["kind"],
                "service": services[doc["service"]],
                "review_months": doc["review"],
            },
            acting_user=author,
            channel=CLI,
        )
        standards[doc["code"]] = standard
        v1 = standard.versions.get()
        _write(v1, doc, zh, author)
        effective = today - dt.timedelta(days=doc["age"])
        v1 = _approve(v1, effective, author, approver)
        later = today if doc["code"] != "CHECKOUT" else today - dt.timedelta(days=125)
        a, n = _acknowledge(ctx, v1, 0.9, later)
        acked, audience = acked + a, audience + n
        for code in doc["items"] if store is not None else []:
            actions.do_add_link(
                standard, {"template": store, "item_code": code}, acting_user=author, channel=CLI
            )
            links += 1
        if doc["sla"] and policy is not None:
            actions.do_add_link(standard, {"sla_policy": policy}, acting_user=author, channel=CLI)
            links += 1
        for code in doc["categories"]:
            if code in categories:
                actions.do_add_link(
                    standard, {"category": categories[code]}, acting_user=author, channel=CLI
                )
                links += 1
    a, n = _checkout_v2(ctx, standards["CHECKOUT"], today, author, approver)
    acked, audience = acked + a, audience + n
    _fresh_v2(ctx, standards["FRESH"], today, author)
    trainings = _trainings(ctx, standards, today, categories)
    # what the hourly job does: v2 supersedes v1, review reminders and overdue notices go out
    review = actions.do_review_standards(acting_user=None, channel=CLI)
    due = StandardVersion.objects.filter(
        status="approved", review_due__lte=today + dt.timedelta(days=30)
    ).count()
    return (
        f"Standards: {len(DOCS)} standards and SOPs ({due} due for review), {links} links, "
        f"{acked} of {audience} acknowledgements, {trainings} trainings; "
        f"{review.superseded} superseded, {len(review.sent)} review notices."
    )


def _checkout_v2(
    ctx: Any, standard: Standard, today: dt.date, author: Any, approver: Any
) -> tuple[int, int]:
    zh = ctx.locale != "en"
    doc = DOCS[0]
    v2 = actions.do_new_version(standard, acting_user=author, channel=CLI)
    steps = [*doc["steps"]]
    steps[2] = ("三分钟内加开收银台", "Open another till within three minutes", 3, MANAGER)
    _write(
        v2,
        doc,
        zh,
        author,
        steps=steps,
        change_note="加开收银台时限由五分钟缩短为三分钟。"
        if zh
        else "Another till now opens within three minutes, not five.",
    )
    v2 = _approve(v2, today - dt.timedelta(days=120), author, approver)
    return _acknowledge(ctx, v2, 0.55, today)


def _fresh_v2(ctx: Any, standard: Standard, today: dt.date, author: Any) -> None:
    zh = ctx.locale != "en"
    v2 = actions.do_new_version(standard, acting_user=author, channel=CLI)
    actions.do_update_version(
        v2,
        {
            "change_note": "冷柜温度改为每两小时记录。"
            if zh
            else "Chiller temperatures logged every two hours."
        },
        acting_user=author,
        channel=CLI,
    )
    actions.do_submit_version(v2, acting_user=author, channel=CLI, now=_at(today, 9))


def _trainings(
    ctx: Any, standards: dict[str, Standard], today: dt.date, categories: dict[str, Any]
) -> int:
    zh = ctx.locale != "en"
    author = ctx.users["quality"]
    made = 0
    plans: list[tuple[str, str, tuple[str, str], dt.date, dict[str, Any]]] = [
        (
            "CHECKOUT",
            "NORTH",
            ("收银服务标准 v2 培训", "Checkout standard v2 training"),
            today - dt.timedelta(days=110),
            {"effect_metric": EffectMetric.PASS_RATE},
        ),
        (
            "RETURNS",
            "SOUTH",
            ("退换货程序复训", "Returns procedure refresher"),
            today - dt.timedelta(days=75),
            {"effect_metric": EffectMetric.COMPLAINTS, "effect_category": categories.get("POLICY")},
        ),
    ]
    for code, region, course, held_on, effect in plans:
        sites = list(Site.objects.filter(region__code=region).select_related("manager"))
        attendees = [s.manager for s in sites if s.manager is not None and s.code != UNREAD_SITE]
        if (
            not sites
            or effect.get("effect_metric") == EffectMetric.COMPLAINTS
            and not effect.get("effect_category")
        ):
            continue
        actions.do_create_training(
            {
                "standard": standards[code],
                "course": course[0] if zh else course[1],
                "held_on": held_on,
                "trainer": author.get_full_name() or author.get_username(),
                "sites": sites,
                "attendees": attendees,
                "window_days": 60,
                **effect,
            },
            acting_user=author,
            channel=CLI,
        )
        made += 1
    return made
