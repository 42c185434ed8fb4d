"""Writes people make to the jobs app: webhook endpoints and "retry now" on a message.
(The outbox rows themselves are written by :func:`sqms.jobs.outbox.notify` inside the calling
action's transaction, and their delivery state by the worker; neither is an audit event.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.actions import _delete, _save_changes, _save_new
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed
from sqms.jobs.choices import OutboxStatus
from sqms.jobs.models import OutboxMessage, WebhookEndpoint
from sqms.jobs.outbox import kick_delivery

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


@transaction.atomic(durable=True)
def do_create_webhook(
    data: dict[str, Any], *, acting_user: User | None, channel: str
) -> WebhookEndpoint:
    ensure_allowed(acting_user, "add", WebhookEndpoint)
    return _save_new(WebhookEndpoint(), data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_webhook(
    endpoint: WebhookEndpoint, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> WebhookEndpoint:
    ensure_allowed(acting_user, "change", WebhookEndpoint)
    return _save_changes(endpoint, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_delete_webhook(endpoint: WebhookEndpoint, *, acting_user: User | None, channel: str) -> None:
    """Delete an endpoint; its undelivered messages then fail and are given up."""
    ensure_allowed(acting_user, "delete", WebhookEndpoint)
    _delete(endpoint, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_retry_message(
    message: OutboxMessage, *, acting_user: User | None, channel: str
) -> OutboxMessage:
    """Send a failed or given-up message again now (one more attempt)."""
    ensure_allowed(acting_user, "change", OutboxMessage)
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status not in (OutboxStatus.FAILED, OutboxStatus.DEAD):
        raise ValidationError(
            _("Only failed or given-up messages can be retried; this one is %(status)s.")
            % {"status": message.get_status_display()}
        )
    before = audit.snapshot(message)
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = timezone.now()
    message.claimed_until = None
    message.save(update_fields=["status", "next_attempt_at", "claimed_until"])
    audit.record(message, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    transaction.on_commit(kick_delivery)
    return message
