"""The cause taxonomy's pages: list (everyone reads it), add, edit, delete (quality managers)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.capa import actions
from sqms.capa.filters import CAUSE_FILTERS
from sqms.capa.forms import CauseForm
from sqms.capa.models import Cause
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, delete_page, form_page

CAUSE_LIST = ListSpec(
    title=gettext_lazy("Cause taxonomy"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda c: c.code, sort="code", link=True),
        ListColumn(
            "category",
            gettext_lazy("6M category"),
            lambda c: c.get_category_display(),
            sort="category",
        ),
        ListColumn("name", gettext_lazy("Name"), lambda c: c.name, sort="name"),
        ListColumn("name_en", gettext_lazy("Name (English)"), lambda c: c.name_en),
        ListColumn("active", gettext_lazy("Active"), lambda c: c.is_active),
    ],
    filterset=CAUSE_FILTERS,
    default_sort="category",
    export_name="capa-causes",
    empty_text=gettext_lazy("No causes yet."),
)


@require_safe
@login_required
def cause_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    create = reverse("capa:cause_create") if allowed(request.user, "add", Cause) else None
    return render_list(
        request,
        CAUSE_LIST,
        Cause.objects.restrict(request.user, "view"),
        extra={"create_url": create},
    )


@login_required
def cause_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Cause):
        raise PermissionDenied
    form = CauseForm(request.POST or None)

    def save(data: dict[str, Any]) -> Cause:
        return actions.do_create_cause(data, acting_user=request.user, channel=WEB)

    return form_page(request, form, save, _("New cause"), reverse("capa:causes"))


@login_required
def cause_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cause = get_object_or_404(Cause.objects.restrict(request.user, "change"), pk=pk)
    form = CauseForm(request.POST or None, instance=cause)

    def save(data: dict[str, Any]) -> Cause:
        return actions.do_update_cause(cause, data, acting_user=request.user, channel=WEB)

    return form_page(
        request, form, save, _("Edit %(record)s") % {"record": cause}, reverse("capa:causes")
    )


@login_required
def cause_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cause = get_object_or_404(Cause.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        cause,
        lambda: actions.do_delete_cause(cause, acting_user=request.user, channel=WEB),
        reverse("capa:causes"),
    )


urlpatterns: list[URLPattern] = [
    path("causes/", cause_list, name="causes"),
    path("causes/new/", cause_create, name="cause_create"),
    path("causes/<int:pk>/", cause_edit, name="cause_edit"),
    path("causes/<int:pk>/delete/", cause_delete, name="cause_delete"),
]
