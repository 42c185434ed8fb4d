"""Helpers of the standards tests (plain functions; every write goes through the actions)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqms.core.choices import Channel
from sqms.standards import actions
from sqms.standards.models import Standard, StandardVersion

WEB = Channel.WEB


def make_standard(world: Any, author: Any, code: str = "GREET", **extra: Any) -> Standard:
    return actions.do_create_standard(
        {
            "code": code,
            "title": "迎宾服务标准",
            "title_en": "Greeting",
            "service": world.service,
            **extra,
        },
        acting_user=author,
        channel=WEB,
    )


def write_draft(version: StandardVersion, author: Any, role: str = "agent", **data: Any) -> None:
    actions.do_update_version(
        version,
        {"body": "Greet every customer.", "promise": "Within 5 minutes.", **data},
        steps=[
            {"text": "Greet within 3 m", "time_limit_minutes": 1, "role": role},
            {"text": "Offer water", "time_limit_minutes": 5, "role": ""},
        ],
        acting_user=author,
        channel=WEB,
    )


def effective_version(
    world: Any,
    author: Any,
    approver: Any,
    *,
    effective_from: date,
    now: datetime | None = None,
    role: str = "agent",
    code: str = "GREET",
    **data: Any,
) -> StandardVersion:
    """A standard whose version 1 is approved by ``approver`` from ``effective_from``."""
    version = make_standard(world, author, code).versions.get()
    write_draft(version, author, role, **data)
    actions.do_submit_version(version, acting_user=author, channel=WEB, now=now)
    return actions.do_approve_version(
        version, effective_from=effective_from, acting_user=approver, channel=WEB, now=now
    )
