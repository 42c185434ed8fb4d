"""The month calendar of planned and submitted inspections (prev/next month, a site filter).
A planned inspection sits on its due date, a submitted one on the day it was submitted."""

from __future__ import annotations

import calendar as pycal
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.inspections.choices import InspectionStatus
from sqms.inspections.models import Inspection
from sqms.inspections.views.programmes import OPEN, assigned_inspections, inspection_url

#: at most this many inspections are drawn in one month
LIMIT = 2000


def _month(raw: str, today: date) -> date:
    try:
        year, month = (int(p) for p in raw.split("-", 1))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_entries(user: Any, first: date, site_id: int | None) -> dict[date, list[Inspection]]:
    """The inspections of the month starting ``first`` by day: open ones on their due date,
    submitted ones on their (local) submission day."""
    last = _shift(first, 1) - timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone)
    qs = assigned_inspections(user).filter(
        Q(status__in=OPEN, due_on__gte=first, due_on__lte=last)
        | Q(status=InspectionStatus.SUBMITTED, submitted_at__gte=start, submitted_at__lt=end)
    )
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    by_day: dict[date, list[Inspection]] = defaultdict(list)
    for insp in qs.select_related("site").order_by("site__code", "pk")[:LIMIT]:
        if insp.status == InspectionStatus.SUBMITTED and insp.submitted_at is not None:
            day = timezone.localtime(insp.submitted_at, zone).date()
        else:
            assert insp.due_on is not None
            day = insp.due_on
        insp.url = inspection_url(insp)  # type: ignore[attr-defined]
        by_day[day].append(insp)
    return by_day


@require_safe
@login_required
def inspection_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first = _month(request.GET.get("month", ""), today)
    if not 2000 <= first.year <= 2999:
        first = today.replace(day=1)
    sites = Site.objects.restrict(request.user).order_by("code")
    site_id: int | None = None
    raw = request.GET.get("site", "")
    if raw.isdigit() and sites.filter(pk=int(raw)).exists():
        site_id = int(raw)
    by_day = month_entries(request.user, first, site_id)
    weeks = [
        [
            {
                "date": d,
                "in_month": d.month == first.month,
                "today": d == today,
                "entries": by_day.get(d, []),
            }
            for d in week
        ]
        for week in pycal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    context = {
        "first": first,
        "prev": f"{_shift(first, -1):%Y-%m}",
        "next": f"{_shift(first, 1):%Y-%m}",
        "weeks": weeks,
        "agenda": [(d, by_day[d]) for d in sorted(by_day)],
        "sites": sites,
        "site_id": site_id,
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        "today": today,
        "open_statuses": OPEN,
    }
    return render(request, "inspections/calendar_month.html", context)


urlpatterns: list[URLPattern] = [path("calendar/", inspection_calendar, name="calendar")]
