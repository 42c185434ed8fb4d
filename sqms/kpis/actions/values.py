"""KPI values: the recomputation of computed KPIs (sites pooled into regions and the
organization), values entered on the grid page, posted by API or imported from a file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed, ensure_site_in_scope
from sqms.kpis import periods as P
from sqms.kpis.actions.charts import judge_kpi
from sqms.kpis.actions.common import ORG, Unit, site_regions, upsert
from sqms.kpis.choices import Level, Nature, ValueOrigin
from sqms.kpis.models import Kpi, KpiValue
from sqms.kpis.sources import Finished, pool, pool_entered, source_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

DEFAULT_PERIODS_BACK = {"day": 35, "week": 10, "month": 3}


@dataclass
class ComputeReport:
    kpis: int = 0
    added: int = 0
    changed: int = 0
    deleted: int = 0
    alerts: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "%(kpis)d KPI(s): %(added)d value(s) added, %(changed)d changed, %(deleted)d "
            "removed; %(alerts)d new alert(s)"
        ) % {
            "kpis": self.kpis,
            "added": self.added,
            "changed": self.changed,
            "deleted": self.deleted,
            "alerts": self.alerts,
        }


def compute_results(kpi: Kpi, start: dt.date, end: dt.date) -> dict[tuple[Unit, dt.date], Finished]:
    """The KPI's values per site, region and organization for the periods in [start, end),
    pooled from the source's parts."""
    source = source_for(kpi.source, kpi.rate_base)
    if source is None:
        return {}
    cells = source.fetch(kpi.period, start, end)
    regions = site_regions()
    by_unit: dict[tuple[Unit, dt.date], list[dict[str, Any]]] = defaultdict(list)
    for (site_id, period), parts in cells.items():
        by_unit[(Unit(Level.SITE, site_id=site_id), period)].append(parts)
        by_unit[(Unit(Level.REGION, region_id=regions[site_id]), period)].append(parts)
        by_unit[(ORG, period)].append(parts)
    out = {}
    for key, parts_list in by_unit.items():
        finished = source.finish(pool(parts_list))
        if finished is not None:
            out[key] = finished
    return out


