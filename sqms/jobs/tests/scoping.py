"""What the URL × persona scoping test needs from the jobs app: staff pages (quality managers
only), so every other persona is refused; the marked message is about site A."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sqms.core.choices import Channel
from sqms.jobs import actions
from sqms.jobs.models import OutboxMessage
from sqms.jobs.outbox import notify
from sqms.test import ALPHA_MARK, World


def make_records(world: World) -> dict[str, Any]:
    hook = actions.do_create_webhook(
        {
            "name": f"alpha robot {ALPHA_MARK}",
            "url": "http://127.0.0.1:9/hook",
            "format": "dingtalk",
        },
        acting_user=None,
        channel=Channel.CLI,
    )
    with transaction.atomic():
        notify(
            "scoping:alpha",
            subject=f"Complaint at {ALPHA_MARK}",
            body="body",
            emails=["alpha@example.com"],
            webhooks=[hook],
        )
    return {"webhook": hook, "message": OutboxMessage.objects.filter(event_key="scoping:alpha")[0]}


def _hook(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["webhook"].pk}


def _msg(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["message"].pk}


URL_KWARGS = {
    "jobs:outbox_detail": _msg,
    "jobs:outbox_retry": _msg,
    "jobs:webhook_detail": _hook,
    "jobs:webhook_edit": _hook,
    "jobs:webhook_delete": _hook,
    "api:get_webhook": lambda w, r: {"webhook_id": r["webhook"].pk},
    "api:update_webhook": lambda w, r: {"webhook_id": r["webhook"].pk},
    "api:delete_webhook": lambda w, r: {"webhook_id": r["webhook"].pk},
    "api:retry_message": lambda w, r: {"message_id": r["message"].pk},
}
