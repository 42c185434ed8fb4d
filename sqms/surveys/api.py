"""Survey API under /api/v1/surveys/: campaigns, and responses for integrators.

POST one response or a batch of up to 1,000 (all-or-nothing; errors name ``row N: KEY …``),
idempotent by ``external_id`` per campaign. Reads go through ``restrict``.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.params.functions import Query as QueryParam

from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.pagination import ID_MAX, PAGE_MAX, BoundedPagination, DbId
from sqms.surveys import actions
from sqms.surveys.choices import CampaignStatus, OverQuota, ResponseChannel
from sqms.surveys.filters import CAMPAIGN_FILTERS, RESPONSE_FILTERS
from sqms.surveys.models import Campaign, CampaignSite, Response
from sqms.surveys.versions import newer_version

router = Router(tags=["surveys"])
MAX_BATCH = 1000


class CampaignSiteOut(Schema):
    site_id: int
    site_code: str = Field(..., alias="site.code")
    slug: str
    quota: int | None
    response_count: int


class CampaignOut(Schema):
    id: int
    name: str
    status: CampaignStatus
    instrument_id: int
    instrument_code: str = Field(..., alias="instrument.code")
    instrument_version: int = Field(..., alias="instrument.version")
    opens_on: dt.date | None
    closes_on: dt.date | None
    sites: list[CampaignSiteOut]

    @staticmethod
    def resolve_sites(obj: Campaign) -> list[CampaignSite]:
        return list(obj.campaign_sites.all())


class ResponseIn(Schema):
    site: int | str = Field(..., description="site id or code")
    answers: dict[str, Any] = Field(..., description="answers keyed by question code, e.g. SQ01.E")
    service: int | str | None = Field(None, description="service id or code")
    submitted_at: dt.datetime | None = None
    external_id: str | None = Field(None, max_length=100)
    language: str = Field("", max_length=10)


class OneResponseIn(ResponseIn):
    campaign_id: int


class BatchIn(Schema):
    campaign_id: int
    responses: list[ResponseIn] = Field(..., max_length=MAX_BATCH)
    over_quota: OverQuota = Field(
        OverQuota.REFUSE,
        description="rows past a site's quota: `refuse` the whole batch (422), or `report`: "
        "store the rows that fit and list the others in `over_quota`",
    )


class WrittenOut(Schema):
    id: int
    created: bool


class BatchRowOut(Schema):
    row: int
    id: int
    created: bool


class OverQuotaRowOut(Schema):
    row: int
    message: str


class BatchOut(Schema):
    created: int
    existing: int
    results: list[BatchRowOut]
    over_quota: list[OverQuotaRowOut] = []


class ResponseOut(Schema):
    id: int
    campaign_id: int
    instrument_id: int
    site_id: int
    site_code: str = Field(..., alias="site.code")
    service_id: int | None
    channel: ResponseChannel
    language: str
    submitted_at: dt.datetime
    external_id: str | None
    answers: dict[str, Any]


# The schemas are built at run time (FilterSet.schema); to the type checker each is a FilterSchema.
if TYPE_CHECKING:
    from ninja import FilterSchema

    CampaignFilter = FilterSchema
    ResponseFilter = FilterSchema
else:
    CampaignFilter = CAMPAIGN_FILTERS.schema("CampaignFilter")
    ResponseFilter = RESPONSE_FILTERS.schema("ResponseFilter")


def _writable_campaign(request: AuthenticatedHttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.restrict(request.user, "view").select_related("instrument"), pk=campaign_id
    )


def _write(
    request: AuthenticatedHttpRequest,
    campaign: Campaign,
    items: list[ResponseIn],
    over_quota: str = OverQuota.REFUSE,
) -> actions.WriteResult:
    rows = [{**item.dict(), "row": n} for n, item in enumerate(items, start=1)]
    return actions.write_responses(
        campaign, rows, channel=ResponseChannel.API, acting_user=request.user, over_quota=over_quota
    )


@router.get("/campaigns", response=list[CampaignOut])
@paginate(BoundedPagination)
def list_campaigns(request: AuthenticatedHttpRequest, filters: Query[CampaignFilter]) -> Any:
    return filters.filter(
        Campaign.objects.restrict(request.user, "view")
        .select_related("instrument")
        .prefetch_related("campaign_sites__site")
    )


@router.get("/campaigns/{campaign_id}", response=CampaignOut)
def get_campaign(request: AuthenticatedHttpRequest, campaign_id: DbId) -> Any:
    return get_object_or_404(
        Campaign.objects.restrict(request.user, "view")
        .select_related("instrument")
        .prefetch_related("campaign_sites__site"),
        pk=campaign_id,
    )


@router.post("/campaigns/{campaign_id}/move-version", response=CampaignOut)
def move_campaign_version(request: AuthenticatedHttpRequest, campaign_id: DbId) -> Any:
    """Move the campaign to the current version of its instrument (quality managers; a 422
    when it already uses it). Stored answers keep their version."""
    campaign = get_object_or_404(
        Campaign.objects.restrict(request.user, "change").select_related("instrument"),
        pk=campaign_id,
    )
    target = newer_version(campaign)
    if target is None:
        raise ValidationError(_("The campaign already uses the current version."))
    actions.do_move_campaign_version(
        campaign, target, acting_user=request.user, channel=Channel.API
    )
    return get_campaign(request, campaign_id)


@router.post("/responses", response={201: WrittenOut, 200: WrittenOut})
def post_response(request: AuthenticatedHttpRequest, payload: OneResponseIn) -> Any:
    """Store one response. A repeated ``external_id`` returns the stored id (200) and adds nothing."""
    campaign = _writable_campaign(request, payload.campaign_id)
    result = _write(request, campaign, [payload])
    rid = result.row_ids[0]
    if rid is None:
        raise ValidationError(_("row 1: repeated external id"))
    return Status(201 if result.created else 200, {"id": rid, "created": bool(result.created)})


@router.post("/responses/batch", response={201: BatchOut, 200: BatchOut})
def post_batch(request: AuthenticatedHttpRequest, payload: BatchIn) -> Any:
    """Store up to 1,000 responses, all or nothing; errors name ``row N: KEY …``."""
    campaign = _writable_campaign(request, payload.campaign_id)
    if not payload.responses:
        raise ValidationError(_("The batch is empty."))
    result = _write(request, campaign, payload.responses, payload.over_quota)
    left_out = {int(row): message for row, _column, message in result.over_quota}
    by_ext = {**result.existing}
    results = []
    for n, (item, rid) in enumerate(zip(payload.responses, result.row_ids, strict=True), start=1):
        if n in left_out:
            continue
        if rid is None and item.external_id:
            rid = by_ext.get(item.external_id)
        if rid is None:  # a repeat of an earlier row of this batch
            rid = next(
                (
                    r
                    for i, r in zip(payload.responses, result.row_ids, strict=True)
                    if r and i.external_id == item.external_id
                ),
                0,
            )
            results.append({"row": n, "id": rid, "created": False})
            continue
        created = not (item.external_id and item.external_id in result.existing)
        results.append({"row": n, "id": rid, "created": created})
    return Status(
        201 if result.created else 200,
        {
            "created": result.created,
            "existing": len(payload.responses) - result.created - len(left_out),
            "results": results,
            "over_quota": [{"row": r, "message": m} for r, m in sorted(left_out.items())],
        },
    )


@router.get("/responses", response=list[ResponseOut])
@paginate(BoundedPagination)
def list_responses(request: AuthenticatedHttpRequest, filters: Query[ResponseFilter]) -> Any:
    qs = (
        Response.objects.restrict(request.user, "view")
        .select_related("site")
        .order_by("-submitted_at", "-id")
    )
    return filters.filter(qs)


class ResponsePage(Schema):
    items: list[ResponseOut]
    next_after: int | None = Field(
        ..., description="pass as `after` for the next page; null on the last page"
    )


@router.get("/campaigns/{campaign_id}/responses", response=ResponsePage)
def walk_responses(
    request: AuthenticatedHttpRequest,
    campaign_id: DbId,
    # QueryParam is the function behind ninja.Query (an Annotated alias to the type checker)
    after: int = QueryParam(0, ge=0, le=ID_MAX, description="the last id of the previous page"),
    limit: int = QueryParam(
        PAGE_MAX, ge=1, le=PAGE_MAX, description=f"items per page, 1–{PAGE_MAX}"
    ),
) -> Any:
    """Every response of a campaign in your scope, in id order, by keyset pages: as fast at the
    millionth response as at the first, and each response exactly once even while new ones
    arrive (they come on later pages)."""
    campaign = _writable_campaign(request, campaign_id)
    rows = list(
        Response.objects.restrict(request.user, "view")
        .filter(campaign=campaign, pk__gt=after)
        .select_related("site")
        .order_by("pk")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_after": rows[-1].pk if more else None}


@router.get("/responses/{response_id}", response=ResponseOut)
def get_response(request: AuthenticatedHttpRequest, response_id: DbId) -> Any:
    return get_object_or_404(
        Response.objects.restrict(request.user, "view").select_related("site"), pk=response_id
    )
