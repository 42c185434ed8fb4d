"""Login with a per-address rate limit."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sqms.core.ratelimit import client_ip, hit


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not hit(f"login:{client_ip(request)}", settings.SQMS_LOGIN_RATE_PER_IP):
            return render(
                request,
                "core/message.html",
                {
                    "title": _("Too many attempts"),
                    "message": _("Too many sign-in attempts. Wait a minute and try again."),
                },
                status=429,
            )
        return super().post(request, *args, **kwargs)
