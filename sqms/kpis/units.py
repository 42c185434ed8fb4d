"""The units (site, region, organization) a user may look at, and the unit a request names
(outside the user's scope: 404)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from sqms.core.models import Region, Site
from sqms.core.scoping import site_ids_in_scope
from sqms.kpis.actions.common import ORG, Unit
from sqms.kpis.choices import Level
from sqms.kpis.models import whole_regions


def regions_in_scope(user: Any) -> list[Region]:
    scope = site_ids_in_scope(user)
    qs = Region.objects.all() if scope is None else whole_regions(scope)
    return list(qs.order_by("code"))


def unit_choices(user: Any) -> list[tuple[str, str, Unit]]:
    """(value for the picker, label, unit) of every unit the user may see."""
    out: list[tuple[str, str, Unit]] = []
    if site_ids_in_scope(user) is None:
        out.append(("org", str(Level.ORGANIZATION.label), ORG))
    for r in regions_in_scope(user):
        out.append(
            (
                f"region:{r.pk}",
                f"{Level.REGION.label} {r.code} {r.name}",
                Unit(Level.REGION, region_id=r.pk),
            )
        )
    for s in Site.objects.restrict(user, "view").order_by("code"):
        out.append((f"site:{s.pk}", f"{s.code} {s.name}", Unit(Level.SITE, site_id=s.pk)))
    return out


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def parse_unit(level: str | None, site: Any, region: Any, user: Any) -> Unit:
    """The unit from its parts, checked against the user's scope (404 outside it)."""
    site_id, region_id = _int(str(site) if site else None), _int(str(region) if region else None)
    scope = site_ids_in_scope(user)
    if level == Level.SITE or (level is None and site_id):
        if site_id is None or not Site.objects.restrict(user, "view").filter(pk=site_id).exists():
            raise Http404
        return Unit(Level.SITE, site_id=site_id)
    if level == Level.REGION:
        if region_id is None or region_id not in {r.pk for r in regions_in_scope(user)}:
            raise Http404
        return Unit(Level.REGION, region_id=region_id)
    if level in (None, "", Level.ORGANIZATION) and scope is None:
        return ORG
    raise Http404


def unit_from_request(request: HttpRequest, user: Any) -> Unit:
    """``?level=&site=&region=`` or ``?unit=site:3``; the default is the first unit the user
    may see (the organization for a quality manager, else the first region or site)."""
    q = request.GET
    if q.get("unit"):
        kind, _, ident = q["unit"].partition(":")
        if kind == "org":
            return parse_unit(Level.ORGANIZATION, None, None, user)
        if kind == "site":
            return parse_unit(Level.SITE, ident, None, user)
        if kind == "region":
            return parse_unit(Level.REGION, None, ident, user)
        raise Http404
    if q.get("level") or q.get("site") or q.get("region"):
        return parse_unit(q.get("level"), q.get("site"), q.get("region"), user)
    choices = unit_choices(user)
    if not choices:
        raise Http404
    return choices[0][2]


def unit_label(unit: Unit) -> str:
    if unit.site_id:
        s = Site.objects.get(pk=unit.site_id)
        return f"{s.code} {s.name}"
    if unit.region_id:
        r = Region.objects.get(pk=unit.region_id)
        return f"{Level.REGION.label} {r.code} {r.name}"
    return str(Level.ORGANIZATION.label)
