"""Every write to business calendars: the calendar itself, its days (holidays and 调休),
China's holidays from the package, iCal imports and which calendar a site uses. Each action
checks the role (quality managers only: calendars are organisation-wide settings) and writes
its audit event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.calendars import holidays_cn
from sqms.calendars.choices import DayKind, YearSource
from sqms.calendars.ical import IcalError, parse_ical
from sqms.calendars.models import BusinessCalendar, CalendarDay, HolidayYear, SiteCalendar
from sqms.core import audit
from sqms.core.actions import _delete, _save_changes, _save_new
from sqms.core.choices import AuditAction
from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed, ensure_site_in_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


@dataclass(frozen=True)
class DaysWritten:
    """What a bulk load did: rows added, dates already present (left as they were), years."""

    added: int
    kept: int
    years: list[int]


def _touch(calendar: BusinessCalendar) -> None:
    """Move ``updated_at`` so cached WorkCalendars of this calendar are rebuilt."""
    calendar.updated_at = timezone.now()
    BusinessCalendar.objects.filter(pk=calendar.pk).update(updated_at=calendar.updated_at)


def _unset_other_default(calendar: BusinessCalendar, data: dict[str, Any]) -> None:
    if data.get("is_default"):
        BusinessCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(
            is_default=False
        )


# Calendars ---------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_create_calendar(
    data: dict[str, Any], *, acting_user: User | None, channel: str
) -> BusinessCalendar:
    """Create a calendar; ``is_default=True`` makes it the default in place of the old one."""
    ensure_allowed(acting_user, "add", BusinessCalendar)
    calendar = BusinessCalendar()
    _unset_other_default(calendar, data)
    return _save_new(calendar, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_calendar(
    calendar: BusinessCalendar, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> BusinessCalendar:
    ensure_allowed(acting_user, "change", calendar)
    _unset_other_default(calendar, data)
    return _save_changes(calendar, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_delete_calendar(
    calendar: BusinessCalendar, *, acting_user: User | None, channel: str
) -> None:
    """Delete a calendar and its days; refused while a site still uses it."""
    ensure_allowed(acting_user, "delete", calendar)
    count = calendar.site_links.count()
    if count:
        raise ValidationError(
            _("%(record)s is still the calendar of %(count)d site(s); assign them another first.")
            % {"record": calendar, "count": count}
        )
    _delete(calendar, acting_user=acting_user, channel=channel)


# Days --------------------------------------------------------------------------------------


def _check_free_date(calendar: BusinessCalendar, day: CalendarDay) -> None:
    taken = CalendarDay.objects.filter(calendar=calendar, date=day.date).exclude(pk=day.pk)
    if day.date is not None and taken.exists():
        raise ValidationError(
            {
                "date": ValidationError(
                    _("%(date)s already has an entry in this calendar; edit that one.")
                    % {"date": day.date.isoformat()},
                    code="unique",
                )
            }
        )


@transaction.atomic(durable=True)
def do_add_day(
    calendar: BusinessCalendar, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> CalendarDay:
    """Add a holiday or adjusted working day (``date``, ``kind``, ``name``, ``follows_weekday``)."""
    ensure_allowed(acting_user, "change", calendar)
    day = CalendarDay(calendar=calendar)
    for name, value in data.items():
        setattr(day, name, value)
    _check_free_date(calendar, day)
    _save_new(day, {}, acting_user=acting_user, channel=channel)
    _touch(calendar)
    return day


@transaction.atomic(durable=True)
def do_update_day(
    day: CalendarDay, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> CalendarDay:
    ensure_allowed(acting_user, "change", day.calendar)
    before = audit.snapshot(day)
    for name, value in data.items():
        setattr(day, name, value)
    _check_free_date(day.calendar, day)
    day.full_clean()
    day.save()
    audit.record(day, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    _touch(day.calendar)
    return day


@transaction.atomic(durable=True)
def do_delete_day(day: CalendarDay, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "change", day.calendar)
    calendar = day.calendar
    _delete(day, acting_user=acting_user, channel=channel)
    _touch(calendar)


def _write_days(
    calendar: BusinessCalendar,
    rows: Sequence[tuple[date, str, str]],
    years: list[int],
    source: str,
    detail: str,
    *,
    acting_user: User | None,
    channel: str,
) -> DaysWritten:
    """Add ``(date, kind, name)`` rows whose date has no entry yet; record the years as
    complete; one audit event on the calendar says what the load did."""
    existing = set(
        CalendarDay.objects.filter(calendar=calendar, date__in=[r[0] for r in rows]).values_list(
            "date", flat=True
        )
    )
    new = {}
    for d, kind, name in rows:
        if d not in existing and d not in new:
            new[d] = CalendarDay(calendar=calendar, date=d, kind=kind, name=name[:200])
    CalendarDay.objects.bulk_create(new.values())
    for year in years:
        HolidayYear.objects.update_or_create(
            calendar=calendar, year=year, defaults={"source": source, "detail": detail}
        )
    result = DaysWritten(added=len(new), kept=len(rows) - len(new), years=sorted(years))
    audit.record(
        calendar,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before={"days": None},
        after={
            "days": _("%(source)s %(years)s: %(added)d added, %(kept)d kept")
            % {
                "source": detail,
                "years": ", ".join(str(y) for y in result.years) or "-",
                "added": result.added,
                "kept": result.kept,
            }
        },
    )
    _touch(calendar)
    return result


@transaction.atomic(durable=True)
def do_load_cn_holidays(
    calendar: BusinessCalendar, years: list[int], *, acting_user: User | None, channel: str
) -> DaysWritten:
    """Add China's holidays and 调休 working days of ``years`` from the chinese-calendar package.

    A date that already has an entry is kept as it is (a person may have edited it). A year the
    package has no data for is refused, naming the year and the package version, before
    anything is written; the loaded years count as complete (``HolidayYear``)."""
    ensure_allowed(acting_user, "change", calendar)
    years = sorted(set(years))
    if not years:
        raise ValidationError({"years": _("Give at least one year.")})
    missing = [y for y in years if y not in holidays_cn.covered_years()]
    if missing:
        raise ValidationError({"years": str(holidays_cn.UncoveredYearError(missing))})
    rows = [
        (c.date, DayKind.HOLIDAY if c.is_holiday else DayKind.WORKING_DAY, c.name)
        for y in years
        for c in holidays_cn.cn_days(y)
    ]
    detail = f"{holidays_cn.PACKAGE} {holidays_cn.VERSION}"
    return _write_days(
        calendar, rows, years, YearSource.CN, detail, acting_user=acting_user, channel=channel
    )


@transaction.atomic(durable=True)
def do_import_ical(
    calendar: BusinessCalendar,
    file_bytes: bytes,
    kind: str,
    *,
    acting_user: User | None,
    channel: str,
    years_complete: bool = False,
) -> DaysWritten:
    """Add every day of every VEVENT in an iCal file as ``kind`` (holiday or working day), the
    event's SUMMARY as its name. Dates already present are kept. A bad file is refused with the
    line at fault and nothing is written. ``years_complete`` records the years the file
    touches as complete (for a calendar with a holiday source)."""
    ensure_allowed(acting_user, "change", calendar)
    if kind not in DayKind.values:
        raise ValidationError({"kind": _("Unknown kind %(kind)r.") % {"kind": kind}})
    try:
        events = parse_ical(file_bytes)
    except IcalError as exc:
        raise ValidationError({"file": str(exc)}) from None
    if not events:
        raise ValidationError({"file": _("The file holds no events (VEVENT).")})
    rows = [(d, kind, e.summary) for e in events for d in e.dates()]
    years = sorted({d.year for d, _k, _n in rows}) if years_complete else []
    return _write_days(
        calendar, rows, years, YearSource.ICAL, "iCal", acting_user=acting_user, channel=channel
    )


# Sites -------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_assign_calendar(
    site: Site,
    calendar: BusinessCalendar | None,
    *,
    acting_user: User | None,
    channel: str,
) -> SiteCalendar | None:
    """Make ``calendar`` the site's calendar; ``None`` returns the site to the default one."""
    ensure_allowed(acting_user, "change", SiteCalendar)
    ensure_site_in_scope(acting_user, site.pk)
    link = SiteCalendar.objects.filter(site=site).first()
    if calendar is None:
        if link is not None:
            _delete(link, acting_user=acting_user, channel=channel)
        return None
    if link is None:
        return _save_new(
            SiteCalendar(site=site),
            {"calendar": calendar},
            acting_user=acting_user,
            channel=channel,
        )
    return _save_changes(link, {"calendar": calendar}, acting_user=acting_user, channel=channel)
