"""Answer plans: what each question of an instrument accepts, and :func:`check_answers`, which
checks and cleans one response's answers against them (messages per answer key).

Used by every response writer in :mod:`sqms.surveys.actions` and by the public form; the
column-wise checks in :mod:`sqms.surveys.vector_plan` follow the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sqms.surveys.choices import QuestionKind, QuestionRole
from sqms.surveys.measures import MeasurePlan, MeasureQuestion
from sqms.surveys.models import Instrument, Question

NUMERIC_KINDS = {
    QuestionKind.LIKERT,
    QuestionKind.SCALE_0_10,
    QuestionKind.RATINGS,
    QuestionKind.POINTS,
}
TEXT_MAX = 5000


@dataclass(frozen=True)
class QCheck:
    code: str
    kind: str
    role: str
    required: bool
    lo: int | None
    hi: int | None
    keys: tuple[str, ...]
    options: dict[str, Any]  # str(value) -> canonical value
    show_if: tuple[str, frozenset[str]] | None


@dataclass
class AnswerPlan:
    """An instrument's questions compiled for fast validation and measuring."""

    instrument_id: int
    checks: list[QCheck]
    by_key: dict[str, QCheck]
    measure_plan: MeasurePlan
    comment_keys: tuple[str, ...]
    points_keys: tuple[str, ...]
    conditional: bool

    @classmethod
    def build(
        cls, instrument: Instrument, questions: Iterable[Question] | None = None
    ) -> AnswerPlan:
        qs = list(questions if questions is not None else instrument.questions.all())
        checks: list[QCheck] = []
        for q in qs:
            show = None
            if q.show_if and q.show_if.get("question"):
                show = (
                    str(q.show_if["question"]),
                    frozenset(str(v) for v in q.show_if.get("in", [])),
                )
            checks.append(
                QCheck(
                    code=q.code,
                    kind=q.kind,
                    role=q.role,
                    required=q.required,
                    lo=q.scale_min,
                    hi=q.scale_max,
                    keys=tuple(q.answer_keys()),
                    options={str(o.get("value")): o.get("value") for o in q.options or []}
                    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI)
                    else {},
                    show_if=show,
                )
            )
        mplan = MeasurePlan.build(
            MeasureQuestion(
                code=q.code,
                kind=q.kind,
                role=q.role,
                dimension=q.dimension,
                ratings=tuple(q.ratings or ()),
                scale_max=q.scale_max,
            )
            for q in qs
        )
        return cls(
            instrument_id=instrument.pk,
            checks=checks,
            by_key={k: c for c in checks for k in c.keys},
            measure_plan=mplan,
            comment_keys=tuple(c.code for c in checks if c.role == QuestionRole.COMMENT),
            points_keys=tuple(c.code for c in checks if c.kind == QuestionKind.POINTS),
            conditional=any(c.show_if for c in checks),
        )

    def visible(self, check: QCheck, answers: dict[str, Any]) -> bool:
        if check.show_if is None:
            return True
        code, values = check.show_if
        got = answers.get(code)
        if isinstance(got, list):
            return any(str(v) in values for v in got)
        return got is not None and str(got) in values


def _int_value(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        s = value.strip()
        if s.lstrip("-").isdigit():
            return int(s)
    return None


def check_answers(plan: AnswerPlan, answers: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean ``answers`` against the plan: ``(clean answers, {answer key: error message})``.

    Numbers may arrive as strings (public form) or numbers (API, import). Answers to questions
    hidden by a show-if condition are dropped, and such questions are not required.
    """
    if not isinstance(answers, dict):
        return {}, {"answers": _("answers must be an object keyed by question code")}
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    by_key = plan.by_key
    for key in answers:
        if key not in by_key:
            errors[key] = _("unknown question")
    for check in plan.checks:
        for key in check.keys:
            value = answers.get(key)
            if value is None or value == "" or value == []:
                continue
            x, err = _check_value(check, value)
            if err:
                errors[key] = err
            else:
                clean[key] = x
    if plan.conditional:  # drop hidden answers, in question order so chains work
        for check in plan.checks:
            if not plan.visible(check, clean):
                for key in check.keys:
                    clean.pop(key, None)
                    errors.pop(key, None)
    for check in plan.checks:
        if check.required and plan.visible(check, clean):
            for key in check.keys:
                if key not in clean and key not in errors:
                    errors[key] = _("an answer is required")
    if plan.points_keys:
        given = [clean[k] for k in plan.points_keys if k in clean]
        if given and sum(given) != 100:
            errors[plan.points_keys[0]] = _(
                "the points must add up to 100 (they add up to %(n)s)"
            ) % {"n": sum(given)}
    return clean, errors


def _check_value(check: QCheck, value: Any) -> tuple[Any, str | None]:
    kind = check.kind
    if kind in NUMERIC_KINDS:
        x = _int_value(value)
        if x is None:
            return None, _("%(value)s is not a whole number") % {"value": _short(value)}
        if (check.lo is not None and x < check.lo) or (check.hi is not None and x > check.hi):
            return None, _("%(value)s is out of range %(lo)s–%(hi)s") % {
                "value": x,
                "lo": check.lo,
                "hi": check.hi,
            }
        return x, None
    if kind == QuestionKind.NUMBER:
        x2: float | int | None = _int_value(value)
        if x2 is None:
            try:
                x2 = float(value) if not isinstance(value, bool) else None
            except (TypeError, ValueError):
                x2 = None
        if x2 is None or x2 != x2:
            return None, _("%(value)s is not a number") % {"value": _short(value)}
        if (check.lo is not None and x2 < check.lo) or (check.hi is not None and x2 > check.hi):
            return None, _("%(value)s is out of range %(lo)s–%(hi)s") % {
                "value": x2,
                "lo": check.lo,
                "hi": check.hi,
            }
        return x2, None
    if kind == QuestionKind.SINGLE:
        if isinstance(value, list | dict):
            return None, _("choose one option")
        got = check.options.get(str(value).strip())
        if got is None:
            return None, _("%(value)s is not one of the options") % {"value": _short(value)}
        return got, None
    if kind == QuestionKind.MULTI:
        values = value if isinstance(value, list) else [value]
        out = []
        for v in values:
            got = check.options.get(str(v).strip())
            if got is None:
                return None, _("%(value)s is not one of the options") % {"value": _short(v)}
            if got not in out:
                out.append(got)
        return out, None
    # text
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None, _("expected text")
    text = str(value).strip()
    if len(text) > TEXT_MAX:
        return None, _("the text is longer than %(n)d characters") % {"n": TEXT_MAX}
    return text, None


def _short(value: Any) -> str:
    s = repr(value) if not isinstance(value, str) else f"“{value}”"
    return s if len(s) <= 40 else s[:37] + "…"
