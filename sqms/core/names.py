"""How people's names are shown: Chinese names family name first, without a space."""

from __future__ import annotations

from typing import Any


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def display_name(user: Any) -> str:
    """``李娜`` for Chinese names, ``Alice Smith`` otherwise; the username when no name is set."""
    if user is None:
        return ""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if not (first or last):
        username: str = user.get_username()
        return username
    if _is_cjk(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()
