"""Optimistic concurrency for records people edit side by side (complaints, inspections,
nonconformities): the record carries a ``version`` counter, the page or API call sends the
version it loaded, and the action locks the row and refuses a stale version, so no change is
lost silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

_M = TypeVar("_M", bound=models.Model)


class ConflictError(ValidationError):
    """The record changed after the user loaded it; ``current`` is the locked, newer row."""

    def __init__(self, current: Any, expected: int) -> None:
        super().__init__(
            _(
                "Someone else changed %(ref)s after you opened it (your version %(expected)d, "
                "now %(current)d). Reload it and try again."
            )
            % {
                "ref": getattr(current, "reference", str(current)),
                "expected": expected,
                "current": current.version,
            },
            code="conflict",
        )
        self.current = current


def lock(obj: _M, expected_version: int | None, *, select_related: Sequence[str] = ()) -> _M:
    """``obj``'s row, locked for the current transaction (``SELECT … FOR UPDATE`` of that table
    only), refused with :class:`ConflictError` when ``expected_version`` is given and is no
    longer the row's version."""
    model = type(obj)
    current = (
        model._default_manager.select_for_update(of=("self",))
        .select_related(*select_related)
        .get(pk=obj.pk)
    )
    if expected_version is not None and current.version != expected_version:  # type: ignore[attr-defined]
        raise ConflictError(current, expected_version)
    return current
