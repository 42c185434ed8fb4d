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


def complaint(site: Any, when: datetime, category: Any = None) -> Any:
    """A complaint received at ``when`` at ``site`` (written by the system)."""
    from sqms.complaints.actions import do_create_complaint
    from sqms.complaints.choices import Source

    data = {"site": site, "channel": "phone", "description": "Not greeted", "received_at": when}
    if category is not None:
        data["category"] = category
    return do_create_complaint(
        data, source=Source.STAFF, acting_user=None, channel=Channel.CLI, now=when
    )


def resolve(c: Any, when: datetime) -> Any:
    from sqms.complaints.actions import do_transition

    return do_transition(
        c,
        "resolve",
        expected_version=c.version,
        resolution="Apologised",
        acting_user=None,
        channel=Channel.CLI,
        now=when,
    )
