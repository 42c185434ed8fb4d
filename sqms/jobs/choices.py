"""Statuses and kinds of the jobs app, as TextChoices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (will retry)")
    DEAD = "dead", _("Given up")


class WebhookFormat(models.TextChoices):
    GENERIC = "generic", _("Generic JSON")
    DINGTALK = "dingtalk", _("DingTalk (钉钉) robot")
    WECOM = "wecom", _("WeCom (企业微信) robot")
    SLACK = "slack", _("Slack incoming webhook")


class JobStatus(models.TextChoices):
    OK = "ok", _("OK")
    ERROR = "error", _("Error")
