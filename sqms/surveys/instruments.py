"""The built-in instruments: SERVQUAL and its variants, CSAT, NPS and the internal gap-model
surveys, in Chinese and English.

The 22 SERVQUAL statements follow the item content of Parasuraman, Zeithaml and Berry (1988),
"SERVQUAL: a multiple-item scale for measuring consumer perceptions of service quality",
*Journal of Retailing* 64(1): tangibles 1–4, reliability 5–9, responsiveness 10–13,
assurance 14–17, empathy 18–22. The wording here is our own, written for a store setting, so
it can be shipped and translated freely.

Each definition is plain data (``InstrumentDef``); :func:`sqms.surveys.actions.do_install_builtins`
turns them into rows and is idempotent (an instrument whose code exists is left alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqms.surveys.choices import Dimension, InstrumentKind, QuestionKind, QuestionRole

# (dimension, zh, en) for SQ01..SQ22
SERVQUAL_ITEMS: list[tuple[str, str, str]] = [
    (Dimension.TANGIBLES, "门店的设施设备新颖、现代。", "The store has up-to-date equipment."),
    (
        Dimension.TANGIBLES,
        "门店的环境和陈设美观、舒适。",
        "The store's premises look attractive and comfortable.",
    ),
    (Dimension.TANGIBLES, "员工着装整洁、得体。", "Staff are neatly and appropriately dressed."),
    (
        Dimension.TANGIBLES,
        "宣传资料、票据和标识清晰、美观。",
        "Leaflets, receipts and signs are clear and pleasant to look at.",
    ),
    (
        Dimension.RELIABILITY,
        "门店承诺在某个时间完成的事，都能按时做到。",
        "When the store promises to do something by a certain time, it does so.",
    ),
    (
        Dimension.RELIABILITY,
        "我遇到问题时，员工真心实意地帮我解决。",
        "When I have a problem, staff show a sincere interest in solving it.",
    ),
    (Dimension.RELIABILITY, "服务第一次就能做好。", "The service is done right the first time."),
    (
        Dimension.RELIABILITY,
        "门店在承诺的时间提供服务。",
        "Services are delivered at the time promised.",
    ),
    (
        Dimension.RELIABILITY,
        "账单、订单等记录准确无误。",
        "Bills, orders and other records are kept free of errors.",
    ),
    (
        Dimension.RESPONSIVENESS,
        "员工会准确告诉我服务何时完成。",
        "Staff tell me exactly when things will be done.",
    ),
    (Dimension.RESPONSIVENESS, "员工能迅速为我提供服务。", "Staff serve me promptly."),
    (Dimension.RESPONSIVENESS, "员工总是乐于帮助我。", "Staff are always willing to help me."),
    (
        Dimension.RESPONSIVENESS,
        "员工再忙也会及时回应我的要求。",
        "Staff are never too busy to respond to my requests.",
    ),
    (Dimension.ASSURANCE, "员工的言行让我感到信赖。", "The way staff behave gives me confidence."),
    (
        Dimension.ASSURANCE,
        "在这里购物和付款让我感到安心。",
        "I feel safe in my dealings with the store.",
    ),
    (Dimension.ASSURANCE, "员工始终对我礼貌、客气。", "Staff are consistently courteous to me."),
    (
        Dimension.ASSURANCE,
        "员工具备回答我问题的专业知识。",
        "Staff have the knowledge to answer my questions.",
    ),
    (Dimension.EMPATHY, "门店会给予我个别的关注。", "The store gives me individual attention."),
    (
        Dimension.EMPATHY,
        "门店的营业时间方便所有顾客。",
        "The opening hours are convenient for all customers.",
    ),
    (Dimension.EMPATHY, "员工会给予我个人化的关心。", "Staff give me personal attention."),
    (Dimension.EMPATHY, "门店把顾客的利益放在心上。", "The store has my best interests at heart."),
    (Dimension.EMPATHY, "员工了解我的具体需求。", "Staff understand my specific needs."),
]

DIMENSION_NAMES: dict[str, tuple[str, str]] = {
    Dimension.TANGIBLES: ("有形性", "Tangibles"),
    Dimension.RELIABILITY: ("可靠性", "Reliability"),
    Dimension.RESPONSIVENESS: ("响应性", "Responsiveness"),
    Dimension.ASSURANCE: ("保证性", "Assurance"),
    Dimension.EMPATHY: ("移情性", "Empathy"),
}

IMPORTANCE_CODES: dict[str, str] = {
    Dimension.TANGIBLES: "IMP_TAN",
    Dimension.RELIABILITY: "IMP_REL",
    Dimension.RESPONSIVENESS: "IMP_RES",
    Dimension.ASSURANCE: "IMP_ASS",
    Dimension.EMPATHY: "IMP_EMP",
}

# What each rating part of a multi-rating row asks, in both languages.
RATING_PARTS: dict[str, tuple[str, str]] = {
    "E": ("期望：一家优秀的门店应做到的程度", "Expectation: what an excellent store would do"),
    "P": ("感知：本店实际做到的程度", "Perception: what this store does"),
    "A": ("最低可接受的服务水平", "Adequate: the lowest level I would accept"),
    "D": ("期望的服务水平", "Desired: the level I would like"),
    "M": ("管理层估计：顾客对此的期望程度", "Management view: how strongly customers expect this"),
    "S": (
        "员工评估：实际服务达到标准的程度",
        "Employee view: how well delivery meets our standard",
    ),
}

AGREE_7 = [
    {"value": 1, "zh": "非常不同意", "en": "Strongly disagree"},
    {"value": 7, "zh": "非常同意", "en": "Strongly agree"},
]
SATISFIED_7 = [
    {"value": 1, "zh": "非常不满意", "en": "Very dissatisfied"},
    {"value": 7, "zh": "非常满意", "en": "Very satisfied"},
]
SATISFIED_5 = [
    {"value": 1, "zh": "非常不满意", "en": "Very dissatisfied"},
    {"value": 5, "zh": "非常满意", "en": "Very satisfied"},
]
LIKELY_11 = [
    {"value": 0, "zh": "完全不可能", "en": "Not at all likely"},
    {"value": 10, "zh": "非常可能", "en": "Extremely likely"},
]


@dataclass(frozen=True)
class QuestionDef:
    code: str
    kind: str
    text_zh: str
    text_en: str
    role: str = QuestionRole.ITEM
    dimension: str = ""
    required: bool = True
    scale_min: int | None = None
    scale_max: int | None = None
    options: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[str] = field(default_factory=list)
    show_if: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionDef:
    title_zh: str
    title_en: str
    questions: list[QuestionDef]


@dataclass(frozen=True)
class InstrumentDef:
    code: str
    kind: str
    name_zh: str
    name_en: str
    intro_zh: str
    intro_en: str
    sections: list[SectionDef]


def _items(ratings: list[str], *, scale_max: int = 7) -> list[SectionDef]:
    sections = []
    by_dim: dict[str, list[QuestionDef]] = {}
    for n, (dim, zh, en) in enumerate(SERVQUAL_ITEMS, start=1):
        by_dim.setdefault(dim, []).append(
            QuestionDef(
                code=f"SQ{n:02d}",
                kind=QuestionKind.RATINGS,
                text_zh=zh,
                text_en=en,
                dimension=dim,
                scale_min=1,
                scale_max=scale_max,
                options=AGREE_7,
                ratings=list(ratings),
            )
        )
    for dim, questions in by_dim.items():
        zh, en = DIMENSION_NAMES[dim]
        sections.append(SectionDef(zh, en, questions))
    return sections


def _importance() -> SectionDef:
    questions = [
        QuestionDef(
            code=IMPORTANCE_CODES[dim],
            kind=QuestionKind.POINTS,
            role=QuestionRole.IMPORTANCE,
            dimension=dim,
            required=False,
            scale_min=0,
            scale_max=100,
            text_zh=f"{zh}：{_IMP_TEXT[dim][0]}",
            text_en=f"{en}: {_IMP_TEXT[dim][1]}",
        )
        for dim, (zh, en) in DIMENSION_NAMES.items()
    ]
    return SectionDef(
        "各方面的重要程度（共 100 分，可选）",
        "How important is each aspect? (share 100 points, optional)",
        questions,
    )


_IMP_TEXT: dict[str, tuple[str, str]] = {
    Dimension.TANGIBLES: (
        "设施、环境、员工仪表和资料",
        "facilities, premises, staff appearance, materials",
    ),
    Dimension.RELIABILITY: ("准确可靠地兑现承诺", "keeping promises accurately and dependably"),
    Dimension.RESPONSIVENESS: ("乐于帮助、服务迅速", "willingness to help and prompt service"),
    Dimension.ASSURANCE: (
        "员工的专业知识、礼貌和可信赖",
        "staff knowledge, courtesy and trustworthiness",
    ),
    Dimension.EMPATHY: ("关心并照顾每位顾客", "caring, individual attention to each customer"),
}


def _overall() -> QuestionDef:
    return QuestionDef(
        code="OVERALL",
        kind=QuestionKind.LIKERT,
        role=QuestionRole.OVERALL,
        text_zh="总体而言，您对本店的服务有多满意？",
        text_en="Overall, how satisfied are you with this store's service?",
        scale_min=1,
        scale_max=7,
        options=SATISFIED_7,
    )


def _comment(required: bool = False) -> QuestionDef:
    return QuestionDef(
        code="COMMENT",
        kind=QuestionKind.TEXT,
        role=QuestionRole.COMMENT,
        required=required,
        text_zh="还有什么想告诉我们的吗？",
        text_en="Is there anything else you would like to tell us?",
    )


def _closing(with_importance: bool) -> list[SectionDef]:
    out = [_importance()] if with_importance else []
    out.append(SectionDef("总体评价", "Overall", [_overall(), _comment()]))
    return out


SERVQUAL = InstrumentDef(
    code="SERVQUAL",
    kind=InstrumentKind.SERVQUAL,
    name_zh="SERVQUAL 服务质量调查",
    name_en="SERVQUAL service quality survey",
    intro_zh=(
        "感谢您抽出几分钟时间。每条陈述请打两次分：先按一家优秀的门店应做到的程度（期望），"
        "再按本店实际做到的程度（感知）。1 = 非常不同意，7 = 非常同意。"
    ),
    intro_en=(
        "Thank you for taking a few minutes. Rate each statement twice: first for what an "
        "excellent store would do (expectation), then for what this store does (perception). "
        "1 = strongly disagree, 7 = strongly agree."
    ),
    sections=[*_items(["E", "P"]), *_closing(True)],
)

SERVPERF = InstrumentDef(
    code="SERVPERF",
    kind=InstrumentKind.SERVPERF,
    name_zh="SERVPERF 服务表现调查",
    name_en="SERVPERF service performance survey",
    intro_zh="请按本店实际做到的程度为每条陈述打分。1 = 非常不同意，7 = 非常同意。",
    intro_en="Rate each statement for what this store does. 1 = strongly disagree, 7 = strongly agree.",
    sections=[*_items(["P"]), *_closing(False)],
)

ZONE_OF_TOLERANCE = InstrumentDef(
    code="SQ-ZOT",
    kind=InstrumentKind.ZONE_OF_TOLERANCE,
    name_zh="服务容忍区间调查",
    name_en="Zone-of-tolerance survey",
    intro_zh=(
        "每条陈述请打三次分：您能接受的最低水平、您期望的水平，以及本店实际的水平。"
        "1 = 很低，7 = 很高。"
    ),
    intro_en=(
        "Rate each statement three times: the lowest level you would accept, the level you "
        "would like, and what this store actually does. 1 = low, 7 = high."
    ),
    sections=[*_items(["A", "D", "P"]), *_closing(False)],
)

CSAT = InstrumentDef(
    code="CSAT",
    kind=InstrumentKind.CSAT,
    name_zh="顾客满意度（CSAT）",
    name_en="Customer satisfaction (CSAT)",
    intro_zh="一个问题，十秒钟。",
    intro_en="One question, ten seconds.",
    sections=[
        SectionDef(
            "",
            "",
            [
                QuestionDef(
                    code="CSAT",
                    kind=QuestionKind.LIKERT,
                    role=QuestionRole.CSAT,
                    text_zh="您对今天的服务满意吗？",
                    text_en="How satisfied are you with the service today?",
                    scale_min=1,
                    scale_max=5,
                    options=SATISFIED_5,
                ),
                _comment(),
            ],
        )
    ],
)

NPS = InstrumentDef(
    code="NPS",
    kind=InstrumentKind.NPS,
    name_zh="净推荐值（NPS）",
    name_en="Net Promoter Score (NPS)",
    intro_zh="",
    intro_en="",
    sections=[
        SectionDef(
            "",
            "",
            [
                QuestionDef(
                    code="NPS",
                    kind=QuestionKind.SCALE_0_10,
                    role=QuestionRole.NPS,
                    text_zh="您有多大可能向朋友或同事推荐本店？",
                    text_en="How likely are you to recommend this store to a friend or colleague?",
                    scale_min=0,
                    scale_max=10,
                    options=LIKELY_11,
                ),
                QuestionDef(
                    code="COMMENT",
                    kind=QuestionKind.TEXT,
                    role=QuestionRole.COMMENT,
                    required=False,
                    text_zh="您给出这个分数的主要原因是什么？",
                    text_en="What is the main reason for your score?",
                ),
            ],
        )
    ],
)

GAP1_MANAGEMENT = InstrumentDef(
    code="GAP1-MGMT",
    kind=InstrumentKind.GAP1_MANAGEMENT,
    name_zh="差距模型：管理层对顾客期望的认识（差距 1）",
    name_en="Gap model: management's view of customer expectations (gap 1)",
    intro_zh=(
        "本问卷供门店和区域管理人员填写。对每条陈述，请估计顾客对一家优秀门店在这方面的期望有多高。"
        "您的回答会与顾客的期望分比较（差距 1）。1 = 很低，7 = 很高。"
    ),
    intro_en=(
        "For store and regional managers. For each statement, estimate how strongly customers "
        "expect an excellent store to do this. Your answers are compared with customers' "
        "expectation scores (gap 1). 1 = low, 7 = high."
    ),
    sections=_items(["M"]),
)

GAP3_EMPLOYEE = InstrumentDef(
    code="GAP3-STAFF",
    kind=InstrumentKind.GAP3_EMPLOYEE,
    name_zh="差距模型：员工评估服务是否达到标准（差距 3）",
    name_en="Gap model: employees on delivery against our standards (gap 3)",
    intro_zh=(
        "本问卷供一线员工匿名填写。对每条陈述，请评估我们实际提供的服务在多大程度上达到了公司的服务标准。"
        "1 = 远未达到，7 = 完全达到。"
    ),
    intro_en=(
        "For front-line staff, anonymous. For each statement, rate how well the service we "
        "actually deliver meets our service standard. 1 = far below, 7 = fully meets."
    ),
    sections=_items(["S"]),
)

BUILTINS: list[InstrumentDef] = [
    SERVQUAL,
    SERVPERF,
    ZONE_OF_TOLERANCE,
    CSAT,
    NPS,
    GAP1_MANAGEMENT,
    GAP3_EMPLOYEE,
]


def builtin(code: str) -> InstrumentDef:
    for d in BUILTINS:
        if d.code == code:
            return d
    raise KeyError(code)
