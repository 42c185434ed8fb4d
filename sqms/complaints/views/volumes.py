"""Transaction-volume pages: the list (filters, CSV/XLSX), add, edit, delete and the file
import. Every write goes through ``actions``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.complaints import actions
from sqms.complaints.filters import VOLUME_FILTERS
from sqms.complaints.forms_recovery import VolumeForm, VolumeImportForm
from sqms.complaints.models import TransactionVolume
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, add_errors, delete_page

VOLUME_LIST = ListSpec(
    title=gettext_lazy("Transaction volumes"),
    columns=[
        ListColumn("site", gettext_lazy("Site"), lambda v: v.site.code, sort="site__code"),
        ListColumn("site_name", gettext_lazy("Name"), lambda v: v.site.name, sort="site__name"),
        ListColumn("period", gettext_lazy("Month"), lambda v: f"{v.period:%Y-%m}", sort="period"),
        ListColumn(
            "transactions",
            gettext_lazy("Transactions"),
            lambda v: v.transactions,
            sort="transactions",
        ),
    ],
    filterset=VOLUME_FILTERS,
    default_sort="-period",
    export_name="transaction-volumes",
    empty_text=gettext_lazy(
        "No transaction volumes yet. Add them month by month or import a file; complaint "
        "rates per 1,000 transactions need them."
    ),
)


@require_safe
@login_required
def volume_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = TransactionVolume.objects.restrict(request.user, "view").select_related("site")
    can_add = allowed(request.user, "add", TransactionVolume)
    filtered, _state = VOLUME_FILTERS.apply(request, qs)
    return render_list(
        request,
        VOLUME_LIST,
        qs,
        template="complaints/volume_list.html",
        extra={
            "create_url": reverse("complaints:volume_create") if can_add else None,
            "import_url": reverse("complaints:volume_import") if can_add else None,
            "can_change": allowed(request.user, "change", TransactionVolume),
            "transactions_total": filtered.aggregate(s=Sum("transactions"))["s"] or 0,
        },
    )


def _form_page(
    request: AuthenticatedHttpRequest, form: VolumeForm, save: Any, title: str
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            volume = save(dict(form.cleaned_data))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved %(record)s.") % {"record": volume})
            return redirect("complaints:volumes")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel_url": reverse("complaints:volumes")},
    )


@login_required
def volume_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", TransactionVolume):
        raise PermissionDenied
    form = VolumeForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda data: actions.do_save_volume(data, acting_user=request.user, channel=WEB),
        _("New transaction volume"),
    )


@login_required
def volume_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    volume = get_object_or_404(TransactionVolume.objects.restrict(request.user, "change"), pk=pk)
    initial = {"site": volume.site, "period": volume.period, "transactions": volume.transactions}
    form = VolumeForm(request.POST or None, initial=initial, user=request.user)
    return _form_page(
        request,
        form,
        lambda data: actions.do_update_volume(volume, data, acting_user=request.user, channel=WEB),
        _("Edit %(record)s") % {"record": volume},
    )


@login_required
def volume_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    volume = get_object_or_404(TransactionVolume.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        volume,
        lambda: actions.do_delete_volume(volume, acting_user=request.user, channel=WEB),
        reverse("complaints:volumes"),
    )


@login_required
def volume_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", TransactionVolume):
        raise PermissionDenied
    form = VolumeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.do_import_volumes(
                form.cleaned_data["file"].read(), acting_user=request.user, channel=WEB
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Imported: %(created)d month(s) added, %(updated)d updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("complaints:volumes")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Import transaction volumes"),
            "cancel_url": reverse("complaints:volumes"),
            "submit_label": _("Import"),
        },
    )


urlpatterns: list[URLPattern] = [
    path("volumes/", volume_list, name="volumes"),
    path("volumes/new/", volume_create, name="volume_create"),
    path("volumes/import/", volume_import, name="volume_import"),
    path("volumes/<int:pk>/edit/", volume_edit, name="volume_edit"),
    path("volumes/<int:pk>/delete/", volume_delete, name="volume_delete"),
]
