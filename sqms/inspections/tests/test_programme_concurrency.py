"""Two generation runs and two reminder runs at once on PostgreSQL: the programme's row lock
and the inspection row locks make each row and each notice exist once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from sqms.inspections import actions
from sqms.inspections.models import Inspection
from sqms.inspections.tests.programme_data import programme
from sqms.jobs.models import OutboxMessage

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def _at_once(work: Callable[[], Any], n: int = 3) -> list[Any]:
    gate = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        from django.db import connections

        try:
            gate.wait()
            results.append(work())
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_generation_and_reminders_do_not_double(world: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; PostgreSQL shows the row locks")
    get_user_model().objects.filter(pk=world.alpha_manager.pk).update(email="m@example.com")
    p = programme(world, kind="self", frequency="weekly", starts_on=date(2026, 1, 1))
    reports = _at_once(lambda: actions.do_generate_plans(None, until=date(2026, 12, 31), now=NOW))
    assert sum(r.created for r in reports) == 2 * 53
    assert Inspection.objects.filter(programme=p).count() == 2 * 53
    sent = _at_once(lambda: actions.do_send_inspection_reminders(NOW))
    overdue = Inspection.objects.filter(site=world.site_a, due_on__lt=date(2026, 12, 7)).count()
    assert sum(r.overdue for r in sent) == 2 * overdue
    assert OutboxMessage.objects.filter(event_key__endswith=":overdue").count() == overdue
