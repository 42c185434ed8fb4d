"""API endpoints for transaction volumes under /api/v1/complaints/volumes/: list (site,
region, year, period range), upsert one month by site and period (POST), delete."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from sqms.complaints import actions
from sqms.complaints.filters import VOLUME_FILTERS
from sqms.complaints.models import TransactionVolume
from sqms.complaints.volume_file import parse_month
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.pagination import BoundedPagination, DbId

router = Router(tags=["complaints"])
API = Channel.API

if TYPE_CHECKING:
    from ninja import FilterSchema

    VolumeFilter = FilterSchema
else:
    VolumeFilter = VOLUME_FILTERS.schema("VolumeFilter")


class VolumeOut(Schema):
    id: int
    site_id: int
    site_code: str
    period: Annotated[str, Field(description="YYYY-MM")]
    transactions: int

    @staticmethod
    def resolve_site_code(obj: TransactionVolume) -> str:
        return obj.site.code

    @staticmethod
    def resolve_period(obj: TransactionVolume) -> str:
        return f"{obj.period:%Y-%m}"


class VolumeIn(Schema):
    site_id: DbId
    period: str = Field(..., description="the month, YYYY-MM (or any date in it)", max_length=10)
    transactions: int = Field(..., ge=0, le=2147483647)

    @field_validator("period")
    @classmethod
    def _month(cls, value: str) -> str:
        if parse_month(value) is None:
            raise ValueError("the month must be YYYY-MM")
        return value


def _volumes(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return TransactionVolume.objects.restrict(request.user, action).select_related(  # type: ignore[arg-type]
        "site"
    )


@router.get("/", response=list[VolumeOut])
@paginate(BoundedPagination)
def list_volumes(request: AuthenticatedHttpRequest, filters: Query[VolumeFilter]) -> Any:
    return filters.filter(_volumes(request)).order_by("-period", "site__code")


@router.post("/", response=VolumeOut)
def upsert_volume(request: AuthenticatedHttpRequest, payload: VolumeIn) -> Any:
    """Set a site's transactions of a month; an existing month is overwritten."""
    site = get_object_or_404(Site.objects.restrict(request.user, "view"), pk=payload.site_id)
    period = parse_month(payload.period)
    assert isinstance(period, dt.date)
    volume = actions.do_save_volume(
        {"site": site, "period": period, "transactions": payload.transactions},
        acting_user=request.user,
        channel=API,
    )
    return get_object_or_404(_volumes(request), pk=volume.pk)


@router.delete("/{volume_id}", response={204: None})
def delete_volume(request: AuthenticatedHttpRequest, volume_id: DbId) -> Any:
    volume = get_object_or_404(_volumes(request, "delete"), pk=volume_id)
    actions.do_delete_volume(volume, acting_user=request.user, channel=API)
    return Status(204, None)
