"""Users and roles (quality managers only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.core import actions
from sqms.core.choices import Role
from sqms.core.decorators import role_required
from sqms.core.filters import USER_FILTERS
from sqms.core.forms import UserForm
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.models import AuditEvent
from sqms.core.names import display_name
from sqms.core.views.generic import WEB, add_errors

# Users -------------------------------------------------------------------------------------

User = get_user_model()

USER_LIST = ListSpec(
    title=gettext_lazy("Users and roles"),
    columns=[
        ListColumn(
            "username", gettext_lazy("Username"), lambda u: u.username, sort="username", link=True
        ),
        ListColumn("name", gettext_lazy("Name"), display_name, sort="last_name"),
        ListColumn(
            "role",
            gettext_lazy("Role"),
            lambda u: (
                Role(u.profile.role).label
                if getattr(u, "profile", None) and u.profile.role
                else _("no role")
            ),
            sort="profile__role",
        ),
        ListColumn("active", gettext_lazy("Active"), lambda u: u.is_active, sort="is_active"),
        ListColumn(
            "last_login", gettext_lazy("Last login"), lambda u: u.last_login, sort="last_login"
        ),
    ],
    filterset=USER_FILTERS,
    default_sort="username",
    export_name="users",
)


@require_safe
@role_required(Role.QUALITY_MANAGER)
def user_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = User.objects.select_related("profile")
    return render_list(
        request,
        USER_LIST,
        qs,
        template="core/user_list.html",
        extra={"create_url": reverse("core:user_create")},
    )


def _user_form_data(user: Any) -> dict[str, Any]:
    profile = getattr(user, "profile", None)
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
        "role": profile.role if profile else "",
        "regions": list(profile.regions.all()) if profile else [],
        "sites": list(profile.sites.all()) if profile else [],
        "all_sites": profile.all_sites if profile else False,
    }


@role_required(Role.QUALITY_MANAGER)
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.do_create_user(
                username=data["username"],
                password=data["password"],
                role=data["role"],
                regions=list(data["regions"]),
                sites=list(data["sites"]),
                all_sites=data["all_sites"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                acting_user=request.user,
                channel=WEB,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Created user %(user)s.") % {"user": user.username})
            return redirect("core:user_detail", pk=user.pk)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("New user"), "cancel_url": reverse("core:user_list")},
    )


@require_safe
@role_required(Role.QUALITY_MANAGER)
def user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User.objects.select_related("profile"), pk=pk)
    events = AuditEvent.objects.filter(model=user._meta.label_lower, object_id=str(user.pk))[:50]
    return render(
        request,
        "core/user_detail.html",
        {"obj": user, "data": _user_form_data(user), "history": events},
    )


@role_required(Role.QUALITY_MANAGER)
def user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, initial=_user_form_data(user), editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password")
        data.pop("username")
        try:
            actions.do_update_user(user, data, acting_user=request.user, channel=WEB)
            if password:
                actions.do_set_password(user, password, acting_user=request.user, channel=WEB)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved user %(user)s.") % {"user": user.username})
            return redirect("core:user_detail", pk=user.pk)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Edit user %(user)s") % {"user": user.username},
            "cancel_url": reverse("core:user_detail", args=[pk]),
        },
    )
