"""Checklists and inspections for the inspections tests.

Until the checklist and perform actions exist these write through the ORM; once they land the
same functions (same signatures) go through the actions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sqms.inspections import totals
from sqms.inspections.choices import InspectionKind, Status, VersionStatus
from sqms.inspections.models import (
    Answer,
    ChecklistTemplate,
    Inspection,
    Item,
    Section,
    TemplateVersion,
)

#: (section title, [(code, text, scoring, weight, critical, target, tolerance)])
STORE_CHECKLIST: list[tuple[str, list[tuple[str, str, str, str, bool, Any, Any]]]] = [
    (
        "门店环境 Store environment",
        [
            ("A1", "地面清洁无杂物 Floor clean", "pass_fail", "1", False, None, None),
            ("A2", "灭火器在有效期内 Extinguisher in date", "pass_fail", "2", True, None, None),
        ],
    ),
    (
        "服务 Service",
        [
            ("B1", "三米微笑问候 Greeting within 3 m", "scale", "2", False, None, None),
            ("B2", "冷柜温度 Chiller temperature (°C)", "numeric", "1", True, "4", "1"),
        ],
    ),
]


def make_checklist(
    code: str = "STORE", *, kind: str = InspectionKind.SUPERVISOR, name: str = "门店巡检表"
) -> TemplateVersion:
    """A published version 1 of a four-item store checklist (two critical items)."""
    template = ChecklistTemplate.objects.create(code=code, name=name, kind=kind)
    version = TemplateVersion.objects.create(
        template=template, number=1, status=VersionStatus.PUBLISHED, published_at=timezone.now()
    )
    for s_pos, (title, items) in enumerate(STORE_CHECKLIST):
        section = Section.objects.create(version=version, position=s_pos, title=title)
        for i_pos, (icode, text, scoring, weight, critical, target, tol) in enumerate(items):
            Item.objects.create(
                section=section,
                position=i_pos,
                code=icode,
                text=text,
                scoring=scoring,
                weight=Decimal(weight),
                is_critical=critical,
                target=None if target is None else Decimal(target),
                tolerance=None if tol is None else Decimal(tol),
            )
    return version


def make_inspection(
    site: Any,
    checklist: TemplateVersion,
    answers: dict[str, tuple[str, Any]],
    *,
    kind: str | None = None,
    inspector: Any = None,
    submitted_at: datetime | None = None,
    notes: str = "",
) -> Inspection:
    """A submitted inspection of ``site`` whose answers are ``{item code: (result, value)}``
    (result "" for scored items); items left out are not answered."""
    when = submitted_at or timezone.now()
    inspection = Inspection.objects.create(
        site=site,
        checklist=checklist,
        kind=kind or checklist.template.kind,
        status=Status.SUBMITTED,
        inspector=inspector,
        started_at=when,
        submitted_at=when,
        notes=notes,
    )
    for item in Item.objects.filter(version=checklist):
        if item.code not in answers:
            continue
        result, value = answers[item.code]
        answer = Answer(
            inspection=inspection,
            item=item,
            result=result,
            value=None if value is None else Decimal(str(value)),
            answered_at=when,
            answered_by=inspector,
        )
        totals.score_answer(answer, item)
        answer.save()
    totals.refresh_totals(inspection)
    inspection.save()
    return inspection
