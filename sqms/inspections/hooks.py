"""What happens when an inspection is submitted with failed critical items (inside the submit
action's transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.apps import apps

from sqms.inspections.models import Answer


def on_failed_critical(
    answers: Iterable[Answer], *, acting_user: Any, channel: str, now: datetime | None = None
) -> list[Any]:
    """Raise a nonconformity for each failed critical answer when the CAPA app is installed
    (``sqms.capa.sources.raise_for_inspection_answer``); nothing otherwise."""
    if not apps.is_installed("sqms.capa"):
        return []
    from sqms.capa.sources import raise_for_inspection_answer  # type: ignore[import-not-found,unused-ignore]

    return [
        raise_for_inspection_answer(answer, acting_user=acting_user, channel=channel, now=now)
        for answer in answers
    ]
