"""The review period and scope of a management-review report: parsing with clear errors."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sqms.core.models import Region, Site
from sqms.core.scoping import site_ids_in_scope


class ReviewInputError(ValueError):
    """A period or scope that cannot be read (the message names the field)."""


class ScopeRefused(LookupError):
    """A scope outside the requesting user's sites (pages and the API answer 404)."""


def add_months(day: dt.date, k: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + k
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class ReviewPeriod:
    """Whole months ``first`` .. ``last`` (both first days of a month, inclusive)."""

    label: str
    first: dt.date
    last: dt.date

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        return add_months(self.last, 1) - dt.timedelta(days=1)

    def previous(self) -> ReviewPeriod:
        first = add_months(self.first, -self.months)
        last = add_months(self.first, -1)
        if self.months == 12:
            label = f"{first.year}"
        elif self.months == 3:
            label = f"{first.year}Q{(first.month - 1) // 3 + 1}"
        else:
            label = f"{first:%Y-%m}"
        return ReviewPeriod(label, first, last)


_RE = re.compile(r"^(\d{4})(?:(?:-?Q([1-4]))|(?:-(\d{1,2})))?$", re.IGNORECASE)


def parse_period(text: str | None) -> ReviewPeriod:
    """``2026Q3`` (or ``2026-Q3``), ``2026-07`` or ``2026``.

    >>> parse_period("2026Q3").first, parse_period("2026Q3").last
    (datetime.date(2026, 7, 1), datetime.date(2026, 9, 1))
    >>> parse_period("2026-07").previous().label
    '2026-06'
    """
    raw = (text or "").strip()
    m = _RE.match(raw)
    if not m:
        raise ReviewInputError(
            _("period: %(value)r is not a period; write 2026Q3, 2026-07 or 2026.") % {"value": raw}
        )
    year = int(m.group(1))
    if not 1900 <= year <= 2999:
        raise ReviewInputError(_("period: the year %(year)s is out of range.") % {"year": year})
    if m.group(2):
        q = int(m.group(2))
        first = dt.date(year, 3 * q - 2, 1)
        return ReviewPeriod(f"{year}Q{q}", first, add_months(first, 2))
    if m.group(3):
        month = int(m.group(3))
        if not 1 <= month <= 12:
            raise ReviewInputError(
                _("period: month %(month)s does not exist; write 01 to 12.") % {"month": month}
            )
        first = dt.date(year, month, 1)
        return ReviewPeriod(f"{first:%Y-%m}", first, first)
    return ReviewPeriod(str(year), dt.date(year, 1, 1), dt.date(year, 12, 1))


@dataclass(frozen=True)
class ReviewScope:
    level: str  # "organization", "region", "site" (the KPI levels)
    code: str
    name: str
    region_id: int | None = None
    site_id: int | None = None
    site_ids: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        if self.level == "organization":
            return str(_("Organization"))
        return f"{self.code} {self.name}"


def parse_scope(text: str | None, user: Any) -> ReviewScope:
    """``ORG`` (or empty), a region code or a site code. ``user`` None is the operator (every
    site); otherwise the whole scope must lie within the user's sites, else ScopeRefused."""
    raw = (text or "").strip()
    allowed = None if user is None else site_ids_in_scope(user)
    if raw.upper() in ("", "ORG", "ORGANIZATION"):
        if allowed is not None:
            raise ScopeRefused(_("scope: the organization is outside your sites."))
        ids = tuple(Site.objects.order_by("id").values_list("id", flat=True))
        return ReviewScope("organization", "ORG", "", site_ids=ids)
    region = Region.objects.filter(code__iexact=raw).first()
    if region is not None:
        ids = tuple(Site.objects.filter(region=region).order_by("id").values_list("id", flat=True))
        if allowed is not None and not set(ids) <= allowed:
            raise ScopeRefused(_("scope: region %(code)s is outside your sites.") % {"code": raw})
        return ReviewScope("region", region.code, region.name, region_id=region.pk, site_ids=ids)
    site = Site.objects.filter(code__iexact=raw).first()
    if site is None:
        raise ReviewInputError(
            _("scope: no region or site has the code %(code)r; write ORG, a region or a site code.")
            % {"code": raw}
        )
    if allowed is not None and site.pk not in allowed:
        raise ScopeRefused(_("scope: site %(code)s is outside your sites.") % {"code": raw})
    return ReviewScope(
        "site", site.code, site.name, region_id=site.region_id, site_id=site.pk, site_ids=(site.pk,)
    )
