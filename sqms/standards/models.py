"""Service standards and SOPs (ISO 9001 §7.5 documented information): versioned documents with
steps, the service promise and its compensation; staff acknowledgements; links to what checks
a standard (checklist items, SLA policies, complaint categories); training records.

Standards, versions, steps and links are organisation-wide (everyone reads them, quality
managers write them). Acknowledgements belong to the acknowledging user's sites; training
records to their sites.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sqms.complaints.models import Category, SlaPolicy
from sqms.core.choices import Role
from sqms.core.models import Service, Site, code_validator
from sqms.core.scoping import ORG_EDITORS, SITE_EDITORS, RestrictedManager
from sqms.inspections.models import ChecklistTemplate
from sqms.standards.choices import EffectMetric, LinkKind, StandardKind, VersionStatus

#: roles whose holders count as "staff of a site" when a version asks every staff member
STAFF_ROLES: tuple[str, ...] = (Role.SITE_MANAGER, Role.INSPECTOR, Role.AGENT)


class Standard(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    title = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=StandardKind.choices, default=StandardKind.STANDARD
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="standards", verbose_name=_("service")
    )
    review_months = models.PositiveSmallIntegerField(
        _("review every (months)"),
        default=12,
        help_text=_(
            "An approved version is due for review this many months after it takes effect."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("code", "title", "title_en", "kind", "service", "review_months")

    class Meta:
        ordering = ["code"]
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_months__gte=1, review_months__lte=60),
                name="standard_review_months_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("standards:detail", args=[self.pk])


class StandardVersion(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    body = models.TextField(_("text"), blank=True)
    promise = models.TextField(
        _("service promise"), blank=True, help_text=_("What the customer is promised.")
    )
    compensation = models.TextField(
        _("compensation"), blank=True, help_text=_("What the customer gets when it is broken.")
    )
    change_note = models.TextField(_("what changed"), blank=True)
    ack_all_staff = models.BooleanField(
        _("every staff member acknowledges"),
        default=False,
        help_text=_("Otherwise only the holders of the roles the steps name."),
    )
    ack_sites = models.ManyToManyField(
        Site,
        blank=True,
        related_name="+",
        verbose_name=_("sites that acknowledge"),
        help_text=_("Empty: every site of the service."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
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
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True, db_index=True)
    review_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_overdue_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: when its audience was told the version is in effect (once, by the periodic review)
    effective_notice_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = (
        "number",
        "status",
        "body",
        "promise",
        "compensation",
        "change_note",
        "ack_all_staff",
        "ack_sites",
        "decided_by",
        "decision_note",
        "effective_from",
        "superseded_on",
        "review_due",
    )

    class Meta:
        ordering = ["standard", "-number"]
        verbose_name = _("standard version")
        verbose_name_plural = _("standard versions")
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="standard_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.standard.code} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("standards:version_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        """Only drafts change; a version in approval, approved or superseded is read-only."""
        return self.status != VersionStatus.DRAFT

    def is_effective(self, today: date) -> bool:
        return (
            self.status == VersionStatus.APPROVED
            and self.effective_from is not None
            and self.effective_from <= today
        )


class Step(models.Model):
    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.CharField(_("step"), max_length=500)
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    role = models.CharField(_("responsible role"), max_length=20, choices=Role.choices, blank=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("position", "text", "time_limit_minutes", "role")

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class Acknowledgement(models.Model):
    """A user has read a version: recorded once per user and version."""

    version = models.ForeignKey(
        StandardVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"))

    objects = RestrictedManager()
    scope_many = True
    audit_fields = ("version", "user", "acknowledged_at")

    class Meta:
        ordering = ["version", "user__username"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="standard_ack_once")
        ]

    def __str__(self) -> str:
        return f"{self.version} — {self.user}"

    @staticmethod
    def scope_filter(site_ids: set[int], user: Any) -> Q:
        """The acknowledgements of people who work at the reader's sites, and the reader's own."""
        return Q(user__profile__sites__in=site_ids) | Q(user=user)


class StandardLink(models.Model):
    """What checks a standard: a checklist item (by template and item code, so every version
    of the checklist counts), an SLA policy or a complaint category."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checklist"),
    )
    item_code = models.CharField(_("item code"), max_length=20, blank=True)
    sla_policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLA policy"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint category"),
    )

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("kind", "template", "item_code", "sla_policy", "category")

    class Meta:
        ordering = ["standard", "kind", "pk"]
        verbose_name = _("standard link")
        verbose_name_plural = _("standard links")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=LinkKind.CHECKLIST_ITEM,
                        template__isnull=False,
                        sla_policy__isnull=True,
                        category__isnull=True,
                    )
                    & ~Q(item_code="")
                )
                | Q(
                    kind=LinkKind.SLA_POLICY,
                    template__isnull=True,
                    sla_policy__isnull=False,
                    category__isnull=True,
                )
                | Q(
                    kind=LinkKind.CATEGORY,
                    template__isnull=True,
                    sla_policy__isnull=True,
                    category__isnull=False,
                ),
                name="standard_link_target",
            ),
            models.UniqueConstraint(
                fields=["standard", "template", "item_code"],
                condition=Q(kind=LinkKind.CHECKLIST_ITEM),
                name="standard_link_item_once",
            ),
            models.UniqueConstraint(
                fields=["standard", "sla_policy"],
                condition=Q(kind=LinkKind.SLA_POLICY),
                name="standard_link_policy_once",
            ),
            models.UniqueConstraint(
                fields=["standard", "category"],
                condition=Q(kind=LinkKind.CATEGORY),
                name="standard_link_category_once",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == LinkKind.CHECKLIST_ITEM and self.template is not None:
            return f"{self.template.code} / {self.item_code}"
        if self.kind == LinkKind.SLA_POLICY and self.sla_policy is not None:
            return str(self.sla_policy.code)
        if self.category is not None:
            return str(self.category.code)
        return str(self.get_kind_display())

    def get_absolute_url(self) -> str:
        return self.standard.get_absolute_url()


class Training(models.Model):
    standard = models.ForeignKey(
        Standard, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("standard")
    )
    course = models.CharField(_("course"), max_length=200)
    held_on = models.DateField(_("date"))
    trainer = models.CharField(_("trainer"), max_length=100)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("attendees")
    )
    sites = models.ManyToManyField(Site, related_name="+", verbose_name=_("sites"))
    notes = models.TextField(_("notes"), blank=True)
    effect_metric = models.CharField(
        _("measured on"),
        max_length=12,
        choices=EffectMetric.choices,
        default=EffectMetric.PASS_RATE,
    )
    effect_category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint category"),
        help_text=_("For the complaint count: one of the standard's linked categories."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"),
        default=90,
        help_text=_("The effect compares this many days before the training with as many after."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()
    scope_site_path = "sites"
    scope_many = True
    scope_editors = SITE_EDITORS
    audit_fields = (
        "standard",
        "course",
        "held_on",
        "trainer",
        "attendees",
        "sites",
        "notes",
        "effect_metric",
        "effect_category",
        "window_days",
    )

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_days__gte=7, window_days__lte=366),
                name="training_window_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.held_on.isoformat()})"

    def get_absolute_url(self) -> str:
        return reverse("standards:training_detail", args=[self.pk])
