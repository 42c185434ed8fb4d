"""Checklists, inspection programmes, inspections and their answers, photos, disputes, internal
audit plans and findings, and the rewards or penalties recorded against a result.

A checklist template has numbered versions. Only a draft version may change; inspections use
published versions, so a result is always read against the items it was scored on. Answers are
written item by item while the inspector works (the draft lives on the server), and the
inspection's score is the weighted share of the points of the answered, applicable items
(``sqms.inspections.scoring``).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sqms.core.choices import Role
from sqms.core.models import Site, code_validator
from sqms.core.scoping import ORG_EDITORS, SITE_EDITORS, RestrictedManager
from sqms.inspections.choices import (
    ChecklistStatus,
    ConsequenceKind,
    CriticalRule,
    DisputeStatus,
    FindingKind,
    Frequency,
    InspectionKind,
    InspectionStatus,
    PhotoRule,
    Result,
    Scoring,
)

#: who may perform inspections and write their answers (inspectors, and the site's managers for
#: self-inspections); which inspection a user may touch is narrowed further by the actions
INSPECTION_EDITORS: set[str] = SITE_EDITORS | {Role.INSPECTOR}
#: the largest score of a 0–5 item
SCALE_MAX = Decimal(5)


def _localized(zh: str, en: str) -> str:
    return en if en and (get_language() or "").startswith("en") else zh


class ChecklistTemplate(models.Model):
    """A checklist (巡店表, 自检表, 神秘顾客问卷, 内审检查表); its content lives in versions."""

    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(
        _("inspection kind"),
        max_length=12,
        choices=InspectionKind.choices,
        default=InspectionKind.SUPERVISOR,
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("code", "name", "name_en", "kind", "description", "is_active")

    class Meta:
        ordering = ["code"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:template_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return _localized(self.name, self.name_en)

    def published_version(self) -> TemplateVersion | None:
        """The version new inspections use (the highest published one)."""
        return self.versions.filter(status=ChecklistStatus.PUBLISHED).order_by("-number").first()


class TemplateVersion(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=ChecklistStatus.choices, default=ChecklistStatus.DRAFT
    )
    critical_rule = models.CharField(
        _("critical items"), max_length=5, choices=CriticalRule.choices, default=CriticalRule.FAIL
    )
    cap_score = models.DecimalField(
        _("score cap (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The highest score an inspection with a failed critical item can get."),
    )
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(80),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    keep_photo_location = models.BooleanField(
        _("keep photo location"),
        default=False,
        help_text=_("Keep the EXIF block (place and time) of photos; it is removed otherwise."),
    )
    scenario = models.TextField(
        _("scenario"), blank=True, help_text=_("The script a mystery shopper follows.")
    )
    change_note = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = (
        "number",
        "status",
        "critical_rule",
        "cap_score",
        "pass_mark",
        "keep_photo_location",
        "scenario",
        "change_note",
    )

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="insp_version_unique"),
            models.CheckConstraint(
                condition=Q(cap_score__gte=0, cap_score__lte=100, pass_mark__gte=0)
                & Q(pass_mark__lte=100),
                name="insp_version_percentages",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.code} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:version_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == ChecklistStatus.DRAFT


class Section(models.Model):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("position", "title", "title_en")

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localized(self.title, self.title_en)


class Item(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    # the section's version, kept so answers and reports reach it without a join
    version = models.ForeignKey(
        TemplateVersion, on_delete=models.CASCADE, related_name="items", editable=False
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=20, blank=True)
    text = models.CharField(_("item"), max_length=300)
    text_en = models.CharField(_("item (English)"), max_length=300, blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    scoring = models.CharField(
        _("scoring"), max_length=10, choices=Scoring.choices, default=Scoring.PASS_FAIL
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    is_critical = models.BooleanField(_("critical"), default=False)
    photo = models.CharField(
        _("photo"), max_length=10, choices=PhotoRule.choices, default=PhotoRule.OPTIONAL
    )
    target = models.DecimalField(
        _("target value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    tolerance = models.DecimalField(
        _("tolerance (±)"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    standard_ref = models.CharField(
        _("service standard"),
        max_length=100,
        blank=True,
        help_text=_("The standard or SOP clause the item checks, where one exists."),
    )
    clause = models.CharField(
        _("ISO 9001 clause"), max_length=20, blank=True, help_text=_("For audit checklists.")
    )

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = (
        "position",
        "code",
        "text",
        "text_en",
        "guidance",
        "scoring",
        "weight",
        "is_critical",
        "photo",
        "target",
        "tolerance",
        "unit",
        "standard_ref",
        "clause",
    )

    class Meta:
        ordering = ["version", "section__position", "position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="insp_item_weight_positive"),
            models.CheckConstraint(
                condition=~Q(scoring=Scoring.NUMERIC)
                | (Q(target__isnull=False) & Q(tolerance__isnull=False) & Q(tolerance__gte=0)),
                name="insp_item_numeric_needs_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}".strip()

    def save(self, *args: object, **kwargs: object) -> None:
        self.version_id = self.section.version_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        return _localized(self.text, self.text_en)


class Programme(models.Model):
    """Planned inspections of one checklist at a frequency for a set of sites, with the
    inspectors who take turns."""

    name = models.CharField(_("name"), max_length=200)
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("checklist"),
    )
    kind = models.CharField(_("inspection kind"), max_length=12, choices=InspectionKind.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    sites = models.ManyToManyField(
        Site, related_name="inspection_programmes", verbose_name=_("sites")
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="inspection_programmes",
        verbose_name=_("inspectors"),
        help_text=_("Empty for self-inspections, which the site's own staff perform."),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    remind_days = models.PositiveSmallIntegerField(
        _("remind days before due"), default=2, validators=[MaxValueValidator(60)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()
    scope_site_path = "sites"
    scope_many = True
    scope_editors = ORG_EDITORS
    audit_fields = (
        "name",
        "template",
        "kind",
        "frequency",
        "starts_on",
        "ends_on",
        "remind_days",
        "is_active",
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("inspection programme")
        verbose_name_plural = _("inspection programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="insp_programme_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:programme_detail", args=[self.pk])


class Inspection(models.Model):
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("site")
    )
    checklist = models.ForeignKey(
        TemplateVersion,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("checklist version"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("programme"),
    )
    # the first day of the programme period this inspection covers (one per site and period)
    period_start = models.DateField(_("period"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("inspector"),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    # the score cache, written by the scoring when answers change (percent 0–100)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    points = models.DecimalField(_("points"), max_digits=10, decimal_places=2, default=0)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=10, decimal_places=2, default=0
    )
    critical_failed = models.BooleanField(_("critical item failed"), default=False)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    site_representative = models.CharField(_("site representative"), max_length=100, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged by the site"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # a mystery shopper's timed narrative: [{"at": "2026-03-01T10:02:00+08:00", "text": "…"}]
    narrative = models.JSONField(_("narrative"), default=list, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # optimistic lock: bumped by every change, checked against the version the user loaded
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_editors = INSPECTION_EDITORS
    audit_fields = (
        "site",
        "checklist",
        "kind",
        "status",
        "programme",
        "due_on",
        # not "inspector": a site must not learn its mystery shopper from the audit trail
        "submitted_at",
        "score",
        "critical_failed",
        "passed",
        "site_representative",
        "acknowledged_at",
        "notes",
    )

    class Meta:
        ordering = ["-submitted_at", "-due_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["site", "kind", "submitted_at"], name="insp_site_kind_time"),
            models.Index(fields=["status", "due_on"], name="insp_status_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "site", "period_start"],
                condition=Q(programme__isnull=False),
                name="insp_one_per_programme_period",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="insp_score_percent",
            ),
            models.CheckConstraint(
                condition=~Q(status=InspectionStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="insp_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"I-{self.pk:06d}" if self.pk else "I-new"

    @property
    def is_closed(self) -> bool:
        """A submitted or cancelled inspection is read-only (disputes change it by decision)."""
        return self.status in (InspectionStatus.SUBMITTED, InspectionStatus.CANCELLED)

    @property
    def audit_hides_actor(self) -> bool:
        """Audit events of a mystery shopper's visit hide who acted from the site."""
        return self.kind == InspectionKind.MYSTERY

    def shows_inspector_to(self, user: object) -> bool:
        """A site cannot see who its mystery shopper was; quality and region managers can."""
        if self.kind != InspectionKind.MYSTERY:
            return True
        profile = getattr(user, "profile", None)
        return getattr(profile, "role", None) in (Role.QUALITY_MANAGER, Role.REGION_MANAGER) or (
            getattr(user, "pk", None) == self.inspector_id
        )


