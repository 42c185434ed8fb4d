"""What inspections tell the CAPA app, inside the calling action's transaction: a submit with
failed critical items raises nonconformities; an upheld dispute overturns the nonconformities
of the items it names. The CAPA app is optional (``apps.is_installed``)."""

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


def on_dispute_upheld(
    answers: Iterable[Answer],
    dispute: Any,
    *,
    acting_user: Any,
    channel: str,
    now: datetime | None = None,
) -> list[Any]:
    """An upheld dispute overturned the result of ``answers``: their nonconformities are
    cancelled or flagged when the CAPA app is installed
    (``sqms.capa.sources.overturn_inspection_answers``); nothing otherwise."""
    if not apps.is_installed("sqms.capa"):
        return []
    from sqms.capa.sources import overturn_inspection_answers  # type: ignore[import-not-found,unused-ignore]

    result: list[Any] = overturn_inspection_answers(
        answers, dispute, acting_user=acting_user, channel=channel, now=now
    )
    return result


def nonconformities_of(answers: Iterable[Answer], user: Any) -> list[Any]:
    """The nonconformities raised from ``answers`` that ``user`` may see (none without the
    CAPA app)."""
    if not apps.is_installed("sqms.capa"):
        return []
    from sqms.capa.models import Nonconformity  # type: ignore[import-not-found,unused-ignore]

    ids = [a.pk for a in answers]
    return list(
        Nonconformity.objects.restrict(user, "view")
        .filter(inspection_answer__in=ids)
        .order_by("pk")
    )
