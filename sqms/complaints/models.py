"""Complaints and service recovery: the complaint and its timeline, the category tree, SLA
policies, pauses of the clock, recovery actions, transaction volumes (for rates per 1,000),
keyword rules and referrals to CAPA.

The SLA figures a complaint carries (``response_due_at`` …, ``next_check_at``) are a cache of
``sqms.complaints.clocks``, refreshed by every action that changes the complaint, so lists and
the scheduler query them with an index instead of recomputing every clock.
"""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from sqms.complaints.choices import (
    OPEN_STATUSES,
    CapaStatus,
    EntryKind,
    EscalationLevel,
    IntakeChannel,
    RecoveryKind,
    RecoveryStatus,
    RootCause,
    Severity,
    Source,
    Status,
)
from sqms.core.choices import Role, SiteKind
from sqms.core.models import Service, Site, code_validator
from sqms.core.scoping import ORG_EDITORS, SITE_EDITORS, RestrictedManager

#: roles that log and work complaints: the site editors and the front-line agents
COMPLAINT_EDITORS: set[str] = SITE_EDITORS | {Role.AGENT}

#: tracking codes avoid letters and digits that read alike (0/O, 1/I/L)
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 10


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def customer_key(contact: str) -> str:
    """A stable key for "the same customer" that does not store the contact twice: the
    SHA-256 of the contact without spaces, dashes and case ("" for no contact)."""
    plain = "".join(ch for ch in contact.lower() if ch.isalnum() or ch in "@.+")
    if not plain:
        return ""
    return hashlib.sha256(plain.encode()).hexdigest()[:32]


def mask(value: str) -> str:
    """A contact or name as lists show it: first and last character, the rest hidden."""
    value = value.strip()
    if len(value) <= 2:
        return "*" * len(value)
    if "@" in value:
        user, _at, domain = value.partition("@")
        return f"{user[:1]}***@{domain}"
    keep = 3 if len(value) >= 7 else 1
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


class Category(models.Model):
    """A node of the configurable complaint-category tree (organisation-wide)."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("code", "name", "name_en", "parent", "position", "is_active")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("complaints:category_edit", args=[self.pk])

    @property
    def label(self) -> str:
        """The name in the reader's language (English falls back to the Chinese name)."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


def _hours(
    label: StrOrPromise, default: str | None, *, null: bool = False
) -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(
        label,
        max_digits=7,
        decimal_places=2,
        null=null,
        blank=null,
        default=None if default is None else Decimal(default),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Business hours of the site's calendar."),
    )


