"""Forms of the complaint settings pages: SLA policies, categories, keyword rules, and the
"which policy would it get" preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sqms.complaints.choices import IntakeChannel, Severity
from sqms.complaints.models import Category, KeywordRule, SlaPolicy
from sqms.core.choices import SiteKind


class PolicyForm(forms.ModelForm[SlaPolicy]):
    class Meta:
        model = SlaPolicy
        fields = [
            "code",
            "name",
            "priority",
            "is_active",
            "is_default",
            "severity",
            "category",
            "site_kind",
            "channel",
            "first_response_hours",
            "update_interval_hours",
            "resolution_hours",
            "warning_share",
            "site_manager_hours",
            "region_manager_hours",
        ]

    def _get_validation_exclusions(self) -> set[str]:
        """Skip the one-default constraint here: the action makes this policy the only
        default (it un-defaults the other one in the same transaction, then checks)."""
        exclusions: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]
        return {*exclusions, "is_default"}


class CategoryForm(forms.ModelForm[Category]):
    class Meta:
        model = Category
        fields = ["code", "name", "name_en", "parent", "position", "is_active"]


class RuleForm(forms.ModelForm[KeywordRule]):
    class Meta:
        model = KeywordRule
        fields = ["name", "words", "severity", "category", "notify_emails", "is_active"]
        widgets = {
            "words": forms.Textarea(attrs={"rows": 5}),
            "notify_emails": forms.Textarea(attrs={"rows": 3}),
        }


def _optional(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("(any)")), *choices]


class PreviewForm(forms.Form):
    """A complaint's classification, to show which policy it would get."""

    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    category = forms.ModelChoiceField(
        label=_("category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    site_kind = forms.ChoiceField(label=_("site kind"), choices=SiteKind.choices)
    channel = forms.ChoiceField(label=_("channel"), choices=IntakeChannel.choices)
