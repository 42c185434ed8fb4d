"""Quality objectives (quality managers) cascading organization → region → site, and their
scheduled reviews (whoever may change the objective's unit)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed, restricted
from sqms.kpis.choices import Level
from sqms.kpis.models import Objective, ObjectiveReview

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

FIELDS = (
    "title",
    "kpi",
    "level",
    "site",
    "region",
    "target",
    "deadline",
    "owner",
    "parent",
    "notes",
)


def _check(obj: Objective) -> None:
    errors: dict[str, str] = {}
    if obj.level == Level.SITE:
        obj.region = None
        if obj.site is None:
            errors["site"] = _("Choose the site.")
    elif obj.level == Level.REGION:
        obj.site = None
        if obj.region is None:
            errors["region"] = _("Choose the region.")
    else:
        obj.site = obj.region = None
    parent = obj.parent
    if parent is not None and not errors:
        if parent.pk == obj.pk:
            errors["parent"] = _("An objective cannot cascade from itself.")
        elif parent.kpi_id != obj.kpi_id:
            errors["parent"] = _("A cascaded objective has the same KPI as its parent.")
        elif parent.level == Level.ORGANIZATION and obj.level == Level.ORGANIZATION:
            errors["parent"] = _("An organization objective cascades to regions or sites.")
        elif parent.level == Level.REGION and not (
            obj.level == Level.SITE
            and obj.site is not None
            and obj.site.region_id == parent.region_id
        ):
            errors["parent"] = _("A region's objective cascades to the sites of that region.")
        elif parent.level == Level.SITE:
            errors["parent"] = _("A site's objective does not cascade further.")
    if errors:
        raise ValidationError(errors)
    obj.full_clean(exclude=["unit_key"])


@transaction.atomic(durable=True)
def do_create_objective(
    data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Objective:
    ensure_allowed(
        acting_user, "add", Objective, message=_("Only quality managers set objectives.")
    )
    obj = Objective(**{k: v for k, v in data.items() if k in FIELDS})
    _check(obj)
    obj.save()
    audit.record(obj, AuditAction.CREATE, actor=acting_user, channel=channel)
    return obj


@transaction.atomic(durable=True)
def do_update_objective(
    obj: Objective, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Objective:
    ensure_allowed(acting_user, "change", obj)
    obj = Objective.objects.select_for_update().get(pk=obj.pk)
    before = audit.snapshot(obj)
    for k, v in data.items():
        if k in FIELDS:
            setattr(obj, k, v)
    _check(obj)
    obj.save()
    audit.record(obj, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return obj


@transaction.atomic(durable=True)
def do_delete_objective(obj: Objective, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "delete", obj)
    if obj.children.exists():
        raise ValidationError(_("Objectives cascade from this one; delete them first."))
    before = audit.snapshot(obj)
    audit.record(obj, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)
    obj.delete()


@transaction.atomic(durable=True)
def do_review_objective(
    obj: Objective,
    note: str = "",
    next_review: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
    acting_user: User | None,
    channel: str,
) -> ObjectiveReview:
    """Record a review: the status judged today is stored with the note and the next date."""
    from sqms.kpis.objectives import status_of

    ensure_allowed(
        acting_user, "add", ObjectiveReview, message=_("Your role may not review objectives.")
    )
    if (
        acting_user is not None
        and not restricted(Objective, acting_user).filter(pk=obj.pk).exists()
    ):
        raise PermissionDenied(_("That objective is outside your scope."))
    today = timezone.localdate(now or timezone.now())
    if next_review is not None and next_review <= today:
        raise ValidationError({"next_review": _("The next review must be after today.")})
    judged = status_of(obj, today)
    review = ObjectiveReview.objects.create(
        objective=obj,
        reviewed_on=today,
        status=judged.status,
        value=judged.latest,
        note=note.strip(),
        next_review=next_review,
        reviewer=acting_user,
    )
    audit.record(review, AuditAction.CREATE, actor=acting_user, channel=channel, site=obj.site)
    return review
