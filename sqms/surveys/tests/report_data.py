"""Test data for the report tests: a small instrument, campaigns, and responses stored by the
product's one writer (``actions.write_responses``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqms.surveys import actions
from sqms.surveys.choices import CampaignStatus, InstrumentKind, QuestionKind, QuestionRole
from sqms.surveys.measures import MeasurePlan, MeasureQuestion
from sqms.surveys.models import Campaign, CampaignSite, Instrument, Question, Response

# two dimensions: tangibles T1, T2; reliability R1, R2
ITEMS = [("T1", "tangibles"), ("T2", "tangibles"), ("R1", "reliability"), ("R2", "reliability")]


def make_instrument(
    code: str = "MINI",
    ratings: Sequence[str] = ("E", "P"),
    *,
    items: Sequence[tuple[str, str]] = ITEMS,
    extras: bool = True,
) -> Instrument:
    inst = Instrument.objects.create(
        code=code, kind=InstrumentKind.CUSTOM, name_en=f"{code} survey"
    )
    order = 0
    for c, dim in items:
        order += 1
        Question.objects.create(
            instrument=inst,
            order=order,
            code=c,
            kind=QuestionKind.RATINGS,
            role=QuestionRole.ITEM,
            dimension=dim,
            text_en=f"Statement {c}",
            scale_min=1,
            scale_max=7,
            ratings=list(ratings),
            required=False,  # the tests answer only what each case needs
        )
    if extras:
        dims = sorted({d for _c, d in items})
        for d in dims:
            order += 1
            Question.objects.create(
                instrument=inst,
                order=order,
                code=f"IMP_{d[:3].upper()}",
                kind=QuestionKind.POINTS,
                role=QuestionRole.IMPORTANCE,
                dimension=d,
                text_en=f"Importance of {d}",
                required=False,
            )
        specs = [
            ("OVERALL", QuestionKind.LIKERT, QuestionRole.OVERALL, 1, 7, []),
            ("CSAT", QuestionKind.LIKERT, QuestionRole.CSAT, 1, 5, []),
            ("NPS", QuestionKind.SCALE_0_10, QuestionRole.NPS, 0, 10, []),
            ("COMMENT", QuestionKind.TEXT, QuestionRole.COMMENT, None, None, []),
            (
                "VISIT",
                QuestionKind.SINGLE,
                QuestionRole.OTHER,
                None,
                None,
                [
                    {"value": 1, "en": "First visit", "zh": "首次"},
                    {"value": 2, "en": "Regular", "zh": "常客"},
                ],
            ),
        ]
        for c, kind, role, lo, hi, options in specs:
            order += 1
            Question.objects.create(
                instrument=inst,
                order=order,
                code=c,
                kind=kind,
                role=role,
                text_en=f"Question {c}",
                scale_min=lo,
                scale_max=hi,
                options=options,
                required=False,
            )
    return inst


def plan_of(instrument: Instrument) -> MeasurePlan:
    return MeasurePlan.build(
        MeasureQuestion(q.code, q.kind, q.role, q.dimension, tuple(q.ratings or ()), q.scale_max)
        for q in instrument.questions.all()
    )


def make_campaign(instrument: Instrument, sites: Iterable[Any], name: str = "Campaign") -> Campaign:
    campaign = Campaign.objects.create(name=name, instrument=instrument, status=CampaignStatus.OPEN)
    for site in sites:
        CampaignSite.objects.create(campaign=campaign, site=site)
    return campaign


def when(year: int, month: int, day: int = 15) -> dt.datetime:
    return dt.datetime(year, month, day, 12, 0, tzinfo=dt.UTC)


def write(
    campaign: Campaign,
    site: Any,
    answers: Iterable[Mapping[str, Any]],
    *,
    at: dt.datetime | None = None,
    channel: str = "demo",
    comments: Sequence[str] | None = None,
    service: Any = None,
) -> list[Response]:
    """Store one response per answers dict, a minute apart from ``at``, through
    ``write_responses``; ``comments`` go into the COMMENT question."""
    at = at or when(2025, 3)
    rows = []
    for i, a in enumerate(answers):
        a = dict(a)
        if comments and i < len(comments) and comments[i]:
            a["COMMENT"] = comments[i]
        rows.append(
            {
                "answers": a,
                "site": site,
                "service": service,
                "channel": channel,
                "submitted_at": at + dt.timedelta(minutes=i),
            }
        )
    result = actions.write_responses(campaign, rows, channel=channel, acting_user=None)
    return list(Response.objects.filter(pk__in=result.ids).order_by("submitted_at"))


def servqual_answers(
    gaps: Sequence[int], *, e: int = 6, imp: tuple[int, int] = (50, 50)
) -> list[dict[str, Any]]:
    """One respondent per gap: every item answered with E = e and P = e + gap."""
    out = []
    for g in gaps:
        a: dict[str, Any] = {}
        for code, _dim in ITEMS:
            a[f"{code}.E"] = e
            a[f"{code}.P"] = e + g
        a["IMP_REL"], a["IMP_TAN"] = imp
        out.append(a)
    return out
