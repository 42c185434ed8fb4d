"""Forms of the checklist editor and of opening and performing inspections. They parse input
only: the actions validate the records (one place for the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sqms.core.models import Site
from sqms.core.scoping import restricted
from sqms.inspections.choices import ChecklistStatus, InspectionKind
from sqms.inspections.models import ChecklistTemplate, Item, Section, TemplateVersion


class _ParseOnly(forms.ModelForm):  # type: ignore[type-arg]
    """A model form whose model checks are left to the action."""

    def _post_clean(self) -> None:
        pass


class TemplateForm(_ParseOnly):
    class Meta:
        model = ChecklistTemplate
        fields = ["code", "name", "name_en", "kind", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
        else:
            del self.fields["is_active"]


class VersionForm(_ParseOnly):
    class Meta:
        model = TemplateVersion
        fields = [
            "critical_rule",
            "cap_score",
            "pass_mark",
            "keep_photo_location",
            "scenario",
            "change_note",
        ]
        widgets = {
            "scenario": forms.Textarea(attrs={"rows": 4}),
            "change_note": forms.Textarea(attrs={"rows": 2}),
        }


class SectionForm(_ParseOnly):
    class Meta:
        model = Section
        fields = ["title", "title_en"]


class ItemForm(_ParseOnly):
    class Meta:
        model = Item
        fields = [
            "code",
            "text",
            "text_en",
            "scoring",
            "weight",
            "is_critical",
            "photo",
            "target",
            "tolerance",
            "unit",
            "guidance",
            "standard_ref",
            "clause",
        ]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}


class ImportForm(forms.Form):
    code = forms.CharField(
        label=_("checklist code"),
        max_length=30,
        help_text=_("A new code makes a new checklist; an existing one gets a new draft version."),
    )
    name = forms.CharField(label=_("name"), max_length=200, required=False)
    file = forms.FileField(
        label=_("file"),
        help_text=_(
            "CSV (UTF-8 or GB18030) or XLSX with the columns section, code, item, scoring, "
            "weight, critical, photo, target, tolerance, guidance."
        ),
    )


class InspectionForm(forms.Form):
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.objects.none())
    template = forms.ModelChoiceField(
        label=_("checklist"), queryset=ChecklistTemplate.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[("", _("as the checklist says")), *InspectionKind.choices],
        required=False,
    )
    due_on = forms.DateField(
        label=_("due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = restricted(Site, user, "view").filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["template"].queryset = ChecklistTemplate.objects.filter(  # type: ignore[attr-defined]
            is_active=True, versions__status=ChecklistStatus.PUBLISHED
        ).distinct()


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    site_representative = forms.CharField(
        label=_("site representative"), max_length=100, required=False
    )
    acknowledged = forms.BooleanField(
        label=_("the site representative acknowledges the result"), required=False
    )
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
