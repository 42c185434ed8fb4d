"""notify(): never twice per event and recipient, only after commit; email through Django."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from sqms.core.choices import Channel
from sqms.core.models import AuditEvent
from sqms.jobs import actions
from sqms.jobs.models import OutboxMessage
from sqms.jobs.outbox import deliver_due, notify

pytestmark = pytest.mark.django_db


def test_repeated_notify_and_delivery_send_once(world: Any) -> None:
    for _ in range(2):
        with transaction.atomic():
            added = notify(
                "complaint:7:opened",
                subject="New complaint",
                body="Details",
                emails=["qa@example.com", "qa@example.com", "boss@example.com"],
            )
    assert added == 0  # the second call added nothing
    assert OutboxMessage.objects.count() == 2
    assert deliver_due().sent == 2
    assert deliver_due().total == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@example.com", "qa@example.com"]
    assert mail.outbox[0].subject == "New complaint" and mail.outbox[0].body == "Details"
    assert mail.outbox[0].from_email == "sqms@localhost"


def test_delivery_runs_after_commit_in_immediate_mode(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify("e:commit", subject="Hello", emails=["a@example.com"])
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    assert OutboxMessage.objects.get().status == "sent"


def test_rollback_discards_rows_and_kick(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify("e:rollback", subject="Hello", emails=["a@example.com"])
        raise RuntimeError("the action failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_email_failure_is_retried(world: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "sqms.jobs.mail.NotConfiguredBackend"
    with transaction.atomic():
        notify("e:mail", subject="x", emails=["a@example.com"])
    assert deliver_due().failed == 1
    message = OutboxMessage.objects.get()
    assert message.last_error == (
        "RuntimeError: email is not configured: set SQMS_SMTP_HOST (docs/configuration.md)"
    )


def test_retry_refuses_pending_and_other_roles(world: Any) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    with transaction.atomic():
        notify("e:r", subject="x", emails=["a@example.com"])
    message = OutboxMessage.objects.get()
    with pytest.raises(ValidationError, match="Only failed or given-up messages"):
        actions.do_retry_message(message, acting_user=world.qm, channel=Channel.WEB)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        actions.do_retry_message(message, acting_user=world.alpha_manager, channel=Channel.WEB)
    assert AuditEvent.objects.count() == before


def test_empty_event_key_is_refused() -> None:
    with pytest.raises(ValueError):
        notify("", subject="x", emails=["a@example.com"])
