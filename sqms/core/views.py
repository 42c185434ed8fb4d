"""Pages of the core app: home, organization, service catalogue, users, tokens, audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.core import actions, audit
from sqms.core.choices import Channel, Role, SiteKind
from sqms.core.decorators import role_required
from sqms.core.forms import RegionForm, ServiceForm, SiteForm, TokenForm, UserForm
from sqms.core.listing import ListColumn, ListFilter, ListSpec, render_list
from sqms.core.models import ApiToken, AuditEvent, Region, Service, Site
from sqms.core.names import display_name
from sqms.core.scoping import may, role_of

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
def home(request: HttpRequest) -> HttpResponse:
    sites = (
        Site.objects.restrict(request.user, "view")
        .select_related("region", "manager")
        .order_by("region__code", "code")
    )
    return render(request, "core/home.html", {"sites": sites[:200], "site_count": sites.count()})


# Generic record pages ----------------------------------------------------------------------


def _form_page(
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


def _delete_page(
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


def _detail_page(request: HttpRequest, obj: Model, template: str, **extra: Any) -> HttpResponse:
    model = type(obj)
    context = {
        "obj": obj,
        "history": audit.history(obj).filter(
            pk__in=AuditEvent.objects.restrict(request.user).values("pk")
        )[:50],
        "can_change": model._default_manager.restrict(request.user, "change")
        .filter(pk=obj.pk)
        .exists(),  # type: ignore[attr-defined]
        "can_delete": model._default_manager.restrict(request.user, "delete")
        .filter(pk=obj.pk)
        .exists(),  # type: ignore[attr-defined]
        **extra,
    }
    return render(request, template, context)


# Regions -----------------------------------------------------------------------------------

REGION_LIST = ListSpec(
    title=gettext_lazy("Regions"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda r: r.code, sort="code", link=True),
        ListColumn("name", gettext_lazy("Name"), lambda r: r.name, sort="name"),
        ListColumn("sites", gettext_lazy("Sites"), lambda r: r.site_count, sort="site_count"),
    ],
    search_fields=["code", "name"],
    default_sort="code",
    export_name="regions",
    empty_text=gettext_lazy("No regions yet."),
)


@require_safe
@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    qs = Region.objects.restrict(request.user, "view").annotate(site_count=Count("sites"))
    create = (
        reverse("core:region_create") if may(request.user, "add", Region.scope_editors) else None
    )
    return render_list(request, REGION_LIST, qs, extra={"create_url": create})


@require_safe
@login_required
def region_detail(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region.objects.restrict(request.user, "view"), pk=pk)
    sites = Site.objects.restrict(request.user, "view").filter(region=region)
    return _detail_page(request, region, "core/region_detail.html", sites=sites)


@login_required
def region_create(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "add", Region.scope_editors):
        raise PermissionDenied
    form = RegionForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: actions.do_create_region(data, acting_user=request.user, channel=WEB),
        _("New region"),
        reverse("core:region_list"),
    )


@login_required
def region_edit(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region.objects.restrict(request.user, "change"), pk=pk)
    form = RegionForm(request.POST or None, instance=Region.objects.get(pk=pk))
    return _form_page(
        request,
        form,
        lambda data: actions.do_update_region(region, data, acting_user=request.user, channel=WEB),
        _("Edit region %(record)s") % {"record": region},
        region.get_absolute_url(),
    )


@login_required
def region_delete(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region.objects.restrict(request.user, "delete"), pk=pk)
    return _delete_page(
        request,
        region,
        lambda: actions.do_delete_region(region, acting_user=request.user, channel=WEB),
        reverse("core:region_list"),
    )


# Sites -------------------------------------------------------------------------------------


def _region_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [(str(r.pk), str(r)) for r in Region.objects.restrict(request.user, "view")]


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
    search_fields=["code", "name", "city", "address"],
    filters=[
        ListFilter("region", gettext_lazy("Region"), _region_choices, "region_id"),
        ListFilter("kind", gettext_lazy("Kind"), lambda r: list(SiteKind.choices), "kind"),
        ListFilter(
            "active",
            gettext_lazy("Active"),
            lambda r: [("1", _("yes")), ("0", _("no"))],
            "is_active",
        ),
    ],
    default_sort="code",
    export_name="sites",
    empty_text=gettext_lazy("No sites in your scope."),
)


@require_safe
@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    qs = Site.objects.restrict(request.user, "view").select_related("region", "manager")
    create = reverse("core:site_create") if may(request.user, "add", Region.scope_editors) else None
    return render_list(request, SITE_LIST, qs, extra={"create_url": create})


@require_safe
@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(
        Site.objects.restrict(request.user, "view").select_related("region", "manager"), pk=pk
    )
    return _detail_page(request, site, "core/site_detail.html", services=site.services.all())


@login_required
def site_create(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "add", Region.scope_editors):
        raise PermissionDenied
    form = SiteForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda data: actions.do_create_site(data, acting_user=request.user, channel=WEB),
        _("New site"),
        reverse("core:site_list"),
    )


@login_required
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.restrict(request.user, "change"), pk=pk)
    form = SiteForm(request.POST or None, instance=Site.objects.get(pk=pk), user=request.user)
    if role_of(request.user) != Role.QUALITY_MANAGER:
        form.fields["region"].disabled = True
    return _form_page(
        request,
        form,
        lambda data: actions.do_update_site(site, data, acting_user=request.user, channel=WEB),
        _("Edit site %(record)s") % {"record": site},
        site.get_absolute_url(),
    )


@login_required
def site_delete(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.restrict(request.user, "change"), pk=pk)
    if not may(request.user, "add", Region.scope_editors):
        raise PermissionDenied
    return _delete_page(
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
    search_fields=["code", "name", "description"],
    filters=[ListFilter("site", gettext_lazy("Offered at"), lambda r: _site_choices(r), "sites")],
    default_sort="code",
    export_name="services",
    empty_text=gettext_lazy("The service catalogue is empty."),
)


def _site_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [(str(s.pk), str(s)) for s in Site.objects.restrict(request.user, "view")]


@require_safe
@login_required
def service_list(request: HttpRequest) -> HttpResponse:
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
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.restrict(request.user, "view"), pk=pk)
    sites = (
        Site.objects.restrict(request.user, "view")
        .filter(services=service)
        .select_related("region")
    )
    return _detail_page(request, service, "core/service_detail.html", sites=sites)


@login_required
def service_create(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "add", Service.scope_editors):
        raise PermissionDenied
    form = ServiceForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda data: actions.do_create_service(data, acting_user=request.user, channel=WEB),
        _("New service"),
        reverse("core:service_list"),
    )


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.restrict(request.user, "change"), pk=pk)
    form = ServiceForm(request.POST or None, instance=Service.objects.get(pk=pk), user=request.user)
    return _form_page(
        request,
        form,
        lambda data: actions.do_update_service(
            service, data, acting_user=request.user, channel=WEB
        ),
        _("Edit service %(record)s") % {"record": service},
        service.get_absolute_url(),
    )


@login_required
def service_delete(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.restrict(request.user, "delete"), pk=pk)
    return _delete_page(
        request,
        service,
        lambda: actions.do_delete_service(service, acting_user=request.user, channel=WEB),
        reverse("core:service_list"),
    )


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
    search_fields=["username", "first_name", "last_name", "email"],
    filters=[
        ListFilter("role", gettext_lazy("Role"), lambda r: list(Role.choices), "profile__role")
    ],
    default_sort="username",
    export_name="users",
)


@require_safe
@role_required(Role.QUALITY_MANAGER)
def user_list(request: HttpRequest) -> HttpResponse:
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
def user_create(request: HttpRequest) -> HttpResponse:
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
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User.objects.select_related("profile"), pk=pk)
    events = AuditEvent.objects.filter(model=user._meta.label_lower, object_id=str(user.pk))[:50]
    return render(
        request,
        "core/user_detail.html",
        {"obj": user, "data": _user_form_data(user), "history": events},
    )


@role_required(Role.QUALITY_MANAGER)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
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


# Account: password, language, API tokens -----------------------------------------------------


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_set_password(
            request.user, form.cleaned_data["new_password1"], acting_user=request.user, channel=WEB
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Change password"), "cancel_url": reverse("home")},
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, remember it in a cookie and in the user's profile."""
    from django.conf import settings
    from django.utils import translation

    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=not settings.DEBUG,
    )
    translation.activate(language)
    if request.user.is_authenticated:
        actions.do_set_language(request.user, language)
    return response


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = actions.do_create_api_token(
                request.user, form.cleaned_data["name"], acting_user=request.user, channel=WEB
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "core/tokens.html", {"form": form, "tokens": tokens, "raw": raw})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.do_revoke_api_token(token, acting_user=request.user, channel=WEB)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("core:tokens")


