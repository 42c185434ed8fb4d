"""Shared page helpers of every app (form, delete and detail pages; form errors) and the home page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sqms.core import audit
from sqms.core.choices import Channel, Role
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import AuditEvent, Site
from sqms.core.scoping import restricted, role_of

WEB = Channel.WEB


def add_errors(form: BaseForm, exc: ValidationError) -> None:
    """Show an action's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_safe
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Quality and region managers land on the executive dashboard; others see their sites."""
    if role_of(request.user) in (Role.QUALITY_MANAGER, Role.REGION_MANAGER):
        return redirect("kpis:dashboard")
    sites = (
        Site.objects.restrict(request.user, "view")
        .select_related("region", "manager")
        .order_by("region__code", "code")
    )
    return render(request, "core/home.html", {"sites": sites[:200], "site_count": sites.count()})


# Generic record pages ----------------------------------------------------------------------


def form_page(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Model],
    title: str,
    cancel_url: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(dict(form.cleaned_data))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved %(record)s.") % {"record": obj})
            return redirect(obj.get_absolute_url())  # type: ignore[attr-defined]
    return render(
        request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel_url}
    )


def delete_page(
    request: HttpRequest,
    obj: Model,
    delete: Callable[[], None],
    done_url: str,
    consequences: str = "",
) -> HttpResponse:
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(obj.get_absolute_url())  # type: ignore[attr-defined]
        messages.success(request, _("Deleted %(record)s.") % {"record": obj})
        return redirect(done_url)
    return render(request, "core/confirm_delete.html", {"obj": obj, "consequences": consequences})


def detail_page(request: HttpRequest, obj: Model, template: str, **extra: Any) -> HttpResponse:
    model = type(obj)
    context = {
        "obj": obj,
        "history": audit.history(obj).filter(
            pk__in=AuditEvent.objects.restrict(request.user).values("pk")
        )[:50],
        "can_change": restricted(model, request.user, "change").filter(pk=obj.pk).exists(),
        "can_delete": restricted(model, request.user, "delete").filter(pk=obj.pk).exists(),
        **extra,
    }
    return render(request, template, context)
