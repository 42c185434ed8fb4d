"""Who must acknowledge a version, who has, and what a user still has to read. Reads only.

A version's audience is the staff of its sites (``ack_sites``, or every site of the service
when none are chosen): every site manager, inspector and agent when ``ack_all_staff`` is set,
otherwise the holders of the roles its steps name (all staff when no step names a role).
Quality managers and region managers belong when a step names their role
(:func:`sqms.complaints.recipients.people_of` decides who holds a site)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet

from sqms.complaints.recipients import people_of
from sqms.core.choices import Role
from sqms.core.models import Site
from sqms.core.scoping import role_of, site_ids_in_scope
from sqms.standards.choices import VersionStatus
from sqms.standards.models import STAFF_ROLES, Acknowledgement, StandardVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def version_sites(version: StandardVersion) -> QuerySet[Site]:
    """The sites whose staff acknowledge ``version``."""
    chosen = version.ack_sites.all()
    if chosen.exists():
        return chosen.order_by("code")
    return version.standard.service.sites.all().order_by("code")


def audience_roles(version: StandardVersion) -> tuple[str, ...]:
    if version.ack_all_staff:
        return STAFF_ROLES
    named = tuple(sorted({s.role for s in version.steps.all() if s.role}))
    return named or STAFF_ROLES


def in_audience(version: StandardVersion, user: Any) -> bool:
    """Whether ``user`` must acknowledge ``version``."""
    role = role_of(user)
    if role is None or role not in audience_roles(version):
        return False
    if role == Role.QUALITY_MANAGER:
        return True
    sites = version_sites(version)
    if role == Role.REGION_MANAGER:
        return sites.filter(region__in=user.profile.regions.all()).exists()
    return sites.filter(pk__in=user.profile.sites.values("pk")).exists()


@dataclass(frozen=True)
class Person:
    user: Any
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class SiteStatus:
    site: Site
    people: list[Person]

    @property
    def done(self) -> int:
        return sum(1 for p in self.people if p.acknowledged_at is not None)

    @property
    def missing(self) -> list[Person]:
        return [p for p in self.people if p.acknowledged_at is None]


def audience_emails(version: StandardVersion) -> list[str]:
    """The addresses of everyone who must acknowledge ``version`` (one query per site)."""
    roles = audience_roles(version)
    found = {u.email for site in version_sites(version) for u in people_of(site, *roles)}
    return sorted(e for e in found if e)


def status_by_site(version: StandardVersion, reader: Any) -> list[SiteStatus]:
    """Per site of the version in ``reader``'s scope: its audience with the time each one
    acknowledged (None = not yet). A site manager sees only the staff of their own sites."""
    scope = site_ids_in_scope(reader)
    sites = version_sites(version)
    if scope is not None:
        sites = sites.filter(pk__in=scope)
    roles = audience_roles(version)
    acked = dict(version.acknowledgements.values_list("user_id", "acknowledged_at"))
    out = []
    for site in sites.select_related("region"):
        people = [Person(u, acked.get(u.pk)) for u in people_of(site, *roles)]
        out.append(SiteStatus(site, people))
    return out


def effective_versions(today: date) -> QuerySet[StandardVersion]:
    """The version in effect of each standard on ``today``: the newest approved one whose date
    has come (an older one still waiting for the hourly job to supersede it is left out)."""
    in_effect = {"status": VersionStatus.APPROVED, "effective_from__lte": today}
    newer = StandardVersion.objects.filter(
        standard=OuterRef("standard"), number__gt=OuterRef("number"), **in_effect
    )
    return (
        StandardVersion.objects.filter(**in_effect)
        .exclude(Exists(newer))
        .select_related("standard", "standard__service")
    )


def to_read(user: Any, today: date) -> list[StandardVersion]:
    """The effective versions ``user`` must acknowledge and has not yet, by standard code."""
    if role_of(user) is None:
        return []
    done = set(Acknowledgement.objects.filter(user=user).values_list("version_id", flat=True))
    candidates = effective_versions(today).exclude(pk__in=done).order_by("standard__code")
    return [v for v in candidates.prefetch_related("steps") if in_audience(v, user)]
