"""Staff forms of the CAPA pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sqms.capa import workflow
from sqms.capa.choices import ActionKind, MetricKind, Origin, SixM, Verdict
from sqms.capa.models import Action, Cause, Nonconformity, WhyStep
from sqms.core.models import Site
from sqms.core.names import display_name
from sqms.core.scoping import restricted
from sqms.surveys.choices import Dimension

#: origins a person raises by hand (the others come from their source)
HAND_ORIGINS = [(o.value, o.label) for o in (Origin.MANUAL, Origin.SURVEY_GAP, Origin.KPI_ALARM)]


def _owner_field(users: list[Any], label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *[(str(u.pk), display_name(u)) for u in users]],
        required=False,
        coerce=int,
        empty_value=None,
    )


class NonconformityForm(forms.ModelForm[Nonconformity]):
    class Meta:
        model = Nonconformity
        fields = [
            "site",
            "title",
            "severity",
            "origin",
            "description",
            "containment",
            "source_ref",
            "source_url",
            "due_date",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "containment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, user: Any, owners: list[Any], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {u.pk: u for u in owners}
        self.fields["site"].queryset = restricted(Site, user, "view").filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["site"].required = False
        self.fields["owner_id"] = _owner_field(owners, _("Owner"))
        self.fields["due_date"].help_text = _(
            "Left empty: 30 days for a major, 60 for a minor one."
        )
        if editing:
            del self.fields["origin"]
            self.fields["owner_id"].initial = self.instance.owner_id
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.instance.version
            )
        else:
            self.fields["origin"] = forms.ChoiceField(label=_("Origin"), choices=HAND_ORIGINS)

    def _get_validation_exclusions(self) -> set[str]:
        return {f.name for f in Nonconformity._meta.fields}

    def data_for_action(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        owner_id = data.pop("owner_id", None)
        data["owner"] = self.owners.get(owner_id) if owner_id else None
        return data


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(choices=[(n, t.label) for n, t in workflow.TRANSITIONS.items()])
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (for cancelling)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WhyStepForm(forms.Form):
    question = forms.CharField(label=_("Why?"), max_length=300, required=False)
    answer = forms.CharField(
        label=_("Because"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_root = forms.BooleanField(label=_("This is the root cause"), required=False)
    cause = forms.ModelChoiceField(
        label=_("Cause (taxonomy)"), queryset=Cause.objects.filter(is_active=True), required=False
    )


class WhyStepEditForm(forms.Form):
    """A step's texts and cause (the root-cause mark is a button on the NC page)."""

    question = forms.CharField(label=_("Why?"), max_length=300, required=False)
    answer = forms.CharField(
        label=_("Because"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    cause = forms.ModelChoiceField(
        label=_("Cause (taxonomy)"), queryset=Cause.objects.none(), required=False
    )

    def __init__(self, *args: Any, step: WhyStep, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"question": step.question, "answer": step.answer, "cause": step.cause_id}
        )
        super().__init__(*args, **kwargs)
        field = self.fields["cause"]
        assert isinstance(field, forms.ModelChoiceField)
        # the step's own cause stays choosable after it was retired from the taxonomy
        field.queryset = Cause.objects.filter(Q(is_active=True) | Q(pk=step.cause_id))


class FishboneForm(forms.Form):
    category = forms.ChoiceField(label=_("6M category"), choices=SixM.choices)
    text = forms.CharField(label=_("Cause"), max_length=300, required=False)
    cause = forms.ModelChoiceField(
        label=_("Cause (taxonomy)"), queryset=Cause.objects.filter(is_active=True), required=False
    )
    is_root = forms.BooleanField(label=_("Root cause"), required=False)


class ActionForm(forms.ModelForm[Action]):
    class Meta:
        model = Action
        fields = ["kind", "description", "due_date"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {u.pk: u for u in owners}
        self.fields["kind"].choices = ActionKind.choices  # type: ignore[attr-defined]
        self.fields["owner_id"] = _owner_field(owners, _("Owner"))
        if self.instance.pk:
            self.fields["owner_id"].initial = self.instance.owner_id

    def _get_validation_exclusions(self) -> set[str]:
        return {f.name for f in Action._meta.fields}

    def data_for_action(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        owner_id = data.pop("owner_id", None)
        data["owner"] = self.owners.get(owner_id) if owner_id else None
        return data


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerificationForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=MetricKind.choices)
    window_days = forms.IntegerField(
        label=_("Days before the NC to compare with"), min_value=1, max_value=3660, initial=90
    )
    item = forms.IntegerField(
        label=_("Checklist item id"), required=False, widget=forms.HiddenInput
    )
    category = forms.IntegerField(label=_("Complaint category"), required=False)
    dimension = forms.ChoiceField(
        label=_("SERVQUAL dimension"), choices=[("", "—"), *Dimension.choices], required=False
    )
    before = forms.FloatField(label=_("Before (figure by hand)"), required=False)
    after = forms.FloatField(label=_("After (figure by hand)"), required=False)
    unit = forms.CharField(label=_("Unit"), max_length=60, required=False)
    higher_is_better = forms.BooleanField(label=_("Higher is better"), required=False, initial=True)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, categories: list[tuple[Any, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if categories is not None:
            self.fields["category"] = forms.TypedChoiceField(
                label=_("Complaint category"),
                choices=[("", _("every category")), *categories],
                required=False,
                coerce=int,
                empty_value=None,
            )

    def params(self) -> dict[str, Any]:
        d = self.cleaned_data
        keys = {
            MetricKind.ITEM_PASS_RATE: ("item",),
            MetricKind.COMPLAINT_RATE: ("category",),
            MetricKind.SURVEY_GAP: ("dimension",),
            MetricKind.MANUAL: ("before", "after", "unit", "higher_is_better"),
        }[d["metric"]]
        out = {k: d.get(k) for k in keys}
        out["window_days"] = d["window_days"]
        return out


class ConfirmForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[
            (Verdict.EFFECTIVE, Verdict.EFFECTIVE.label),
            (Verdict.NOT_EFFECTIVE, Verdict.NOT_EFFECTIVE.label),
        ],
        widget=forms.RadioSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (needed for “not effective”)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CauseForm(forms.ModelForm[Cause]):
    class Meta:
        model = Cause
        fields = ["code", "name", "name_en", "category", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _get_validation_exclusions(self) -> set[str]:
        return {f.name for f in Cause._meta.fields}