class Answer(models.Model):
    """One item of one inspection, saved as the inspector goes."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    result = models.CharField(_("result"), max_length=4, choices=Result.choices, blank=True)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # the scoring's verdict on this answer: points earned out of max_points (0 when N/A)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2, default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=8, decimal_places=2, default=0)
    failed = models.BooleanField(_("failed"), default=False)
    is_critical = models.BooleanField(_("critical"), default=False, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()
    scope_site_path = "inspection__site"
    scope_editors = INSPECTION_EDITORS
    audit_fields = ("result", "value", "note", "points", "failed")

    class Meta:
        ordering = ["inspection", "item__section__position", "item__position", "item_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["item", "failed"], name="insp_answer_item_failed")]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="insp_answer_unique"),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=models.F("max_points")),
                name="insp_answer_points_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection.reference} {self.item}"

    @property
    def audit_hides_actor(self) -> bool:
        return self.inspection.kind == InspectionKind.MYSTERY


def photo_path(instance: Photo, filename: str) -> str:
    return f"inspections/{instance.inspection_id}/{secrets.token_hex(8)}-{filename[-80:]}"


class Photo(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=photo_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = RestrictedManager()
    scope_site_path = "inspection__site"
    scope_editors = INSPECTION_EDITORS
    audit_fields = ("name", "content_type", "size")

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_hides_actor(self) -> bool:
        return self.inspection.kind == InspectionKind.MYSTERY


class Dispute(models.Model):
    """The site contests a result (a mystery-shopper or supervisor score); a quality manager
    decides, and an upheld dispute re-scores the answer."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="disputes")
    answer = models.ForeignKey(
        Answer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="disputes",
        verbose_name=_("item"),
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    objects = RestrictedManager()
    scope_site_path = "inspection__site"
    scope_editors = SITE_EDITORS
    audit_fields = ("answer", "reason", "status", "decided_by", "decision_note")

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "answer"],
                condition=Q(status=DisputeStatus.OPEN),
                name="insp_one_open_dispute",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection.reference}: {self.reason[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.inspection_id])

    @property
    def is_closed(self) -> bool:
        return self.status != DisputeStatus.OPEN


