"""Exports of a campaign's responses as SQMS's own CSV or XLSX."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import Any

from sqms.surveys.actions.imports import question_specs
from sqms.surveys.models import (
    Campaign,
    Response,
)


def export_rows(campaign: Campaign, responses: Iterable[Response]) -> Iterator[Any]:
    """Responses as importer ``MappedRow`` for the native writers."""
    from sqms.surveys.importers import MappedRow

    tzs: dict[int, dt.tzinfo] = {}
    for r in responses:
        tz = tzs.get(r.site_id)
        if tz is None:
            tz = tzs[r.site_id] = zoneinfo.ZoneInfo(r.site.time_zone)
        meta = {"site": r.site.code, "channel": r.channel, "language": r.language}
        if r.service_id:
            meta["service"] = r.service.code
        yield MappedRow(
            0,
            r.external_id or f"native:sqms-{r.pk}",
            r.submitted_at.astimezone(tz),
            meta,
            r.answers,
        )


def export_responses(campaign: Campaign, fmt: str, stream: Any, *, acting_user: Any) -> int:
    """Write the campaign's responses in the user's scope as native CSV or XLSX."""
    from sqms.surveys.importers import write_native_csv, write_native_xlsx

    qs = (
        (
            Response.objects.restrict(acting_user, "view")
            .filter(campaign=campaign)
            .select_related("site", "service")
            .order_by("submitted_at", "id")
        )
        if acting_user is not None
        else Response.objects.filter(campaign=campaign)
        .select_related("site", "service")
        .order_by("submitted_at", "id")
    )
    specs = question_specs(campaign.instrument)
    rows = export_rows(campaign, qs.iterator(chunk_size=2000))
    if fmt == "xlsx":
        return write_native_xlsx(rows, specs, stream)
    return write_native_csv(rows, specs, stream)