@transaction.atomic(durable=True)
def do_compute_kpis(
    kpi: Kpi | None = None,
    *,
    periods_back: int | None = None,
    now: dt.datetime | None = None,
    acting_user: User | None = None,
    channel: str,
    progress: Callable[[str], None] | None = None,
) -> ComputeReport:
    """Recompute the current and the ``periods_back`` previous periods of every active
    computed KPI (or one), so late data is picked up; an upsert, so running it again
    changes nothing. Then judges the new points against frozen limits (alerts)."""
    ensure_allowed(acting_user, "change", Kpi, message=_("Only quality managers recompute KPIs."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ComputeReport()
    kpis: Iterable[Kpi] = [kpi] if kpi is not None else Kpi.objects.filter(is_active=True)
    for k in kpis:
        if not k.is_computed:
            continue
        back = periods_back if periods_back is not None else DEFAULT_PERIODS_BACK[k.period]
        window = P.recent(today, k.period, back)
        end = P.shift(window[-1], k.period, 1)
        results = compute_results(k, window[0], end)
        added, changed, deleted = upsert(
            k,
            results,
            origin=ValueOrigin.COMPUTED,
            now=now,
            user=acting_user,
            replace_in=window,
            replace_levels=Level.values,
        )
        alerts = judge_kpi(k, now=now)
        report.kpis += 1
        report.added += added
        report.changed += changed
        report.deleted += deleted
        report.alerts += alerts
        if progress:
            progress(
                f"{k.code}: {len(window)} period(s) {P.label(window[0], k.period)}…"
                f"{P.label(window[-1], k.period)}: +{added} ~{changed} -{deleted}, "
                f"{alerts} alert(s)"
            )
    return report


# Entered values ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EnteredValue:
    site: Site
    period: dt.date
    value: float
    n: float | None = None


def _numerator(kpi: Kpi, value: float, n: float | None) -> float | None:
    if n is None:
        return value if kpi.nature == Nature.COUNT else None
    if kpi.nature == Nature.PROPORTION:
        return value * n
    if kpi.nature == Nature.RATE:
        return value * n / kpi.rate_base
    return None


def check_value(kpi: Kpi, value: float, n: float | None) -> str | None:
    """The problem with one entered value, or None."""
    if kpi.is_computed:
        return _("%(kpi)s is computed from the system's data; its values cannot be entered.") % {
            "kpi": kpi.code
        }
    if n is not None and n <= 0:
        return _("n must be positive.")
    if kpi.nature == Nature.PROPORTION and not 0 <= value <= 1:
        return _("A proportion must be between 0 and 1.")
    if kpi.nature in (Nature.PROPORTION, Nature.RATE) and n is None:
        return _("A proportion or rate needs its n (the denominator).")
    if kpi.nature == Nature.COUNT and (value < 0 or value != int(value)):
        return _("A count must be a whole number, 0 or more.")
    return None


def write_entered(
    kpi: Kpi,
    rows: list[EnteredValue],
    *,
    origin: str,
    now: dt.datetime,
    acting_user: User | None,
    channel: str,
) -> int:
    """Save site values (audited one by one), then pool their regions and the organization
    for the periods touched. Part of the calling action's transaction."""
    results = {}
    for r in rows:
        unit = Unit(Level.SITE, site_id=r.site.pk)
        results[(unit, r.period)] = Finished(r.value, r.n, _numerator(kpi, r.value, r.n))
    periods = sorted({r.period for r in rows})
    before = {
        (v.unit_key, v.period): audit.snapshot(v)
        for v in KpiValue.objects.filter(kpi=kpi, period__in=periods, level=Level.SITE)
    }
    upsert(kpi, results, origin=origin, now=now, user=acting_user)
    for v in KpiValue.objects.filter(kpi=kpi, period__in=periods, level=Level.SITE).select_related(
        "site", "kpi"
    ):
        if (Unit(Level.SITE, site_id=v.site_id), v.period) not in results:
            continue
        old = before.get((v.unit_key, v.period))
        action = AuditAction.UPDATE if old is not None else AuditAction.CREATE
        audit.record(v, action, actor=acting_user, channel=channel, before=old)
    roll_up(kpi, periods, now=now)
    return len(rows)


def roll_up(kpi: Kpi, periods: list[dt.date], *, now: dt.datetime) -> None:
    """Region and organization values of an entered KPI, pooled from its site values."""
    regions = site_regions()
    groups: dict[tuple[Unit, dt.date], list[Finished]] = defaultdict(list)
    for v in KpiValue.objects.filter(kpi=kpi, period__in=periods, level=Level.SITE):
        f = Finished(v.value, v.n, v.numerator)
        groups[(Unit(Level.REGION, region_id=regions[v.site_id or 0]), v.period)].append(f)
        groups[(ORG, v.period)].append(f)
    results = {}
    for key, rows in groups.items():
        pooled = pool_entered(kpi.nature, kpi.rate_base, rows)
        if pooled is not None:
            results[key] = pooled
    upsert(
        kpi,
        results,
        origin=ValueOrigin.COMPUTED,
        now=now,
        user=None,
        replace_in=periods,
        replace_levels=(Level.REGION, Level.ORGANIZATION),
    )


@transaction.atomic(durable=True)
def do_enter_values(
    kpi: Kpi,
    rows: list[EnteredValue],
    *,
    origin: str = ValueOrigin.ENTERED,
    now: dt.datetime | None = None,
    acting_user: User | None,
    channel: str,
) -> int:
    """Save entered site values of ``kpi`` (grid page, API): all or nothing."""
    ensure_allowed(acting_user, "add", KpiValue, message=_("Your role may not enter KPI values."))
    errors: dict[str, list[str]] = {}
    for i, r in enumerate(rows):
        ensure_site_in_scope(acting_user, r.site.pk)
        problem = check_value(kpi, r.value, r.n)
        if problem:
            errors.setdefault("value", []).append(f"{r.site.code} ({i + 1}): {problem}")
        if P.period_start(r.period, kpi.period) != r.period:
            errors.setdefault("period", []).append(
                _("%(date)s is not the first day of a %(period)s.")
                % {"date": r.period, "period": kpi.get_period_display()}
            )
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    count = write_entered(
        kpi, rows, origin=origin, now=now, acting_user=acting_user, channel=channel
    )
    judge_kpi(kpi, now=now)
    return count
