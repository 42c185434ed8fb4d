"""Webhook delivery against a real HTTP server: the JSON of each format, retries with backoff,
giving up after the configured attempts, and DingTalk's errcode."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from sqms.core.choices import Channel
from sqms.jobs import actions
from sqms.jobs.models import OutboxMessage
from sqms.jobs.outbox import backoff, deliver_due, notify

pytestmark = pytest.mark.django_db


def endpoint(receiver: Any, fmt: str) -> Any:
    return actions.do_create_webhook(
        {"name": f"hook {fmt}", "url": receiver.url, "format": fmt},
        acting_user=None,
        channel=Channel.CLI,
    )


def queue(key: str, hooks: list[Any]) -> None:
    with transaction.atomic():
        notify(
            key,
            subject="Complaint #42 overdue",
            body="Site ALPHA: first response is 2 h late.",
            webhooks=hooks,
            payload={"complaint": 42, "site": "ALPHA"},
        )


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            "generic",
            {
                "event": "complaint:42:overdue",
                "subject": "Complaint #42 overdue",
                "body": "Site ALPHA: first response is 2 h late.",
                "payload": {"complaint": 42, "site": "ALPHA"},
            },
        ),
        (
            "dingtalk",
            {
                "msgtype": "text",
                "text": {
                    "content": "Complaint #42 overdue\n\nSite ALPHA: first response is 2 h late."
                },
            },
        ),
        (
            "wecom",
            {
                "msgtype": "text",
                "text": {
                    "content": "Complaint #42 overdue\n\nSite ALPHA: first response is 2 h late."
                },
            },
        ),
        ("slack", {"text": "Complaint #42 overdue\n\nSite ALPHA: first response is 2 h late."}),
    ],
)
def test_each_format_posts_its_json(world: Any, receiver: Any, fmt: str, expected: Any) -> None:
    hook = endpoint(receiver, fmt)
    queue("complaint:42:overdue", [hook])
    report = deliver_due()
    assert (report.sent, report.failed, report.dead) == (1, 0, 0)
    assert receiver.bodies == [expected]
    assert receiver.headers[0]["Content-Type"] == "application/json; charset=utf-8"
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None


def test_500_then_200_retries_after_backoff(world: Any, receiver: Any) -> None:
    hook = endpoint(receiver, "generic")
    queue("e1", [hook])
    receiver.statuses = [500, 500]
    t0 = timezone.now()
    first = deliver_due(t0)
    message = OutboxMessage.objects.get()
    assert (first.failed, message.status, message.attempts) == (1, "failed", 1)
    assert message.next_attempt_at == t0 + timedelta(minutes=1)
    assert message.last_error == "HTTP 500: server trouble"
    assert deliver_due(t0 + timedelta(seconds=30)).total == 0  # not due yet
    deliver_due(t0 + timedelta(minutes=1))
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at) == (2, t0 + timedelta(minutes=3))
    assert deliver_due(t0 + timedelta(minutes=3)).sent == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 3)
    assert len(receiver.bodies) == 3


def test_backoff_doubles_up_to_six_hours() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(9) == timedelta(minutes=256)
    assert backoff(10) == backoff(30) == timedelta(hours=6)


def test_dead_after_max_attempts_and_retry_now(world: Any, receiver: Any, settings: Any) -> None:
    settings.SQMS_OUTBOX_MAX_ATTEMPTS = 3
    hook = endpoint(receiver, "slack")
    queue("e2", [hook])
    receiver.statuses = [503] * 10
    now = timezone.now()
    for _ in range(3):
        deliver_due(now)
        now += timedelta(hours=7)
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == ("dead", 3)
    assert deliver_due(now + timedelta(days=1)).total == 0  # dead rows are never picked up
    assert len(receiver.bodies) == 3
    receiver.statuses = []
    actions.do_retry_message(message, acting_user=world.qm, channel=Channel.WEB)
    assert deliver_due().sent == 1
    assert OutboxMessage.objects.get().status == "sent"


def test_dingtalk_errcode_is_a_failure(world: Any, receiver: Any) -> None:
    receiver.reply = b'{"errcode":310000,"errmsg":"keywords not in content"}'
    queue("e3", [endpoint(receiver, "dingtalk")])
    assert deliver_due().failed == 1
    assert OutboxMessage.objects.get().last_error == "errcode 310000: keywords not in content"


def test_unreachable_and_deleted_endpoints_fail(world: Any, receiver: Any) -> None:
    hook = endpoint(receiver, "generic")
    queue("e4", [hook])
    actions.do_delete_webhook(hook, acting_user=world.qm, channel=Channel.WEB)
    deliver_due()
    assert "is deleted or inactive" in OutboxMessage.objects.get().last_error
    closed = actions.do_create_webhook(
        {"name": "closed port", "url": "http://127.0.0.1:9/x"},
        acting_user=None,
        channel=Channel.CLI,
    )
    queue("e5", [closed])
    deliver_due()
    assert "URLError" in OutboxMessage.objects.get(event_key="e5").last_error
