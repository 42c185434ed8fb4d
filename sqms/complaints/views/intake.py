"""Staff pages of intake: the public links of each site (with QR codes), attachments of a
complaint (upload, download), and the import of historical complaints."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.complaints import actions
from sqms.complaints.models import Attachment, Complaint
from sqms.complaints.public_views import download
from sqms.core.attachments import check_uploads
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.scoping import SITE_EDITORS, may, restricted
from sqms.core.views.generic import WEB
from sqms.surveys import cards

# Public links ------------------------------------------------------------------------------


def _link_sites(request: AuthenticatedHttpRequest) -> Any:
    if not may(request.user, "change", SITE_EDITORS):
        raise PermissionDenied
    return Site.objects.restrict(request.user, "view").filter(is_active=True).order_by("code")


def public_url(request: HttpRequest, site: Site) -> str:
    return request.build_absolute_uri(reverse("complaint_public:form", args=[site.code]))


@require_safe
@login_required
def public_links(request: AuthenticatedHttpRequest) -> HttpResponse:
    sites = [
        {"site": s, "url": public_url(request, s)} for s in _link_sites(request).select_related()
    ]
    return render(
        request,
        "complaints/intake_links.html",
        {
            "sites": sites,
            "track_url": request.build_absolute_uri(reverse("complaint_public:track")),
        },
    )


@require_safe
@login_required
def public_link_qr(request: AuthenticatedHttpRequest, site_pk: int, fmt: str) -> HttpResponse:
    site = get_object_or_404(_link_sites(request), pk=site_pk)
    if fmt not in ("png", "svg"):
        raise Http404
    url = public_url(request, site)
    if fmt == "svg":
        response = HttpResponse(cards.qr_svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(cards.qr_png(url), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="complaints-qr-{site.code}.{fmt}"'
    return response


# Attachments -------------------------------------------------------------------------------


class AttachmentForm(forms.Form):
    is_public = forms.BooleanField(label=gettext_lazy("Visible to the customer"), required=False)


def attachments_context(request: AuthenticatedHttpRequest, complaint: Complaint) -> dict[str, Any]:
    """What ``complaints/_attachments.html`` needs on the complaint's page."""
    can_add = restricted(Complaint, request.user, "change").filter(pk=complaint.pk).exists()
    return {
        "attachments": list(
            Attachment.objects.restrict(request.user, "view")
            .filter(complaint=complaint)
            .select_related("uploaded_by")
        ),
        "attachment_form": AttachmentForm() if can_add else None,
        "attachment_add_url": reverse("complaints:attachment_add", args=[complaint.pk]),
        "attachment_max_files": _max_files(),
    }


def _max_files() -> int:
    from django.conf import settings

    return int(settings.SQMS_ATTACHMENT_MAX_FILES)


@require_POST
@login_required
def attachment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint.objects.restrict(request.user, "change"), pk=pk)
    form = AttachmentForm(request.POST)
    form.is_valid()
    try:
        files = check_uploads(request.FILES.getlist("files"))
        added = actions.do_add_attachments(
            complaint,
            files,
            public=bool(form.cleaned_data.get("is_public")),
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Attached %(names)s.") % {"names": ", ".join(a.name for a in added)},
        )
    return redirect(_back(request, complaint))


def _back(request: HttpRequest, complaint: Complaint) -> str:
    """Where a POST from the complaint's page returns: ``next`` when it is on this site,
    else the complaint's page."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    try:
        return complaint.get_absolute_url()
    except NoReverseMatch:  # the detail page is not there (yet)
        return reverse("complaints:public_links")


@require_safe
@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    att = get_object_or_404(Attachment.objects.restrict(request.user, "view"), pk=pk)
    return download(att)


# Import ------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))


@login_required
def import_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may(request.user, "change", SITE_EDITORS):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = actions.do_import_complaints(
            form.cleaned_data["file"].read(),
            dry_run="import" not in request.POST,
            acting_user=request.user,
            channel=WEB,
        )
        if report.ok and not report.dry_run:
            messages.success(
                request,
                _("Imported %(n)d complaints; skipped %(s)d already stored.")
                % {"n": report.created, "s": len(report.skipped)},
            )
            return redirect("complaints:import")
    return render(request, "complaints/intake_import.html", {"form": form, "report": report})


urlpatterns: list[URLPattern] = [
    path("import/", import_page, name="import"),
    path("links/", public_links, name="public_links"),
    path("links/<int:site_pk>/qr.<str:fmt>", public_link_qr, name="public_link_qr"),
    path("<int:pk>/attachments/add/", attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", attachment_download, name="attachment_download"),
]
