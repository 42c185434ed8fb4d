"""Demo survey data: built-in instruments, five campaigns and a year of responses ending today.

Visible patterns, for the report pages to make obvious:

* region NORTH is about one point worse on **responsiveness** (perception), in every store;
* store EA001 improves by about one point on every dimension after a dated change — a new
  queue system introduced 150 days before today.

Everything goes through :func:`sqms.surveys.actions.write_responses` (bulk writes, rollups in the
same transaction). ``ctx.scale`` multiplies the stores (see ``org.site_plan``) and the responses
per store. The answer generator :func:`servqual_rows` is shared with ``bench/surveys.py``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from sqms.core.choices import Channel
from sqms.core.models import Region, Site
from sqms.surveys import actions
from sqms.surveys.choices import CampaignStatus, ResponseChannel
from sqms.surveys.instruments import IMPORTANCE_CODES, SERVQUAL_ITEMS
from sqms.surveys.models import Instrument

CHANGE_SITE = "EA001"
CHANGE_DAYS_AGO = 150
WEAK_REGION = "NORTH"
WEAK_DIMENSION = "responsiveness"

SERVQUAL_PER_STORE_MONTH = 20
CSAT_PER_STORE_MONTH = 30
NPS_PER_STORE_MONTH = 20
MANAGERS_PER_STORE = 3
STAFF_PER_STORE = 10

COMMENTS_ZH = {
    "good": [
        "店员很热情，谢谢！",
        "环境干净整洁。",
        "结账很快。",
        "售后处理得很专业。",
        "送货准时，安装师傅很细心。",
    ],
    "slow": [
        "排队时间太长了。",
        "叫了好几次都没人理。",
        "等了二十分钟才有人来。",
        "电话一直打不通。",
    ],
    "queue": ["新的排队叫号系统很方便，等候时间短多了。", "现在取号排队，秩序好多了。"],
    "bad": ["商品标价和结账价格不一致。", "承诺的送货时间没有做到。", "退货手续太麻烦。"],
}
COMMENTS_EN = {
    "good": [
        "Friendly staff, thank you!",
        "Clean and tidy store.",
        "Quick checkout.",
        "After-sales handled professionally.",
        "Delivery on time, careful installer.",
    ],
    "slow": [
        "The queue was far too long.",
        "Asked several times, nobody came.",
        "Waited twenty minutes for help.",
        "Could not get through on the phone.",
    ],
    "queue": [
        "The new queue-ticket system is great, much shorter waits.",
        "Taking a number works much better now.",
    ],
    "bad": [
        "Shelf price and till price did not match.",
        "Delivery was not at the promised time.",
        "Returning an item is too complicated.",
    ],
}

DIMS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
ITEM_DIMS = [(f"SQ{n:02d}", str(dim)) for n, (dim, _zh, _en) in enumerate(SERVQUAL_ITEMS, start=1)]


def _clamp(x: float, lo: int, hi: int) -> int:
    return lo if x < lo else hi if x > hi else int(round(x))


class StoreModel:
    """How good one store is, per dimension, on a given day (the demo's hidden truth)."""

    def __init__(self, sites: list[Site], rng: random.Random, today: dt.date) -> None:
        regions = dict(Region.objects.values_list("id", "code"))
        self.region_of = {s.pk: regions.get(s.region_id, "") for s in sites}
        self.code_of = {s.pk: s.code for s in sites}
        self.base = {s.pk: rng.gauss(0.0, 0.25) for s in sites}
        self.change_day = today - dt.timedelta(days=CHANGE_DAYS_AGO)

    def shift(self, site_id: int, dim: str, day: dt.date) -> float:
        """Perception shift of a dimension at a store on a day, in scale points."""
        s = self.base[site_id]
        if self.region_of[site_id] == WEAK_REGION and dim == WEAK_DIMENSION:
            s -= 1.0
        if self.code_of[site_id] == CHANGE_SITE:
            s += -0.7 if day < self.change_day else 0.3
        return s


def _moments(
    rng: random.Random, n: int, start: dt.date, days: int, tz: dt.tzinfo
) -> list[dt.datetime]:
    out = []
    for _ in range(n):
        day = start + dt.timedelta(days=rng.randrange(days))
        moment = dt.datetime(
            day.year,
            day.month,
            day.day,
            rng.randint(9, 20),
            rng.randrange(60),
            rng.randrange(60),
            tzinfo=tz,
        )
        out.append(moment)
    return out


def _importance(rng: random.Random) -> dict[str, int]:
    weights = [rng.random() + (0.8 if d == "reliability" else 0.3) for d in DIMS]
    total = sum(weights)
    points = [int(round(w / total * 20)) * 5 for w in weights]
    points[1] += 100 - sum(points)
    if points[1] < 0:
        points = [20] * 5
    return {IMPORTANCE_CODES[d]: p for d, p in zip(DIMS, points, strict=True)}


def servqual_answers(
    model: StoreModel, site_id: int, day: dt.date, rng: random.Random, zh: bool = True
) -> dict[str, Any]:
    """One respondent's SERVQUAL answers (E and P for 22 items, OVERALL, sometimes IMP and COMMENT)."""
    gauss = rng.gauss
    person = gauss(0.0, 0.45)
    expect = 6.1 + gauss(0.0, 0.35)
    shifts = {d: model.shift(site_id, d, day) for d in DIMS}
    answers: dict[str, Any] = {}
    total_p = 0.0
    for code, dim in ITEM_DIMS:
        answers[f"{code}.E"] = _clamp(expect + gauss(0.0, 0.55), 1, 7)
        p = _clamp(5.3 + person + shifts[dim] + gauss(0.0, 0.7), 1, 7)
        answers[f"{code}.P"] = p
        total_p += p
    answers["OVERALL"] = _clamp(total_p / 22 + gauss(0.0, 0.5), 1, 7)
    if rng.random() < 0.3:
        answers.update(_importance(rng))
    if rng.random() < 0.15:
        pool = COMMENTS_ZH if zh else COMMENTS_EN
        if model.code_of[site_id] == CHANGE_SITE and day >= model.change_day and rng.random() < 0.6:
            kind = "queue"
        elif shifts[WEAK_DIMENSION] < -0.6 and rng.random() < 0.6:
            kind = "slow"
        else:
            kind = "good" if answers["OVERALL"] >= 5 else "bad"
        answers["COMMENT"] = rng.choice(pool[kind])
    return answers


def servqual_rows(
    sites: list[Site],
    rng: random.Random,
    per_store_month: float,
    today: dt.date,
    *,
    zh: bool = True,
) -> Iterator[dict[str, Any]]:
    """A year of SERVQUAL responses ending today, as ``write_responses`` rows."""
    model = StoreModel(sites, rng, today)
    start = today - dt.timedelta(days=364)
    n_per_store = max(1, int(round(per_store_month * 12)))
    services = None
    for site in sites:
        tz = zoneinfo.ZoneInfo(site.time_zone)
        for moment in sorted(_moments(rng, n_per_store, start, 365, tz)):
            yield {
                "site": site.pk,
                "submitted_at": moment,
                "answers": servqual_answers(model, site.pk, moment.date(), rng, zh),
                "language": "zh-hans" if zh else "en",
                "service": services,
            }


def _simple_rows(
    sites: list[Site],
    rng: random.Random,
    model: StoreModel,
    per_store: int,
    today: dt.date,
    make: Any,
    zh: bool,
) -> Iterator[dict[str, Any]]:
    start = today - dt.timedelta(days=364)
    for site in sites:
        tz = zoneinfo.ZoneInfo(site.time_zone)
        for moment in _moments(rng, per_store, start, 365, tz):
            yield {
                "site": site.pk,
                "submitted_at": moment,
                "answers": make(site.pk, moment.date()),
                "language": "zh-hans" if zh else "en",
            }


def generate(ctx: Any, *, volume: float = 1.0) -> str:
    """Load the survey demo; ``volume`` scales responses per store (tests use a fraction)."""
    started = time.perf_counter()
    zh = ctx.locale != "en"
    rng: random.Random = ctx.rng
    actions.do_install_builtins(acting_user=None, channel=Channel.CLI)
    inst = {i.code: i for i in Instrument.objects.filter(is_current=True)}
    today = timezone.localdate()
    start = today - dt.timedelta(days=364)
    sites = list(ctx.sites)
    services = list(ctx.services)
    per = volume * ctx.scale if ctx.scale > 1 else volume
    qm = next(
        (
            u
            for u in ctx.users.values()
            if getattr(u, "profile", None) and u.profile.role == "quality_manager"
        ),
        None,
    )

    def campaign(code: str, name_zh: str, name_en: str) -> Any:
        return actions.do_create_campaign(
            {
                "name": name_zh if zh else name_en,
                "instrument": inst[code],
                "sites": sites,
                "services": services,
                "opens_on": start,
                "status": CampaignStatus.OPEN,
            },
            acting_user=qm,
            channel=Channel.CLI,
        )

    model = StoreModel(sites, random.Random(ctx.seed + 1), today)
    counts: dict[str, int] = {}

    sq = campaign(
        "SERVQUAL",
        f"{start.year}–{today.year} 年度 SERVQUAL 顾客调查",
        f"SERVQUAL customer survey {start.year}–{today.year}",
    )
    rows = servqual_rows(sites, rng, SERVQUAL_PER_STORE_MONTH * per, today, zh=zh)
    counts["SERVQUAL"] = actions.write_responses(
        sq, rows, channel=ResponseChannel.DEMO, acting_user=None, want_ids=False, fast=True
    ).created

    def csat(site_id: int, day: dt.date) -> dict[str, Any]:
        mean = sum(model.shift(site_id, d, day) for d in DIMS) / 5
        answers: dict[str, Any] = {
            "CSAT": _clamp(
                4.0
                + 0.9 * mean
                + 0.6 * model.shift(site_id, WEAK_DIMENSION, day) / 2
                + rng.gauss(0, 0.8),
                1,
                5,
            )
        }
        if rng.random() < 0.1:
            answers["COMMENT"] = rng.choice(
                (COMMENTS_ZH if zh else COMMENTS_EN)["good" if answers["CSAT"] >= 4 else "slow"]
            )
        return answers

    def nps(site_id: int, day: dt.date) -> dict[str, Any]:
        mean = sum(model.shift(site_id, d, day) for d in DIMS) / 5
        answers: dict[str, Any] = {"NPS": _clamp(7.6 + 1.6 * mean + rng.gauss(0, 1.7), 0, 10)}
        if rng.random() < 0.2:
            answers["COMMENT"] = rng.choice(
                (COMMENTS_ZH if zh else COMMENTS_EN)["good" if answers["NPS"] >= 9 else "bad"]
            )
        return answers

    def gap1(site_id: int, day: dt.date) -> dict[str, Any]:
        # managers under-estimate expectations, most of all on responsiveness
        return {
            f"{code}.M": _clamp(
                5.6 - (0.6 if dim == WEAK_DIMENSION else 0.0) + rng.gauss(0, 0.6), 1, 7
            )
            for code, dim in ITEM_DIMS
        }

    def gap3(site_id: int, day: dt.date) -> dict[str, Any]:
        return {
            f"{code}.S": _clamp(
                5.6 + 0.8 * model.shift(site_id, dim, day) + rng.gauss(0, 0.7), 1, 7
            )
            for code, dim in ITEM_DIMS
        }

    plans = [
        (
            "CSAT",
            "顾客满意度快速调查",
            "Quick customer satisfaction (CSAT)",
            csat,
            int(CSAT_PER_STORE_MONTH * 12 * per),
        ),
        (
            "NPS",
            "顾客推荐意愿（NPS）",
            "Likelihood to recommend (NPS)",
            nps,
            int(NPS_PER_STORE_MONTH * 12 * per),
        ),
        (
            "GAP1-MGMT",
            "管理层对顾客期望的估计（差距 1）",
            "Management view of customer expectations (gap 1)",
            gap1,
            max(1, int(MANAGERS_PER_STORE * volume)),
        ),
        (
            "GAP3-STAFF",
            "员工服务达标评估（差距 3）",
            "Staff view of delivery against standards (gap 3)",
            gap3,
            max(1, int(STAFF_PER_STORE * volume)),
        ),
    ]
    for code, name_zh, name_en, make, per_store in plans:
        c = campaign(code, name_zh, name_en)
        rows = _simple_rows(sites, rng, model, per_store, today, make, zh)
        counts[code] = actions.write_responses(
            c, rows, channel=ResponseChannel.DEMO, acting_user=None, want_ids=False, fast=True
        ).created
    change = today - dt.timedelta(days=CHANGE_DAYS_AGO)
    total = sum(counts.values())
    elapsed = time.perf_counter() - started
    return (
        f"Surveys: 5 campaigns, {total:,} responses in {elapsed:.1f} s "
        f"({', '.join(f'{k} {v:,}' for k, v in counts.items())}); {WEAK_REGION} weak on responsiveness, "
        f"{CHANGE_SITE} improves after its new queue system on {change.isoformat()}."
    )
