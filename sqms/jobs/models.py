"""Periodic job runs, the notification outbox and webhook endpoints.

All three are staff records: only quality managers see them (``scope_filter`` hides them from
every other role with a site scope, and the pages check the role as well)."""

from __future__ import annotations

from typing import Any

from django.core.validators import URLValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sqms.core.scoping import ORG_EDITORS, RestrictedManager
from sqms.jobs.choices import JobStatus, OutboxChannel, OutboxStatus, WebhookFormat


def _staff_only(site_ids: set[int], user: Any) -> Q:
    return Q(pk__in=[])


class JobRun(models.Model):
    """The last run of one registered periodic job; its row is the job's run lock."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    lease_until = models.DateTimeField(_("running until"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_status = models.CharField(
        _("last status"), max_length=10, choices=JobStatus.choices, blank=True
    )
    last_result = models.IntegerField(_("last result"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    run_count = models.PositiveIntegerField(_("runs"), default=0)

    objects = RestrictedManager()
    scope_filter = staticmethod(_staff_only)

    class Meta:
        ordering = ["name"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return self.name


class WebhookEndpoint(models.Model):
    """Where webhook notifications go: a chat robot (DingTalk, WeCom, Slack) or any JSON URL."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The robot's webhook address, with its access token."),
    )
    format = models.CharField(
        _("format"), max_length=20, choices=WebhookFormat.choices, default=WebhookFormat.GENERIC
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    scope_filter = staticmethod(_staff_only)
    audit_fields = ("name", "url", "format", "is_active")

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("jobs:webhook_detail", args=[self.pk])


class OutboxMessage(models.Model):
    """One notification to one recipient; never twice for the same event and recipient."""

    event_key = models.CharField(_("event"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=OutboxChannel.choices)
    recipient = models.CharField(
        _("recipient"), max_length=254, help_text=_("Email address, or webhook endpoint id.")
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    scope_filter = staticmethod(_staff_only)
    audit_fields = ("status", "attempts", "next_attempt_at")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "channel", "recipient"], name="jobs_outbox_once_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_key} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:outbox_detail", args=[self.pk])

    @property
    def recipient_label(self) -> str:
        """The endpoint's name for a webhook (``#id`` once deleted), else the address. Lists read
        it from :func:`with_endpoint_names`' annotation instead of one query per row."""
        if self.channel != OutboxChannel.WEBHOOK:
            return self.recipient
        if "endpoint_name" in self.__dict__:
            name = self.__dict__["endpoint_name"]
        else:
            name = _endpoint(self.recipient).values_list("name", flat=True).first()
        return name or f"#{self.recipient}"


def _endpoint(recipient: Any) -> models.QuerySet[WebhookEndpoint]:
    """The endpoint an outbox recipient names (its id as text; an email address matches none)."""
    return WebhookEndpoint.objects.filter(Exact(Cast("pk", models.CharField()), recipient))


def with_endpoint_names(
    messages: models.QuerySet[OutboxMessage],
) -> models.QuerySet[OutboxMessage]:
    """Messages annotated with their webhook endpoint's name, in the same query."""
    names = _endpoint(OuterRef("recipient")).values("name")[:1]
    return messages.annotate(endpoint_name=Subquery(names))
