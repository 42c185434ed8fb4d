"""Checklists and inspections for the inspections tests.

They write through the checklist and perform actions, as every caller does."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sqms.core.choices import Channel
from sqms.inspections import actions
from sqms.inspections.choices import InspectionKind
from sqms.inspections.models import Inspection, Item, TemplateVersion

CLI = Channel.CLI

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
    template = actions.do_create_template(
        {"code": code, "name": name, "kind": kind}, acting_user=None, channel=CLI
    )
    version = template.versions.get()
    for title, items in STORE_CHECKLIST:
        section = actions.do_add_section(version, {"title": title}, acting_user=None, channel=CLI)
        for icode, text, scoring, weight, critical, target, tol in items:
            actions.do_add_item(
                section,
                {
                    "code": icode,
                    "text": text,
                    "scoring": scoring,
                    "weight": Decimal(weight),
                    "is_critical": critical,
                    "target": None if target is None else Decimal(target),
                    "tolerance": None if tol is None else Decimal(tol),
                },
                acting_user=None,
                channel=CLI,
            )
    return actions.do_publish_version(version, acting_user=None, channel=CLI)


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
    inspection = actions.do_create_inspection(
        {
            "site": site,
            "checklist": checklist,
            "kind": kind or checklist.template.kind,
            "inspector": inspector,
            "notes": notes,
        },
        acting_user=None,
        channel=CLI,
        now=when,
    )
    for item in Item.objects.filter(version=checklist):
        if item.code not in answers:
            continue
        result, value = answers[item.code]
        actions.do_save_answer(
            inspection,
            item,
            result=result,
            value=value,
            acting_user=None,
            channel=CLI,
            now=when,
        )
    return actions.do_submit_inspection(
        inspection, allow_incomplete=True, acting_user=None, channel=CLI, now=when
    )
