"""Forms of the core pages; validation messages show inline beside each field."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from sqms.core.choices import Role
from sqms.core.models import Region, Service, Site


class RegionForm(forms.ModelForm[Region]):
    class Meta:
        model = Region
        fields = ["code", "name"]


class SiteForm(forms.ModelForm[Site]):
    class Meta:
        model = Site
        fields = [
            "region",
            "code",
            "name",
            "kind",
            "city",
            "address",
            "time_zone",
            "opening_hours",
            "manager",
            "is_active",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField[Region], self.fields["region"]
        ).queryset = Region.objects.restrict(user, "view")
        cast(forms.ModelChoiceField[Any], self.fields["manager"]).queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )


class ServiceForm(forms.ModelForm[Service]):
    class Meta:
        model = Service
        fields = ["code", "name", "description", "sites"]
        widgets = {"sites": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelMultipleChoiceField[Site], self.fields["sites"]
        ).queryset = Site.objects.restrict(user, "view").select_related("region")


class UserForm(forms.Form):
    username = forms.CharField(label=_("username"), max_length=150)
    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("email"), required=False)
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    regions = forms.ModelMultipleChoiceField(
        label=_("regions"),
        queryset=Region.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("sites"),
        queryset=Site.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    all_sites = forms.BooleanField(label=_("all sites (viewers)"), required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    password = forms.CharField(
        label=_("initial password"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Leave empty to keep the current password."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["username"].disabled = True
        else:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password: str = self.cleaned_data.get("password", "")
        if password:
            validate_password(password)
        return password


class TokenForm(forms.Form):
    name = forms.CharField(label=_("token name"), max_length=100)
