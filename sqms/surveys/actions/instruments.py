"""Instruments (with versioning), their sections and questions, and the built-in instruments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed
from sqms.surveys import instruments as builtin_defs
from sqms.surveys.answers import NUMERIC_KINDS
from sqms.surveys.choices import (
    CampaignStatus,
    InstrumentKind,
    QuestionKind,
    QuestionRole,
)
from sqms.surveys.models import (
    Campaign,
    Instrument,
    Question,
    Response,
    Section,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _ensure_qm(acting_user: User | None) -> None:
    ensure_allowed(
        acting_user, "change", Instrument, message=_("Only a quality manager may do this.")
    )


@transaction.atomic(durable=True)
def do_install_builtins(
    *,
    acting_user: User | None,
    channel: str,
    defs: list[builtin_defs.InstrumentDef] | None = None,
) -> list[Instrument]:
    """Create the built-in instruments that do not exist yet; returns the ones created.
    ``defs`` installs other apps' built-ins (the complaints follow-up survey) instead."""
    _ensure_qm(acting_user)
    created = []
    existing = set(Instrument.objects.filter(is_builtin=True).values_list("code", flat=True))
    for d in builtin_defs.BUILTINS if defs is None else defs:
        if d.code in existing or Instrument.objects.filter(code=d.code).exists():
            continue
        inst = Instrument.objects.create(
            code=d.code,
            kind=d.kind,
            name_zh=d.name_zh,
            name_en=d.name_en,
            intro_zh=d.intro_zh,
            intro_en=d.intro_en,
            is_builtin=True,
        )
        order = 0
        questions = []
        for s_order, sd in enumerate(d.sections):
            section = Section.objects.create(
                instrument=inst, order=s_order, title_zh=sd.title_zh, title_en=sd.title_en
            )
            for qd in sd.questions:
                order += 1
                questions.append(
                    Question(
                        instrument=inst,
                        section=section,
                        order=order,
                        code=qd.code,
                        kind=qd.kind,
                        role=qd.role,
                        text_zh=qd.text_zh,
                        text_en=qd.text_en,
                        dimension=qd.dimension,
                        required=qd.required,
                        scale_min=qd.scale_min,
                        scale_max=qd.scale_max,
                        options=list(qd.options),
                        ratings=list(qd.ratings),
                        show_if=dict(qd.show_if),
                    )
                )
        Question.objects.bulk_create(questions)
        audit.record(inst, AuditAction.CREATE, actor=acting_user, channel=channel)
        created.append(inst)
    return created