class AuditPlan(models.Model):
    """The plan and meetings of an internal audit (an inspection of kind ``audit``)."""

    inspection = models.OneToOneField(
        Inspection, on_delete=models.CASCADE, related_name="audit_plan"
    )
    scope = models.TextField(_("audit scope"))
    criteria = models.CharField(
        _("criteria"),
        max_length=200,
        default="ISO 9001:2015",
        help_text=_("The standard audited against."),
    )
    clauses = models.CharField(
        _("clauses"), max_length=300, blank=True, help_text=_("e.g. 7.5, 8.2, 8.5.1, 9.1.2")
    )
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="audits", verbose_name=_("auditors")
    )
    auditees = models.TextField(_("auditees"), blank=True)
    planned_on = models.DateField(_("planned for"))
    opening_at = models.DateTimeField(_("opening meeting"), null=True, blank=True)
    opening_notes = models.TextField(_("opening meeting notes"), blank=True)
    closing_at = models.DateTimeField(_("closing meeting"), null=True, blank=True)
    closing_notes = models.TextField(_("closing meeting notes"), blank=True)

    objects = RestrictedManager()
    scope_site_path = "inspection__site"
    scope_editors = ORG_EDITORS
    audit_fields = (
        "scope",
        "criteria",
        "clauses",
        "auditees",
        "planned_on",
        "opening_at",
        "opening_notes",
        "closing_at",
        "closing_notes",
    )

    class Meta:
        verbose_name = _("audit plan")
        verbose_name_plural = _("audit plans")

    def __str__(self) -> str:
        return f"{self.inspection.reference} {self.criteria}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.inspection_id])


class Finding(models.Model):
    """An internal-audit finding; major and minor nonconformities go on to CAPA."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=12, choices=FindingKind.choices)
    clause = models.CharField(_("ISO 9001 clause"), max_length=20)
    description = models.TextField(_("description"))
    evidence = models.TextField(_("objective evidence"), blank=True)
    auditee = models.CharField(_("auditee"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()
    scope_site_path = "inspection__site"
    scope_editors = ORG_EDITORS
    audit_fields = ("kind", "clause", "description", "evidence", "auditee")

    class Meta:
        ordering = ["inspection", "clause", "id"]
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")

    def __str__(self) -> str:
        return f"{self.clause} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.inspection_id])

    @property
    def is_nonconformity(self) -> bool:
        return self.kind in (FindingKind.MAJOR, FindingKind.MINOR)


class Consequence(models.Model):
    """A reward or penalty under the store or tenant handbook, recorded against a result."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="consequences"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ConsequenceKind.choices)
    rule = models.CharField(
        _("handbook rule"), max_length=200, help_text=_("The clause of the handbook applied.")
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    points = models.IntegerField(_("points"), null=True, blank=True)
    recipient = models.CharField(_("recipient"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = RestrictedManager()
    scope_site_path = "inspection__site"
    scope_editors = SITE_EDITORS
    audit_fields = ("kind", "rule", "amount", "points", "recipient", "note")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("reward or penalty")
        verbose_name_plural = _("rewards and penalties")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="insp_consequence_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.rule}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.inspection_id])
