"""Calendar pages: list, detail with a 14-day preview, edit; days; China's holidays; iCal
import; which calendar each site uses. Thin: every write goes through ``actions``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.analytics.calendars import CalendarError
from sqms.calendars import actions
from sqms.calendars.choices import DayKind, Weekday
from sqms.calendars.filters import CALENDAR_FILTERS, DAY_FILTERS, SITE_CALENDAR_FILTERS
from sqms.calendars.forms import AssignForm, CalendarForm, DayForm, IcalForm, LoadCnForm
from sqms.calendars.lookup import work_calendar
from sqms.calendars.models import (
    BusinessCalendar,
    CalendarDay,
    EditableDay,
    SiteCalendar,
    SiteWithCalendar,
)
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.models import Site
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, add_errors, delete_page, detail_page, form_page

PREVIEW_DAYS = 14

CALENDAR_LIST = ListSpec(
    title=gettext_lazy("Business calendars"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda c: c.code, sort="code", link=True),
        ListColumn("name", gettext_lazy("Name"), lambda c: c.name, sort="name"),
        ListColumn("tz", gettext_lazy("Time zone"), lambda c: c.time_zone, sort="time_zone"),
        ListColumn(
            "holidays",
            gettext_lazy("Holiday source"),
            lambda c: c.get_holiday_source_display(),
            sort="holiday_source",
        ),
        ListColumn("always_open", gettext_lazy("24×7"), lambda c: c.always_open),
        ListColumn("default", gettext_lazy("Default"), lambda c: c.is_default, sort="is_default"),
        ListColumn("days", gettext_lazy("Days"), lambda c: c.day_count, sort="day_count"),
    ],
    filterset=CALENDAR_FILTERS,
    default_sort="code",
    export_name="calendars",
    empty_text=gettext_lazy("No business calendars yet; sites count every hour (24×7)."),
)


def _changeable(request: AuthenticatedHttpRequest, pk: int) -> BusinessCalendar:
    return get_object_or_404(BusinessCalendar.objects.restrict(request.user, "change"), pk=pk)


@require_safe
@login_required
def calendar_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = BusinessCalendar.objects.restrict(request.user, "view").annotate(day_count=Count("days"))
    create = reverse("calendars:create") if allowed(request.user, "add", BusinessCalendar) else None
    return render_list(request, CALENDAR_LIST, qs, extra={"create_url": create})


def preview(cal: BusinessCalendar, days: int = PREVIEW_DAYS) -> list[dict[str, Any]]:
    """Each of the next ``days`` local dates with its working hours and why they differ."""
    work = work_calendar(cal)
    today = timezone.now().astimezone(work.zone).date()
    last = today + timedelta(days=days - 1)
    notes = {d.date: d for d in cal.days.filter(date__range=(today, last))}
    out = []
    for i in range(days):
        d = today + timedelta(days=i)
        row: dict[str, Any] = {"date": d, "weekday": Weekday(d.weekday()).label, "note": ""}
        try:
            hours = work.day_hours(d)
        except CalendarError as exc:
            row.update(hours=None, error=str(exc))
        else:
            if work.open_24x7:
                row["hours"] = _("open 24 hours")
            else:
                row["hours"] = ", ".join(_hhmm(a) + "–" + _hhmm(b) for a, b in hours) or _("closed")
        day = notes.get(d)
        if day is not None:
            row["note"] = f"{day.get_kind_display()} {day.name}".strip()
        out.append(row)
    return out


def _hhmm(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h:02d}:{m:02d}" if h < 24 else f"{h - 24:02d}:{m:02d}+1"


@require_safe
@login_required
def calendar_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cal = get_object_or_404(BusinessCalendar.objects.restrict(request.user, "view"), pk=pk)
    sites = Site.objects.restrict(request.user, "view").filter(calendar_link__calendar=cal)
    return detail_page(
        request,
        cal,
        "calendars/calendar_detail.html",
        preview=preview(cal),
        sites=sites,
        years=cal.holiday_years.all(),
        weekly=list(zip(Weekday.labels, cal.weekly_hours(), strict=True)),
        day_count=cal.days.count(),
    )


@login_required
def calendar_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", BusinessCalendar):
        raise PermissionDenied
    return form_page(
        request,
        CalendarForm(request.POST or None),
        lambda data: actions.do_create_calendar(data, acting_user=request.user, channel=WEB),
        _("New business calendar"),
        reverse("calendars:list"),
    )


@login_required
def calendar_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cal = _changeable(request, pk)
    form = CalendarForm(request.POST or None, instance=BusinessCalendar.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda data: actions.do_update_calendar(cal, data, acting_user=request.user, channel=WEB),
        _("Edit calendar %(record)s") % {"record": cal},
        cal.get_absolute_url(),
    )


@login_required
def calendar_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cal = get_object_or_404(BusinessCalendar.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        cal,
        lambda: actions.do_delete_calendar(cal, acting_user=request.user, channel=WEB),
        reverse("calendars:list"),
        _("Its holidays and working days are deleted with it.")
        + (" " + _("Sites without a calendar then count every hour.") if cal.is_default else ""),
    )


# Days --------------------------------------------------------------------------------------


DAY_LIST = ListSpec(
    title=gettext_lazy("Holidays and working days"),
    columns=[
        ListColumn(
            "date", gettext_lazy("Date"), lambda d: d.date.isoformat(), sort="date", link=True
        ),
        ListColumn("kind", gettext_lazy("Kind"), lambda d: d.get_kind_display(), sort="kind"),
        ListColumn("name", gettext_lazy("Name"), lambda d: d.name, sort="name"),
        ListColumn(
            "follows",
            gettext_lazy("Works like"),
            lambda d: d.get_follows_weekday_display() if d.kind == DayKind.WORKING_DAY else "",
        ),
    ],
    filterset=DAY_FILTERS,
    default_sort="date",
    export_name="calendar-days",
    empty_text=gettext_lazy("No holidays or adjusted working days yet."),
)


@require_safe
@login_required
def day_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cal = get_object_or_404(BusinessCalendar.objects.restrict(request.user, "view"), pk=pk)
    can_change = BusinessCalendar.objects.restrict(request.user, "change").filter(pk=pk).exists()
    model = EditableDay if can_change else CalendarDay
    qs = model.objects.restrict(request.user, "view").filter(calendar=cal)
    return render_list(
        request,
        DAY_LIST,
        qs,
        template="calendars/day_list.html",
        extra={
            "calendar": cal,
            "can_change": can_change,
            "create_url": reverse("calendars:day_create", args=[pk]) if can_change else None,
        },
    )


@login_required
def day_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cal = _changeable(request, pk)
    return form_page(
        request,
        DayForm(request.POST or None),
        lambda data: actions.do_add_day(cal, data, acting_user=request.user, channel=WEB),
        _("New day in %(record)s") % {"record": cal},
        reverse("calendars:days", args=[pk]),
    )


def _day(request: AuthenticatedHttpRequest, pk: int, day_pk: int) -> CalendarDay:
    cal = _changeable(request, pk)
    return get_object_or_404(CalendarDay.objects.filter(calendar=cal), pk=day_pk)


@login_required
def day_edit(request: AuthenticatedHttpRequest, pk: int, day_pk: int) -> HttpResponse:
    day = _day(request, pk, day_pk)
    form = DayForm(request.POST or None, instance=CalendarDay.objects.get(pk=day.pk))
    return form_page(
        request,
        form,
        lambda data: actions.do_update_day(day, data, acting_user=request.user, channel=WEB),
        _("Edit %(record)s") % {"record": day},
        reverse("calendars:days", args=[pk]),
    )


@login_required
def day_delete(request: AuthenticatedHttpRequest, pk: int, day_pk: int) -> HttpResponse:
    day = _day(request, pk, day_pk)
    return delete_page(
        request,
        day,
        lambda: actions.do_delete_day(day, acting_user=request.user, channel=WEB),
        reverse("calendars:days", args=[pk]),
    )


# Bulk loads --------------------------------------------------------------------------------


def _loaded(request: AuthenticatedHttpRequest, result: actions.DaysWritten) -> None:
    messages.success(
        request,
        _("%(added)d day(s) added; %(kept)d already present and kept as they were.")
        % {"added": result.added, "kept": result.kept},
    )


@login_required
def load_cn(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cal = _changeable(request, pk)
    form = LoadCnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.do_load_cn_holidays(
                cal, form.cleaned_data["years"], acting_user=request.user, channel=WEB
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _loaded(request, result)
            return redirect(cal.get_absolute_url())
    title = _("Load China's holidays into %(record)s") % {"record": cal}
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel_url": cal.get_absolute_url()},
    )


@login_required
def import_ical(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cal = _changeable(request, pk)
    form = IcalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.do_import_ical(
                cal,
                form.cleaned_data["file"].read(),
                form.cleaned_data["kind"],
                years_complete=form.cleaned_data["years_complete"],
                acting_user=request.user,
                channel=WEB,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _loaded(request, result)
            return redirect(cal.get_absolute_url())
    title = _("Import an iCal file into %(record)s") % {"record": cal}
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cal.get_absolute_url(),
            "submit_label": _("Import"),
        },
    )


# Sites -------------------------------------------------------------------------------------


SITE_LIST = ListSpec(
    title=gettext_lazy("Site calendars"),
    columns=[
        ListColumn("code", gettext_lazy("Site"), lambda s: s.code, sort="code", link=True),
        ListColumn("name", gettext_lazy("Name"), lambda s: s.name, sort="name"),
        ListColumn("tz", gettext_lazy("Time zone"), lambda s: s.time_zone, sort="time_zone"),
        ListColumn(
            "calendar",
            gettext_lazy("Calendar"),
            lambda s: (
                str(s.calendar_link.calendar)
                if hasattr(s, "calendar_link")
                else _("(the default calendar)")
            ),
            sort="calendar_link__calendar__code",
        ),
    ],
    filterset=SITE_CALENDAR_FILTERS,
    default_sort="code",
    export_name="site-calendars",
    empty_text=gettext_lazy("No sites in your scope."),
)


@require_safe
@login_required
def site_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = SiteWithCalendar.objects.restrict(request.user, "view").select_related(
        "calendar_link__calendar"
    )
    return render_list(request, SITE_LIST, qs)


@login_required
def site_assign(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.restrict(request.user, "view"), pk=site_pk)
    if not allowed(request.user, "change", SiteCalendar):
        raise PermissionDenied
    link = SiteCalendar.objects.filter(site=site).first()
    form = AssignForm(
        request.POST or None,
        user=request.user,
        initial={"calendar": link.calendar_id if link else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_assign_calendar(
                site, form.cleaned_data["calendar"], acting_user=request.user, channel=WEB
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved the calendar of %(site)s.") % {"site": site})
            return redirect("calendars:sites")
    title = _("Calendar of %(site)s") % {"site": site}
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel_url": reverse("calendars:sites")},
    )
