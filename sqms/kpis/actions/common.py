"""What the KPI actions share: the units of a KPI and upserting values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqms.core.models import Region, Site
from sqms.kpis.choices import Level
from sqms.kpis.models import Kpi, KpiValue, unit_key
from sqms.kpis.sources import Finished


@dataclass(frozen=True)
class Unit:
    level: str
    site_id: int | None = None
    region_id: int | None = None

    @property
    def key(self) -> str:
        return unit_key(self.level, self.site_id, self.region_id)

    def fields(self) -> dict[str, Any]:
        return {"level": self.level, "site_id": self.site_id, "region_id": self.region_id}


ORG = Unit(Level.ORGANIZATION)


def site_regions() -> dict[int, int]:
    return dict(Site.objects.values_list("id", "region_id"))


def region_ids() -> list[int]:
    return list(Region.objects.values_list("id", flat=True))


def upsert(
    kpi: Kpi,
    results: dict[tuple[Unit, dt.date], Finished],
    *,
    origin: str,
    now: dt.datetime,
    user: Any,
    replace_in: Iterable[dt.date] = (),
    replace_levels: Iterable[str] = (),
) -> tuple[int, int, int]:
    """Write ``results`` (insert new, update changed); with ``replace_in``, stored values of
    those periods and levels that ``results`` no longer has are deleted. Returns (added,
    changed, deleted)."""
    periods = sorted({p for _, p in results} | set(replace_in))
    existing = {
        (v.unit_key, v.period): v for v in KpiValue.objects.filter(kpi=kpi, period__in=periods)
    }
    new, changed = [], []
    for (unit, period), f in results.items():
        old = existing.pop((unit.key, period), None)
        if old is None:
            new.append(
                KpiValue(
                    kpi=kpi,
                    period=period,
                    value=f.value,
                    n=f.n,
                    numerator=f.numerator,
                    origin=origin,
                    updated_at=now,
                    updated_by=user,
                    unit_key=unit.key,
                    **unit.fields(),
                )
            )
        elif (old.value, old.n, old.numerator, old.origin) != (f.value, f.n, f.numerator, origin):
            old.value, old.n, old.numerator, old.origin = f.value, f.n, f.numerator, origin
            old.updated_at, old.updated_by = now, user
            changed.append(old)
    KpiValue.objects.bulk_create(new)
    KpiValue.objects.bulk_update(
        changed, ["value", "n", "numerator", "origin", "updated_at", "updated_by"]
    )
    levels = set(replace_levels)
    stale = [v.pk for (_, p), v in existing.items() if p in set(replace_in) and v.level in levels]
    if stale:
        KpiValue.objects.filter(pk__in=stale).delete()
    return len(new), len(changed), len(stale)
