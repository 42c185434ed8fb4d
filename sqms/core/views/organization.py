"""Organization pages: regions, sites and the service catalogue."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.core import actions
from sqms.core.choices import Role
from sqms.core.filters import REGION_FILTERS, SERVICE_FILTERS, SITE_FILTERS
from sqms.core.forms import RegionForm, ServiceForm, SiteForm
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.models import Region, Service, Site
from sqms.core.names import display_name
from sqms.core.scoping import may, role_of
from sqms.core.views.generic import WEB, delete_page, detail_page, form_page

# Regions -----------------------------------------------------------------------------------

REGION_LIST = ListSpec(
    title=gettext_lazy("Regions"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda r: r.code, sort="code", link=True),
        ListColumn("name", gettext_lazy("Name"), lambda r: r.name, sort="name"),
        ListColumn("sites", gettext_lazy("Sites"), lambda r: r.site_count, sort="site_count"),
    ],
    filterset=REGION_FILTERS,
    default_sort="code",
    export_name="regions",
    empty_text=gettext_lazy("No regions yet."),
)


@require_safe
@login_required
def region_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = Region.objects.restrict(request.user, "view").annotate(site_count=Count("sites"))
    create = (
        reverse("core:region_create") if may(request.user, "add", Region.scope_editors) else None
    )
    return render_list(request, REGION_LIST, qs, extra={"create_url": create})


@require_safe
@login_required
def region_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region.objects.restrict(request.user, "view"), pk=pk)
    sites = Site.objects.restrict(request.user, "view").filter(region=region)
    return detail_page(request, region, "core/region_detail.html", sites=sites)


@login_required
def region_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may(request.user, "add", Region.scope_editors):
        raise PermissionDenied
    form = RegionForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: actions.do_create_region(data, acting_user=request.user, channel=WEB),
        _("New region"),
        reverse("core:region_list"),
    )


@login_required
def region_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region.objects.restrict(request.user, "change"), pk=pk)
    form = RegionForm(request.POST or None, instance=Region.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda data: actions.do_update_region(region, data, acting_user=request.user, channel=WEB),
        _("Edit region %(record)s") % {"record": region},
        region.get_absolute_url(),
    )


@login_required
def region_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        region,
        lambda: actions.do_delete_region(region, acting_user=request.user, channel=WEB),
        reverse("core:region_list"),
    )


# Sites -------------------------------------------------------------------------------------


SITE_LIST = ListSpec(
    title=gettext_lazy("Sites"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda s: s.code, sort="code", link=True),
        ListColumn("name", gettext_lazy("Name"), lambda s: s.name, sort="name"),
        ListColumn("region", gettext_lazy("Region"), lambda s: s.region.name, sort="region__code"),
        ListColumn("kind", gettext_lazy("Kind"), lambda s: s.get_kind_display(), sort="kind"),
        ListColumn("city", gettext_lazy("City"), lambda s: s.city, sort="city"),
        ListColumn(
            "manager",
            gettext_lazy("Manager"),
            lambda s: display_name(s.manager),
            sort="manager__username",
        ),
        ListColumn("active", gettext_lazy("Active"), lambda s: s.is_active, sort="is_active"),
    ],
    filterset=SITE_FILTERS,
    default_sort="code",
    export_name="sites",
    empty_text=gettext_lazy("No sites in your scope."),
)


@require_safe
@login_required
def site_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = Site.objects.restrict(request.user, "view").select_related("region", "manager")
    create = reverse("core:site_create") if may(request.user, "add", Region.scope_editors) else None
    return render_list(request, SITE_LIST, qs, extra={"create_url": create})


@require_safe
@login_required
def site_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(
        Site.objects.restrict(request.user, "view").select_related("region", "manager"), pk=pk
    )
    return detail_page(request, site, "core/site_detail.html", services=site.services.all())


@login_required
def site_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may(request.user, "add", Region.scope_editors):
        raise PermissionDenied
    form = SiteForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        lambda data: actions.do_create_site(data, acting_user=request.user, channel=WEB),
        _("New site"),
        reverse("core:site_list"),
    )


@login_required
def site_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.restrict(request.user, "change"), pk=pk)
    form = SiteForm(request.POST or None, instance=Site.objects.get(pk=pk), user=request.user)
    if role_of(request.user) != Role.QUALITY_MANAGER:
        form.fields["region"].disabled = True
    return form_page(
        request,
        form,
        lambda data: actions.do_update_site(site, data, acting_user=request.user, channel=WEB),
        _("Edit site %(record)s") % {"record": site},
        site.get_absolute_url(),
    )


@login_required
def site_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.restrict(request.user, "change"), pk=pk)
    if not may(request.user, "add", Region.scope_editors):
        raise PermissionDenied
    return delete_page(
        request,
        site,
        lambda: actions.do_delete_site(site, acting_user=request.user, channel=WEB),
        reverse("core:site_list"),
    )


# Services ----------------------------------------------------------------------------------

SERVICE_LIST = ListSpec(
    title=gettext_lazy("Service catalogue"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda s: s.code, sort="code", link=True),
        ListColumn("name", gettext_lazy("Name"), lambda s: s.name, sort="name"),
        ListColumn(
            "sites", gettext_lazy("Sites offering it"), lambda s: s.site_count, sort="site_count"
        ),
    ],
    filterset=SERVICE_FILTERS,
    default_sort="code",
    export_name="services",
    empty_text=gettext_lazy("The service catalogue is empty."),
)


@require_safe
@login_required
def service_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    visible_sites = Site.objects.restrict(request.user, "view")
    qs = Service.objects.restrict(request.user, "view").annotate(
        site_count=Count("sites", filter=_in_sites(visible_sites))
    )
    create = (
        reverse("core:service_create") if may(request.user, "add", Service.scope_editors) else None
    )
    return render_list(request, SERVICE_LIST, qs, extra={"create_url": create})


def _in_sites(sites: Any) -> Any:
    from django.db.models import Q

    return Q(sites__in=sites)


@require_safe
@login_required
def service_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.restrict(request.user, "view"), pk=pk)
    sites = (
        Site.objects.restrict(request.user, "view")
        .filter(services=service)
        .select_related("region")
    )
    return detail_page(request, service, "core/service_detail.html", sites=sites)


@login_required
def service_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may(request.user, "add", Service.scope_editors):
        raise PermissionDenied
    form = ServiceForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        lambda data: actions.do_create_service(data, acting_user=request.user, channel=WEB),
        _("New service"),
        reverse("core:service_list"),
    )


@login_required
def service_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.restrict(request.user, "change"), pk=pk)
    form = ServiceForm(request.POST or None, instance=Service.objects.get(pk=pk), user=request.user)
    return form_page(
        request,
        form,
        lambda data: actions.do_update_service(
            service, data, acting_user=request.user, channel=WEB
        ),
        _("Edit service %(record)s") % {"record": service},
        service.get_absolute_url(),
    )


@login_required
def service_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        service,
        lambda: actions.do_delete_service(service, acting_user=request.user, channel=WEB),
        reverse("core:service_list"),
    )
