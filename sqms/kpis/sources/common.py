"""What the source families share: period truncation in the server's time zone and the
datetime bounds of a period range."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import DateField
from django.db.models.functions import Trunc
from django.utils import timezone


def trunc(field: str, period: str) -> Any:
    return Trunc(field, period, output_field=DateField(), tzinfo=timezone.get_current_timezone())


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime(start.year, start.month, start.day, tzinfo=tz),
        dt.datetime(end.year, end.month, end.day, tzinfo=tz),
    )


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise TypeError(f"not a date: {value!r}")
    return value
