"""Staff forms of the PDCA pages: the project (create and edit the Plan), a task, the after
period of the Check and the Act decision. Choices are limited to the user's scope; the
actions check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sqms.capa.models import Nonconformity
from sqms.capa.people import owners_for
from sqms.core.models import Region, Site
from sqms.core.names import display_name
from sqms.core.scoping import restricted, site_ids_in_scope
from sqms.improvement.models import PdcaDecision
from sqms.kpis.choices import Level
from sqms.kpis.models import Kpi, whole_regions
from sqms.standards.models import StandardVersion

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: Any, rows: int = 2) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


def _date(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE)


def _owner_field(users: list[Any], label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *[(str(u.pk), display_name(u)) for u in users]],
        required=False,
        coerce=int,
        empty_value=None,
    )


class PdcaProjectForm(forms.Form):
    """The Plan. ``editing`` drops code and unit (fixed at creation) and adds the after
    period and the hidden ``version`` of the optimistic lock."""

    code = forms.CharField(label=_("Code"), max_length=32, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("Scope"), choices=Level.choices, initial=Level.SITE)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    kpi = forms.ModelChoiceField(
        label=_("Baseline KPI"), queryset=Kpi.objects.order_by("code"), required=False
    )
    baseline_from = _date(_("Baseline from"))
    baseline_to = _date(_("Baseline to"))
    target = forms.FloatField(label=_("Target value"), required=False)
    due_date = _date(_("Due date"))
    problem = _text(_("Problem statement"), 4)
    root_cause = _text(_("Root cause"), 3)
    nonconformity = forms.ModelChoiceField(
        label=_("Nonconformity"), queryset=Nonconformity.objects.none(), required=False
    )
    plan_what = _text(_("What"))
    plan_why = _text(_("Why"))
    plan_where = _text(_("Where"))
    plan_when = _text(_("When"))
    plan_who = _text(_("Who"))
    plan_how = _text(_("How"))

    def __init__(self, *args: Any, user: Any, project: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = project.site if project is not None else None
        owners = owners_for(site, user)
        if project is not None and project.owner and project.owner not in owners:
            owners.append(project.owner)  # kept, not silently cleared by an edit
        self.owners = {u.pk: u for u in owners}
        self.fields["owner"] = _owner_field(owners, _("Owner"))
        self.fields["nonconformity"].queryset = Nonconformity.objects.restrict(user)  # type: ignore[attr-defined]
        if project is None:
            self.fields["site"].queryset = restricted(Site, user, "view").filter(  # type: ignore[attr-defined]
                is_active=True
            )
            scope = site_ids_in_scope(user)
            regions = Region.objects.all() if scope is None else whole_regions(scope)
            self.fields["region"].queryset = regions  # type: ignore[attr-defined]
            return
        for name in ("code", "level", "site", "region"):
            del self.fields[name]
        self.fields["after_from"] = _date(_("After from"))
        self.fields["after_to"] = _date(_("After to"))
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        self.initial = {
            name: getattr(project, name)
            for name in self.fields
            if name not in ("owner", "version", "kpi", "nonconformity")
        }
        self.initial.update(
            owner=project.owner_id,
            kpi=project.kpi_id,
            nonconformity=project.nonconformity_id,
            version=project.version,
        )

    def plan_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("code", "level", "site", "region", "version"):
            data.pop(name, None)
        owner_id = data.pop("owner", None)
        data["owner"] = self.owners.get(owner_id) if owner_id else None
        return data


class PdcaTaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300, required=False)
    due_date = _date(_("Due date"))

    def __init__(self, *args: Any, project: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = owners_for(project.site, user)
        self.owners = {u.pk: u for u in owners}
        self.fields["owner"] = _owner_field(owners, _("Owner"))

    def task_data(self) -> dict[str, Any]:
        owner_id = self.cleaned_data["owner"]
        return {
            "title": self.cleaned_data["title"],
            "due_date": self.cleaned_data["due_date"],
            "owner": self.owners.get(owner_id) if owner_id else None,
        }


class PdcaAfterForm(forms.Form):
    after_from = _date(_("After from"), required=True)
    after_to = _date(_("After to"), required=True)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PdcaActForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=PdcaDecision.choices)
    standard_version = forms.ModelChoiceField(
        label=_("Updated standard version"),
        queryset=StandardVersion.objects.all(),
        required=False,
    )
    note = _text(_("Note"), 3)
    new_code = forms.CharField(
        label=_("Code of the next cycle"),
        max_length=32,
        required=False,
        help_text=_("Left empty: this code with the next cycle number."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
