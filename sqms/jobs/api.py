"""API endpoints for webhook endpoints and the outbox (quality managers only)."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sqms.core.api_schemas import patch_fields
from sqms.core.choices import Channel, Role
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.pagination import BoundedPagination, DbId
from sqms.core.scoping import role_of
from sqms.jobs import actions
from sqms.jobs.choices import OutboxChannel, OutboxStatus, WebhookFormat
from sqms.jobs.models import OutboxMessage, WebhookEndpoint

router = Router(tags=["notifications"])
API = Channel.API


def _staff(request: AuthenticatedHttpRequest) -> None:
    if role_of(request.user) != Role.QUALITY_MANAGER:
        raise PermissionDenied


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    format: WebhookFormat
    is_active: bool


class WebhookIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    url: str = Field(..., min_length=1, max_length=500)
    format: WebhookFormat = WebhookFormat.GENERIC
    is_active: bool = True


class WebhookPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    url: str | None = Field(None, min_length=1, max_length=500)
    format: WebhookFormat | None = None
    is_active: bool | None = None


class MessageOut(Schema):
    id: int
    event_key: str
    channel: OutboxChannel
    recipient: str
    subject: str
    status: OutboxStatus
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


@router.get("/webhooks", response=list[WebhookOut])
@paginate(BoundedPagination)
def list_webhooks(request: AuthenticatedHttpRequest) -> Any:
    _staff(request)
    return WebhookEndpoint.objects.restrict(request.user, "view")


@router.get("/webhooks/{webhook_id}", response=WebhookOut)
def get_webhook(request: AuthenticatedHttpRequest, webhook_id: DbId) -> Any:
    _staff(request)
    return get_object_or_404(WebhookEndpoint.objects.restrict(request.user, "view"), pk=webhook_id)


@router.post("/webhooks", response={201: WebhookOut})
def create_webhook(request: AuthenticatedHttpRequest, payload: WebhookIn) -> Any:
    _staff(request)
    endpoint = actions.do_create_webhook(payload.dict(), acting_user=request.user, channel=API)
    return Status(201, endpoint)


@router.patch("/webhooks/{webhook_id}", response=WebhookOut)
def update_webhook(
    request: AuthenticatedHttpRequest, webhook_id: DbId, payload: WebhookPatch
) -> Any:
    _staff(request)
    endpoint = get_object_or_404(
        WebhookEndpoint.objects.restrict(request.user, "change"), pk=webhook_id
    )
    return actions.do_update_webhook(
        endpoint, patch_fields(payload), acting_user=request.user, channel=API
    )


@router.delete("/webhooks/{webhook_id}", response={204: None})
def delete_webhook(request: AuthenticatedHttpRequest, webhook_id: DbId) -> Any:
    _staff(request)
    endpoint = get_object_or_404(
        WebhookEndpoint.objects.restrict(request.user, "delete"), pk=webhook_id
    )
    actions.do_delete_webhook(endpoint, acting_user=request.user, channel=API)
    return Status(204, None)


@router.get("/outbox", response=list[MessageOut])
@paginate(BoundedPagination)
def list_outbox(
    request: AuthenticatedHttpRequest,
    status: OutboxStatus | None = None,
    channel: OutboxChannel | None = None,
    event_key: str | None = None,
) -> Any:
    _staff(request)
    qs = OutboxMessage.objects.restrict(request.user, "view")
    if status is not None:
        qs = qs.filter(status=status)
    if channel is not None:
        qs = qs.filter(channel=channel)
    if event_key:
        qs = qs.filter(event_key=event_key)
    return qs


@router.post("/outbox/{message_id}/retry", response=MessageOut)
def retry_message(request: AuthenticatedHttpRequest, message_id: DbId) -> Any:
    """Send a failed or given-up message again now."""
    _staff(request)
    message = get_object_or_404(
        OutboxMessage.objects.restrict(request.user, "change"), pk=message_id
    )
    return actions.do_retry_message(message, acting_user=request.user, channel=API)
