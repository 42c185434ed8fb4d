"""API endpoints for business calendars: list, detail, create, update; their days (holidays
and adjusted working days); loading China's holidays. Reads go through ``restrict``, writes
through ``actions`` (quality managers only)."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sqms.calendars import actions
from sqms.calendars.choices import DayKind, HolidaySource
from sqms.calendars.models import BusinessCalendar, CalendarDay
from sqms.core.api_schemas import patch_fields
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.pagination import BoundedPagination, DbId

router = Router(tags=["calendars"])
API = Channel.API

#: a calendar year the API accepts
Year = Annotated[int, Field(ge=1900, le=2999)]


class CalendarOut(Schema):
    id: int
    code: str
    name: str
    time_zone: str
    mon: str
    tue: str
    wed: str
    thu: str
    fri: str
    sat: str
    sun: str
    always_open: bool
    holiday_source: HolidaySource
    is_default: bool
    complete_years: list[int]
    updated_at: dt.datetime

    @staticmethod
    def resolve_complete_years(obj: BusinessCalendar) -> list[int]:
        return sorted(y.year for y in obj.holiday_years.all())


class CalendarIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)
    time_zone: str = "Asia/Shanghai"
    mon: str = Field("09:00-18:00", max_length=200)
    tue: str = Field("09:00-18:00", max_length=200)
    wed: str = Field("09:00-18:00", max_length=200)
    thu: str = Field("09:00-18:00", max_length=200)
    fri: str = Field("09:00-18:00", max_length=200)
    sat: str = Field("", max_length=200)
    sun: str = Field("", max_length=200)
    always_open: bool = False
    holiday_source: HolidaySource = HolidaySource.NONE
    is_default: bool = False


class CalendarPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=200)
    time_zone: str | None = None
    mon: str | None = Field(None, max_length=200)
    tue: str | None = Field(None, max_length=200)
    wed: str | None = Field(None, max_length=200)
    thu: str | None = Field(None, max_length=200)
    fri: str | None = Field(None, max_length=200)
    sat: str | None = Field(None, max_length=200)
    sun: str | None = Field(None, max_length=200)
    always_open: bool | None = None
    holiday_source: HolidaySource | None = None
    is_default: bool | None = None


class DayOut(Schema):
    id: int
    date: dt.date
    kind: DayKind
    name: str
    follows_weekday: int


class DayIn(Schema):
    date: dt.date
    kind: DayKind
    name: str = Field("", max_length=200)
    follows_weekday: int = Field(0, ge=0, le=6, description="0 = Monday … 6 = Sunday")


class LoadIn(Schema):
    years: list[Year] = Field(..., min_length=1, max_length=50)


class LoadOut(Schema):
    added: int
    kept: int
    years: list[int]


def _calendars(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return BusinessCalendar.objects.restrict(request.user, action).prefetch_related(  # type: ignore[arg-type]
        "holiday_years"
    )


@router.get("/", response=list[CalendarOut])
@paginate(BoundedPagination)
def list_calendars(request: AuthenticatedHttpRequest, q: str | None = None) -> Any:
    qs = _calendars(request)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs


@router.get("/{calendar_id}", response=CalendarOut)
def get_calendar(request: AuthenticatedHttpRequest, calendar_id: DbId) -> Any:
    return get_object_or_404(_calendars(request), pk=calendar_id)


@router.post("/", response={201: CalendarOut})
def create_calendar(request: AuthenticatedHttpRequest, payload: CalendarIn) -> Any:
    cal = actions.do_create_calendar(payload.dict(), acting_user=request.user, channel=API)
    return Status(201, get_object_or_404(_calendars(request), pk=cal.pk))


@router.patch("/{calendar_id}", response=CalendarOut)
def update_calendar(
    request: AuthenticatedHttpRequest, calendar_id: DbId, payload: CalendarPatch
) -> Any:
    cal = get_object_or_404(_calendars(request, "change"), pk=calendar_id)
    actions.do_update_calendar(cal, patch_fields(payload), acting_user=request.user, channel=API)
    return get_object_or_404(_calendars(request), pk=cal.pk)


@router.get("/{calendar_id}/days", response=list[DayOut])
@paginate(BoundedPagination)
def list_calendar_days(
    request: AuthenticatedHttpRequest,
    calendar_id: DbId,
    year: Year | None = None,
    kind: DayKind | None = None,
) -> Any:
    cal = get_object_or_404(_calendars(request), pk=calendar_id)
    qs = CalendarDay.objects.restrict(request.user, "view").filter(calendar=cal)
    if year is not None:
        qs = qs.filter(date__year=year)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("date")


@router.post("/{calendar_id}/days", response={201: DayOut})
def add_calendar_day(request: AuthenticatedHttpRequest, calendar_id: DbId, payload: DayIn) -> Any:
    cal = get_object_or_404(_calendars(request, "change"), pk=calendar_id)
    day = actions.do_add_day(cal, payload.dict(), acting_user=request.user, channel=API)
    return Status(201, day)


@router.delete("/{calendar_id}/days/{day_id}", response={204: None})
def delete_calendar_day(request: AuthenticatedHttpRequest, calendar_id: DbId, day_id: DbId) -> Any:
    cal = get_object_or_404(_calendars(request, "change"), pk=calendar_id)
    day = get_object_or_404(CalendarDay.objects.filter(calendar=cal), pk=day_id)
    actions.do_delete_day(day, acting_user=request.user, channel=API)
    return Status(204, None)


@router.post("/{calendar_id}/load-cn-holidays", response=LoadOut)
def load_cn_holidays(request: AuthenticatedHttpRequest, calendar_id: DbId, payload: LoadIn) -> Any:
    """Add China's holidays and 调休 working days of the years from the chinese-calendar
    package; dates already present are kept. A year the package does not cover is a 422
    naming the year and the package version."""
    cal = get_object_or_404(_calendars(request, "change"), pk=calendar_id)
    result = actions.do_load_cn_holidays(cal, payload.years, acting_user=request.user, channel=API)
    return LoadOut(added=result.added, kept=result.kept, years=result.years)
