"""The calendars app's filters: one definition each, read by the list pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from sqms.calendars.choices import DayKind, HolidaySource
from sqms.calendars.models import BusinessCalendar, CalendarDay
from sqms.core.filtersets import ChoiceFilter, Filter, FilterSet, RelatedFilter


@dataclass(frozen=True)
class YearFilter(Filter):
    """The years the calendar in the URL has days in (page only)."""

    def choices(self, request: HttpRequest) -> list[tuple[str, str]]:
        match = request.resolver_match
        pk = match.kwargs.get("pk") if match else None
        years = CalendarDay.objects.filter(calendar_id=pk).dates("date", "year")
        return [(str(d.year), str(d.year)) for d in years]

    def api_type(self) -> Any:
        return int


CALENDAR_FILTERS = FilterSet(
    search=("code", "name"),
    filters=(
        ChoiceFilter("holidays", gettext_lazy("Holiday source"), "holiday_source", HolidaySource),
    ),
)

DAY_FILTERS = FilterSet(
    search=("name",),
    filters=(
        ChoiceFilter("kind", gettext_lazy("Kind"), "kind", DayKind),
        YearFilter("year", gettext_lazy("Year"), "date__year", api_name=""),
    ),
)

SITE_CALENDAR_FILTERS = FilterSet(
    search=("code", "name", "calendar_link__calendar__code"),
    filters=(
        RelatedFilter(
            "calendar", gettext_lazy("Calendar"), "calendar_link__calendar", BusinessCalendar
        ),
    ),
)
