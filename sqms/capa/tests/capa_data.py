"""Helpers the CAPA tests share: nonconformities taken through their stages by the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sqms.capa import actions
from sqms.capa.choices import ActionKind
from sqms.capa.models import Action, Nonconformity
from sqms.core.choices import Channel

CLI = Channel.CLI
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def make_nc(
    site: Any, title: str = "地面湿滑 Wet floor", *, now: dt.datetime | None = None, **data: Any
) -> Nonconformity:
    return actions.do_create_nc(
        {"site": site, "title": title, "severity": "major", **data},
        acting_user=None,
        channel=CLI,
        now=now or T0,
    )


def step(nc: Nonconformity, name: str, user: Any = None, **kw: Any) -> Nonconformity:
    nc.refresh_from_db()
    return actions.do_transition(
        nc, name, expected_version=nc.version, acting_user=user, channel=CLI, **kw
    )


def to_action_plan(nc: Nonconformity, user: Any = None) -> Nonconformity:
    step(nc, "analyse", user)
    actions.do_add_why_step(
        nc, {"answer": "拖地后未放警示牌 no warning sign"}, acting_user=user, channel=CLI
    )
    actions.do_add_why_step(
        nc,
        {"answer": "SOP 没有要求 not in the SOP", "is_root": True},
        acting_user=user,
        channel=CLI,
    )
    return step(nc, "plan", user)


def add_action(
    nc: Nonconformity, due: dt.date | None = None, user: Any = None, **data: Any
) -> Action:
    return actions.do_add_action(
        nc,
        {
            "kind": ActionKind.CORRECTIVE,
            "description": "修订清洁SOP Update the cleaning SOP",
            "due_date": due or dt.date(2026, 3, 20),
            **data,
        },
        acting_user=user,
        channel=CLI,
        now=T0,
    )


def to_verification(nc: Nonconformity, *, done_at: dt.datetime | None = None) -> Nonconformity:
    """From draft to verification with one corrective action done at ``done_at``."""
    to_action_plan(nc)
    action = add_action(nc)
    step(nc, "start")
    actions.do_complete_action(
        action, "done", acting_user=None, channel=CLI, now=done_at or timezone.now()
    )
    return step(nc, "verify")
