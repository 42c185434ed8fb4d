"""Control limits, signals and chart events: a quality manager freezes phase-I limits over a
baseline; later points judged against them raise alerts (once per point and rule), which
are acknowledged or turned into a nonconformity."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.analytics.spc import NELSON_RULES
from sqms.capa.models import Nonconformity
from sqms.capa.sources import raise_for_kpi_alert
from sqms.complaints.recipients import people_of
from sqms.core import audit
from sqms.core.choices import AuditAction, Role
from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed
from sqms.jobs.models import WebhookEndpoint
from sqms.jobs.outbox import notify
from sqms.kpis.actions.common import Unit
from sqms.kpis.charting import ChartError, estimate, judge
from sqms.kpis.choices import AlertStatus, Level
from sqms.kpis.models import Alert, ChartEvent, ControlLimits, Kpi, chart_url

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def unit_of(obj: Any) -> Unit:
    return Unit(obj.level, site_id=obj.site_id, region_id=obj.region_id)


def _points(kpi: Kpi, unit: Unit, since: dt.date) -> list[Any]:
    from sqms.kpis.series import points

    return points(kpi, unit, since=since)


@transaction.atomic(durable=True)
def do_freeze_limits(
    kpi: Kpi,
    unit: Unit,
    baseline_from: dt.date,
    baseline_to: dt.date,
    rules: list[int],
    *,
    now: dt.datetime | None = None,
    acting_user: User | None,
    channel: str,
) -> ControlLimits:
    """Estimate the centre (and sigma) over the baseline periods and freeze them as the
    current limits of ``kpi`` × ``unit``; the previous limits are kept as history."""
    ensure_allowed(
        acting_user, "add", ControlLimits, message=_("Only quality managers freeze limits.")
    )
    now = now or timezone.now()
    if baseline_to < baseline_from:
        raise ValidationError({"baseline_to": _("The baseline ends before it starts.")})
    bad = [r for r in rules if r not in NELSON_RULES]
    if bad or not rules:
        raise ValidationError({"rules": _("Choose run rules from 1 to 8.")})
    baseline = [p for p in _points(kpi, unit, baseline_from) if p.period <= baseline_to]
    kind = kpi.chart_kind
    try:
        center, sigma = estimate(kind, baseline, kpi.rate_base, kpi.constants)  # type: ignore[arg-type]
    except ChartError as exc:
        raise ValidationError({"baseline_from": _("No limits: %(why)s.") % {"why": exc}}) from None
    old = list(
        ControlLimits.objects.select_for_update().filter(
            kpi=kpi, unit_key=unit.key, is_current=True
        )
    )
    for o in old:
        before = audit.snapshot(o)
        o.is_current = False
        o.save(update_fields=["is_current"])
        audit.record(o, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    limits = ControlLimits.objects.create(
        kpi=kpi,
        chart=kind,
        baseline_from=baseline_from,
        baseline_to=baseline_to,
        points=len(baseline),
        center=center,
        sigma=sigma,
        rules=sorted(set(rules)),
        constants=kpi.constants,
        frozen_at=now,
        frozen_by=acting_user,
        **unit.fields(),
    )
    audit.record(limits, AuditAction.CREATE, actor=acting_user, channel=channel)
    judge_unit(kpi, limits, now=now)
    return limits


def judge_kpi(kpi: Kpi, *, now: dt.datetime) -> int:
    """Judge every unit of ``kpi`` that has current limits; returns the new alerts. A
    building block of the actions that write values (their transaction)."""
    made = 0
    for limits in ControlLimits.objects.filter(kpi=kpi, is_current=True):
        made += judge_unit(kpi, limits, now=now)
    return made


def judge_unit(kpi: Kpi, limits: ControlLimits, *, now: dt.datetime) -> int:
    unit = unit_of(limits)
    pts = _points(kpi, unit, limits.baseline_from)
    try:
        judged = judge(
            limits.chart,
            pts,
            kpi.rate_base,
            center=limits.center,
            sigma=limits.sigma,
            rules=limits.rules,
        )
    except ChartError:
        return 0
    made = 0
    for i, p in enumerate(pts):
        if p.period <= limits.baseline_to:
            continue  # phase I: the baseline itself raises no alerts
        for rule in judged.rules_at(i):
            alert, created = Alert.objects.get_or_create(
                kpi=kpi,
                unit_key=unit.key,
                period=p.period,
                rule=rule,
                defaults={
                    "limits": limits,
                    "value": p.value,
                    "created_at": now,
                    **unit.fields(),
                },
            )
            if created:
                made += 1
                audit.record(alert, AuditAction.CREATE, actor=None, channel="scheduler")
                _notify(alert)
    return made


def _recipients(alert: Alert) -> list[str]:
    if alert.site is not None:
        people = people_of(alert.site, Role.QUALITY_MANAGER, Role.REGION_MANAGER, Role.SITE_MANAGER)
    else:
        people = list(User.objects.filter(is_active=True, profile__role=Role.QUALITY_MANAGER))
        if alert.region_id:
            people += list(
                User.objects.filter(
                    is_active=True,
                    profile__role=Role.REGION_MANAGER,
                    profile__regions=alert.region_id,
                )
            )
    return sorted({u.email for u in people if u.email})


def _notify(alert: Alert) -> None:
    values = {
        "kpi": alert.kpi.code,
        "unit": alert.unit_label,
        "period": alert.period.isoformat(),
        "rule": alert.rule,
        "what": NELSON_RULES.get(alert.rule, ""),
    }
    notify(
        f"kpi:{alert.kpi_id}:{alert.unit_key}:{alert.period}:rule{alert.rule}",
        subject=_("KPI signal: %(kpi)s at %(unit)s, %(period)s (rule %(rule)d)") % values,
        body=_("%(kpi)s, %(unit)s, %(period)s: %(what)s.") % values
        + "\n"
        + chart_url(alert.kpi_id, alert.level, alert.site_id, alert.region_id),
        emails=_recipients(alert),
        webhooks=WebhookEndpoint.objects.filter(is_active=True),
        payload={
            "alert": alert.pk,
            "kpi": alert.kpi.code,
            "level": alert.level,
            "site": alert.site.code if alert.site else None,
            "period": alert.period.isoformat(),
            "rule": alert.rule,
            "value": alert.value,
        },
    )


@transaction.atomic(durable=True)
def do_acknowledge_alert(
    alert: Alert,
    note: str = "",
    *,
    now: dt.datetime | None = None,
    acting_user: User | None,
    channel: str,
) -> Alert:
    ensure_allowed(acting_user, "change", alert, message=_("You may not acknowledge this alert."))
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise ValidationError(_("This alert is no longer open."))
    before = audit.snapshot(alert)
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.note = note.strip()
    alert.acknowledged_at = now or timezone.now()
    alert.acknowledged_by = acting_user
    alert.save()
    audit.record(alert, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return alert


@transaction.atomic(durable=True)
def do_alert_to_nonconformity(
    alert: Alert,
    *,
    now: dt.datetime | None = None,
    acting_user: User | None,
    channel: str,
) -> Nonconformity:
    """Raise a nonconformity from the alert in one step (``sqms.capa.sources``); the alert is
    marked with its reference; a second one is refused."""
    ensure_allowed(acting_user, "change", alert, message=_("You may not act on this alert."))
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.NONCONFORMITY:
        raise ValidationError(_("A nonconformity was already raised from this alert."))
    nc = raise_for_kpi_alert(alert, acting_user=acting_user, channel=channel, now=now)
    before = audit.snapshot(alert)
    alert.status = AlertStatus.NONCONFORMITY
    alert.nonconformity_ref = nc.reference
    alert.acknowledged_at = alert.acknowledged_at or now or timezone.now()
    alert.acknowledged_by = alert.acknowledged_by or acting_user
    alert.save()
    audit.record(alert, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return nc


@transaction.atomic(durable=True)
def do_create_event(data: dict[str, Any], *, acting_user: User | None, channel: str) -> ChartEvent:
    ensure_allowed(
        acting_user, "add", ChartEvent, message=_("Only quality managers annotate charts.")
    )
    if not str(data.get("text", "")).strip():
        raise ValidationError({"text": _("Enter the text of the event.")})
    site = data.get("site")
    if site is not None and not isinstance(site, Site):
        raise ValidationError({"site": _("Choose a site.")})
    event = ChartEvent.objects.create(
        date=data["date"], text=str(data["text"]).strip(), kpi=data.get("kpi"), site=site
    )
    audit.record(event, AuditAction.CREATE, actor=acting_user, channel=channel)
    return event


@transaction.atomic(durable=True)
def do_delete_event(event: ChartEvent, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "delete", event)
    before = audit.snapshot(event)
    audit.record(event, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)
    event.delete()


def level_label(level: str) -> str:
    return str(Level(level).label)
