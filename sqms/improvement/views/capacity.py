"""Capacity-planning pages under /improvement/capacity/: the sites in scope, a site's plan
(table, chart, CSV/XLSX), the arrival-profile grid with its settings, file imports, the
profile derived from timestamps, and the staff roster. Every write goes through ``actions``."""

from __future__ import annotations

from typing import Any

import plotly  # type: ignore[import-untyped, unused-ignore]
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sqms.core.exports import csv_download, stamped, xlsx_download
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, add_errors, delete_page
from sqms.improvement import actions
from sqms.improvement.capacity import (
    Plan,
    build_plan,
    plan_cells,
    plan_figure,
    plan_header,
)
from sqms.improvement.forms_capacity import (
    DeriveForm,
    ProfileForm,
    RosterForm,
    WeekFileForm,
)
from sqms.improvement.models import ArrivalProfile, StaffRoster


def _site(request: AuthenticatedHttpRequest, site_pk: int) -> Site:
    return get_object_or_404(Site.objects.restrict(request.user, "view"), pk=site_pk)


def _profile(request: AuthenticatedHttpRequest, site: Site) -> ArrivalProfile | None:
    return ArrivalProfile.objects.restrict(request.user).filter(site=site).first()


def _roster(request: AuthenticatedHttpRequest, site: Site) -> StaffRoster | None:
    return StaffRoster.objects.restrict(request.user).filter(site=site).first()


def _may_edit(request: AuthenticatedHttpRequest, site: Site) -> bool:
    return (
        allowed(request.user, "add", ArrivalProfile)
        and Site.objects.restrict(request.user, "view").filter(pk=site.pk).exists()
    )


def _plan_url(site: Site) -> str:
    return reverse("improvement:capacity_plan", args=[site.pk])


@require_safe
@login_required
def site_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    sites = Site.objects.restrict(request.user, "view").select_related("region").order_by("code")
    profiles = {p.site_id: p for p in ArrivalProfile.objects.restrict(request.user)}
    rosters = set(StaffRoster.objects.restrict(request.user).values_list("site_id", flat=True))
    rows = [
        {
            "site": s,
            "url": _plan_url(s),
            "profile": profiles.get(s.pk),
            "has_roster": s.pk in rosters,
        }
        for s in sites
    ]
    return render(request, "improvement/capacity_sites.html", {"rows": rows})


def _export(plan: Plan, fmt: str) -> HttpResponseBase:
    header = plan_header()
    rows = [plan_cells(r) for r in plan.rows]
    name = f"capacity-plan-{plan.site.code}"
    if fmt == "xlsx":
        return xlsx_download(stamped(name, "xlsx"), _("Capacity plan"), header, rows)
    return csv_download(stamped(name, "csv"), header, rows)


