"""Forms of the collection pages: instruments, questions, campaigns, imports."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sqms.core.models import Service, Site
from sqms.surveys.choices import CampaignStatus, Dimension, QuestionKind, QuestionRole
from sqms.surveys.models import Campaign, Instrument, MappingPreset, Question, Section


class InstrumentForm(forms.ModelForm[Instrument]):
    class Meta:
        model = Instrument
        fields = ["code", "name_zh", "name_en", "intro_zh", "intro_en"]
        widgets = {
            "intro_zh": forms.Textarea(attrs={"rows": 3}),
            "intro_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def validate_unique(self) -> None:  # the action checks codes across versions
        pass

    def clean(self) -> dict[str, Any]:
        super().clean()  # BaseModelForm.clean returns self.cleaned_data
        data = self.cleaned_data
        if not (data.get("name_zh") or data.get("name_en")):
            raise ValidationError(_("Give the instrument a name in at least one language."))
        return data


class SectionForm(forms.ModelForm[Section]):
    class Meta:
        model = Section
        fields = ["order", "title_zh", "title_en"]


def parse_options(text: str) -> list[dict[str, Any]]:
    """One option per line: ``value | 中文 | English`` (value may be omitted: numbered 1, 2 …)."""
    out: list[dict[str, Any]] = []
    for n, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 1:
            value: Any = n
            zh = en = parts[0]
        elif len(parts) == 2:
            value, zh, en = n, parts[0], parts[1]
        else:
            value, zh, en = parts[0], parts[1], parts[2]
        if isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        if value in ("", None):
            raise ValidationError(_("Line %(n)d: the option value is empty.") % {"n": n})
        out.append({"value": value, "zh": zh, "en": en})
    return out


def options_text(options: list[dict[str, Any]]) -> str:
    return "\n".join(f"{o.get('value')} | {o.get('zh', '')} | {o.get('en', '')}" for o in options)


class QuestionForm(forms.Form):
    section = forms.ModelChoiceField(
        queryset=Section.objects.none(), required=False, label=gettext_lazy("Section")
    )
    order = forms.IntegerField(required=False, min_value=0, label=gettext_lazy("Order"))
    code = forms.RegexField(
        regex=r"^[A-Za-z][A-Za-z0-9_]*$",
        max_length=40,
        label=gettext_lazy("Code"),
        help_text=gettext_lazy(
            "Letters, digits and _; answers are stored under this code, e.g. Q1 or SQ01."
        ),
        error_messages={
            "invalid": gettext_lazy("Start with a letter; use letters, digits and _ only.")
        },
    )
    kind = forms.ChoiceField(choices=QuestionKind.choices, label=gettext_lazy("Kind"))
    role = forms.ChoiceField(
        choices=QuestionRole.choices, initial=QuestionRole.ITEM, label=gettext_lazy("Measures")
    )
    text_zh = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=gettext_lazy("Text (Chinese)"),
    )
    text_en = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=gettext_lazy("Text (English)"),
    )
    dimension = forms.CharField(
        required=False,
        max_length=40,
        label=gettext_lazy("Dimension"),
        help_text=gettext_lazy("A tag for grouping items, e.g. %(dims)s.")
        % {"dims": ", ".join(Dimension.values)},
    )
    required = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Required"))
    scale_min = forms.IntegerField(required=False, label=gettext_lazy("Lowest value"))
    scale_max = forms.IntegerField(required=False, label=gettext_lazy("Highest value"))
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label=gettext_lazy("Options or end labels"),
        help_text=gettext_lazy(
            "One per line: value | 中文 | English. For rating scales, label the end points."
        ),
    )
    ratings = forms.CharField(
        required=False,
        label=gettext_lazy("Rating parts"),
        help_text=gettext_lazy(
            "For several ratings per statement: short codes, e.g. E, P (expectation, perception)."
        ),
    )
    show_if_question = forms.CharField(required=False, label=gettext_lazy("Show only if question"))
    show_if_values = forms.CharField(
        required=False,
        label=gettext_lazy("… has one of the values"),
        help_text=gettext_lazy("Comma-separated, e.g. 1, 2"),
    )

    def __init__(
        self, *args: Any, instrument: Instrument, question: Question | None = None, **kwargs: Any
    ) -> None:
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "section": question.section_id,
                "order": question.order,
                "code": question.code,
                "kind": question.kind,
                "role": question.role,
                "text_zh": question.text_zh,
                "text_en": question.text_en,
                "dimension": question.dimension,
                "required": question.required,
                "scale_min": question.scale_min,
                "scale_max": question.scale_max,
                "options": options_text(question.options),
                "ratings": ", ".join(question.ratings),
                "show_if_question": question.show_if.get("question", ""),
                "show_if_values": ", ".join(str(v) for v in question.show_if.get("in", [])),
            }
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField[Section], self.fields["section"]
        ).queryset = instrument.sections.all()

    def clean(self) -> dict[str, Any]:
        super().clean()  # Form.clean returns self.cleaned_data
        data = self.cleaned_data
        if not (data.get("text_zh") or data.get("text_en")):
            self.add_error("text_en", _("Write the question in at least one language."))
        try:
            data["options"] = parse_options(data.get("options") or "")
        except ValidationError as exc:
            self.add_error("options", exc)
        data["ratings"] = [
            p.strip().upper()
            for p in (data.get("ratings") or "").replace("，", ",").split(",")
            if p.strip()
        ]
        code = (data.pop("show_if_question", "") or "").strip()
        values = [
            v.strip()
            for v in (data.pop("show_if_values", "") or "").replace("，", ",").split(",")
            if v.strip()
        ]
        data["show_if"] = (
            {"question": code, "in": [int(v) if v.lstrip("-").isdigit() else v for v in values]}
            if code
            else {}
        )
        if code and not values:
            self.add_error("show_if_values", _("Give the values that show this question."))
        return data


class CampaignForm(forms.ModelForm[Campaign]):
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Sites"),
    )
    quotas = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Quotas per site"),
        help_text=gettext_lazy("Optional, one per line: SITE-CODE = number of responses wanted."),
    )

    class Meta:
        model = Campaign
        fields = ["name", "instrument", "sites", "services", "opens_on", "closes_on"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "services": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelMultipleChoiceField[Site], self.fields["sites"]
        ).queryset = Site.objects.restrict(user, "view").filter(is_active=True)
        cast(
            forms.ModelMultipleChoiceField[Service], self.fields["services"]
        ).queryset = Service.objects.all()
        cast(
            forms.ModelChoiceField[Instrument], self.fields["instrument"]
        ).queryset = Instrument.objects.filter(is_current=True)
        if self.instance.pk:
            self.initial["sites"] = list(self.instance.sites.values_list("pk", flat=True))
            self.initial["quotas"] = "\n".join(
                f"{cs.site.code} = {cs.quota}"
                for cs in self.instance.campaign_sites.select_related("site")
                if cs.quota is not None
            )

    def clean_quotas(self) -> dict[int, int | None]:
        text = self.cleaned_data.get("quotas") or ""
        by_code = {s.code.lower(): s.pk for s in Site.objects.all()}
        out: dict[int, int | None] = {}
        for n, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
            code, _sep, number = line.partition("=")
            site_id = by_code.get(code.strip().lower())
            if site_id is None:
                raise ValidationError(
                    _("Line %(n)d: unknown site code %(code)s.") % {"n": n, "code": code.strip()}
                )
            try:
                quota = int(number.strip())
            except ValueError:
                raise ValidationError(
                    _("Line %(n)d: the quota must be a whole number.") % {"n": n}
                ) from None
            if quota < 1:
                raise ValidationError(_("Line %(n)d: the quota must be at least 1.") % {"n": n})
            out[site_id] = quota
        return out


class CampaignStatusForm(forms.Form):
    status = forms.ChoiceField(choices=CampaignStatus.choices)


TOOL_CHOICES = [
    ("", gettext_lazy("Detect automatically")),
    ("limesurvey", "LimeSurvey"),
    ("qualtrics", "Qualtrics"),
    ("surveymonkey", "SurveyMonkey"),
    ("google-forms", "Google Forms"),
    ("wjx", "问卷星 (Wenjuanxing)"),
    ("native", gettext_lazy("SQMS export")),
]


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    format = forms.ChoiceField(choices=TOOL_CHOICES, required=False, label=gettext_lazy("Format"))
    default_site = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        required=False,
        label=gettext_lazy("Default site"),
        help_text=gettext_lazy("For files without a site column."),
    )
    preset = forms.ModelChoiceField(
        queryset=MappingPreset.objects.none(), required=False, label=gettext_lazy("Mapping preset")
    )

    def __init__(self, *args: Any, campaign: Campaign, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField[Site], self.fields["default_site"]
        ).queryset = Site.objects.restrict(user, "view").filter(pk__in=campaign.sites.values("pk"))
        cast(
            forms.ModelChoiceField[MappingPreset], self.fields["preset"]
        ).queryset = MappingPreset.objects.filter(instrument_code=campaign.instrument.code)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        limit = settings.SQMS_IMPORT_MAX_BYTES
        if f.size > limit:
            raise ValidationError(
                _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
                % {"size": f.size / 1e6, "limit": limit / 1e6}
            )
        if f.size == 0:
            raise ValidationError(_("The file is empty."))
        return f
