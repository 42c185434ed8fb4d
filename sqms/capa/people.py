"""Who may own a nonconformity or an action: the people whose scope holds the NC's site
(quality managers for a chain-wide NC). Reads only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from sqms.complaints.recipients import people_of
from sqms.core.choices import Role
from sqms.core.models import Site
from sqms.core.scoping import restricted

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

OWNER_ROLES = (
    Role.QUALITY_MANAGER,
    Role.REGION_MANAGER,
    Role.SITE_MANAGER,
    Role.INSPECTOR,
    Role.AGENT,
)


def owners_for(site: Site | None, user: Any) -> list[User]:
    """Possible owners: for a site its people; without one (a new NC's form) the people of
    every site the user sees, for a chain-wide NC the quality managers."""
    if site is not None:
        return people_of(site, *OWNER_ROLES)
    sites = restricted(Site, user, "view")
    condition = (
        Q(profile__role=Role.QUALITY_MANAGER)
        | Q(profile__role=Role.REGION_MANAGER, profile__regions__sites__in=sites)
        | Q(profile__role__in=OWNER_ROLES[2:], profile__sites__in=sites)
    )
    return list(
        User.objects.filter(is_active=True).filter(condition).distinct().order_by("username")
    )
