"""API endpoints for regions, sites and services: list (filters, pagination), detail, create,
update. Every query goes through ``restrict`` and every write through ``actions``."""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.core import actions
from sqms.core.api_schemas import patch_fields
from sqms.core.choices import Channel, SiteKind
from sqms.core.filters import REGION_FILTERS, SERVICE_FILTERS, SITE_FILTERS
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Region, Service, Site
from sqms.core.pagination import BoundedPagination, DbId

router = Router(tags=["organization"])
API = Channel.API


class RegionOut(Schema):
    id: int
    code: str
    name: str


class RegionIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)


class RegionPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=200)


class SiteOut(Schema):
    id: int
    code: str
    name: str
    kind: SiteKind
    region_id: int
    region_code: str = Field(..., alias="region.code")
    city: str
    address: str
    time_zone: str
    opening_hours: str
    manager_id: int | None
    is_active: bool


class SiteIn(Schema):
    region_id: DbId
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)
    kind: SiteKind = SiteKind.STORE
    city: str = ""
    address: str = ""
    time_zone: str = "Asia/Shanghai"
    opening_hours: str = ""
    is_active: bool = True


class SitePatch(Schema):
    region_id: DbId | None = None
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: SiteKind | None = None
    city: str | None = None
    address: str | None = None
    time_zone: str | None = None
    opening_hours: str | None = None
    is_active: bool | None = None


# The schemas are built at run time (FilterSet.schema); to the type checker each is a FilterSchema.
if TYPE_CHECKING:
    from ninja import FilterSchema

    RegionFilter = FilterSchema
    SiteFilter = FilterSchema
    ServiceFilter = FilterSchema
else:
    RegionFilter = REGION_FILTERS.schema("RegionFilter")
    SiteFilter = SITE_FILTERS.schema("SiteFilter")
    ServiceFilter = SERVICE_FILTERS.schema("ServiceFilter")


class ServiceOut(Schema):
    id: int
    code: str
    name: str
    description: str
    site_ids: list[int]

    @staticmethod
    def resolve_site_ids(obj: Service) -> list[int]:
        return [s.pk for s in getattr(obj, "visible_sites", obj.sites.all())]


class ServiceIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    site_ids: list[DbId] = []


class ServicePatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    site_ids: list[DbId] | None = None


def _site_data(request: AuthenticatedHttpRequest, payload: Schema) -> dict[str, Any]:
    data = patch_fields(payload)
    if "region_id" in data:
        data["region"] = get_object_or_404(
            Region.objects.restrict(request.user, "view"), pk=data.pop("region_id")
        )
    return data


def _service_data(request: AuthenticatedHttpRequest, payload: Schema) -> dict[str, Any]:
    data = patch_fields(payload)
    if "site_ids" in data:
        wanted = set(data.pop("site_ids"))
        sites = list(Site.objects.restrict(request.user, "view").filter(pk__in=wanted))
        if len(sites) != len(wanted):
            missing = sorted(wanted - {s.pk for s in sites})
            raise ValidationError({"site_ids": _("unknown site id(s): %(ids)s") % {"ids": missing}})
        data["sites"] = sites
    return data


@router.get("/regions", response=list[RegionOut])
@paginate(BoundedPagination)
def list_regions(request: AuthenticatedHttpRequest, filters: Query[RegionFilter]) -> Any:
    return filters.filter(Region.objects.restrict(request.user, "view"))


@router.get("/regions/{region_id}", response=RegionOut)
def get_region(request: AuthenticatedHttpRequest, region_id: DbId) -> Any:
    return get_object_or_404(Region.objects.restrict(request.user, "view"), pk=region_id)


@router.post("/regions", response={201: RegionOut})
def create_region(request: AuthenticatedHttpRequest, payload: RegionIn) -> Any:
    return Status(
        201, actions.do_create_region(payload.dict(), acting_user=request.user, channel=API)
    )


@router.patch("/regions/{region_id}", response=RegionOut)
def update_region(request: AuthenticatedHttpRequest, region_id: DbId, payload: RegionPatch) -> Any:
    region = get_object_or_404(Region.objects.restrict(request.user, "change"), pk=region_id)
    return actions.do_update_region(
        region, patch_fields(payload), acting_user=request.user, channel=API
    )


@router.get("/sites", response=list[SiteOut])
@paginate(BoundedPagination)
def list_sites(request: AuthenticatedHttpRequest, filters: Query[SiteFilter]) -> Any:
    return filters.filter(Site.objects.restrict(request.user, "view").select_related("region"))


@router.get("/sites/{site_id}", response=SiteOut)
def get_site(request: AuthenticatedHttpRequest, site_id: DbId) -> Any:
    return get_object_or_404(
        Site.objects.restrict(request.user, "view").select_related("region"), pk=site_id
    )


@router.post("/sites", response={201: SiteOut})
def create_site(request: AuthenticatedHttpRequest, payload: SiteIn) -> Any:
    site = actions.do_create_site(
        _site_data(request, payload), acting_user=request.user, channel=API
    )
    return Status(201, site)


@router.patch("/sites/{site_id}", response=SiteOut)
def update_site(request: AuthenticatedHttpRequest, site_id: DbId, payload: SitePatch) -> Any:
    site = get_object_or_404(Site.objects.restrict(request.user, "change"), pk=site_id)
    return actions.do_update_site(
        site, _site_data(request, payload), acting_user=request.user, channel=API
    )


def _services(request: AuthenticatedHttpRequest) -> Any:
    """Services with only the sites the user may see (the catalogue itself is org-wide)."""
    visible = Site.objects.restrict(request.user, "view")
    return Service.objects.restrict(request.user, "view").prefetch_related(
        Prefetch("sites", queryset=visible, to_attr="visible_sites")
    )


@router.get("/services", response=list[ServiceOut])
@paginate(BoundedPagination)
def list_services(request: AuthenticatedHttpRequest, filters: Query[ServiceFilter]) -> Any:
    return filters.filter(_services(request))


@router.get("/services/{service_id}", response=ServiceOut)
def get_service(request: AuthenticatedHttpRequest, service_id: DbId) -> Any:
    return get_object_or_404(_services(request), pk=service_id)


@router.post("/services", response={201: ServiceOut})
def create_service(request: AuthenticatedHttpRequest, payload: ServiceIn) -> Any:
    service = actions.do_create_service(
        _service_data(request, payload), acting_user=request.user, channel=API
    )
    return Status(201, get_object_or_404(_services(request), pk=service.pk))


@router.patch("/services/{service_id}", response=ServiceOut)
def update_service(
    request: AuthenticatedHttpRequest, service_id: DbId, payload: ServicePatch
) -> Any:
    service = get_object_or_404(Service.objects.restrict(request.user, "change"), pk=service_id)
    actions.do_update_service(
        service, _service_data(request, payload), acting_user=request.user, channel=API
    )
    return get_object_or_404(_services(request), pk=service.pk)
