"""Forms of the recovery and transaction-volume pages (c-recovery)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sqms.complaints.choices import RecoveryKind
from sqms.complaints.volume_file import parse_month
from sqms.core.models import Site


class RecoveryForm(forms.Form):
    kind = forms.ChoiceField(label=_("What was done"), choices=RecoveryKind.choices)
    amount = forms.DecimalField(
        label=_("Amount"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Refunds, compensation and goodwill gestures only."),
    )
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class MonthField(forms.CharField):
    """A month typed as ``YYYY-MM`` (an ``<input type="month">``), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return value

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(_("Enter the month as YYYY-MM."))
        return month


class VolumeForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    period = MonthField(label=_("Month"))
    transactions = forms.IntegerField(label=_("Transactions"), min_value=0, max_value=2147483647)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Site.objects.restrict(user, "view").order_by("code")


class VolumeImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8 or GB18030) or XLSX with the columns site (code), month (YYYY-MM) and "
            "transactions. Existing months are overwritten; a file with any bad row imports "
            "nothing."
        ),
    )