@transaction.atomic(durable=True)
def do_create_instrument(
    data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Instrument:
    _ensure_qm(acting_user)
    inst = Instrument(kind=data.pop("kind", InstrumentKind.CUSTOM), **data)
    if Instrument.objects.filter(code=inst.code).exists():
        raise ValidationError(
            {
                "code": ValidationError(
                    _("An instrument with this code already exists."), code="unique"
                )
            }
        )
    inst.full_clean()
    inst.save()
    audit.record(inst, AuditAction.CREATE, actor=acting_user, channel=channel)
    return inst


def has_responses(instrument: Instrument) -> bool:
    return Response.objects.filter(instrument=instrument).exists()


def _editable(
    instrument: Instrument, *, acting_user: User | None, channel: str
) -> tuple[Instrument, dict[int, int], dict[int, int]]:
    """The instrument to change: itself, or a new version when it already has responses.

    Returns (instrument, old question id → new id, old section id → new id).
    """
    _ensure_qm(acting_user)
    if not instrument.is_current:
        raise ValidationError(
            _("Version %(v)s is not the current version of %(code)s; edit the current one.")
            % {"v": instrument.version, "code": instrument.code}
        )
    if not has_responses(instrument):
        return instrument, {}, {}
    old_pk = instrument.pk
    version = (
        Instrument.objects.filter(code=instrument.code).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    Instrument.objects.filter(pk=old_pk).update(is_current=False)
    new = Instrument.objects.get(pk=old_pk)
    new.pk = None
    new.id = None
    new.version = version
    new.previous_id = old_pk
    new.is_current = True
    new.save()
    section_map: dict[int, int] = {}
    for s in Section.objects.filter(instrument_id=old_pk):
        old_sid = s.pk
        s.pk = None
        s.id = None
        s.instrument = new
        s.save()
        section_map[old_sid] = s.pk
    question_map: dict[int, int] = {}
    for q in Question.objects.filter(instrument_id=old_pk):
        old_qid = q.pk
        q.pk = None
        q.id = None
        q.instrument = new
        q.section_id = section_map.get(q.section_id) if q.section_id else None
        q.save()
        question_map[old_qid] = q.pk
    Campaign.objects.filter(instrument_id=old_pk, status=CampaignStatus.DRAFT).update(
        instrument=new
    )
    audit.record(
        new,
        AuditAction.CREATE,
        actor=acting_user,
        channel=channel,
        after={
            **audit.snapshot(new),
            "reason": f"new version of v{version - 1}, which has responses",
        },
    )
    return new, question_map, section_map


@transaction.atomic(durable=True)
def do_update_instrument(
    instrument: Instrument, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Instrument:
    data.pop("code", None)
    inst, _q, _s = _editable(instrument, acting_user=acting_user, channel=channel)
    before = audit.snapshot(inst)
    for k, v in data.items():
        setattr(inst, k, v)
    inst.full_clean()
    inst.save()
    audit.record(inst, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return inst


@transaction.atomic(durable=True)
def do_delete_instrument(instrument: Instrument, *, acting_user: User | None, channel: str) -> None:
    _ensure_qm(acting_user)
    if Campaign.objects.filter(instrument=instrument).exists():
        raise ValidationError(_("This instrument is used by campaigns and cannot be deleted."))
    if Instrument.objects.filter(previous=instrument).exists():
        raise ValidationError(_("A later version builds on this one; delete that first."))
    before = audit.snapshot(instrument)
    audit.record(instrument, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)
    prev = instrument.previous_id
    instrument.delete()
    if prev:
        Instrument.objects.filter(pk=prev).update(is_current=True)


QUESTION_FIELDS = (
    "section",
    "order",
    "code",
    "kind",
    "role",
    "text_zh",
    "text_en",
    "dimension",
    "required",
    "scale_min",
    "scale_max",
    "options",
    "ratings",
    "show_if",
)


def _question_snapshot(q: Question) -> dict[str, Any]:
    import json

    out: dict[str, Any] = {}
    for k in QUESTION_FIELDS:
        if k == "section":
            continue
        v = getattr(q, k)
        out[f"{q.code}.{k}"] = (
            json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
        )
    return out


def validate_question(q: Question) -> None:
    errors: dict[str, str] = {}
    numeric = q.kind in NUMERIC_KINDS or q.kind == QuestionKind.NUMBER
    if q.kind in NUMERIC_KINDS:
        if q.scale_min is None or q.scale_max is None:
            errors["scale_max"] = _("A rating question needs a lowest and a highest value.")
        elif q.scale_max <= q.scale_min:
            errors["scale_max"] = _("The highest value must be above the lowest.")
        elif q.scale_max - q.scale_min > 100:
            errors["scale_max"] = _("A scale may have at most 101 points.")
    if q.kind == QuestionKind.SCALE_0_10:
        q.scale_min, q.scale_max = 0, 10
        errors.pop("scale_max", None)
    if q.kind == QuestionKind.POINTS:
        q.scale_min, q.scale_max = 0, 100
        errors.pop("scale_max", None)
    if not numeric:
        q.scale_min = q.scale_max = None if q.kind != QuestionKind.NUMBER else q.scale_min
    if q.kind == QuestionKind.RATINGS:
        if not q.ratings or len(set(q.ratings)) != len(q.ratings):
            errors["ratings"] = _("List the rating parts, e.g. E, P.")
        elif any(not str(p).isalnum() or len(str(p)) > 4 for p in q.ratings):
            errors["ratings"] = _("Rating parts are short codes of letters and digits, e.g. E, P.")
    else:
        q.ratings = []
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        values = [str(o.get("value")) for o in q.options]
        if len(values) < 2:
            errors["options"] = _("A choice question needs at least two options.")
        elif len(set(values)) != len(values):
            errors["options"] = _("Option values must differ.")
    if q.show_if:
        code = q.show_if.get("question")
        target = (
            Question.objects.filter(instrument_id=q.instrument_id, code=code)
            .exclude(pk=q.pk)
            .first()
        )
        if target is None:
            errors["show_if"] = _(
                "Show-if refers to question %(code)s, which this instrument lacks."
            ) % {"code": code}
        elif target.order >= q.order:
            errors["show_if"] = _("Show-if must refer to an earlier question.")
    if q.role in (QuestionRole.OVERALL, QuestionRole.CSAT, QuestionRole.NPS) and not numeric:
        errors["role"] = _("This measure needs a rating question.")
    if q.role == QuestionRole.COMMENT and q.kind != QuestionKind.TEXT:
        errors["role"] = _("A comment must be a free-text question.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic(durable=True)
def do_save_question(
    instrument: Instrument,
    question: Question | None,
    data: dict[str, Any],
    *,
    acting_user: User | None,
    channel: str,
) -> tuple[Instrument, Question]:
    """Add or change a question; on an instrument with responses this makes a new version."""
    inst, qmap, smap = _editable(instrument, acting_user=acting_user, channel=channel)
    if question is not None:
        q = Question.objects.get(pk=qmap.get(question.pk, question.pk))
        before = _question_snapshot(q)
        if data.get("order") in (None, ""):
            data.pop("order", None)
    else:
        q = Question(instrument=inst)
        before = {}
        if data.get("order") in (None, ""):
            data["order"] = (inst.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    section = data.pop("section", None)
    if section is not None:
        q.section_id = smap.get(section.pk, section.pk) if isinstance(section, Section) else section
    else:
        q.section_id = None
    for k, v in data.items():
        setattr(q, k, v)
    if Question.objects.filter(instrument=inst, code=q.code).exclude(pk=q.pk).exists():
        raise ValidationError({"code": _("Another question of this instrument has this code.")})
    q.full_clean(exclude=["instrument", "section"])
    validate_question(q)
    q.save()
    audit.record(
        inst,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        after=_question_snapshot(q),
    )
    return inst, q


@transaction.atomic(durable=True)
def do_delete_question(
    instrument: Instrument, question: Question, *, acting_user: User | None, channel: str
) -> Instrument:
    inst, qmap, _s = _editable(instrument, acting_user=acting_user, channel=channel)
    q = Question.objects.get(pk=qmap.get(question.pk, question.pk))
    if Question.objects.filter(instrument=inst, show_if__question=q.code).exists():
        raise ValidationError(
            _("Another question's show-if refers to %(code)s.") % {"code": q.code}
        )
    before = _question_snapshot(q)
    q.delete()
    audit.record(
        inst, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before, after={}
    )
    return inst


@transaction.atomic(durable=True)
def do_save_section(
    instrument: Instrument,
    section: Section | None,
    data: dict[str, Any],
    *,
    acting_user: User | None,
    channel: str,
) -> tuple[Instrument, Section]:
    inst, _q, smap = _editable(instrument, acting_user=acting_user, channel=channel)
    if section is not None:
        s = Section.objects.get(pk=smap.get(section.pk, section.pk))
    else:
        s = Section(instrument=inst)
    before = {f"section {s.order}": s.title} if s.pk else {}
    for k, v in data.items():
        setattr(s, k, v)
    s.save()
    audit.record(
        inst,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        after={f"section {s.order}": s.title},
    )
    return inst, s
