"""Every write to the organization, users and tokens. Views, the API, the CLI and the demo
loader all call these; each runs in a transaction and writes its audit event."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction, Role
from sqms.core.models import ApiToken, Organization, Profile, Region, Service, Site
from sqms.core.scoping import ensure_allowed, role_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

M = TypeVar("M", bound=models.Model)


def _assign(obj: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """Set plain fields from ``data``; return the many-to-many values to set after saving."""
    m2m: dict[str, Any] = {}
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(obj, name, value)
    return m2m


def _save_new(obj: M, data: dict[str, Any], *, acting_user: User | None, channel: str) -> M:
    m2m = _assign(obj, data)
    obj.full_clean()
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    audit.record(obj, AuditAction.CREATE, actor=acting_user, channel=channel)
    return obj


def _save_changes(obj: M, data: dict[str, Any], *, acting_user: User | None, channel: str) -> M:
    audit.ensure_open(obj)
    before = audit.snapshot(obj)
    m2m = _assign(obj, data)
    obj.full_clean()
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    audit.record(obj, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return obj


def _delete(obj: models.Model, *, acting_user: User | None, channel: str) -> None:
    audit.ensure_open(obj)
    before = audit.snapshot(obj)
    site = audit.site_of(obj)
    audit.record(
        obj, AuditAction.DELETE, actor=acting_user, channel=channel, before=before, site=site
    )
    obj.delete()


# Organization ------------------------------------------------------------------------------


def the_organization() -> Organization:
    """The one organization every region belongs to, created on first use."""
    org = Organization.objects.order_by("id").first()
    if org is None:
        org = Organization.objects.create(name=str(_("My organization")))
    return org


@transaction.atomic(durable=True)
def do_rename_organization(name: str, *, acting_user: User | None, channel: str) -> Organization:
    ensure_allowed(acting_user, "change", Organization)
    org = the_organization()
    before = {"name": org.name}
    org.name = name
    org.full_clean()
    org.save(update_fields=["name"])
    audit.record(
        org,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        after={"name": name},
    )
    return org


# Regions -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_create_region(data: dict[str, Any], *, acting_user: User | None, channel: str) -> Region:
    ensure_allowed(acting_user, "add", Region)
    region = Region(organization=the_organization())
    return _save_new(region, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_region(
    region: Region, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Region:
    ensure_allowed(acting_user, "change", region)
    return _save_changes(region, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_delete_region(region: Region, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "delete", region)
    count = region.sites.count()
    if count:
        raise ValidationError(
            _("Region %(region)s still has %(count)d site(s); move or delete them first.")
            % {"region": region, "count": count}
        )
    _delete(region, acting_user=acting_user, channel=channel)


# Sites -------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_create_site(data: dict[str, Any], *, acting_user: User | None, channel: str) -> Site:
    ensure_allowed(acting_user, "add", Region)  # only quality managers open new sites
    return _save_new(Site(), data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_site(
    site: Site, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Site:
    ensure_allowed(acting_user, "change", site)
    if (
        "region" in data
        and data["region"] != site.region
        and role_of(acting_user)
        not in (
            None,
            Role.QUALITY_MANAGER,
        )
        and acting_user is not None
    ):
        raise PermissionDenied(_("Only a quality manager may move a site to another region."))
    return _save_changes(site, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_delete_site(site: Site, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "add", Region)
    _delete(site, acting_user=acting_user, channel=channel)


# Services ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_create_service(data: dict[str, Any], *, acting_user: User | None, channel: str) -> Service:
    ensure_allowed(acting_user, "add", Service)
    return _save_new(Service(), data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_service(
    service: Service, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Service:
    ensure_allowed(acting_user, "change", service)
    return _save_changes(service, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_delete_service(service: Service, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "delete", service)
    _delete(service, acting_user=acting_user, channel=channel)


# Users and roles ---------------------------------------------------------------------------

PROFILE_FIELDS = ("role", "regions", "sites", "all_sites")


def _ensure_user_admin(acting_user: User | None) -> None:
    if acting_user is not None and role_of(acting_user) != Role.QUALITY_MANAGER:
        raise PermissionDenied(_("Only a quality manager administers users."))


def _user_snapshot(user: Any) -> dict[str, Any]:
    data = audit.snapshot(user, ("username", "first_name", "last_name", "email", "is_active"))
    profile = getattr(user, "profile", None)
    if profile is not None and profile.pk:
        data.update(audit.snapshot(profile, PROFILE_FIELDS))
    return data


def _check_scope_for_role(
    role: str, regions: list[Region], sites: list[Site], all_sites: bool
) -> None:
    errors: dict[str, str] = {}
    if role == Role.REGION_MANAGER and not regions:
        errors["regions"] = _("A region manager needs at least one region.")
    if role in (Role.SITE_MANAGER, Role.INSPECTOR, Role.AGENT) and not sites:
        errors["sites"] = _("This role needs at least one site.")
    if role == Role.AGENT and len(sites) > 1:
        errors["sites"] = _("An agent belongs to exactly one site.")
    if role == Role.VIEWER and not (regions or sites or all_sites):
        errors["sites"] = _("Choose the sites or regions this viewer may read, or tick all sites.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic(durable=True)
def do_create_user(
    *,
    username: str,
    password: str | None,
    role: str,
    regions: list[Region] = (),  # type: ignore[assignment]
    sites: list[Site] = (),  # type: ignore[assignment]
    all_sites: bool = False,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    acting_user: User | None,
    channel: str,
) -> Any:
    _ensure_user_admin(acting_user)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {
                "username": ValidationError(
                    _("A user with that username already exists."), code="unique"
                )
            }
        )
    _check_scope_for_role(role, list(regions), list(sites), all_sites)
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    profile = Profile.objects.create(user=user, role=role, all_sites=all_sites)
    profile.regions.set(regions)
    profile.sites.set(sites)
    audit.record(
        user, AuditAction.CREATE, actor=acting_user, channel=channel, after=_user_snapshot(user)
    )
    return user


@transaction.atomic(durable=True)
def do_update_user(
    user: Any, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Any:
    _ensure_user_admin(acting_user)
    profile, _created = Profile.objects.get_or_create(user=user)
    before = _user_snapshot(user)
    role = data.get("role", profile.role)
    regions = list(data.get("regions", profile.regions.all()))
    sites = list(data.get("sites", profile.sites.all()))
    all_sites = data.get("all_sites", profile.all_sites)
    _check_scope_for_role(role, regions, sites, all_sites)
    if acting_user is not None and user.pk == acting_user.pk and role != Role.QUALITY_MANAGER:
        raise ValidationError({"role": _("You cannot take your own quality-manager role away.")})
    for name in ("first_name", "last_name", "email", "is_active"):
        if name in data:
            setattr(user, name, data[name])
    user.full_clean(exclude=["password"])
    user.save()
    profile.role, profile.all_sites = role, all_sites
    profile.save()
    profile.regions.set(regions)
    profile.sites.set(sites)
    audit.record(
        user,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        after=_user_snapshot(user),
    )
    return user


@transaction.atomic(durable=True)
def do_set_password(user: Any, password: str, *, acting_user: User | None, channel: str) -> None:
    if acting_user is not None and acting_user.pk != user.pk:
        _ensure_user_admin(acting_user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        user,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before={"password": "•"},
        after={"password": "••"},
    )


def do_set_language(user: Any, language: str) -> None:
    """Remember the user's interface language (a preference, not an audited record)."""
    Profile.objects.update_or_create(user=user, defaults={"language": language})


# API tokens --------------------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic(durable=True)
def do_create_api_token(
    user: Any, name: str, *, acting_user: User | None, channel: str
) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw value, which is shown once and never stored."""
    if acting_user is not None and acting_user.pk != user.pk:
        raise PermissionDenied(_("You may only create tokens for yourself."))
    if not name.strip():
        raise ValidationError({"name": _("Give the token a name.")})
    raw = "sqms_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=raw[:10], digest=token_digest(raw)
    )
    audit.record(
        token, AuditAction.CREATE, actor=acting_user, channel=channel, after={"name": token.name}
    )
    return token, raw


def note_token_use(token: ApiToken) -> None:
    """Remember when a token was last used (at most once a minute; bookkeeping, not audited)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


@transaction.atomic(durable=True)
def do_revoke_api_token(token: ApiToken, *, acting_user: User | None, channel: str) -> None:
    if acting_user is not None and acting_user.pk != token.user_id:
        raise PermissionDenied(_("You may only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            token,
            AuditAction.UPDATE,
            actor=acting_user,
            channel=channel,
            before={"revoked": False},
            after={"revoked": True},
        )
