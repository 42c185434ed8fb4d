"""Building blocks other apps' actions call to raise a nonconformity from their records, inside
their own transaction (plain ``transaction.atomic``, not durable). Each is idempotent: one NC per
failed inspection answer, one per audit finding; a second call returns the first NC. A KPI alert
keeps the reference of its NC itself, and ``sqms.kpis`` refuses a second one.

The caller has checked its own permissions (an inspector submitting an inspection may not edit
NCs, yet the failed critical item must raise one): these functions do not check the role.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.capa.actions.common import lock, save
from sqms.capa.actions.nonconformities import apply_transition, create_nc
from sqms.capa.choices import OPEN_STAGES, NcSeverity, Origin, Stage
from sqms.capa.models import Nonconformity
from sqms.core import audit
from sqms.inspections.choices import FindingKind
from sqms.inspections.models import Answer, Dispute, Finding, Inspection

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sqms.kpis.models import Alert
else:
    User = get_user_model()


def _url(obj: Inspection | Finding) -> str:
    """The source's page (empty while the inspections pages are not there)."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


@transaction.atomic
def raise_for_inspection_answer(
    answer: Answer,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Nonconformity:
    """The NC of a failed inspection item: title from the item's text, site from the
    inspection, severity major (critical item) or minor, origin "inspection item"."""
    existing = Nonconformity.objects.filter(inspection_answer=answer).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    answer = Answer.objects.select_related("item", "inspection", "inspection__site").get(
        pk=answer.pk
    )
    item, inspection = answer.item, answer.inspection
    if not answer.failed:
        raise ValidationError(
            {"answer": _("Item “%(item)s” did not fail: no nonconformity.") % {"item": item}}
        )
    text = item.text
    lines = [
        _("Failed in inspection %(ref)s of %(site)s.")
        % {"ref": inspection.reference, "site": inspection.site},
        f"{item.code} {text}".strip(),
    ]
    if answer.note:
        lines.append(answer.note)
    if item.standard_ref:
        lines.append(_("Standard: %(ref)s") % {"ref": item.standard_ref})
    return create_nc(
        {
            "site": inspection.site,
            "title": (f"{item.code} {text}".strip())[:200],
            "description": "\n".join(lines),
            "severity": NcSeverity.MAJOR
            if answer.is_critical or item.is_critical
            else NcSeverity.MINOR,
            "origin": Origin.INSPECTION_ITEM,
            "source_ref": f"{inspection.reference} {item.code}".strip()[:200],
            "source_url": _url(inspection),
        },
        acting_user=acting_user,
        channel=channel,
        now=now,
        inspection_answer=answer,
    )


#: stages in which an overturned source cancels the NC: no work has been planned on it yet
CANCEL_WHEN_OVERTURNED = frozenset({Stage.DRAFT, Stage.ANALYSIS})


def _dispute_words(dispute: Dispute, now: datetime) -> dict[str, str]:
    inspection = dispute.inspection
    return {
        "id": str(dispute.pk),
        "ref": inspection.reference,
        "what": str(dispute.answer.item) if dispute.answer else _("the whole result"),
        "date": timezone.localtime(dispute.decided_at or now).strftime("%Y-%m-%d"),
        "note": dispute.decision_note,
    }


@transaction.atomic
def overturn_inspection_answers(
    answers: Iterable[Answer],
    dispute: Dispute,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> list[Nonconformity]:
    """The NCs raised from ``answers``, whose result an upheld ``dispute`` overturned: one
    still in draft or analysis is cancelled (``apply_transition``, with a reason naming the
    dispute); one further along keeps its work and gets the ``source_overturned`` note, so
    its owner sees it and a quality manager decides; a closed or cancelled one is left as it
    is (read-only). Returns the NCs cancelled or flagged, in order."""
    now = now or timezone.now()
    words = _dispute_words(dispute, now)
    touched = []
    ids = [a.pk for a in answers]
    for nc in Nonconformity.objects.filter(inspection_answer__in=ids).order_by("pk"):
        current = lock(nc, None, open_only=False)
        if current.stage in CANCEL_WHEN_OVERTURNED:
            reason = (
                _(
                    "Cancelled: dispute #%(id)s of inspection %(ref)s on %(what)s was upheld on "
                    "%(date)s. Decision: %(note)s"
                )
                % words
            )
            touched.append(
                apply_transition(
                    current,
                    "cancel",
                    reason=reason,
                    acting_user=acting_user,
                    channel=channel,
                    now=now,
                )
            )
        elif current.stage in OPEN_STAGES:
            note = (
                _(
                    "Dispute #%(id)s of inspection %(ref)s on %(what)s was upheld on %(date)s "
                    "(decision: %(note)s). Work on this nonconformity had begun, so it stays open: "
                    "decide whether it still stands, and cancel it if not."
                )
                % words
            )
            before = audit.snapshot(current)
            current.source_overturned = "\n\n".join(
                t for t in (current.source_overturned, note) if t
            )
            touched.append(save(current, before=before, acting_user=acting_user, channel=channel))
    return touched


@transaction.atomic
def raise_for_audit_finding(
    finding: Finding,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Nonconformity:
    """The NC of a major or minor audit finding (observations and opportunities for
    improvement raise none: a ValidationError says so)."""
    existing = Nonconformity.objects.filter(audit_finding=finding).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    finding = Finding.objects.select_related("inspection", "inspection__site").get(pk=finding.pk)
    if finding.kind not in (FindingKind.MAJOR, FindingKind.MINOR):
        raise ValidationError(
            {
                "finding": _("A finding of kind “%(kind)s” is not a nonconformity.")
                % {"kind": finding.get_kind_display()}
            }
        )
    inspection = finding.inspection
    first_line = finding.description.strip().splitlines()[0] if finding.description.strip() else ""
    description = finding.description
    if finding.evidence:
        description += "\n\n" + _("Objective evidence: %(e)s") % {"e": finding.evidence}
    return create_nc(
        {
            "site": inspection.site,
            "title": (f"ISO 9001 {finding.clause}: {first_line}")[:200],
            "description": description,
            "severity": NcSeverity.MAJOR if finding.kind == FindingKind.MAJOR else NcSeverity.MINOR,
            "origin": Origin.AUDIT_FINDING,
            "source_ref": f"{inspection.reference} {finding.clause}"[:200],
            "source_url": _url(finding),
        },
        acting_user=acting_user,
        channel=channel,
        now=now,
        audit_finding=finding,
    )


@transaction.atomic
def raise_for_kpi_alert(
    alert: Alert,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Nonconformity:
    """The NC of a KPI alert (a control-chart point that broke a run rule): title from the KPI
    and the period, site from the alert's unit (none for a region or the organization),
    severity minor — the quality manager raises it when the signal is serious — origin "KPI
    alarm", linked back to the alert's page."""
    now = now or timezone.now()
    kpi = alert.kpi
    period = alert.period.isoformat()
    unit = str(alert.site or alert.region or _("organization"))
    return create_nc(
        {
            "site": alert.site,
            "title": (f"{kpi.code} {kpi.name}: {period}")[:200],
            "description": _(
                "KPI %(kpi)s of %(unit)s broke run rule %(rule)d in the period starting "
                "%(period)s (value %(value)s)."
            )
            % {
                "kpi": kpi.name,
                "unit": unit,
                "rule": alert.rule,
                "period": period,
                "value": f"{alert.value:.4g}",
            },
            "severity": NcSeverity.MINOR,
            "origin": Origin.KPI_ALARM,
            "source_ref": f"{kpi.code} {alert.unit_key} {period}"[:200],
            "source_url": alert.get_absolute_url(),
        },
        acting_user=acting_user,
        channel=channel,
        now=now,
    )