class SlaPolicy(models.Model):
    """Targets for a kind of complaint. The first active policy (by ``priority``) whose
    conditions all match is chosen; an empty condition matches anything; the default policy
    applies when none matches."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower numbers are tried first.")
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Matches this category and its subcategories."),
    )
    site_kind = models.CharField(
        _("site kind"), max_length=20, choices=SiteKind.choices, blank=True
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=IntakeChannel.choices, blank=True
    )
    is_default = models.BooleanField(_("default policy"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    first_response_hours = _hours(_("first response within (hours)"), "4")
    update_interval_hours = _hours(_("update the customer every (hours)"), None, null=True)
    resolution_hours = _hours(_("resolve within (hours)"), "24")
    warning_share = models.DecimalField(
        _("warn at share of target"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("0.99"))],
    )
    site_manager_hours = _hours(_("site manager's target after breach (hours)"), "4")
    region_manager_hours = _hours(_("region manager's target after that (hours)"), "8")

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = (
        "code",
        "name",
        "priority",
        "severity",
        "category",
        "site_kind",
        "channel",
        "is_default",
        "is_active",
        "first_response_hours",
        "update_interval_hours",
        "resolution_hours",
        "warning_share",
        "site_manager_hours",
        "region_manager_hours",
    )

    class Meta:
        ordering = ["priority", "code"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_sla_policy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:policy_detail", args=[self.pk])


class Complaint(models.Model):
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("site")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("service"),
    )
    tracking_code = models.CharField(
        _("tracking code"), max_length=16, unique=True, default=new_tracking_code, editable=False
    )
    external_id = models.CharField(  # noqa: DJ001 — NULL = none; unique when given
        _("external id"), max_length=100, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=IntakeChannel.choices)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("category"),
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    # status in OPEN_STATUSES, kept by save(): one indexed column for the backlog
    is_open = models.BooleanField(default=True, editable=False)
    summary = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("description"))
    customer_name = models.CharField(_("customer name"), max_length=100, blank=True)
    customer_contact = models.CharField(
        _("customer contact"),
        max_length=100,
        blank=True,
        help_text=_("Phone or email, only if the customer wants an answer."),
    )
    customer_key = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("assigned to"),
    )
    policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("SLA policy"),
    )
    received_at = models.DateTimeField(_("received"), db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    last_update_at = models.DateTimeField(_("last customer update"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    # The SLA cache (sqms.complaints.clocks.refresh_clocks writes it).
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    update_due_at = models.DateTimeField(_("customer update due"), null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_breached_at = models.DateTimeField(_("first response breached"), null=True, blank=True)
    resolution_breached_at = models.DateTimeField(_("resolution breached"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalation_due_at = models.DateTimeField(_("next escalation due"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    root_cause = models.CharField(
        _("root cause"), max_length=20, choices=RootCause.choices, blank=True
    )
    follow_up_sent_at = models.DateTimeField(_("follow-up sent"), null=True, blank=True)
    follow_up_response = models.ForeignKey(
        "surveys.Response",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up answer"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_editors = COMPLAINT_EDITORS
    audit_fields = (
        "site",
        "service",
        "channel",
        "category",
        "severity",
        "status",
        "summary",
        "description",
        "assigned_to",
        "policy",
        "received_at",
        "resolution",
        "root_cause",
        "escalation_level",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=Q(external_id__isnull=False),
                name="complaint_external_id_once",
            )
        ]
        indexes = [
            models.Index(fields=["site", "received_at"]),
            models.Index(fields=["status", "site"]),
            models.Index(fields=["next_check_at"]),
            models.Index(fields=["is_open", "received_at"]),
            # the open backlog only (a few % of the rows), covering what the dashboard's open
            # and overdue counts read: an index scan instead of a scan of every complaint
            models.Index(
                fields=[
                    "site",
                    "is_open",
                    "first_response_at",
                    "response_breached_at",
                    "resolution_breached_at",
                ],
                condition=Q(is_open=True),
                name="complaint_open_sla",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.is_open = self.status in OPEN_STATUSES
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_open"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """The number staff quote ("C-000123"); customers quote the tracking code."""
        return f"C-{self.pk:06d}" if self.pk else "C-new"

    @property
    def masked_contact(self) -> str:
        return mask(self.customer_contact)

    @property
    def masked_name(self) -> str:
        return mask(self.customer_name)


#: an open complaint past a deadline: the first response breached and still not given, or the
#: resolution breached (the list's "Overdue" view and the dashboard's count use this one rule)
OVERDUE = Q(is_open=True) & (
    Q(response_breached_at__isnull=False, first_response_at__isnull=True)
    | Q(resolution_breached_at__isnull=False)
)


class Pause(models.Model):
    """A stretch of time the complaint waited for the customer or a third party: the SLA
    clocks do not run in it (``ended_at`` is empty while it lasts)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pauses")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    objects = RestrictedManager()
    scope_site_path = "complaint__site"
    scope_editors = COMPLAINT_EDITORS

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.started_at:%Y-%m-%d %H:%M}"