# Audit log ---------------------------------------------------------------------------------

AUDIT_LIST = ListSpec(
    title=gettext_lazy("Audit log"),
    columns=[
        ListColumn("at", gettext_lazy("When"), lambda e: e.at, sort="at"),
        ListColumn(
            "who", gettext_lazy("Who"), lambda e: e.actor_name or _("system"), sort="actor_name"
        ),
        ListColumn(
            "channel", gettext_lazy("Channel"), lambda e: e.get_channel_display(), sort="channel"
        ),
        ListColumn(
            "action", gettext_lazy("Action"), lambda e: e.get_action_display(), sort="action"
        ),
        ListColumn("record", gettext_lazy("Record"), lambda e: e.object_repr, sort="object_repr"),
        ListColumn("changes", gettext_lazy("Changes"), lambda e: _changes_text(e.changes)),
    ],
    search_fields=["object_repr", "actor_name", "model"],
    filters=[
        ListFilter("channel", gettext_lazy("Channel"), lambda r: list(Channel.choices), "channel"),
        ListFilter(
            "action",
            gettext_lazy("Action"),
            lambda r: [
                (a, str(label)) for a, label in AuditEvent._meta.get_field("action").choices
            ],
            "action",
        ),
    ],
    default_sort="-at",
    export_name="audit-log",
    empty_text=gettext_lazy("Nothing recorded yet."),
)


def _changes_text(changes: dict[str, Any]) -> str:
    return "; ".join(f"{k}: {v[0]!s} → {v[1]!s}" for k, v in changes.items())


@require_safe
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    qs = AuditEvent.objects.restrict(request.user, "view")
    return render_list(request, AUDIT_LIST, qs, template="core/audit_log.html")
