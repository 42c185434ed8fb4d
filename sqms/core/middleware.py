"""Middleware: the user's remembered language, and a clear refusal for users without a role."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from sqms.core.scoping import role_of

# Paths a signed-in user without a role may still use.
ROLELESS_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/s/", "/api/", "/admin/")


class UserLanguageMiddleware:
    """Use the language saved in the profile unless the request's cookie already chose one;
    refuse app pages to signed-in users who have no role."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            profile = getattr(user, "profile", None)
            if profile is not None and profile.language:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, args: object, kwargs: object
    ) -> None:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_superuser
            and role_of(user) is None
            and not request.path.startswith(ROLELESS_PREFIXES)
        ):
            raise PermissionDenied(
                _("Your account has no role yet. Ask a quality manager to give you one.")
            )
