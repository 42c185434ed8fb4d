"""Nonconformities (不合格) and corrective and preventive action (CAPA): the nonconformity with
its link to the source, the root-cause analysis as data (5-Why chain, fishbone by 6M, a reusable
cause taxonomy), the actions with evidence, and the effectiveness verification of each cycle.

A nonconformity moves through ``workflow.TRANSITIONS``; a verification found "not effective"
sends it back to the action plan with ``cycle`` + 1, so actions and verifications carry the
cycle they belong to.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sqms.capa.choices import (
    FINAL_STAGES,
    ActionKind,
    ActionStatus,
    MetricKind,
    NcSeverity,
    Origin,
    SixM,
    Stage,
    Verdict,
)
from sqms.core.models import Site, code_validator
from sqms.core.scoping import ORG_EDITORS, SITE_EDITORS, RestrictedManager

#: who works nonconformities: quality, region and site managers (their scope narrows it)
NC_EDITORS: set[str] = SITE_EDITORS


class Cause(models.Model):
    """A cause of the organisation-wide taxonomy, so the same cause found at two sites (or
    twice at one) is counted as a recurrence."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    category = models.CharField(_("6M category"), max_length=20, choices=SixM.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("code", "name", "name_en", "category", "description", "is_active")

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("cause")
        verbose_name_plural = _("causes")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("capa:cause_edit", args=[self.pk])

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Nonconformity(models.Model):
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nonconformities",
        verbose_name=_("site"),
        help_text=_("Empty for a chain-wide nonconformity (quality managers only)."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=NcSeverity.choices, default=NcSeverity.MINOR
    )
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.MANUAL
    )
    complaint_referral = models.ForeignKey(
        "complaints.CapaReferral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nonconformities",
        verbose_name=_("CAPA referral"),
    )
    inspection_answer = models.ForeignKey(
        "inspections.Answer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nonconformities",
        verbose_name=_("failed inspection item"),
    )
    audit_finding = models.ForeignKey(
        "inspections.Finding",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nonconformities",
        verbose_name=_("audit finding"),
    )
    source_ref = models.CharField(
        _("source reference"),
        max_length=200,
        blank=True,
        help_text=_("What raised it: the survey dimension, the KPI alarm, a document number."),
    )
    source_url = models.CharField(_("source link"), max_length=500, blank=True)
    containment = models.TextField(
        _("containment"),
        blank=True,
        help_text=_("The immediate correction (what was done at once)."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_nonconformities",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    cycle = models.PositiveSmallIntegerField(
        _("cycle"), default=1, help_text=_("1, and one more each time it is reopened.")
    )
    raised_at = models.DateTimeField(_("raised"), db_index=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    source_overturned = models.TextField(
        _("source result overturned"),
        blank=True,
        help_text=_(
            "Set when the result that raised it was overturned (an upheld inspection dispute) "
            "after work on it had begun."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_editors = NC_EDITORS
    audit_fields = (
        "site",
        "title",
        "description",
        "severity",
        "origin",
        "source_ref",
        "source_url",
        "containment",
        "stage",
        "owner",
        "due_date",
        "cycle",
        "cancel_reason",
        "source_overturned",
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        indexes = [
            models.Index(fields=["stage", "site"]),
            models.Index(fields=["site", "raised_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint_referral"],
                condition=Q(complaint_referral__isnull=False),
                name="one_nc_per_referral",
            ),
            models.UniqueConstraint(
                fields=["inspection_answer"],
                condition=Q(inspection_answer__isnull=False),
                name="one_nc_per_inspection_answer",
            ),
            models.UniqueConstraint(
                fields=["audit_finding"],
                condition=Q(audit_finding__isnull=False),
                name="one_nc_per_audit_finding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("capa:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"NC-{self.pk:06d}" if self.pk else "NC-new"

    @property
    def is_closed(self) -> bool:
        """Closed and cancelled nonconformities are read-only (``audit.ensure_open``)."""
        return self.stage in FINAL_STAGES


class WhyStep(models.Model):
    """One "why?" of the 5-Why chain, in order; the step marked ``is_root`` is the root cause."""

    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="why_steps"
    )
    position = models.PositiveSmallIntegerField(_("step"))
    question = models.CharField(_("why?"), max_length=300, blank=True)
    answer = models.TextField(_("because"))
    is_root = models.BooleanField(_("root cause"), default=False)
    cause = models.ForeignKey(
        Cause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="why_steps",
        verbose_name=_("cause (taxonomy)"),
    )

    objects = RestrictedManager()
    scope_site_path = "nonconformity__site"
    scope_editors = NC_EDITORS
    audit_fields = ("position", "question", "answer", "is_root", "cause")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("5-Why step")
        verbose_name_plural = _("5-Why steps")

    def __str__(self) -> str:
        return f"{self.nonconformity.reference} why {self.position}"

    def get_absolute_url(self) -> str:
        return self.nonconformity.get_absolute_url() + "#why"


class FishboneCause(models.Model):
    """A cause on the fishbone diagram, under one of the 6M categories."""

    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="fishbone"
    )
    category = models.CharField(_("6M category"), max_length=20, choices=SixM.choices)
    text = models.CharField(_("cause"), max_length=300)
    cause = models.ForeignKey(
        Cause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fishbone_causes",
        verbose_name=_("cause (taxonomy)"),
    )
    is_root = models.BooleanField(_("root cause"), default=False)

    objects = RestrictedManager()
    scope_site_path = "nonconformity__site"
    scope_editors = NC_EDITORS
    audit_fields = ("category", "text", "cause", "is_root")

    class Meta:
        ordering = ["category", "id"]
        verbose_name = _("fishbone cause")
        verbose_name_plural = _("fishbone causes")

    def __str__(self) -> str:
        return f"{self.nonconformity.reference} {self.get_category_display()}: {self.text}"

    def get_absolute_url(self) -> str:
        return self.nonconformity.get_absolute_url() + "#fishbone"


class Action(models.Model):
    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="actions"
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="capa_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    created_at = models.DateTimeField(_("created"))
    # reminder and escalation bookkeeping (the periodic job writes it)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    objects = RestrictedManager()
    scope_site_path = "nonconformity__site"
    scope_editors = NC_EDITORS
    audit_fields = (
        "cycle",
        "kind",
        "description",
        "owner",
        "due_date",
        "status",
        "done_at",
        "done_note",
        "escalation_level",
    )

    class Meta:
        ordering = ["cycle", "due_date", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.nonconformity.reference} {self.get_kind_display()}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return self.nonconformity.get_absolute_url() + f"#action-{self.pk}"

    @property
    def site(self) -> Site | None:
        """The nonconformity's site (the audit trail files the action's events under it)."""
        return self.nonconformity.site


def evidence_path(instance: ActionEvidence, filename: str) -> str:
    return f"capa/{instance.action_id}/{secrets.token_hex(8)}-{filename[-80:]}"


class ActionEvidence(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = RestrictedManager()
    scope_site_path = "action__nonconformity__site"
    scope_editors = NC_EDITORS
    audit_fields = ("name", "content_type", "size")

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url()


class Verification(models.Model):
    """The effectiveness check of one cycle: the metric, the before and after periods and
    figures, the test and the proposed verdict; then the quality manager's verdict."""

    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="verifications"
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    metric = models.CharField(_("metric"), max_length=20, choices=MetricKind.choices)
    params = models.JSONField(_("metric parameters"), default=dict, blank=True)
    before_start = models.DateTimeField(_("before: from"), null=True, blank=True)
    before_end = models.DateTimeField(_("before: until"), null=True, blank=True)
    after_start = models.DateTimeField(_("after: from"), null=True, blank=True)
    after_end = models.DateTimeField(_("after: until"), null=True, blank=True)
    before_value = models.FloatField(_("before"), null=True, blank=True)
    after_value = models.FloatField(_("after"), null=True, blank=True)
    before_n = models.PositiveIntegerField(_("n before"), null=True, blank=True)
    after_n = models.PositiveIntegerField(_("n after"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    test = models.CharField(_("test"), max_length=100, blank=True)
    p_value = models.FloatField(_("p-value"), null=True, blank=True)
    estimate = models.FloatField(_("estimate"), null=True, blank=True)
    estimate_name = models.CharField(_("estimate"), max_length=60, blank=True)
    proposed = models.CharField(_("proposed verdict"), max_length=20, choices=Verdict.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"))
    verdict = models.CharField(
        _("confirmed verdict"),
        max_length=20,
        choices=[
            (Verdict.EFFECTIVE, Verdict.EFFECTIVE.label),
            (Verdict.NOT_EFFECTIVE, Verdict.NOT_EFFECTIVE.label),
        ],
        blank=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = RestrictedManager()
    scope_site_path = "nonconformity__site"
    scope_editors = NC_EDITORS
    audit_fields = (
        "cycle",
        "metric",
        "params",
        "before_value",
        "after_value",
        "before_n",
        "after_n",
        "test",
        "p_value",
        "proposed",
        "verdict",
        "decided_by",
        "note",
    )

    class Meta:
        ordering = ["cycle"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.UniqueConstraint(
                fields=["nonconformity", "cycle"], name="one_verification_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nonconformity.reference} verification {self.cycle}"

    def get_absolute_url(self) -> str:
        return self.nonconformity.get_absolute_url() + "#verification"

    @property
    def site(self) -> Site | None:
        return self.nonconformity.site

    @property
    def details(self) -> dict[str, Any]:
        """The metric's extra figures (counts, exposures) stored in ``params['result']``."""
        result: dict[str, Any] = self.params.get("result", {}) if self.params else {}
        return result


__all__ = [
    "NC_EDITORS",
    "Action",
    "ActionEvidence",
    "ActionKind",
    "ActionStatus",
    "Cause",
    "FishboneCause",
    "Nonconformity",
    "Verification",
    "WhyStep",
]
