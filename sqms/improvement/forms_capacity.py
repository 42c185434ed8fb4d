"""Forms of capacity planning: the 7×24 grids (arrivals with the plan's settings; staff),
file imports and the derivation of a profile from timestamps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sqms.improvement.capacity import WEEKDAYS
from sqms.improvement.models import HOURS_PER_WEEK, ProfileSource

FILE_HELP = _(
    "CSV (UTF-8, UTF-8 with BOM or GB18030) or XLSX: the columns weekday (1–7, Monday = 1, or "
    "a day name), hour (0–23) and the value; or 7 rows (Monday … Sunday) of 24 hourly values. "
    "A file with any bad cell changes nothing."
)


def cell_name(i: int) -> str:
    return f"h{i}"


class WeekGridForm(forms.Form):
    """168 number inputs ``h0`` … ``h167`` (Monday 00:00 first)."""

    whole = False

    def __init__(self, *args: Any, week: list[float] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(HOURS_PER_WEEK):
            label = f"{WEEKDAYS[i // 24]} {i % 24:02d}:00"
            field: forms.Field
            if self.whole:
                field = forms.IntegerField(label=label, min_value=0, max_value=100000)
            else:
                field = forms.FloatField(label=label, min_value=0, max_value=1e7)
            field.required = False
            field.widget.attrs.update({"class": "cell", "step": "1" if self.whole else "any"})
            if week is not None:
                v = week[i]
                field.initial = int(v) if float(v).is_integer() else v
            self.fields[cell_name(i)] = field

    def week(self) -> list[float]:
        return [float(self.cleaned_data.get(cell_name(i)) or 0) for i in range(HOURS_PER_WEEK)]

    def grid(self) -> list[tuple[str, list[Any]]]:
        """Rows of bound fields for the template: (weekday, 24 fields)."""
        return [
            (str(WEEKDAYS[d]), [self[cell_name(d * 24 + h)] for h in range(24)]) for d in range(7)
        ]

    def setting_fields(self) -> list[Any]:
        return [self[n] for n in self.fields if not n.startswith("h") or not n[1:].isdigit()]


class ProfileForm(WeekGridForm):
    handling_time = forms.IntegerField(
        label=_("Average handling time (s)"), min_value=1, max_value=86400, initial=300
    )
    target_level = forms.DecimalField(
        label=_("Service-level target (%)"),
        min_value=1,
        max_value=99.99,
        decimal_places=2,
        initial=80,
    )
    target_seconds = forms.IntegerField(
        label=_("… served within (s)"), min_value=0, max_value=86400, initial=300
    )
    shrinkage = forms.DecimalField(
        label=_("Shrinkage (%)"),
        min_value=0,
        max_value=90,
        decimal_places=1,
        initial=0,
        required=False,
        help_text=_("Share of paid time not spent serving (breaks, training, absence)."),
    )


class RosterForm(WeekGridForm):
    whole = True


class WeekFileForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=FILE_HELP)


class DeriveForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Timestamps of"),
        choices=[
            (ProfileSource.COMPLAINTS, _("complaints (received)")),
            (ProfileSource.SURVEYS, _("survey responses (submitted)")),
        ],
    )
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(
        label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            raise ValidationError({"date_to": _("The end date is before the start date.")})
        return data
