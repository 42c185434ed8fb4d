"""Site scoping: the one place that decides which records a user may see or change.

Every model that holds site-bound data uses :class:`RestrictedQuerySet` and declares
``scope_site_path``: the lookup from the model to ``Site.id`` (``"id"`` for Site itself,
``"site"`` for a record with a site foreign key, ``"sites"`` for a many-to-many).
``Model.objects.restrict(user, "view" | "change")`` then keeps only what the user's role and
scope allow. Pages, exports, API endpoints and commands all fetch through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from django.db import models
from django.db.models import Q

from sqms.core.choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

Action = Literal["view", "change", "delete", "add"]
_M = TypeVar("_M", bound=models.Model)

# Roles that may change records of a kind at all; the site scope then narrows it.
ORG_EDITORS: set[str] = {Role.QUALITY_MANAGER}
SITE_EDITORS: set[str] = {Role.QUALITY_MANAGER, Role.REGION_MANAGER, Role.SITE_MANAGER}


def role_of(user: User | AnonymousUser | None) -> str | None:
    """The user's role, or None for anonymous users and users without a role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    from sqms.core.models import Profile

    try:
        return user.profile.role or None
    except Profile.DoesNotExist:
        return None


def site_ids_in_scope(user: Any) -> set[int] | None:
    """Ids of the sites the user may see; None means every site (quality managers)."""
    role = role_of(user)
    if role is None:
        return set()
    cache = getattr(user, "_sqms_site_scope", False)
    if cache is not False:
        return cast("set[int] | None", cache)
    from sqms.core.models import Site

    profile = user.profile
    scope: set[int] | None
    if role == Role.QUALITY_MANAGER:
        scope = None
    elif role == Role.REGION_MANAGER:
        scope = set(
            Site.objects.filter(region__in=profile.regions.all()).values_list("id", flat=True)
        )
    elif role == Role.VIEWER and profile.all_sites:
        scope = None
    else:
        scope = set(profile.sites.values_list("id", flat=True))
        if role == Role.VIEWER:
            scope |= set(
                Site.objects.filter(region__in=profile.regions.all()).values_list("id", flat=True)
            )
    user._sqms_site_scope = scope
    return scope


def editors_of(model: type[models.Model]) -> set[str]:
    """The roles that may write ``model`` at all, as the model declares them in
    ``scope_editors`` (default: quality managers only)."""
    editors: set[str] = getattr(model, "scope_editors", ORG_EDITORS)
    return editors


def allowed(user: Any, action: Action, model: type[models.Model]) -> bool:
    """Whether the user's role may ``action`` records of ``model`` (the pages' ``can_*`` flags;
    whether one record is in the user's scope is :meth:`RestrictedQuerySet.restrict`'s part)."""
    return may(user, action, editors_of(model))


def may(user: Any, action: Action, editors: set[str]) -> bool:
    """Whether the user's role may perform ``action`` on a kind whose writers are ``editors``."""
    role = role_of(user)
    if role is None:
        return False
    if action == "view":
        return True
    return role in editors


class RestrictedQuerySet(models.QuerySet[_M]):
    def restrict(self, user: Any, action: Action = "view") -> Self:
        """Keep the rows ``user`` may ``action``; an empty queryset when the role may not."""
        model = self.model
        if not allowed(user, action, model):
            return self.none()
        scope = site_ids_in_scope(user)
        if scope is None:
            return self
        condition = scope_q(model, scope, user)
        if getattr(model, "scope_many", False):  # a to-many path would repeat rows
            return self.filter(pk__in=model._default_manager.filter(condition).values("pk"))
        return self.filter(condition)


def scope_q(model: type[models.Model], site_ids: set[int], user: Any) -> Q:
    """The condition that keeps rows of ``model`` tied to ``site_ids``.

    A model may define ``scope_filter(site_ids, user)`` for a rule the path cannot say;
    otherwise ``scope_site_path`` gives the lookup to the site id. A model with neither is
    organisation-wide (the service catalogue) and visible to every role.
    """
    custom = getattr(model, "scope_filter", None)
    if custom is not None:
        condition: Q = custom(site_ids, user)
        return condition
    path: str | None = getattr(model, "scope_site_path", None)
    if path is None:
        return Q()
    if path == "id":
        return Q(id__in=site_ids)
    condition = Q(**{f"{path}__in": site_ids})
    if getattr(model, "scope_allows_no_site", False):
        condition |= Q(**{f"{path}__isnull": True})
    return condition


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


def restricted(model: type[_M], user: Any, action: Action = "view") -> RestrictedQuerySet[_M]:
    """``model.objects.restrict(user, action)`` for a model known only by its class (every
    scoped model's default manager is a ``RestrictedManager``)."""
    manager = cast("RestrictedManager[_M]", model._default_manager)
    return manager.restrict(user, action)


def ensure_allowed(
    user: Any,
    action: Action,
    target: models.Model | type[models.Model],
    *,
    message: str | None = None,
) -> None:
    """Raise PermissionDenied (with ``message`` when given) unless ``user`` may ``action`` the
    record — or, for a class, records of that kind — by the model's ``scope_editors`` and the
    user's scope. The one permission check every action makes.

    ``user=None`` is the system itself (demo loader, migrations) and is always allowed.
    """
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if user is None:
        return
    if isinstance(target, type):
        if not allowed(user, action, target):
            raise PermissionDenied(message or _("Your role may not do this."))
        return
    model = type(target)
    if not restricted(model, user, action).filter(pk=target.pk).exists():
        raise PermissionDenied(message or _("You may not change this record."))


def ensure_site_in_scope(user: Any, site_id: int | None) -> None:
    """Refuse a write that would attach a record to a site outside the user's scope."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if user is None or site_id is None:
        return
    scope = site_ids_in_scope(user)
    if scope is not None and site_id not in scope:
        raise PermissionDenied(_("That site is outside your scope."))
