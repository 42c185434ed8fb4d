"""API of capacity planning under /api/v1/improvement/capacity/: arrival profiles and staff
rosters per site (list, read, put the 168 hourly values, delete; derive a profile from
timestamps) and the plan as JSON — the same numbers as the plan page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.pagination import DbId
from sqms.improvement import actions
from sqms.improvement.capacity import build_plan
from sqms.improvement.models import ArrivalProfile, ProfileSource, StaffRoster

router = Router(tags=["capacity"])
API = Channel.API

Week = Annotated[list[Annotated[float, Field(ge=0, le=1e7)]], Field(min_length=168, max_length=168)]
StaffWeek = Annotated[
    list[Annotated[int, Field(ge=0, le=100000)]], Field(min_length=168, max_length=168)
]


class ProfileOut(Schema):
    site_id: int
    site_code: str
    arrivals: list[float] = Field(..., description="168 values, Monday 00:00 first")
    source: str
    derived_from: dt.date | None
    derived_to: dt.date | None
    handling_time: int = Field(..., description="seconds")
    target_level: float = Field(..., description="percent served within target_seconds")
    target_seconds: int
    shrinkage: float = Field(..., description="percent")
    updated_at: dt.datetime

    @staticmethod
    def resolve_site_code(obj: ArrivalProfile) -> str:
        return obj.site.code


class ProfileIn(Schema):
    arrivals: Week | None = None
    handling_time: int | None = Field(None, ge=1, le=86400)
    target_level: Decimal | None = Field(None, ge=1, le=Decimal("99.99"), decimal_places=2)
    target_seconds: int | None = Field(None, ge=0, le=86400)
    shrinkage: Decimal | None = Field(None, ge=0, le=90, decimal_places=1)


class DeriveIn(Schema):
    source: str = Field(..., description="complaints or surveys")
    date_from: dt.date
    date_to: dt.date


class RosterOut(Schema):
    site_id: int
    site_code: str
    staff: list[int] = Field(..., description="168 values, Monday 00:00 first")
    updated_at: dt.datetime

    @staticmethod
    def resolve_site_code(obj: StaffRoster) -> str:
        return obj.site.code


class RosterIn(Schema):
    staff: StaffWeek


class PlanRowOut(Schema):
    weekday: int = Field(..., description="0 = Monday")
    hour: int
    arrivals: float
    traffic: float
    needed: int = Field(..., description="agents on duty meeting the target")
    to_roster: int = Field(..., description="needed after shrinkage")
    p_wait: float
    asa: float = Field(..., description="seconds")
    service_level: float
    occupancy: float
    rostered: int | None
    gap: int | None = Field(..., description="rostered - to_roster")
    roster_service_level: float | None = Field(..., description="None: overloaded")
    roster_asa: float | None


class CapacityPlanOut(Schema):
    site_id: int
    site_code: str
    handling_time: int
    target_level: float
    target_seconds: int
    shrinkage: float
    staff_hours_needed: int
    staff_hours_rostered: int | None
    hours_under: int
    hours_over: int
    rows: list[PlanRowOut]


def _site(request: AuthenticatedHttpRequest, site_id: int) -> Site:
    return get_object_or_404(Site.objects.restrict(request.user, "view"), pk=site_id)


def _profile(request: AuthenticatedHttpRequest, site_id: int, action: str = "view") -> Any:
    qs = ArrivalProfile.objects.restrict(request.user, action)  # type: ignore[arg-type]
    return get_object_or_404(qs.select_related("site"), site_id=site_id)


def _roster(request: AuthenticatedHttpRequest, site_id: int, action: str = "view") -> Any:
    qs = StaffRoster.objects.restrict(request.user, action)  # type: ignore[arg-type]
    return get_object_or_404(qs.select_related("site"), site_id=site_id)


@router.get("/profiles/", response=list[ProfileOut])
def list_capacity_profiles(request: AuthenticatedHttpRequest) -> Any:
    return ArrivalProfile.objects.restrict(request.user).select_related("site")


@router.get("/profiles/{site_id}", response=ProfileOut)
def get_capacity_profile(request: AuthenticatedHttpRequest, site_id: DbId) -> Any:
    return _profile(request, site_id)


@router.put("/profiles/{site_id}", response=ProfileOut)
def put_capacity_profile(
    request: AuthenticatedHttpRequest, site_id: DbId, payload: ProfileIn
) -> Any:
    """Create or change the site's profile; fields left out keep their value (or default)."""
    site = _site(request, site_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    actions.do_save_profile(site, data, acting_user=request.user, channel=API)
    return _profile(request, site_id)


@router.post("/profiles/{site_id}/derive", response=ProfileOut)
def derive_capacity_profile(
    request: AuthenticatedHttpRequest, site_id: DbId, payload: DeriveIn
) -> Any:
    """Arrivals averaged per hour of the week from complaints or survey responses."""
    site = _site(request, site_id)
    source = {"complaints": ProfileSource.COMPLAINTS, "surveys": ProfileSource.SURVEYS}.get(
        payload.source, payload.source
    )
    actions.do_derive_profile(
        site, source, payload.date_from, payload.date_to, acting_user=request.user, channel=API
    )
    return _profile(request, site_id)


@router.delete("/profiles/{site_id}", response={204: None})
def delete_capacity_profile(request: AuthenticatedHttpRequest, site_id: DbId) -> Any:
    actions.do_delete_profile(
        _profile(request, site_id, "delete"), acting_user=request.user, channel=API
    )
    return Status(204, None)


@router.get("/rosters/", response=list[RosterOut])
def list_capacity_rosters(request: AuthenticatedHttpRequest) -> Any:
    return StaffRoster.objects.restrict(request.user).select_related("site")


@router.get("/rosters/{site_id}", response=RosterOut)
def get_capacity_roster(request: AuthenticatedHttpRequest, site_id: DbId) -> Any:
    return _roster(request, site_id)


@router.put("/rosters/{site_id}", response=RosterOut)
def put_capacity_roster(request: AuthenticatedHttpRequest, site_id: DbId, payload: RosterIn) -> Any:
    site = _site(request, site_id)
    actions.do_save_roster(site, list(payload.staff), acting_user=request.user, channel=API)
    return _roster(request, site_id)


@router.delete("/rosters/{site_id}", response={204: None})
def delete_capacity_roster(request: AuthenticatedHttpRequest, site_id: DbId) -> Any:
    actions.do_delete_roster(
        _roster(request, site_id, "delete"), acting_user=request.user, channel=API
    )
    return Status(204, None)


@router.get("/plans/{site_id}", response=CapacityPlanOut)
def get_capacity_plan(request: AuthenticatedHttpRequest, site_id: DbId) -> Any:
    """The plan of the site's profile: per hour of the week the agents needed, ASA, service
    level, occupancy, and the rostered staff with the gap."""
    profile = _profile(request, site_id)
    roster = StaffRoster.objects.restrict(request.user).filter(site_id=site_id).first()
    plan = build_plan(profile, roster)
    return {
        "site_id": profile.site_id,
        "site_code": profile.site.code,
        "handling_time": profile.handling_time,
        "target_level": float(profile.target_level),
        "target_seconds": profile.target_seconds,
        "shrinkage": float(profile.shrinkage),
        "staff_hours_needed": plan.staff_hours_needed,
        "staff_hours_rostered": plan.staff_hours_rostered,
        "hours_under": plan.hours_under,
        "hours_over": plan.hours_over,
        "rows": [r.__dict__ for r in plan.rows],
    }
