"""Template context shared by every page: the navigation the user's role allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sqms.core.choices import Role
from sqms.core.scoping import role_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    role = role_of(getattr(request, "user", None))
    return {"sqms_role": role, "sqms_is_qm": role == Role.QUALITY_MANAGER}
