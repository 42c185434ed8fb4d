"""Forms of the programme pages (insp-programme)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sqms.core.models import Site
from sqms.core.names import display_name
from sqms.inspections.choices import Frequency, InspectionKind
from sqms.inspections.models import INSPECTION_EDITORS, ChecklistTemplate, Programme


def inspector_choices() -> QuerySet[Any]:
    """Active users who may perform inspections."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__role__in=INSPECTION_EDITORS)
        .order_by("username")
    )


class UserChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{display_name(obj)} ({obj.get_username()})"


class DateInput(forms.DateInput):
    input_type = "date"


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    template = forms.ModelChoiceField(
        label=_("Checklist"), queryset=ChecklistTemplate.objects.none()
    )
    kind = forms.ChoiceField(label=_("Inspection kind"), choices=InspectionKind.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    sites = forms.ModelMultipleChoiceField(label=_("Sites"), queryset=Site.objects.none())
    inspectors = UserChoices(
        label=_("Inspectors"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("They take turns per site. Leave empty for self-inspections."),
    )
    starts_on = forms.DateField(label=_("Starts"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends"), widget=DateInput, required=False)
    remind_days = forms.IntegerField(
        label=_("Remind days before due"), min_value=0, max_value=60, initial=2
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, instance: Programme | None = None, **kw: Any) -> None:
        if instance is not None:
            kw.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "template": instance.template_id,
                    "kind": instance.kind,
                    "frequency": instance.frequency,
                    "sites": list(instance.sites.values_list("pk", flat=True)),
                    "inspectors": list(instance.inspectors.values_list("pk", flat=True)),
                    "starts_on": instance.starts_on,
                    "ends_on": instance.ends_on,
                    "remind_days": instance.remind_days,
                    "is_active": instance.is_active,
                },
            )
        super().__init__(*args, **kw)
        self.fields["template"].queryset = ChecklistTemplate.objects.restrict(user).filter(  # type: ignore[attr-defined]
            is_active=True
        )
        self.fields["sites"].queryset = Site.objects.restrict(user).order_by("code")  # type: ignore[attr-defined]
        self.fields["inspectors"].queryset = inspector_choices()  # type: ignore[attr-defined]


class GenerateForm(forms.Form):
    until = forms.DateField(label=_("Plan until"), widget=DateInput)
