"""Forms of the KPI pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sqms.analytics.spc import NELSON_RULES
from sqms.kpis.charting import DEFAULT_RULES
from sqms.kpis.models import ChartEvent, Kpi, Objective


class KpiForm(forms.ModelForm[Kpi]):
    class Meta:
        model = Kpi
        fields = [
            "code",
            "name",
            "name_en",
            "description",
            "unit",
            "direction",
            "target",
            "tolerance",
            "period",
            "nature",
            "rate_base",
            "source",
            "chart",
            "constants",
            "is_active",
        ]


class FreezeForm(forms.Form):
    baseline_from = forms.DateField(
        label=_("baseline from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    baseline_to = forms.DateField(
        label=_("baseline to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    rules = forms.TypedMultipleChoiceField(
        label=_("run rules"),
        coerce=int,
        choices=[(k, f"{k}: {v}") for k, v in NELSON_RULES.items()],
        initial=list(DEFAULT_RULES),
        widget=forms.CheckboxSelectMultiple,
    )


class AckForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EventForm(forms.ModelForm[ChartEvent]):
    class Meta:
        model = ChartEvent
        fields = ["date", "text", "kpi", "site"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sqms.core.models import Site

        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ModelChoiceField)
        site_field.queryset = Site.objects.restrict(user, "view")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_(
            "CSV (UTF-8 or GB18030) or XLSX with the columns kpi, site, period, value and "
            "optionally n."
        ),
    )


class ObjectiveForm(forms.ModelForm[Objective]):
    class Meta:
        model = Objective
        fields = [
            "title",
            "kpi",
            "level",
            "site",
            "region",
            "target",
            "deadline",
            "owner",
            "parent",
            "notes",
        ]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sqms.core.models import Site

        for name, qs in (
            ("site", Site.objects.restrict(user)),
            ("parent", Objective.objects.restrict(user)),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = qs


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_review = forms.DateField(
        label=_("next review"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
