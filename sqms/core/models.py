"""Organization tree (organization → regions → sites), service catalogue, users' roles and
scopes, API tokens and the audit trail."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sqms.core.choices import AuditAction, Channel, Role, SiteKind
from sqms.core.scoping import ORG_EDITORS, SITE_EDITORS, RestrictedManager

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, '.', '-' and '_' only, starting with a letter or digit."),
)


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not a known time zone."), params={"value": value}
        ) from None


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="regions",
        verbose_name=_("organization"),
    )
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("code", "name")

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("core:region_detail", args=[self.pk])

    @staticmethod
    def scope_filter(site_ids: set[int], user: Any) -> Q:
        own = user.profile.regions.values("id")
        return Q(sites__in=site_ids) | Q(id__in=own)

    scope_many = True


class Site(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="sites", verbose_name=_("region")
    )
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SiteKind.choices, default=SiteKind.STORE
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("For example: Mon–Sun 09:00–21:00"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_sites",
        verbose_name=_("manager"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedManager()
    scope_site_path = "id"
    scope_editors = SITE_EDITORS
    audit_fields = (
        "region",
        "code",
        "name",
        "kind",
        "address",
        "city",
        "time_zone",
        "opening_hours",
        "manager",
        "is_active",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("core:site_detail", args=[self.pk])

    @property
    def manager_name(self) -> str:
        from sqms.core.names import display_name

        return display_name(self.manager)


class Service(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sites = models.ManyToManyField(
        Site, related_name="services", blank=True, verbose_name=_("sites")
    )

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("code", "name", "description", "sites")

    class Meta:
        ordering = ["code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("core:service_detail", args=[self.pk])


class Profile(models.Model):
    """A user's role and scope in SQMS."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("regions")
    )
    sites = models.ManyToManyField(Site, blank=True, related_name="+", verbose_name=_("sites"))
    all_sites = models.BooleanField(
        _("all sites"), default=False, help_text=_("Viewers only: read access to every site.")
    )
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEvent(models.Model):
    """One create, update, delete or close of a record, with field-level before and after."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    changes = models.JSONField(_("changes"), default=dict)
    # the record asked that its site not learn who acted (a mystery shopper's visit): only
    # quality and region managers see the actor (sqms.core.audit.who_column)
    actor_hidden = models.BooleanField(default=False, editable=False)

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_allows_no_site = False

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class RateCounter(models.Model):
    """Hits on one rate-limit key in one time window (sqms.core.ratelimit)."""

    key = models.CharField(max_length=255, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
