"""The signed-in user's account: password, language, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sqms.core import actions
from sqms.core.forms import TokenForm
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import ApiToken
from sqms.core.views.generic import WEB, add_errors

# Account: password, language, API tokens -----------------------------------------------------


@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.do_revoke_api_token(token, acting_user=request.user, channel=WEB)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("core:tokens")
