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

from sqms.complaints.choices import EscalationLevel
from sqms.core.choices import Role
from sqms.core.models import Site

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def level_users(site: Site, level: int) -> list[User]:
    """Active users of escalation ``level`` for ``site`` (any email), by username."""
    users = User.objects.filter(is_active=True)
    if level == EscalationLevel.SITE_MANAGER:
        users = users.filter(profile__role=Role.SITE_MANAGER, profile__sites=site)
    elif level == EscalationLevel.REGION_MANAGER:
        users = users.filter(profile__role=Role.REGION_MANAGER, profile__regions=site.region_id)
    elif level == EscalationLevel.QUALITY_MANAGER:
        users = users.filter(profile__role=Role.QUALITY_MANAGER)
    else:
        return []
    return list(users.distinct().order_by("username"))


def level_emails(site: Site, level: int) -> list[str]:
    """Email addresses of escalation ``level`` for ``site`` (users without one are left out)."""
    return sorted({u.email for u in level_users(site, level) if u.email})


def warning_emails(site: Site, assignee: User | None) -> list[str]:
    """Whom an SLA warning goes to: the assignee, or the site's managers when nobody is
    assigned (or the assignee has no email address)."""
    if assignee is not None and assignee.is_active and assignee.email:
        return [assignee.email]
    return level_emails(site, EscalationLevel.SITE_MANAGER)


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
