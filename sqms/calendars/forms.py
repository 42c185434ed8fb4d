"""Forms of the calendar pages."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sqms.calendars import holidays_cn
from sqms.calendars.choices import DayKind
from sqms.calendars.models import WEEKDAY_FIELDS, BusinessCalendar, CalendarDay


class CalendarForm(forms.ModelForm[BusinessCalendar]):
    class Meta:
        model = BusinessCalendar
        fields = [
            "code",
            "name",
            "time_zone",
            *WEEKDAY_FIELDS,
            "always_open",
            "holiday_source",
            "is_default",
        ]

    def _get_validation_exclusions(self) -> set[str]:
        """Skip the one-default constraint here: saving makes this calendar the only default
        (the action un-defaults the other one in the same transaction, then checks)."""
        # django-stubs does not declare this private BaseModelForm method.
        exclusions: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]
        return {*exclusions, "is_default"}


class DayForm(forms.ModelForm[CalendarDay]):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "follows_weekday"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class LoadCnForm(forms.Form):
    years = forms.CharField(
        label=_("years"),
        max_length=100,
        help_text=_("One or more years, e.g. 2025, 2026."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lo, hi = holidays_cn.covered_range()
        self.fields["years"].help_text = _(
            "One or more years, e.g. 2025, 2026. %(package)s %(version)s covers %(lo)d–%(hi)d."
        ) % {"package": holidays_cn.PACKAGE, "version": holidays_cn.VERSION, "lo": lo, "hi": hi}

    def clean_years(self) -> list[int]:
        raw = self.cleaned_data["years"]
        parts = [p for p in re.split(r"[\s,;]+", raw) if p]
        if not parts or not all(p.isdigit() and len(p) == 4 for p in parts):
            raise forms.ValidationError(_("Give four-digit years separated by commas."))
        return sorted({int(p) for p in parts})


class IcalForm(forms.Form):
    file = forms.FileField(label=_("iCal file (.ics)"))
    kind = forms.ChoiceField(label=_("the events are"), choices=DayKind.choices)
    years_complete = forms.BooleanField(
        label=_("the file holds every holiday of its years"),
        required=False,
        help_text=_("Then the calendar may answer for those years (holiday source China)."),
    )


class AssignForm(forms.Form):
    calendar = forms.ModelChoiceField(
        label=_("calendar"),
        queryset=BusinessCalendar.objects.none(),
        required=False,
        empty_label=_("(the default calendar)"),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField[BusinessCalendar], self.fields["calendar"]
        ).queryset = BusinessCalendar.objects.restrict(user, "view")
