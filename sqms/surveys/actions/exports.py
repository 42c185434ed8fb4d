"""Exports of a campaign's responses as SQMS's own CSV or XLSX."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sqms.surveys.actions.imports import question_specs
from sqms.surveys.models import (
    Campaign,
    Response,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def export_rows(campaign: Campaign, responses: Iterable[Response]) -> Iterator[Any]:
    """Responses as importer ``MappedRow`` for the native writers."""
    from sqms.surveys.importers import MappedRow

    tzs: dict[int, dt.tzinfo] = {}
    for r in responses:
        tz = tzs.get(r.site_id)
        if tz is None:
            tz = tzs[r.site_id] = zoneinfo.ZoneInfo(r.site.time_zone)
        meta = {"site": r.site.code, "channel": r.channel, "language": r.language}
        if r.service is not None:  # no query when service_id is null
            meta["service"] = r.service.code
        yield MappedRow(
            0,
            r.external_id or f"native:sqms-{r.pk}",
            r.submitted_at.astimezone(tz),
            meta,
            r.answers,
        )


def _responses(campaign: Campaign, acting_user: User | None) -> Iterator[Response]:
    qs = (
        Response.objects.restrict(acting_user, "view")
        if acting_user is not None
        else Response.objects.all()
    )
    return (
        qs.filter(campaign=campaign)
        .select_related("site", "service")
        .order_by("submitted_at", "id")
        .iterator(chunk_size=2000)
    )


def export_responses(campaign: Campaign, fmt: str, stream: Any, *, acting_user: User | None) -> int:
    """Write the campaign's responses in the user's scope as native CSV or XLSX."""
    from sqms.surveys.importers import write_native_csv, write_native_xlsx

    specs = question_specs(campaign.instrument)
    rows = export_rows(campaign, _responses(campaign, acting_user))
    if fmt == "xlsx":
        return write_native_xlsx(rows, specs, stream)
    return write_native_csv(rows, specs, stream)


def native_csv_chunks(campaign: Campaign, *, acting_user: User | None) -> Iterator[str]:
    """The same native CSV as :func:`export_responses`, as text chunks for a streamed download."""
    from sqms.surveys.importers import native_csv_lines

    yield "\ufeff"
    specs = question_specs(campaign.instrument)
    yield from native_csv_lines(export_rows(campaign, _responses(campaign, acting_user)), specs)
