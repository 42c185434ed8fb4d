"""Every write to training records. Site, region and quality managers record the trainings
held at sites in their scope; every attendee must work at one of the training's sites."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sqms.core.actions import _delete, _save_changes, _save_new
from sqms.core.scoping import ensure_allowed, ensure_site_in_scope
from sqms.standards.choices import EffectMetric, LinkKind
from sqms.standards.models import Training

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def _check(training: Training, data: dict[str, Any], acting_user: User | None) -> None:
    sites = list(data["sites"]) if "sites" in data else list(training.sites.all())
    if not sites:
        raise ValidationError({"sites": _("Choose at least one site.")})
    for site in sites:
        ensure_site_in_scope(acting_user, site.pk)
    standard = data.get("standard", getattr(training, "standard", None))
    metric = data.get("effect_metric", training.effect_metric)
    category = data.get("effect_category", training.effect_category)
    if metric == EffectMetric.COMPLAINTS:
        if category is None:
            raise ValidationError(
                {"effect_category": _("Choose the complaint category the effect is measured on.")}
            )
        if (
            standard is not None
            and not standard.links.filter(kind=LinkKind.CATEGORY, category=category).exists()
        ):
            raise ValidationError(
                {"effect_category": _("%(c)s is not linked to the standard.") % {"c": category}}
            )
    attendees = data.get("attendees")
    if attendees is not None:
        site_ids = {s.pk for s in sites}
        for user in attendees:
            profile = getattr(user, "profile", None)
            own = set(profile.sites.values_list("pk", flat=True)) if profile else set()
            if not own & site_ids:
                raise ValidationError(
                    {
                        "attendees": _("%(user)s does not work at any of the training's sites.")
                        % {"user": user.get_username()}
                    }
                )


@transaction.atomic(durable=True)
def do_create_training(data: dict[str, Any], *, acting_user: User | None, channel: str) -> Training:
    ensure_allowed(acting_user, "add", Training)
    training = Training()
    _check(training, data, acting_user)
    return _save_new(training, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_training(
    training: Training, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Training:
    ensure_allowed(acting_user, "change", training)
    _check(training, data, acting_user)
    return _save_changes(training, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_delete_training(training: Training, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "delete", training)
    _delete(training, acting_user=acting_user, channel=channel)