@require_safe
@login_required
def plan_page(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponseBase:
    site = _site(request, site_pk)
    profile = _profile(request, site)
    roster = _roster(request, site)
    plan = build_plan(profile, roster) if profile is not None else None
    fmt = request.GET.get("format", "")
    if plan is not None and fmt in ("csv", "xlsx"):
        return _export(plan, fmt)
    context: dict[str, Any] = {
        "site": site,
        "profile": profile,
        "roster": roster,
        "plan": plan,
        "can_edit": _may_edit(request, site),
        "plotly_url": reverse("plotly_js") + f"?v={plotly.__version__}",
    }
    if plan is not None:
        context["figure"] = plan_figure(plan)
    return render(request, "improvement/capacity_plan.html", context)


def _need_editor(request: AuthenticatedHttpRequest, site: Site) -> None:
    if not _may_edit(request, site):
        raise PermissionDenied


def _grid_page(
    request: AuthenticatedHttpRequest,
    site: Site,
    form: ProfileForm | RosterForm,
    save: Any,
    title: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_plan_url(site))
    return render(
        request,
        "improvement/capacity_grid.html",
        {
            "form": form,
            "title": title,
            "site": site,
            "cancel_url": _plan_url(site),
            "hours": range(24),
        },
    )


@login_required
def profile_edit(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    _need_editor(request, site)
    profile = _profile(request, site)
    initial = {}
    if profile is not None:
        initial = {
            "handling_time": profile.handling_time,
            "target_level": profile.target_level,
            "target_seconds": profile.target_seconds,
            "shrinkage": profile.shrinkage,
        }
    form = ProfileForm(
        request.POST or None,
        initial=initial,
        week=[float(v) for v in profile.arrivals] if profile is not None else None,
    )

    def save(f: Form) -> None:
        data = {n: f.cleaned_data[n] for n in actions.PROFILE_SETTINGS}
        if data["shrinkage"] is None:
            data["shrinkage"] = 0
        assert isinstance(f, ProfileForm)
        actions.do_save_profile(
            site, {**data, "arrivals": f.week()}, acting_user=request.user, channel=WEB
        )

    return _grid_page(request, site, form, save, _("Arrival profile of %(site)s") % {"site": site})


@login_required
def roster_edit(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    _need_editor(request, site)
    roster = _roster(request, site)
    form = RosterForm(
        request.POST or None, week=[float(v) for v in roster.staff] if roster else None
    )

    def save(f: Form) -> None:
        assert isinstance(f, RosterForm)
        staff = [int(v) for v in f.week()]
        actions.do_save_roster(site, staff, acting_user=request.user, channel=WEB)

    return _grid_page(request, site, form, save, _("Staff roster of %(site)s") % {"site": site})


def _import_page(
    request: AuthenticatedHttpRequest, site: Site, do_import: Any, title: str
) -> HttpResponse:
    _need_editor(request, site)
    form = WeekFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_import(site, form.cleaned_data["file"].read(), acting_user=request.user, channel=WEB)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Imported."))
            return redirect(_plan_url(site))
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": _plan_url(site),
            "submit_label": _("Import"),
        },
    )


@login_required
def profile_import(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    return _import_page(
        request,
        site,
        actions.do_import_profile,
        _("Import the arrival profile of %(site)s") % {"site": site},
    )


@login_required
def roster_import(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    return _import_page(
        request,
        site,
        actions.do_import_roster,
        _("Import the staff roster of %(site)s") % {"site": site},
    )


@login_required
def profile_derive(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    _need_editor(request, site)
    form = DeriveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_derive_profile(
                site,
                d["source"],
                d["date_from"],
                d["date_to"],
                acting_user=request.user,
                channel=WEB,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The arrival profile was derived from the data."))
            return redirect(_plan_url(site))
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Derive the arrival profile of %(site)s") % {"site": site},
            "cancel_url": _plan_url(site),
            "submit_label": _("Derive"),
        },
    )


@login_required
def profile_delete(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    profile = get_object_or_404(ArrivalProfile.objects.restrict(request.user, "delete"), site=site)
    return delete_page(
        request,
        profile,
        lambda: actions.do_delete_profile(profile, acting_user=request.user, channel=WEB),
        _plan_url(site),
    )


@login_required
def roster_delete(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    roster = get_object_or_404(StaffRoster.objects.restrict(request.user, "delete"), site=site)
    return delete_page(
        request,
        roster,
        lambda: actions.do_delete_roster(roster, acting_user=request.user, channel=WEB),
        _plan_url(site),
    )


urlpatterns: list[URLPattern] = [
    path("capacity/", site_list, name="capacity_sites"),
    path("capacity/<int:site_pk>/", plan_page, name="capacity_plan"),
    path("capacity/<int:site_pk>/profile/", profile_edit, name="capacity_profile"),
    path("capacity/<int:site_pk>/profile/import/", profile_import, name="capacity_profile_import"),
    path("capacity/<int:site_pk>/profile/derive/", profile_derive, name="capacity_profile_derive"),
    path("capacity/<int:site_pk>/profile/delete/", profile_delete, name="capacity_profile_delete"),
    path("capacity/<int:site_pk>/roster/", roster_edit, name="capacity_roster"),
    path("capacity/<int:site_pk>/roster/import/", roster_import, name="capacity_roster_import"),
    path("capacity/<int:site_pk>/roster/delete/", roster_delete, name="capacity_roster_delete"),
]
