"""PDCA stages and their guards (refused with messages naming what is missing), tasks,
the Act decision (standardize or the next cycle), the optimistic lock, closed projects
read-only, the audit trail, scope, and the ``pdca-check`` command."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from sqms.core.locking import ConflictError
from sqms.core.models import AuditEvent
from sqms.improvement import actions
from sqms.improvement.models import PdcaProject
from sqms.improvement.tests.pdca_data import CLI, error_kpi, project, to_check

pytestmark = pytest.mark.django_db


def message(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def test_plan_guard_names_what_is_missing(world: Any) -> None:
    p = actions.do_create_project(
        {"title": "Faster queue", "plan_what": "x"},
        code="P-2",
        level="site",
        site=world.site_a,
        acting_user=world.alpha_manager,
        channel=CLI,
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_transition_project(p, "do", expected_version=1, acting_user=None, channel=CLI)
    text = message(exc)
    for part in (
        "problem statement",
        "baseline KPI",
        "baseline period",
        "target value",
        "root cause",
        "5W1H",
        "why",
        "how",
    ):
        assert part in text
    assert "what," not in text  # "what" is filled in
    p.refresh_from_db()
    assert p.stage == "plan"


def test_full_cycle_standardize_and_close(world: Any) -> None:
    kpi = error_kpi(world)
    p = project(world, kpi, user=world.alpha_manager)
    p = actions.do_transition_project(p, "do", expected_version=1, acting_user=None, channel=CLI)
    with pytest.raises(ValidationError) as exc:
        actions.do_transition_project(
            p, "check", expected_version=None, acting_user=None, channel=CLI
        )
    assert "at least one task" in message(exc)
    task = actions.do_add_task(
        p, {"title": "Cards", "due_date": dt.date(2025, 3, 1)}, acting_user=None, channel=CLI
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_transition_project(
            p, "check", expected_version=None, acting_user=None, channel=CLI
        )
    assert "1 task(s) are still open" in message(exc)
    actions.do_complete_task(task, done_on=dt.date(2025, 3, 2), acting_user=None, channel=CLI)
    p = actions.do_transition_project(
        p, "check", expected_version=None, acting_user=None, channel=CLI
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_transition_project(
            p, "act", expected_version=None, acting_user=None, channel=CLI
        )
    assert "run the Check first" in message(exc)
    p = actions.do_run_check(p, acting_user=world.alpha_manager, channel=CLI)
    assert p.check_result["verdict"] == "effective"
    p = actions.do_transition_project(
        p, "act", expected_version=None, acting_user=None, channel=CLI
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_transition_project(
            p, "close", expected_version=None, acting_user=None, channel=CLI
        )
    assert "Act decision" in message(exc)
    with pytest.raises(ValidationError) as exc:
        actions.do_decide_act(
            p, "standardize", expected_version=None, acting_user=None, channel=CLI
        )
    assert "standard version" in message(exc)
    p = actions.do_decide_act(p, "new_cycle", expected_version=None, acting_user=None, channel=CLI)
    assert p.cycle == 2 and p.code == "PDCA-1-C2" and p.stage == "plan"
    assert p.previous is not None and p.previous.code == "PDCA-1"
    assert p.problem == "Too many transactions are wrong." and p.kpi == kpi
    assert p.after_from is None
    first = PdcaProject.objects.get(code="PDCA-1")
    first = actions.do_transition_project(
        first, "close", expected_version=None, acting_user=None, channel=CLI
    )
    assert first.stage == "closed" and first.closed_at is not None
    with pytest.raises(PermissionDenied):
        actions.do_update_project(
            first, {"title": "x"}, expected_version=None, acting_user=None, channel=CLI
        )
    with pytest.raises(PermissionDenied):
        actions.do_add_task(
            first, {"title": "x", "due_date": dt.date(2025, 1, 1)}, acting_user=None, channel=CLI
        )
    events = AuditEvent.objects.filter(model="improvement.pdcaproject", object_id=str(first.pk))
    assert events.count() >= 7  # create, 4 transitions, check, decision, close
    assert AuditEvent.objects.filter(model="improvement.pdcatask").count() == 2


def test_optimistic_lock(world: Any) -> None:
    p = project(world, error_kpi(world))
    actions.do_update_project(
        p, {"title": "New"}, expected_version=1, acting_user=None, channel=CLI
    )
    with pytest.raises(ConflictError):
        actions.do_update_project(
            p, {"title": "Stale"}, expected_version=1, acting_user=None, channel=CLI
        )
    p.refresh_from_db()
    assert (p.title, p.version) == ("New", 2)


def test_bad_periods_and_cancel(world: Any) -> None:
    kpi = error_kpi(world)
    with pytest.raises(ValidationError) as exc:
        project(world, kpi, after_from=dt.date(2025, 2, 1))
    assert "after period must start after" in message(exc)
    assert not PdcaProject.objects.exists()
    p = project(world, kpi)
    with pytest.raises(ValidationError) as exc:
        actions.do_transition_project(
            p, "cancel", expected_version=None, acting_user=None, channel=CLI
        )
    assert "why" in message(exc)
    p = actions.do_transition_project(
        p, "cancel", expected_version=None, reason="Merged", acting_user=None, channel=CLI
    )
    assert p.is_closed


def test_scope(world: Any) -> None:
    p = project(world, error_kpi(world))
    assert PdcaProject.objects.restrict(world.alpha_manager).filter(pk=p.pk).exists()
    assert not PdcaProject.objects.restrict(world.bravo_manager).filter(pk=p.pk).exists()
    with pytest.raises(PermissionDenied):
        project(world, p.kpi, code="P-B", user=world.bravo_manager)
    with pytest.raises(PermissionDenied):
        actions.do_create_project(
            {"title": "Org"},
            code="ORG-1",
            level="organization",
            acting_user=world.alpha_manager,
            channel=CLI,
        )
    actions.do_create_project(
        {"title": "Region"},
        code="REG-1",
        level="region",
        region=world.region_a,
        acting_user=world.qm,
        channel=CLI,
    )
    assert PdcaProject.objects.restrict(world.qm).count() == 2
    assert not PdcaProject.objects.restrict(world.bravo_manager).exists()


def test_cli_prints_before_after_and_verdict(world: Any) -> None:
    p = to_check(project(world, error_kpi(world)))
    out = StringIO()
    call_command("pdca_check", project=p.code, lang="en", stdout=out)
    text = out.getvalue()
    assert "PDCA-1 Cut the error rate — ERR" in text
    assert "Before 2025-01-01…2025-02-01: 2 period(s), 0.2 (40/200)" in text
    assert "After 2025-04-01…2025-05-01: 2 period(s), 0.1 (20/200)" in text
    assert "two-proportion z-test: statistic -2.80056, p = 0.00510" in text
    assert "Verdict: effective" in text