class Entry(models.Model):
    """One line of a complaint's timeline: a note, a reply the customer sees, the customer's
    own message, or a recorded change (status, assignment, escalation, SLA warning)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    body = models.TextField(_("text"), blank=True)
    is_public = models.BooleanField(_("visible to the customer"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), db_index=True)

    objects = RestrictedManager()
    scope_site_path = "complaint__site"
    scope_editors = COMPLAINT_EDITORS

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.get_kind_display()}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"complaints/{instance.complaint_id}/{secrets.token_hex(8)}-{filename[-80:]}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    entry = models.ForeignKey(
        Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    is_public = models.BooleanField(_("visible to the customer"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = RestrictedManager()
    scope_site_path = "complaint__site"
    scope_editors = COMPLAINT_EDITORS
    audit_fields = ("name", "content_type", "size", "is_public")

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class RecoveryAction(models.Model):
    """What was done to put things right for the customer; an amount above the approval
    limit (``SQMS_RECOVERY_APPROVAL_LIMIT``) waits for a manager's approval."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="recovery_actions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RecoveryKind.choices)
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(_("status"), max_length=20, choices=RecoveryStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    objects = RestrictedManager()
    scope_site_path = "complaint__site"
    scope_editors = COMPLAINT_EDITORS
    audit_fields = ("kind", "description", "amount", "status", "decided_by", "decision_note")

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("recovery action")
        verbose_name_plural = _("recovery actions")

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return self.complaint.get_absolute_url()


class TransactionVolume(models.Model):
    """How many transactions (customers served) a site had in a month: the denominator of
    the complaint rate per 1,000 transactions."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="transaction_volumes", verbose_name=_("site")
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    transactions = models.PositiveIntegerField(_("transactions"))

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_editors = SITE_EDITORS
    audit_fields = ("site", "period", "transactions")

    class Meta:
        ordering = ["-period", "site__code"]
        verbose_name = _("transaction volume")
        verbose_name_plural = _("transaction volumes")
        constraints = [
            models.UniqueConstraint(fields=["site", "period"], name="one_volume_per_site_month")
        ]

    def __str__(self) -> str:
        return f"{self.site.code} {self.period:%Y-%m}: {self.transactions}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:volumes")


class KeywordRule(models.Model):
    """Words that, found in a new complaint's text, raise its severity, set its category
    and/or notify people (e.g. "食物中毒", "injury" → critical, notify the quality manager)."""

    name = models.CharField(_("name"), max_length=100)
    words = models.TextField(
        _("words"), help_text=_("One word or phrase per line; case does not matter.")
    )
    severity = models.CharField(
        _("raise severity to"), max_length=10, choices=Severity.choices, blank=True
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set category"),
    )
    notify_emails = models.TextField(
        _("notify (emails)"), blank=True, help_text=_("One address per line.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("name", "words", "severity", "category", "notify_emails", "is_active")

    class Meta:
        ordering = ["name"]
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("complaints:rule_edit", args=[self.pk])

    @property
    def word_list(self) -> list[str]:
        return [w.strip().lower() for w in self.words.splitlines() if w.strip()]


class CapaReferral(models.Model):
    """A complaint or a cluster of complaints handed to corrective action. Until the CAPA app
    exists the referral waits here, queued, and is listed as such."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
        help_text=_("Empty for a cluster across sites (quality managers only)."),
    )
    complaints = models.ManyToManyField(
        Complaint, related_name="capa_referrals", verbose_name=_("complaints")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CapaStatus.choices, default=CapaStatus.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_editors = SITE_EDITORS
    audit_fields = ("title", "description", "site", "status")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("CAPA referral")
        verbose_name_plural = _("CAPA referrals")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("complaints:referrals")


__all__ = [
    "COMPLAINT_EDITORS",
    "Attachment",
    "CapaReferral",
    "Category",
    "Complaint",
    "Entry",
    "EntryKind",
    "EscalationLevel",
    "KeywordRule",
    "Pause",
    "RecoveryAction",
    "SlaPolicy",
    "TransactionVolume",
]
