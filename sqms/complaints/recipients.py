"""Who hears about a complaint: the people of each escalation level and the people a warning
goes to. Reads only; the scheduler keeps one :class:`Recipients` per run so each site's
lists are looked up once.

Levels (``EscalationLevel``): 1 = the site managers whose profile lists the site, 2 = the
region managers whose profile lists the site's region, 3 = every quality manager. Only active
users with an email address are returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q

from sqms.complaints.choices import EscalationLevel
from sqms.core.choices import Role
from sqms.core.models import Site

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def people_of(site: Site, *roles: str) -> list[User]:
    """Active users in one of ``roles`` whose scope holds ``site`` — quality managers every
    site, region managers the sites of their regions, the other roles the sites their profile
    lists — in one query, by username. Escalation levels, approvers and assignees all read it."""
    condition = Q(pk__in=[])
    for role in roles:
        if role == Role.QUALITY_MANAGER:
            condition |= Q(profile__role=role)
        elif role == Role.REGION_MANAGER:
            condition |= Q(profile__role=role, profile__regions=site.region_id)
        else:
            condition |= Q(profile__role=role, profile__sites=site)
    return list(
        User.objects.filter(is_active=True).filter(condition).distinct().order_by("username")
    )


#: the role each escalation level goes to
LEVEL_ROLE = {
    EscalationLevel.SITE_MANAGER: Role.SITE_MANAGER,
    EscalationLevel.REGION_MANAGER: Role.REGION_MANAGER,
    EscalationLevel.QUALITY_MANAGER: Role.QUALITY_MANAGER,
}


def level_users(site: Site, level: int) -> list[User]:
    """Active users of escalation ``level`` for ``site`` (any email), by username."""
    role = LEVEL_ROLE.get(level)  # type: ignore[call-overload]
    return people_of(site, role) if role else []


def level_emails(site: Site, level: int) -> list[str]:
    """Email addresses of escalation ``level`` for ``site`` (users without one are left out)."""
    return sorted({u.email for u in level_users(site, level) if u.email})


class Recipients:
    """Per-run cache of :func:`level_emails` by (site, level)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], list[str]] = {}

    def level(self, site: Site, level: int) -> list[str]:
        key = (site.pk, level)
        if key not in self._cache:
            self._cache[key] = level_emails(site, level)
        return self._cache[key]

    def warning(self, site: Site, assignee: User | None) -> list[str]:
        if assignee is not None and assignee.is_active and assignee.email:
            return [assignee.email]
        return self.level(site, EscalationLevel.SITE_MANAGER)
