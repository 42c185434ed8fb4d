"""Effectiveness verification: measure the metric before and after (``sqms.capa.metrics``),
store the figures, the test and the proposed verdict (one verification per cycle, measured
again on request), and the quality manager's confirmation: "effective" closes the
nonconformity, "not effective" reopens it with a new action plan (cycle + 1)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.capa import metrics
from sqms.capa.actions.common import lock
from sqms.capa.actions.nonconformities import apply_transition
from sqms.capa.choices import MetricKind, Stage, Verdict
from sqms.capa.models import Nonconformity, Verification
from sqms.core import audit
from sqms.core.choices import AuditAction, Role
from sqms.core.scoping import ensure_allowed, role_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


@transaction.atomic(durable=True)
def do_propose_verification(
    nc: Nonconformity,
    metric: str,
    params: Mapping[str, Any] | None = None,
    *,
    note: str = "",
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Verification:
    """Measure ``metric`` (``MetricKind``) for the NC in verification and store the result
    with its proposed verdict; measuring again replaces the cycle's unconfirmed result."""
    now = now or timezone.now()
    current = lock(nc, None)
    ensure_allowed(acting_user, "change", current)
    return propose(
        current, metric, params, note=note, acting_user=acting_user, channel=channel, now=now
    )


def propose(
    current: Nonconformity,
    metric: str,
    params: Mapping[str, Any] | None = None,
    *,
    note: str = "",
    acting_user: User | None,
    channel: str,
    now: datetime,
) -> Verification:
    """The measurement on an NC already locked and checked (``do_propose_verification``, or
    the "verify" step, which measures the NC's own metric at once)."""
    if current.stage != Stage.VERIFICATION:
        raise ValidationError(
            {
                "metric": _(
                    "%(ref)s is in stage “%(stage)s”: effectiveness is checked in verification, "
                    "once every action is done."
                )
                % {"ref": current.reference, "stage": current.get_stage_display()}
            }
        )
    if metric not in MetricKind.values:
        raise ValidationError({"metric": _("Choose a metric.")})
    measured = metrics.measure(current, metric, dict(params or {}), now=now)
    existing = (
        Verification.objects.select_for_update()
        .filter(nonconformity=current, cycle=current.cycle)
        .first()
    )
    if existing is not None and existing.verdict:
        raise ValidationError({"metric": _("This cycle's verification is already decided.")})
    v = existing or Verification(nonconformity=current, cycle=current.cycle)
    before = audit.snapshot(v) if existing else None
    for name in (
        "metric",
        "before_start",
        "before_end",
        "after_start",
        "after_end",
        "before_value",
        "after_value",
        "before_n",
        "after_n",
        "unit",
        "test",
        "p_value",
        "estimate",
        "estimate_name",
        "proposed",
    ):
        setattr(v, name, getattr(measured, name))
    if metric == MetricKind.MANUAL and params and params.get("proposed") in Verdict.values:
        v.proposed = str(params["proposed"])
    v.params = {**measured.params, "result": measured.details}
    v.proposed_by = acting_user
    v.proposed_at = now
    v.note = (note or "").strip()
    v.save()
    if before is None:
        audit.record(v, AuditAction.CREATE, actor=acting_user, channel=channel)
    else:
        audit.record(v, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return v


@transaction.atomic(durable=True)
def do_confirm_verification(
    nc: Nonconformity,
    verdict: str,
    note: str = "",
    *,
    expected_version: int | None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Nonconformity:
    """A quality manager's verdict on the cycle's verification: ``effective`` closes the NC,
    ``not_effective`` reopens it at the action plan with the next cycle."""
    now = now or timezone.now()
    current = lock(nc, expected_version)
    ensure_allowed(acting_user, "change", current)
    if acting_user is not None and role_of(acting_user) != Role.QUALITY_MANAGER:
        raise PermissionDenied(_("A quality manager confirms the verification."))
    if verdict not in (Verdict.EFFECTIVE, Verdict.NOT_EFFECTIVE):
        raise ValidationError({"verdict": _("Choose effective or not effective.")})
    v = (
        Verification.objects.select_for_update()
        .filter(nonconformity=current, cycle=current.cycle)
        .first()
    )
    if v is None or current.stage != Stage.VERIFICATION:
        raise ValidationError(
            {
                "verdict": _(
                    "%(ref)s (stage “%(stage)s”) has no effectiveness check for cycle %(cycle)d "
                    "to confirm; measure it first."
                )
                % {
                    "ref": current.reference,
                    "stage": current.get_stage_display(),
                    "cycle": current.cycle,
                }
            }
        )
    note = (note or "").strip()
    if verdict == Verdict.NOT_EFFECTIVE and not note:
        raise ValidationError({"note": _("Say why the actions were not effective.")})
    before = audit.snapshot(v)
    v.verdict = verdict
    v.decided_by = acting_user
    v.decided_at = now
    if note:
        v.note = f"{v.note}\n{note}".strip() if v.note else note
    v.save()
    audit.record(v, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    name = "close" if verdict == Verdict.EFFECTIVE else "reopen"
    return apply_transition(current, name, acting_user=acting_user, channel=channel, now=now)
