"""Referring complaints to corrective and preventive action (CAPA). The CAPA app does not exist
yet: a referral is stored as a queued :class:`~sqms.complaints.models.CapaReferral`, listed on
the referrals page, for the CAPA app to take over."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.complaints.choices import CapaStatus, EntryKind
from sqms.complaints.models import CapaReferral, Complaint, Entry
from sqms.core import audit
from sqms.core.choices import AuditAction, Role
from sqms.core.scoping import ensure_allowed, ensure_site_in_scope, restricted, role_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: complaints one referral may hold
MAX_COMPLAINTS = 1000


@transaction.atomic(durable=True)
def do_refer_to_capa(
    complaints: Iterable[Complaint],
    title: str,
    description: str = "",
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> CapaReferral:
    """Queue ``complaints`` (one, or a cluster) for CAPA under ``title``. The referral's site is
    the complaints' common site; complaints of several sites make a cross-site referral
    (no site), which only quality managers may create. Each complaint gets an internal note
    on its timeline."""
    now = now or timezone.now()
    ensure_allowed(acting_user, "add", CapaReferral)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the referral a title.")})
    ids = sorted({c.pk for c in complaints})
    if not ids:
        raise ValidationError({"complaints": _("Choose at least one complaint.")})
    if len(ids) > MAX_COMPLAINTS:
        raise ValidationError(
            {"complaints": _("At most %(n)d complaints per referral.") % {"n": MAX_COMPLAINTS}}
        )
    found = list(
        Complaint.objects.select_for_update().filter(pk__in=ids).order_by("pk").only("pk", "site")
    )
    if acting_user is not None:
        visible = set(
            restricted(Complaint, acting_user, "change")
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        if len(visible) != len(ids):
            raise PermissionDenied(_("Some of these complaints are outside your scope."))
    if len(found) != len(ids):
        raise ValidationError({"complaints": _("Some of these complaints no longer exist.")})
    sites = {c.site_id for c in found}
    site_id = sites.pop() if len(sites) == 1 else None
    if site_id is None and acting_user is not None and role_of(acting_user) != Role.QUALITY_MANAGER:
        raise PermissionDenied(
            _("Complaints of several sites are referred to CAPA by a quality manager.")
        )
    ensure_site_in_scope(acting_user, site_id)
    referral = CapaReferral(
        title=title[:200],
        description=(description or "").strip(),
        site_id=site_id,
        status=CapaStatus.QUEUED,
        created_by=acting_user,
    )
    referral.full_clean(exclude=["complaints"])
    referral.save()
    referral.complaints.set(ids)
    audit.record(referral, AuditAction.CREATE, actor=acting_user, channel=channel)
    body = _("Referred to CAPA: “%(title)s” (in the CAPA referral queue).") % {
        "title": referral.title
    }
    Entry.objects.bulk_create(
        Entry(
            complaint_id=pk,
            kind=EntryKind.NOTE,
            body=body,
            author=acting_user,
            created_at=now,
            data={"capa_referral": referral.pk},
        )
        for pk in ids
    )
    return referral
