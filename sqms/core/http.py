"""The request of a page behind ``login_required``, for the type checker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` has logged in. Only an annotation: Django still hands
    the views plain ``HttpRequest`` objects; ``login_required`` is what makes this true."""

    user: User
