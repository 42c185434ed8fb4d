"""Programme pages (list, detail with its planned inspections, form, delete, generate) and the
"upcoming and overdue" list. Who sees which inspection is :func:`assigned_inspections`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.query import ModelIterable
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from sqms.core.choices import Role
from sqms.core.filtersets import BooleanFilter, ChoiceFilter, Filter, FilterSet, RelatedFilter
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.models import Region, Site
from sqms.core.names import display_name
from sqms.core.pagination import DbId
from sqms.core.scoping import allowed, role_of, site_ids_in_scope
from sqms.core.views.generic import WEB, delete_page, detail_page, form_page
from sqms.inspections import actions, planning
from sqms.inspections.choices import InspectionKind, InspectionStatus
from sqms.inspections.forms_programmes import GenerateForm, ProgrammeForm
from sqms.inspections.models import Inspection, Programme

OPEN = (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS)


# Who sees which inspection --------------------------------------------------------------------


def sees_shoppers(user: Any) -> bool:
    """Quality and region managers see mystery-shopper visits (and who made them)."""
    return role_of(user) in (Role.QUALITY_MANAGER, Role.REGION_MANAGER)


def assigned_inspections(user: Any) -> QuerySet[Inspection]:
    """The inspections ``user`` sees in the programme pages: their scope's, an inspector only
    their own assignments; a site's people do not see mystery-shopper visits before they are
    submitted (nor, on the pages, who the shopper was)."""
    qs = Inspection.objects.restrict(user, "view")
    if role_of(user) == Role.INSPECTOR:
        return qs.filter(inspector=user)
    if not sees_shoppers(user):
        qs = qs.exclude(Q(kind=InspectionKind.MYSTERY) & Q(status__in=OPEN))
    return qs


def inspection_url(insp: Inspection) -> str:
    """The page of an inspection: an audit's page, or the inspection's (when that page exists)."""
    if insp.kind == InspectionKind.AUDIT:
        return reverse("inspections:audit_detail", args=[insp.pk])
    try:
        return Inspection.get_absolute_url(insp)
    except NoReverseMatch:
        return ""


class _Linked(ModelIterable):  # type: ignore[type-arg]
    """Rows whose ``get_absolute_url`` is :func:`inspection_url` (lists link audits to their
    page, and stay usable while the inspection page is not there)."""

    def __iter__(self) -> Any:
        for obj in super().__iter__():
            obj.get_absolute_url = lambda obj=obj: inspection_url(obj)
            yield obj


def linked(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    qs._iterable_class = _Linked
    return qs


def inspector_label(insp: Inspection, user: Any) -> str:
    if insp.inspector is None:
        return _("site staff") if insp.kind == InspectionKind.SELF else ""
    return display_name(insp.inspector) if insp.shows_inspector_to(user) else _("(hidden)")


@dataclass(frozen=True)
class InspectorFilter(Filter):
    """The inspectors of the inspections the user sees (shoppers only for those who may)."""

    def choices(self, request: HttpRequest) -> list[tuple[str, str]]:
        qs = assigned_inspections(request.user)
        if not sees_shoppers(request.user):
            qs = qs.exclude(kind=InspectionKind.MYSTERY)
        ids = qs.filter(inspector__isnull=False).values("inspector_id")
        users = get_user_model().objects.filter(pk__in=ids).order_by("username")
        return [(str(u.pk), display_name(u)) for u in users]

    def api_type(self) -> Any:
        return DbId


@dataclass(frozen=True)
class DueWithinFilter(Filter):
    """Due from today to N days ahead (the page's ``due_within=7``; not in the API, whose
    clients filter on the dates they get)."""

    def choices(self, request: HttpRequest) -> list[tuple[str, str]]:
        return [
            (str(days), ngettext("within %(n)d day", "within %(n)d days", days) % {"n": days})
            for days in DUE_WITHIN_DAYS
        ]

    def page_value(self, raw: str, request: HttpRequest) -> Any:
        if raw not in {str(days) for days in DUE_WITHIN_DAYS}:
            return None
        today = timezone.localdate()
        return (today, today + timedelta(days=int(raw)))

    def api_type(self) -> Any:
        return int


#: the "due within" choices of the upcoming list, in days (the dashboard links to 7)
DUE_WITHIN_DAYS = (7, 14, 30)

UPCOMING_FILTERS = FilterSet(
    search=("site__code", "site__name", "programme__name"),
    filters=(
        RelatedFilter("site", gettext_lazy("Site"), "site_id", Site, api_name="site_id"),
        RelatedFilter(
            "region", gettext_lazy("Region"), "site__region_id", Region, api_name="region_id"
        ),
        ChoiceFilter("kind", gettext_lazy("Kind"), "kind", InspectionKind),
        InspectorFilter(
            "inspector", gettext_lazy("Inspector"), "inspector_id", api_name="inspector_id"
        ),
        ChoiceFilter("status", gettext_lazy("Status"), "status", InspectionStatus),
        BooleanFilter("overdue", gettext_lazy("Overdue"), "is_overdue"),
        DueWithinFilter("due_within", gettext_lazy("Due"), "due_on__range", api_name=""),
    ),
)


def upcoming_queryset(user: Any) -> QuerySet[Inspection]:
    """Open inspections with a due date, ``is_overdue`` annotated (due before today)."""
    today = timezone.localdate()
    return (
        assigned_inspections(user)
        .filter(status__in=OPEN, due_on__isnull=False)
        .annotate(
            is_overdue=Case(
                When(due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("site", "inspector", "programme", "checklist", "checklist__template")
    )


def _upcoming_spec(user: Any) -> ListSpec:
    return ListSpec(
        title=gettext_lazy("Upcoming and overdue inspections"),
        columns=[
            ListColumn("ref", gettext_lazy("Number"), lambda i: i.reference, sort="id", link=True),
            ListColumn("due", gettext_lazy("Due"), lambda i: i.due_on, sort="due_on"),
            ListColumn("site", gettext_lazy("Site"), lambda i: i.site.code, sort="site__code"),
            ListColumn("kind", gettext_lazy("Kind"), lambda i: i.get_kind_display(), sort="kind"),
            ListColumn(
                "programme",
                gettext_lazy("Programme"),
                lambda i: i.programme.name if i.programme else "",
            ),
            ListColumn("checklist", gettext_lazy("Checklist"), lambda i: str(i.checklist)),
            ListColumn("inspector", gettext_lazy("Inspector"), lambda i: inspector_label(i, user)),
            ListColumn("status", gettext_lazy("Status"), lambda i: i.get_status_display()),
            ListColumn("overdue", gettext_lazy("Overdue"), lambda i: i.is_overdue),
        ],
        filterset=UPCOMING_FILTERS,
        default_sort="due",
        export_name="inspections-upcoming",
        empty_text=gettext_lazy("Nothing planned."),
    )


@require_safe
@login_required
def upcoming_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return render_list(
        request,
        _upcoming_spec(request.user),
        linked(upcoming_queryset(request.user)),
        template="inspections/programme_list.html",
    )


# Programmes -----------------------------------------------------------------------------------


def _site_codes(programme: Programme, user: Any) -> str:
    scope = site_ids_in_scope(user)
    codes = [s.code for s in programme.sites.all() if scope is None or s.pk in scope]
    return ", ".join(sorted(codes))


def _programme_spec(user: Any, create: str | None) -> ListSpec:
    return ListSpec(
        title=gettext_lazy("Inspection programmes"),
        columns=[
            ListColumn("name", gettext_lazy("Name"), lambda p: p.name, sort="name", link=True),
            ListColumn("kind", gettext_lazy("Kind"), lambda p: p.get_kind_display(), sort="kind"),
            ListColumn(
                "frequency",
                gettext_lazy("Frequency"),
                lambda p: p.get_frequency_display(),
                sort="frequency",
            ),
            ListColumn("checklist", gettext_lazy("Checklist"), lambda p: str(p.template)),
            ListColumn("sites", gettext_lazy("Sites"), lambda p: _site_codes(p, user)),
            ListColumn("starts", gettext_lazy("Starts"), lambda p: p.starts_on, sort="starts_on"),
            ListColumn("active", gettext_lazy("Active"), lambda p: p.is_active, sort="is_active"),
        ],
        filterset=FilterSet(
            search=("name",),
            filters=(
                ChoiceFilter("kind", gettext_lazy("Kind"), "kind", InspectionKind),
                BooleanFilter("active", gettext_lazy("Active"), "is_active"),
            ),
        ),
        default_sort="name",
        export_name="inspection-programmes",
        create_url=create,
        empty_text=gettext_lazy("No programmes yet."),
    )


@require_safe
@login_required
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    create = (
        reverse("inspections:programme_create") if allowed(request.user, "add", Programme) else None
    )
    qs = (
        Programme.objects.restrict(request.user)
        .select_related("template")
        .prefetch_related("sites")
    )
    return render_list(
        request,
        _programme_spec(request.user, create),
        qs,
        template="inspections/programme_list.html",
        extra={"create_url": create},
    )


@require_safe
@login_required
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.restrict(request.user).select_related("template"), pk=pk
    )
    scope = site_ids_in_scope(request.user)
    sites = programme.sites.order_by("code")
    if scope is not None:
        sites = sites.filter(pk__in=scope)
    inspections = linked(
        assigned_inspections(request.user)
        .filter(programme=programme)
        .select_related("site", "inspector", "checklist__template")
        .order_by("period_start", "site__code")
    )
    rows = [
        {
            "obj": i,
            "period": planning.label(
                programme.frequency, planning.period_of(programme.frequency, i.period_start)
            )
            if i.period_start
            else "",
            "inspector": inspector_label(i, request.user),
            "url": inspection_url(i),
        }
        for i in inspections[:300]
    ]
    show_people = programme.kind != InspectionKind.MYSTERY or sees_shoppers(request.user)
    return detail_page(
        request,
        programme,
        "inspections/programme_detail.html",
        sites=sites,
        inspectors=programme.inspectors.order_by("username") if show_people else None,
        rows=rows,
        total=inspections.count(),
        generate_form=GenerateForm(initial={"until": timezone.localdate() + timedelta(days=35)}),
        published=programme.template.published_version(),
    )


def _changeable(request: AuthenticatedHttpRequest, pk: int, action: str = "change") -> Programme:
    return get_object_or_404(Programme.objects.restrict(request.user, action), pk=pk)  # type: ignore[arg-type]


@login_required
def programme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Programme):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> Programme:
        return actions.do_create_programme(data, acting_user=request.user, channel=WEB)

    return form_page(
        request, form, save, _("New inspection programme"), reverse("inspections:programme_list")
    )


@login_required
def programme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _changeable(request, pk)
    form = ProgrammeForm(request.POST or None, user=request.user, instance=programme)

    def save(data: dict[str, Any]) -> Programme:
        return actions.do_update_programme(programme, data, acting_user=request.user, channel=WEB)

    title = _("Edit %(record)s") % {"record": programme}
    return form_page(request, form, save, title, programme.get_absolute_url())


@login_required
def programme_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _changeable(request, pk, "delete")

    def delete() -> None:
        actions.do_delete_programme(programme, acting_user=request.user, channel=WEB)

    return delete_page(
        request,
        programme,
        delete,
        reverse("inspections:programme_list"),
        _("Its planned inspections nobody has started are deleted too; the others are kept."),
    )


@require_POST
@login_required
def programme_generate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _changeable(request, pk)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Plan until: enter a date."))
        return redirect(programme.get_absolute_url())
    try:
        report = actions.do_generate_plans(
            programme, until=form.cleaned_data["until"], acting_user=request.user, channel=WEB
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, report.summary())
    return redirect(programme.get_absolute_url())


urlpatterns: list[URLPattern] = [
    path("programmes/", programme_list, name="programme_list"),
    path("programmes/new/", programme_create, name="programme_create"),
    path("programmes/<int:pk>/", programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/delete/", programme_delete, name="programme_delete"),
    path("programmes/<int:pk>/generate/", programme_generate, name="programme_generate"),
    path("upcoming/", upcoming_list, name="upcoming"),
]
