"""What every response write shares: :class:`WriteResult` (created ids, existing external
ids, messages), the resolvers that turn a site or service given as an id, code or name into
the campaign's record (checking the user's scope), and the channels a row may name.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from sqms.core.models import Service, Site
from sqms.core.scoping import site_ids_in_scope
from sqms.surveys.choices import ResponseChannel
from sqms.surveys.models import Campaign

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class WriteResult:
    created: int = 0
    ids: list[int] = field(default_factory=list)  # ids of created responses, in input order
    existing: dict[str, int] = field(default_factory=dict)  # external id -> id already stored
    row_ids: list[int | None] = field(default_factory=list)  # per input row: id (new or existing)
    errors: list[str] = field(default_factory=list)  # "row N: KEY message"
    rejected: list[tuple[Any, str, str]] = field(default_factory=list)  # (row, column, message)
    # rows left out because their site's quota was full (over_quota="report"), as rejected
    over_quota: list[tuple[Any, str, str]] = field(default_factory=list)
    skipped: int = 0


class SiteResolver:
    """Find a campaign's site from an id, a Site, a code or a name, checking the user's scope."""

    def __init__(self, campaign: Campaign, acting_user: User | None) -> None:
        self.sites = {s.pk: s for s in campaign.sites.all()}
        self.by_text: dict[str, Site] = {}
        for s in self.sites.values():
            self.by_text[s.code.lower()] = s
            self.by_text.setdefault(s.name.strip().lower(), s)
        self.scope = site_ids_in_scope(acting_user) if acting_user is not None else None
        self.tz: dict[int, dt.tzinfo] = {
            pk: zoneinfo.ZoneInfo(s.time_zone) for pk, s in self.sites.items()
        }

    def resolve(self, value: Any) -> tuple[Site | None, str | None]:
        if isinstance(value, Site):
            site = self.sites.get(value.pk)
        elif isinstance(value, int):
            site = self.sites.get(value)
        elif isinstance(value, str) and value.strip():
            site = self.by_text.get(value.strip().lower())
            if site is None and value.strip().isdigit():
                site = self.sites.get(int(value.strip()))
        else:
            return None, _("no site given")
        if site is None:
            label = value.code if isinstance(value, Site) else value
            return None, _("site %(site)s is not part of this campaign") % {"site": label}
        if self.scope is not None and site.pk not in self.scope:
            return None, _("site %(site)s is outside your scope") % {"site": site.code}
        return site, None


class ServiceResolver:
    def __init__(self, campaign: Campaign) -> None:
        services = list(campaign.services.all()) or list(Service.objects.all())
        self.by_id = {s.pk: s.pk for s in services}
        self.by_text: dict[str, int] = {}
        for s in services:
            self.by_text[s.code.lower()] = s.pk
            self.by_text.setdefault(s.name.strip().lower(), s.pk)

    def resolve(self, value: Any) -> tuple[int | None, str | None]:
        if value in (None, ""):
            return None, None
        if isinstance(value, Service):
            value = value.pk
        if isinstance(value, int):
            if value in self.by_id:
                return value, None
        elif isinstance(value, str):
            got = self.by_text.get(value.strip().lower())
            if got is None and value.strip().isdigit():
                got = self.by_id.get(int(value.strip()))
            if got is not None:
                return got, None
        return None, _("unknown service %(service)s") % {"service": value}


VALID_CHANNELS = set(ResponseChannel.values)
