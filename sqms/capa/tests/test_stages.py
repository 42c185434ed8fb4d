"""Stages and their guards: root cause before the plan, actions done before verification, a
confirmed verification before closing; refusals name the stage and what is missing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.capa import actions
from sqms.capa.choices import Stage
from sqms.capa.tests.capa_data import (
    CLI,
    add_action,
    make_nc,
    step,
    to_action_plan,
    to_verification,
)
from sqms.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_number_and_draft(world):
    nc = make_nc(world.site_a)
    assert nc.reference == f"NC-{nc.pk:06d}"
    assert nc.stage == Stage.DRAFT and nc.cycle == 1 and nc.version == 1
    assert nc.due_date == dt.date(2026, 4, 1)  # major: 30 days after 2 March
    assert AuditEvent.objects.filter(model="capa.nonconformity", object_id=str(nc.pk)).count() == 1


def test_plan_needs_a_root_cause(world):
    nc = make_nc(world.site_a)
    step(nc, "analyse")
    actions.do_add_why_step(nc, {"answer": "because"}, acting_user=None, channel=CLI)
    with pytest.raises(ValidationError) as exc:
        step(nc, "plan")
    text = " ".join(exc.value.messages)
    assert "Analysis" in text and "root cause" in text and nc.reference in text
    actions.do_add_fishbone(
        nc, {"category": "method", "text": "No SOP", "is_root": True}, acting_user=None, channel=CLI
    )
    assert step(nc, "plan").stage == Stage.ACTION_PLAN


def test_start_needs_an_action_and_verify_needs_them_done(world):
    nc = make_nc(world.site_a)
    to_action_plan(nc)
    with pytest.raises(ValidationError, match="add at least one action"):
        step(nc, "start")
    a1 = add_action(nc)
    a2 = add_action(nc)
    step(nc, "start")
    actions.do_complete_action(a1, "", acting_user=None, channel=CLI)
    with pytest.raises(ValidationError) as exc:
        step(nc, "verify")
    assert "In progress" in exc.value.messages[0] and "1 action(s)" in exc.value.messages[0]
    actions.do_cancel_action(a2, "not needed", acting_user=None, channel=CLI)
    assert step(nc, "verify").stage == Stage.VERIFICATION


def test_close_is_refused_without_a_verification_and_with_open_actions(world):
    nc = make_nc(world.site_a)
    to_action_plan(nc)
    add_action(nc)
    step(nc, "start")
    with pytest.raises(ValidationError) as exc:
        step(nc, "close")
    assert "In progress" in exc.value.messages[0] and "still open" in exc.value.messages[0]
    # close is not a button: it follows the quality manager's verdict
    nc2 = to_verification(make_nc(world.site_a, "second"))
    with pytest.raises(ValidationError, match="no verification result for cycle 1"):
        step(nc2, "close")
    with pytest.raises(ValidationError, match="no effectiveness check"):
        actions.do_confirm_verification(
            nc2, "effective", expected_version=nc2.version, acting_user=world.qm, channel=CLI
        )


def test_stale_version_is_a_conflict(world):
    nc = make_nc(world.site_a)
    stale = nc.version
    step(nc, "analyse")
    with pytest.raises(actions.ConflictError) as exc:
        actions.do_update_nc(
            nc, {"title": "x"}, expected_version=stale, acting_user=world.qm, channel=CLI
        )
    assert f"(your version {stale}, now {stale + 1})" in exc.value.messages[0]
    assert nc.reference in exc.value.messages[0]


def test_cancel_needs_a_reason_and_a_quality_manager_and_makes_it_read_only(world):
    nc = make_nc(world.site_a)
    with pytest.raises(PermissionDenied):
        step(nc, "cancel", world.alpha_manager, reason="dup")
    with pytest.raises(ValidationError, match="why"):
        step(nc, "cancel", world.qm)
    nc = step(nc, "cancel", world.qm, reason="duplicate of another NC")
    assert nc.is_closed and nc.closed_at is not None
    with pytest.raises(PermissionDenied, match="closed"):
        actions.do_add_why_step(nc, {"answer": "x"}, acting_user=world.qm, channel=CLI)


def test_chain_wide_nc_is_for_quality_managers(world):
    with pytest.raises(PermissionDenied):
        actions.do_create_nc(
            {"site": None, "title": "x"}, acting_user=world.alpha_manager, channel=CLI
        )
    nc = actions.do_create_nc({"site": None, "title": "chain"}, acting_user=world.qm, channel=CLI)
    from sqms.capa.models import Nonconformity

    assert not Nonconformity.objects.restrict(world.alpha_manager).filter(pk=nc.pk).exists()
    assert Nonconformity.objects.restrict(world.qm).filter(pk=nc.pk).exists()


def test_site_manager_cannot_raise_for_another_site(world):
    with pytest.raises(PermissionDenied):
        actions.do_create_nc(
            {"site": world.site_b, "title": "x"}, acting_user=world.alpha_manager, channel=CLI
        )


def test_source_link_must_be_a_web_address(world):
    with pytest.raises(ValidationError) as exc:
        make_nc(world.site_a, source_url="javascript:alert(1)")
    assert "source_url" in exc.value.message_dict
    assert make_nc(world.site_a, source_url="https://kpi.example.com/alarm/7").source_url
