"""Forms of the internal-audit pages (insp-programme)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from sqms.core.models import Site
from sqms.inspections.actions.audits import audit_templates
from sqms.inspections.choices import FindingKind
from sqms.inspections.forms_programmes import DateInput, UserChoices, inspector_choices
from sqms.inspections.models import AuditPlan, ChecklistTemplate, Finding


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class AuditPlanForm(forms.Form):
    scope = forms.CharField(label=_("Audit scope"), widget=forms.Textarea(attrs={"rows": 3}))
    criteria = forms.CharField(label=_("Criteria"), max_length=200, initial="ISO 9001:2015")
    clauses = forms.CharField(
        label=_("Clauses"), max_length=300, required=False, help_text=_("e.g. 7.5, 8.2, 8.5.1")
    )
    auditors = UserChoices(label=_("Auditors"), queryset=get_user_model().objects.none())
    auditees = forms.CharField(
        label=_("Auditees"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    planned_on = forms.DateField(label=_("Planned for"), widget=DateInput)

    def __init__(self, *args: Any, plan: AuditPlan | None = None, **kw: Any) -> None:
        if plan is not None:
            kw.setdefault(
                "initial",
                {
                    "scope": plan.scope,
                    "criteria": plan.criteria,
                    "clauses": plan.clauses,
                    "auditors": list(plan.auditors.values_list("pk", flat=True)),
                    "auditees": plan.auditees,
                    "planned_on": plan.planned_on,
                },
            )
        super().__init__(*args, **kw)
        self.fields["auditors"].queryset = inspector_choices()  # type: ignore[attr-defined]


class AuditCreateForm(AuditPlanForm):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    template = forms.ModelChoiceField(
        label=_("Audit checklist"), queryset=ChecklistTemplate.objects.none()
    )
    field_order = ["site", "template"]

    def __init__(self, *args: Any, user: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["site"].queryset = Site.objects.restrict(user).order_by("code")  # type: ignore[attr-defined]
        self.fields["template"].queryset = audit_templates()  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    at = forms.DateTimeField(label=_("Held at"), required=False, widget=DateTimeInput)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(forms.Form):
    closing_at = forms.DateTimeField(
        label=_("Closing meeting held at"), required=False, widget=DateTimeInput
    )
    closing_notes = forms.CharField(
        label=_("Closing meeting notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    clause = forms.CharField(label=_("ISO 9001 clause"), max_length=20)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=_("Objective evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    auditee = forms.CharField(label=_("Auditee"), max_length=100, required=False)

    def __init__(self, *args: Any, finding: Finding | None = None, **kw: Any) -> None:
        if finding is not None:
            kw.setdefault(
                "initial",
                {
                    name: getattr(finding, name)
                    for name in ("kind", "clause", "description", "evidence", "auditee")
                },
            )
        super().__init__(*args, **kw)
