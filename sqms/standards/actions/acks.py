"""Staff acknowledgement that they have read an effective version: one click, recorded once,
audited (the event belongs to the reader's first site of the version, so their managers see
it in the audit log)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.standards.actions.documents import local_today
from sqms.standards.audience import in_audience, version_sites
from sqms.standards.models import Acknowledgement, StandardVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


@transaction.atomic(durable=True)
def do_acknowledge(
    version: StandardVersion,
    *,
    acting_user: User,
    channel: str,
    now: datetime | None = None,
) -> tuple[Acknowledgement, bool]:
    """Record that ``acting_user`` has read ``version``; returns the acknowledgement and
    whether it is new (a second click changes nothing and writes no event)."""
    now = now or timezone.now()
    if acting_user is None or not acting_user.is_authenticated:
        raise PermissionDenied(_("Sign in to acknowledge a standard."))
    if not version.is_effective(local_today(now)):
        raise ValidationError(_("Only an effective version can be acknowledged."))
    if not in_audience(version, acting_user):
        raise PermissionDenied(
            _("%(version)s is not addressed to your role and sites.") % {"version": version}
        )
    existing = Acknowledgement.objects.filter(version=version, user=acting_user).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            ack = Acknowledgement.objects.create(
                version=version, user=acting_user, acknowledged_at=now
            )
    except IntegrityError:  # a concurrent click won
        return Acknowledgement.objects.get(version=version, user=acting_user), False
    site = version_sites(version).filter(pk__in=acting_user.profile.sites.values("pk")).first()
    audit.record(ack, AuditAction.CREATE, actor=acting_user, channel=channel, site=site)
    return ack, True
