"""Forms of the results area: raise and decide a dispute, record a reward or penalty. The
actions validate again (the API sends the same data without these forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sqms.inspections.choices import ConsequenceKind, Result
from sqms.inspections.models import Answer, Dispute, Inspection


class AnswerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.item)


class DisputeForm(forms.Form):
    answer = AnswerChoice(
        label=_("What is disputed"),
        queryset=Answer.objects.none(),
        required=False,
        empty_label=_("The whole result"),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["answer"]
        assert isinstance(field, AnswerChoice)
        field.queryset = Answer.objects.filter(inspection=inspection).select_related("item")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("upheld", _("Uphold")), ("rejected", _("Reject"))],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(
        label=_("Decision note"), widget=forms.Textarea(attrs={"rows": 3})
    )
    result = forms.ChoiceField(
        label=_("Corrected result"),
        choices=[("", _("no change")), *Result.choices],
        required=False,
        help_text=_("Pass / fail items: the result the answer should have had."),
    )
    value = forms.DecimalField(
        label=_("Corrected value"),
        required=False,
        help_text=_("0–5 and measured items: the score or value the answer should have had."),
    )

    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if dispute.answer_id is None:
            del self.fields["result"]
            del self.fields["value"]

    def correction(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("result", "value") if data.get(k) not in (None, "")}


class ConsequenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ConsequenceKind.choices)
    rule = forms.CharField(
        label=_("Handbook rule"),
        max_length=200,
        help_text=_("The clause of the store or tenant handbook applied."),
    )
    amount = forms.DecimalField(label=_("Amount"), required=False, max_digits=12, decimal_places=2)
    points = forms.IntegerField(label=_("Points"), required=False)
    recipient = forms.CharField(label=_("Recipient"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
