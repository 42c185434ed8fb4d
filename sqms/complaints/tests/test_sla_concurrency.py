"""Two scheduler runs at once on PostgreSQL: the row locks (FOR UPDATE SKIP LOCKED) share
the due complaints between them, so each complaint is escalated once."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from sqms.complaints.actions.sla import CheckReport, do_check_clocks
from sqms.complaints.choices import EntryKind
from sqms.complaints.defaults import DEFAULT_POLICY
from sqms.complaints.models import Complaint, Entry, SlaPolicy
from sqms.complaints.tests.sla_data import T0, complaint, hours, people
from sqms.core.models import AuditEvent
from sqms.jobs.models import OutboxMessage


@pytest.mark.django_db(transaction=True)
def test_two_runners_do_not_double_act(world: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; PostgreSQL shows the row locks")
    # a transactional test starts from a flushed database: seed the default policy again
    SlaPolicy.objects.get_or_create(code=DEFAULT_POLICY["code"], defaults=DEFAULT_POLICY)
    people(world)
    made = [complaint(world, at=T0 + hours(i / 100)) for i in range(120)]
    gate = threading.Barrier(3)
    reports: list[CheckReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        from django.db import connections

        try:
            gate.wait()
            reports.append(do_check_clocks(T0 + hours(6), batch_size=10))
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r.escalations for r in reports) == len(made)
    per_complaint = Counter(
        Entry.objects.filter(kind=EntryKind.ESCALATION).values_list("complaint_id", flat=True)
    )
    assert set(per_complaint.values()) == {1} and len(per_complaint) == len(made)
    assert AuditEvent.objects.filter(
        model="complaints.complaint", channel="scheduler"
    ).count() == len(made)
    assert OutboxMessage.objects.filter(event_key__endswith=":escalated:1").count() == len(made)
    assert set(Complaint.objects.values_list("escalation_level", flat=True)) == {1}
