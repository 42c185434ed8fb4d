"""Demo survey data: built-in instruments, five campaigns and a year of responses ending today.

Visible patterns, for the report pages to make obvious:

* region NORTH is about one point worse on **responsiveness** (perception), in every store;
* store EA001 improves by about one point on every dimension after a dated change — a new
  queue system introduced 150 days before today;
* stores differ in traffic (lognormal weights, the busiest — EA001 — 3.5× the quietest), so
  the site funnel plot spreads out; store SO004 is clearly below the chain (weak across the board,
  most of all on reliability) and EA006 clearly above it, both outside the 99.8 % limits.

Answers come from a latent model, so each SERVQUAL dimension is internally consistent
(Cronbach's alpha about 0.85 for both E and P, as in published SERVQUAL data): per respondent a
general level, plus a factor per dimension, plus noise per item, rounded and clipped to 1–7.
Expectations are higher and less spread out than perceptions. Managers under-estimate
expectations a little (gap 1 about −0.4, −0.6 on responsiveness); staff rate delivery against
the standard about 5.7 of 7.

Everything goes through :func:`sqms.surveys.actions.write_responses` (bulk writes, rollups in the
same transaction). ``ctx.scale`` multiplies the stores (see ``org.site_plan``) and the responses
per store. The answer generator :func:`servqual_rows` is shared with ``bench/surveys.py``.
"""

from __future__ import annotations

import datetime as dt
import math
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

# Store traffic: lognormal weights rescaled so the busiest store gets TRAFFIC_SPREAD times the
# responses of the quietest; the mean weight is 1, so the totals stay those of the rates above.
TRAFFIC_SPREAD = 3.5
# Stores outside the funnel limits (perception shift per dimension, in scale points).
LOW_SITE = "SO004"
LOW_SHIFT = {
    "tangibles": -0.3,
    "reliability": -1.2,
    "responsiveness": -0.6,
    "assurance": -0.4,
    "empathy": -0.5,
}
HIGH_SITE = "EA006"
HIGH_SHIFT = 0.45
STORE_SD = 0.03  # the other stores' own level (small: they sit inside the funnel)

# Latent answer model (SDs in scale points): respondent level + dimension factor + item noise.
P_MEAN, P_GENERAL, P_DIM, P_ITEM = 5.35, 0.85, 0.45, 0.72
E_MEAN, E_GENERAL, E_DIM, E_ITEM = 6.2, 0.45, 0.30, 0.36
E_P_CORRELATION = 0.1  # a respondent's E and P levels share a response style
GAP1_UNDERESTIMATE = 0.4  # managers' M below customers' E (more on WEAK_DIMENSION)
GAP1_WEAK_EXTRA = 0.2
STAFF_MEAN = 5.75  # employees' S, delivery against the standard

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
# Fixed small item offsets (some statements are rated a little higher than others).
_offsets = random.Random(22)
ITEM_OFFSET = {code: round(_offsets.uniform(-0.15, 0.15), 2) for code, _dim in ITEM_DIMS}


def _clamp(x: float, lo: int, hi: int) -> int:
    return lo if x < lo else hi if x > hi else int(round(x))


class StoreModel:
    """How good and how busy each store is, per dimension, on a given day (the hidden truth)."""

    def __init__(self, sites: list[Site], rng: random.Random, today: dt.date) -> None:
        regions = dict(Region.objects.values_list("id", "code"))
        self.region_of = {s.pk: regions.get(s.region_id, "") for s in sites}
        self.code_of = {s.pk: s.code for s in sites}
        self.base = {s.pk: rng.gauss(0.0, STORE_SD) for s in sites}
        traffic = _traffic([rng.gauss(0.0, 1.0) for _ in sites])
        # the flagship EA001 is the busiest store (hence its queues and the new queue system)
        codes = [s.code for s in sites]
        if CHANGE_SITE in codes:
            i, j = codes.index(CHANGE_SITE), traffic.index(max(traffic))
            traffic[i], traffic[j] = traffic[j], traffic[i]
        self.weight = {s.pk: w for s, w in zip(sites, traffic, strict=True)}
        self.change_day = today - dt.timedelta(days=CHANGE_DAYS_AGO)

    def shift(self, site_id: int, dim: str, day: dt.date) -> float:
        """Perception shift of a dimension at a store on a day, in scale points."""
        s = self.base[site_id]
        code = self.code_of[site_id]
        if self.region_of[site_id] == WEAK_REGION and dim == WEAK_DIMENSION:
            s -= 1.0
        if code == CHANGE_SITE:
            s += -0.7 if day < self.change_day else 0.3
        elif code == LOW_SITE:
            s += LOW_SHIFT[dim]
        elif code == HIGH_SITE:
            s += HIGH_SHIFT
        return s

    def volume(self, site_id: int, per_store: float) -> int:
        """Responses of a store when the average store gets ``per_store``."""
        return max(1, int(round(per_store * self.weight[site_id])))


