"""Raising, editing and moving nonconformities through their stages, and taking over the
complaints app's queued CAPA referrals."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.capa import workflow
from sqms.capa.actions.common import lock, save
from sqms.capa.choices import DEFAULT_DUE_DAYS, MetricKind, NcSeverity, Origin, Stage
from sqms.capa.models import Nonconformity
from sqms.complaints.choices import CapaStatus
from sqms.complaints.models import CapaReferral
from sqms.core import audit
from sqms.core.choices import AuditAction, Role
from sqms.core.models import Site
from sqms.core.names import display_name
from sqms.core.scoping import ensure_allowed, ensure_site_in_scope, role_of, site_ids_in_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: the fields a form or the API may set
EDITABLE = (
    "site",
    "title",
    "description",
    "severity",
    "origin",
    "source_ref",
    "source_url",
    "containment",
    "owner",
    "due_date",
)


def _check_site(acting_user: User | None, site: Site | None) -> None:
    if site is None:
        if acting_user is not None and role_of(acting_user) != Role.QUALITY_MANAGER:
            raise PermissionDenied(
                _("A chain-wide nonconformity (no site) is raised by a quality manager.")
            )
        return
    ensure_site_in_scope(acting_user, site.pk)


def _check_owner(owner: User | None, site: Site | None) -> None:
    if owner is None:
        return
    if not owner.is_active:
        raise ValidationError({"owner": _("%(user)s is deactivated.") % {"user": owner}})
    scope = site_ids_in_scope(owner)
    if scope is None:
        return
    if site is None or site.pk not in scope:
        raise ValidationError(
            {
                "owner": _("%(user)s may not work on nonconformities of %(site)s.")
                % {"user": display_name(owner), "site": site or _("the whole chain")}
            }
        )


def safe_link(url: str) -> bool:
    """An http(s) address or a path on this site (never ``javascript:`` and the like)."""
    lowered = url.strip().lower()
    if lowered.startswith("/"):
        return not lowered.startswith("//")
    return lowered.startswith(("http://", "https://"))


def _apply(nc: Nonconformity, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    for key, value in data.items():
        if key in ("title", "description", "source_ref", "source_url", "containment"):
            value = (value or "").strip()
        setattr(nc, key, value)
    if not nc.title:
        raise ValidationError({"title": _("Give the nonconformity a title.")})
    if nc.source_url and not safe_link(nc.source_url):
        raise ValidationError(
            {"source_url": _("Give a web address (http:// or https://) or a path on this site.")}
        )
    nc.full_clean(exclude=["complaint_referral", "raised_by", "owner"])


def create_nc(
    data: Mapping[str, Any],
    *,
    acting_user: User | None,
    channel: str,
    now: datetime,
    **links: Any,
) -> Nonconformity:
    """The building block: a new NC in draft (inside the caller's transaction); ``links`` are
    the source foreign keys (``complaint_referral``, ``inspection_answer`` …). Without a due
    date it is due ``DEFAULT_DUE_DAYS`` after raising (30 days major, 60 minor)."""
    nc = Nonconformity(raised_at=now, raised_by=acting_user, stage=Stage.DRAFT, **links)
    data = dict(data)
    data.setdefault("severity", NcSeverity.MINOR)
    _apply(nc, data)
    if nc.due_date is None:
        nc.due_date = timezone.localdate(now) + timedelta(days=DEFAULT_DUE_DAYS[nc.severity])
    _check_owner(nc.owner, nc.site)
    nc.save()
    audit.record(nc, AuditAction.CREATE, actor=acting_user, channel=channel)
    return nc


@transaction.atomic(durable=True)
def do_create_nc(
    data: Mapping[str, Any],
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Nonconformity:
    """Raise a nonconformity by hand (or from a survey gap or a KPI alarm, with
    ``source_ref``/``source_url``). Without a site it is chain-wide: quality managers only."""
    now = now or timezone.now()
    ensure_allowed(acting_user, "add", Nonconformity)
    _check_site(acting_user, data.get("site"))
    origin = data.get("origin") or Origin.MANUAL
    if origin in (
        Origin.INSPECTION_ITEM,
        Origin.AUDIT_FINDING,
        Origin.COMPLAINT,
        Origin.COMPLAINT_CLUSTER,
    ):
        raise ValidationError(
            {
                "origin": _(
                    "Nonconformities from inspections, audits and complaints are raised from "
                    "their source (the inspection, the finding or the CAPA referral)."
                )
            }
        )
    return create_nc({**data, "origin": origin}, acting_user=acting_user, channel=channel, now=now)


@transaction.atomic(durable=True)
def do_update_nc(
    nc: Nonconformity,
    data: Mapping[str, Any],
    *,
    expected_version: int | None,
    acting_user: User | None,
    channel: str,
) -> Nonconformity:
    current = lock(nc, expected_version)
    ensure_allowed(acting_user, "change", current)
    data = dict(data)
    if "origin" in data and data["origin"] != current.origin:
        raise ValidationError({"origin": _("The origin of a nonconformity does not change.")})
    if "site" in data and data["site"] != current.site:
        _check_site(acting_user, data["site"])
    before = audit.snapshot(current)
    _apply(current, data)
    _check_owner(current.owner, current.site)
    return save(current, before=before, acting_user=acting_user, channel=channel)


def apply_transition(
    current: Nonconformity,
    name: str,
    *,
    reason: str = "",
    acting_user: User | None,
    channel: str,
    now: datetime,
) -> Nonconformity:
    """The transition on an NC already locked and checked (``do_transition``, or the
    verification's confirmation which closes or reopens)."""
    workflow.check(current, name)
    before = audit.snapshot(current)
    target = workflow.TRANSITIONS[name].target
    if name == "cancel":
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Say why the nonconformity is cancelled.")})
        current.cancel_reason = reason
        current.closed_at = now
    elif name == "close":
        current.closed_at = now
    elif name == "reopen":
        current.cycle += 1
    current.stage = target
    return save(current, before=before, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_transition(
    nc: Nonconformity,
    name: str,
    *,
    expected_version: int | None,
    reason: str = "",
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Nonconformity:
    """Take the transition ``name`` (``workflow.TRANSITIONS``). Closing and reopening follow
    the verification's verdict (``do_confirm_verification``); cancelling needs a reason and a
    quality manager."""
    now = now or timezone.now()
    current = lock(nc, expected_version)
    ensure_allowed(acting_user, "change", current)
    transition = workflow.check(current, name)
    if not transition.manual:
        raise ValidationError(
            {
                "transition": _(
                    "%(ref)s is closed or reopened by a quality manager's verdict on the "
                    "verification."
                )
                % {"ref": current.reference}
            }
        )
    if (
        name == "cancel"
        and acting_user is not None
        and role_of(acting_user) != Role.QUALITY_MANAGER
    ):
        raise PermissionDenied(_("Only a quality manager may cancel a nonconformity."))
    current = apply_transition(
        current, name, reason=reason, acting_user=acting_user, channel=channel, now=now
    )
    if name == "verify":
        _measure_at_once(current, acting_user=acting_user, channel=channel, now=now)
    return current


def _measure_at_once(
    nc: Nonconformity, *, acting_user: User | None, channel: str, now: datetime
) -> None:
    """Entering verification measures the metric that raised the NC (an inspection item's
    pass rate, a complaint rate, a survey gap) so the before/after check is there at once; a
    KPI or a hand-raised NC waits for its figures, and one that cannot be measured yet (no
    item, no dimension) is left for the verification form."""
    from sqms.capa.actions.verification import propose
    from sqms.capa.metrics import default_metric

    metric, params = default_metric(nc)
    if metric == MetricKind.MANUAL:
        return
    try:
        with transaction.atomic():
            propose(nc, metric, params, acting_user=acting_user, channel=channel, now=now)
    except ValidationError:
        pass


def _referral_origin(referral: CapaReferral) -> str:
    return Origin.COMPLAINT if referral.complaints.count() == 1 else Origin.COMPLAINT_CLUSTER


@transaction.atomic(durable=True)
def do_raise_from_referral(
    referral: CapaReferral,
    data: Mapping[str, Any] | None = None,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Nonconformity:
    """Take a queued CAPA referral of the complaints app: a new NC with the referral's title,
    description and site (``data`` may add severity, containment, owner, due date), and the
    referral marked taken. A referral already taken is refused, naming its NC."""
    now = now or timezone.now()
    ensure_allowed(acting_user, "add", Nonconformity)
    current = (
        CapaReferral.objects.select_for_update(of=("self",))
        .select_related("site")
        .get(pk=referral.pk)
    )
    existing = Nonconformity.objects.filter(complaint_referral=current).first()
    if current.status != CapaStatus.QUEUED or existing is not None:
        raise ValidationError(
            {
                "referral": _("The referral “%(title)s” was already taken%(nc)s.")
                % {
                    "title": current.title,
                    "nc": f" ({existing.reference})" if existing else "",
                }
            }
        )
    _check_site(acting_user, current.site)
    complaints = list(current.complaints.order_by("pk").values_list("pk", flat=True)[:20])
    fields: dict[str, Any] = {
        "site": current.site,
        "title": current.title,
        "description": current.description,
        "origin": _referral_origin(current),
        "source_ref": ", ".join(f"C-{pk:06d}" for pk in complaints),
        **(data or {}),
    }
    nc = create_nc(
        fields, acting_user=acting_user, channel=channel, now=now, complaint_referral=current
    )
    before = audit.snapshot(current)
    current.status = CapaStatus.TAKEN
    current.save(update_fields=["status"])
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return nc


@transaction.atomic(durable=True)
def do_raise_from_finding(
    finding: Any,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Nonconformity:
    """Raise the NC of a major or minor internal-audit finding by hand (the audit pages'
    button, the API); the same NC again when it was raised before."""
    from sqms.capa.sources import raise_for_audit_finding

    ensure_allowed(acting_user, "add", Nonconformity)
    ensure_site_in_scope(acting_user, finding.inspection.site_id)
    return raise_for_audit_finding(finding, acting_user=acting_user, channel=channel, now=now)
