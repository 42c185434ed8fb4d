"""Forms of the standards pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from sqms.complaints.models import Category, SlaPolicy
from sqms.core.choices import Role
from sqms.core.models import Service, Site
from sqms.core.scoping import site_ids_in_scope
from sqms.inspections.models import ChecklistTemplate
from sqms.standards.models import Standard, StandardVersion, Training

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StandardForm(forms.ModelForm[Standard]):
    class Meta:
        model = Standard
        fields = ["code", "title", "title_en", "kind", "service", "review_months"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.restrict(user)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["code"].disabled = True


class VersionForm(forms.ModelForm[StandardVersion]):
    class Meta:
        model = StandardVersion
        fields = ["body", "promise", "compensation", "change_note", "ack_all_staff", "ack_sites"]
        widgets = {"ack_sites": forms.CheckboxSelectMultiple}


class StepForm(forms.Form):
    text = forms.CharField(label=_("step"), max_length=500, required=False)
    time_limit_minutes = forms.IntegerField(
        label=_("time limit (minutes)"), min_value=0, max_value=100_000, required=False
    )
    role = forms.ChoiceField(
        label=_("responsible role"), choices=[("", "—"), *Role.choices], required=False
    )


StepFormSet = forms.formset_factory(StepForm, extra=3, max_num=50)


class ApproveForm(forms.Form):
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RejectForm(forms.Form):
    note = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class LinkForm(forms.Form):
    template = forms.ModelChoiceField(
        ChecklistTemplate.objects.all(), label=_("checklist"), required=False
    )
    item_code = forms.CharField(label=_("item code"), max_length=20, required=False)
    sla_policy = forms.ModelChoiceField(
        SlaPolicy.objects.all(), label=_("SLA policy"), required=False
    )
    category = forms.ModelChoiceField(
        Category.objects.all(), label=_("complaint category"), required=False
    )


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("from"), widget=DATE)
    date_to = forms.DateField(label=_("to"), widget=DATE)
    site = forms.ModelChoiceField(Site.objects.none(), label=_("site"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.restrict(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        d0, d1 = data.get("date_from"), data.get("date_to")
        if d0 and d1 and d0 > d1:
            self.add_error("date_to", _("The end comes before the start."))
        return data


class TrainingForm(forms.ModelForm[Training]):
    class Meta:
        model = Training
        fields = [
            "standard",
            "course",
            "held_on",
            "trainer",
            "sites",
            "attendees",
            "notes",
            "effect_metric",
            "effect_category",
            "window_days",
        ]
        widgets = {
            "held_on": DATE,
            "sites": forms.CheckboxSelectMultiple,
            "attendees": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = Standard.objects.restrict(user)  # type: ignore[attr-defined]
        sites = Site.objects.restrict(user)
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]
        users = get_user_model().objects.filter(is_active=True)
        scope = site_ids_in_scope(user)
        if scope is not None:
            users = users.filter(profile__sites__in=scope)
        self.fields["attendees"].queryset = users.distinct().order_by("username")  # type: ignore[attr-defined]