def _traffic(z: list[float]) -> list[float]:
    """Lognormal weights from normal draws, rescaled to span TRAFFIC_SPREAD, mean 1."""
    if not z:
        return []
    lo, hi = min(z), max(z)
    span = math.log(TRAFFIC_SPREAD)
    w = [math.exp((x - lo) / (hi - lo) * span) if hi > lo else 1.0 for x in z]
    mean = sum(w) / len(w)
    return [x / mean for x in w]


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
    """One respondent's SERVQUAL answers (E and P for 22 items, OVERALL, sometimes IMP and COMMENT).

    Latent model: a respondent level (E and P, correlated), a factor per dimension and noise per
    item, so the items of a dimension hang together (alpha about 0.85)."""
    gauss = rng.gauss
    level = gauss(0.0, 1.0)
    p_level = P_MEAN + P_GENERAL * level
    e_level = E_MEAN + E_GENERAL * (
        E_P_CORRELATION * level + math.sqrt(1.0 - E_P_CORRELATION**2) * gauss(0.0, 1.0)
    )
    shifts = {d: model.shift(site_id, d, day) for d in DIMS}
    p_dim = {d: p_level + shifts[d] + gauss(0.0, P_DIM) for d in DIMS}
    e_dim = {d: e_level + gauss(0.0, E_DIM) for d in DIMS}
    answers: dict[str, Any] = {}
    total_p = 0.0
    for code, dim in ITEM_DIMS:
        offset = ITEM_OFFSET[code]
        answers[f"{code}.E"] = _clamp(e_dim[dim] + offset + gauss(0.0, E_ITEM), 1, 7)
        p = _clamp(p_dim[dim] + offset + gauss(0.0, P_ITEM), 1, 7)
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
    model: StoreModel | None = None,
) -> Iterator[dict[str, Any]]:
    """A year of SERVQUAL responses ending today, as ``write_responses`` rows.

    ``per_store_month`` is the average store's rate; each store gets it times its traffic
    weight (``model``, built from ``rng`` when not given)."""
    model = model or StoreModel(sites, rng, today)
    start = today - dt.timedelta(days=364)
    services = None
    for site in sites:
        tz = zoneinfo.ZoneInfo(site.time_zone)
        n = model.volume(site.pk, per_store_month * 12)
        for moment in sorted(_moments(rng, n, start, 365, tz)):
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
    per_store: float,
    today: dt.date,
    make: Any,
    zh: bool,
    weighted: bool,
) -> Iterator[dict[str, Any]]:
    """Rows of a simple survey: ``per_store`` each, times the store's traffic if ``weighted``."""
    start = today - dt.timedelta(days=364)
    for site in sites:
        tz = zoneinfo.ZoneInfo(site.time_zone)
        n = model.volume(site.pk, per_store) if weighted else max(1, int(per_store))
        for moment in _moments(rng, n, start, 365, tz):
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
    rows = servqual_rows(sites, rng, SERVQUAL_PER_STORE_MONTH * per, today, zh=zh, model=model)
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
        # managers under-estimate expectations a little, most of all on responsiveness
        gauss = rng.gauss
        level = E_MEAN - GAP1_UNDERESTIMATE + gauss(0, 0.4)
        dim_level = {
            d: level - (GAP1_WEAK_EXTRA if d == WEAK_DIMENSION else 0.0) + gauss(0, 0.25)
            for d in DIMS
        }
        return {
            f"{code}.M": _clamp(dim_level[dim] + ITEM_OFFSET[code] + gauss(0, 0.45), 1, 7)
            for code, dim in ITEM_DIMS
        }

    def gap3(site_id: int, day: dt.date) -> dict[str, Any]:
        # staff see their store's weaknesses, a little less sharply than customers do
        gauss = rng.gauss
        level = STAFF_MEAN + gauss(0, 0.45)
        dim_level = {d: level + 0.8 * model.shift(site_id, d, day) + gauss(0, 0.3) for d in DIMS}
        return {
            f"{code}.S": _clamp(dim_level[dim] + gauss(0, 0.5), 1, 7) for code, dim in ITEM_DIMS
        }

    plans = [
        (
            "CSAT",
            "顾客满意度快速调查",
            "Quick customer satisfaction (CSAT)",
            csat,
            CSAT_PER_STORE_MONTH * 12 * per,
            True,
        ),
        (
            "NPS",
            "顾客推荐意愿（NPS）",
            "Likelihood to recommend (NPS)",
            nps,
            NPS_PER_STORE_MONTH * 12 * per,
            True,
        ),
        (
            "GAP1-MGMT",
            "管理层对顾客期望的估计（差距 1）",
            "Management view of customer expectations (gap 1)",
            gap1,
            max(1, int(MANAGERS_PER_STORE * volume)),
            False,
        ),
        (
            "GAP3-STAFF",
            "员工服务达标评估（差距 3）",
            "Staff view of delivery against standards (gap 3)",
            gap3,
            max(1, int(STAFF_PER_STORE * volume)),
            False,
        ),
    ]
    for code, name_zh, name_en, make, per_store, weighted in plans:
        c = campaign(code, name_zh, name_en)
        rows = _simple_rows(sites, rng, model, per_store, today, make, zh, weighted)
        counts[code] = actions.write_responses(
            c, rows, channel=ResponseChannel.DEMO, acting_user=None, want_ids=False, fast=True
        ).created
    change = today - dt.timedelta(days=CHANGE_DAYS_AGO)
    total = sum(counts.values())
    elapsed = time.perf_counter() - started
    return (
        f"Surveys: 5 campaigns, {total:,} responses in {elapsed:.1f} s "
        f"({', '.join(f'{k} {v:,}' for k, v in counts.items())}); {WEAK_REGION} weak on responsiveness, "
        f"{CHANGE_SITE} improves after its new queue system on {change.isoformat()}; "
        f"{LOW_SITE} below and {HIGH_SITE} above the chain."
    )
