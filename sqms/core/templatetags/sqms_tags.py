from typing import Any

from django import template

from sqms.core.names import display_name

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """A user's name as people write it (see sqms.core.names.display_name)."""
    return display_name(user)
