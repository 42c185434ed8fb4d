"""Staff forms for complaints: create/edit, workflow transition, assignment, timeline entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sqms.complaints import workflow
from sqms.complaints.choices import RootCause
from sqms.complaints.models import Category, Complaint
from sqms.core.models import Service, Site
from sqms.core.names import display_name
from sqms.core.scoping import restricted


class ComplaintForm(forms.ModelForm[Complaint]):
    class Meta:
        model = Complaint
        fields = [
            "site",
            "service",
            "channel",
            "category",
            "severity",
            "summary",
            "description",
            "customer_name",
            "customer_contact",
            "received_at",
        ]
        widgets = {
            "received_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = restricted(Site, user, "view").filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.all()  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["summary"].required = False
        self.fields["summary"].help_text = _("Left empty, the first line of the description.")
        if editing:
            del self.fields["received_at"]
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.instance.version
            )
            self.fields["root_cause"] = forms.ChoiceField(
                label=_("Root cause"),
                choices=[("", "—"), *RootCause.choices],
                required=False,
                initial=self.instance.root_cause,
            )
        else:
            self.fields["received_at"].required = False
            self.fields["received_at"].help_text = _("Left empty, now.")

    def _get_validation_exclusions(self) -> set[str]:
        # The action validates the whole complaint (source, tracking code, policy).
        return {f.name for f in Complaint._meta.fields}


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(choices=[(n, t.label) for n, t in workflow.TRANSITIONS.items()])
    version = forms.IntegerField(widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    public = forms.BooleanField(label=_("Show the comment to the customer"), required=False)
    resolution = forms.CharField(
        label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    root_cause = forms.ChoiceField(
        label=_("Root cause"), choices=[("", "—"), *RootCause.choices], required=False
    )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, users: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.users = {str(u.pk): u for u in users}
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("nobody"))] + [
            (pk, display_name(u)) for pk, u in self.users.items()
        ]


class EntryForm(forms.Form):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(
        label=_("Reply to the customer (visible on the status page)"), required=False
    )
