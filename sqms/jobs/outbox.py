"""The notification outbox: actions call :func:`notify` inside their transaction, a worker
(or ``sqms tick``) delivers with :func:`deliver_due`.

``notify`` writes one ``OutboxMessage`` per recipient, keyed by (event, channel, recipient):
calling it again for the same event adds nothing, so a retried action or a job that runs twice
never sends twice. After the transaction commits it kicks delivery (a huey task; in immediate
mode delivery runs at once in the same process). If the transaction rolls back, the rows and
the kick go with it.

``deliver_due`` claims due rows in a short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite's immediate transactions serialise the claims) by setting
``claimed_until``, sends them outside the transaction, and records the outcome: sent, or
failed with ``attempts + 1`` and the next attempt after an exponential backoff (1, 2, 4 …
minutes, at most 6 hours); after ``SQMS_OUTBOX_MAX_ATTEMPTS`` attempts the row is dead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sqms.jobs.choices import OutboxChannel, OutboxStatus
from sqms.jobs.models import OutboxMessage, WebhookEndpoint
from sqms.jobs.webhooks import DeliveryError, post_json, webhook_body

log = logging.getLogger(__name__)

CLAIM = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=6)
BATCH = 100


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4, … minutes, capped at 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def notify(
    event_key: str,
    *,
    subject: str,
    body: str = "",
    emails: Iterable[str] = (),
    webhooks: Iterable[WebhookEndpoint | int] = (),
    payload: dict[str, Any] | None = None,
) -> int:
    """Queue a notification of ``event_key`` to each email address and webhook endpoint that
    has not had it yet; returns how many messages were added. Call it inside the action's
    transaction: delivery starts after the commit (never if it rolls back)."""
    if not event_key:
        raise ValueError("notify: event_key must not be empty")
    wanted: list[tuple[str, str]] = []
    for address in emails:
        address = address.strip()
        if address:
            wanted.append((OutboxChannel.EMAIL, address[:254]))
    for hook in webhooks:
        pk = hook.pk if isinstance(hook, WebhookEndpoint) else int(hook)
        wanted.append((OutboxChannel.WEBHOOK, str(pk)))
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return 0
    existing = set(
        OutboxMessage.objects.filter(event_key=event_key[:200]).values_list("channel", "recipient")
    )
    rows = [
        OutboxMessage(
            event_key=event_key[:200],
            channel=channel,
            recipient=recipient,
            subject=subject[:300],
            body=body,
            payload=payload or {},
        )
        for channel, recipient in wanted
        if (channel, recipient) not in existing
    ]
    if rows:
        # ignore_conflicts: a concurrent notify of the same event wins; this one adds nothing
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(kick_delivery)
    return len(rows)


def kick_delivery() -> None:
    """Ask the worker to deliver now (in immediate mode: deliver here and now)."""
    from sqms.jobs.tasks import deliver_outbox_task

    try:
        deliver_outbox_task()
    except Exception:  # the queue being down must not fail the request; the periodic job retries
        log.exception("could not enqueue outbox delivery")


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.dead


def _claim(now: datetime, limit: int) -> list[OutboxMessage]:
    with transaction.atomic():
        due = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED])
            .filter(next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("next_attempt_at", "id")[:limit]
        )
        rows = list(due)
        OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(claimed_until=now + CLAIM)
    return rows


def send(message: OutboxMessage) -> None:
    """Send one message now; raise :class:`DeliveryError` when it did not go out."""
    if message.channel == OutboxChannel.EMAIL:
        try:
            send_mail(
                message.subject,
                message.body,
                settings.DEFAULT_FROM_EMAIL,
                [message.recipient],
                fail_silently=False,
            )
        except Exception as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        return
    endpoint = WebhookEndpoint.objects.filter(pk=int(message.recipient)).first()
    if endpoint is None or not endpoint.is_active:
        raise DeliveryError(f"webhook endpoint #{message.recipient} is deleted or inactive")
    data = webhook_body(
        endpoint.format,
        event_key=message.event_key,
        subject=message.subject,
        body=message.body,
        payload=message.payload,
    )
    post_json(endpoint.url, data, fmt=endpoint.format, timeout=settings.SQMS_WEBHOOK_TIMEOUT)


def deliver_due(now: datetime | None = None, *, limit: int = BATCH) -> DeliveryReport:
    """Send the pending and failed messages whose next attempt is due at ``now``."""
    now = now or timezone.now()
    sent = failed = dead = 0
    max_attempts = settings.SQMS_OUTBOX_MAX_ATTEMPTS
    for message in _claim(now, limit):
        mine = OutboxMessage.objects.filter(pk=message.pk)
        try:
            send(message)
        except DeliveryError as exc:
            attempts = message.attempts + 1
            is_dead = attempts >= max_attempts
            mine.update(
                attempts=attempts,
                status=OutboxStatus.DEAD if is_dead else OutboxStatus.FAILED,
                next_attempt_at=now + backoff(attempts),
                last_error=str(exc)[:2000],
                claimed_until=None,
            )
            dead += is_dead
            failed += not is_dead
        else:
            mine.update(
                attempts=message.attempts + 1,
                status=OutboxStatus.SENT,
                sent_at=timezone.now(),
                last_error="",
                claimed_until=None,
            )
            sent += 1
    return DeliveryReport(sent=sent, failed=failed, dead=dead)
