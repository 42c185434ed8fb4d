"""The version workflow: drafts change, approved versions are read-only; the author submits,
another quality manager approves or rejects; approval supersedes the previous version on the
effective date (at once, or when the clock reaches it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.core import audit
from sqms.core.models import AuditEvent
from sqms.standards import actions
from sqms.standards.choices import VersionStatus
from sqms.standards.models import StandardVersion
from sqms.standards.tests.data import WEB, effective_version, make_standard, write_draft

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TODAY = date(2026, 3, 2)


def test_only_quality_managers_write_standards(world):
    with pytest.raises(PermissionDenied):
        make_standard(world, world.alpha_manager)
    standard = make_standard(world, world.qm)
    version = standard.versions.get()
    assert (version.number, version.status, version.author) == (1, "draft", world.qm)
    with pytest.raises(PermissionDenied):
        write_draft(version, world.alpha_manager)


def test_draft_steps_are_saved_in_order_and_audited(world):
    version = make_standard(world, world.qm).versions.get()
    write_draft(version, world.qm)
    steps = list(version.steps.values_list("position", "text", "time_limit_minutes", "role"))
    assert steps == [(1, "Greet within 3 m", 1, "agent"), (2, "Offer water", 5, "")]
    event = audit.history(version).first()
    assert event.changes["steps"][1][0].startswith("1. Greet within 3 m")


def test_bad_step_is_refused_naming_the_field(world):
    version = make_standard(world, world.qm).versions.get()
    with pytest.raises(ValidationError) as exc:
        actions.do_update_version(
            version, {}, steps=[{"text": "", "role": "boss"}], acting_user=world.qm, channel=WEB
        )
    text = " ".join(exc.value.messages)
    assert "steps[1].text" in text and "steps[1].role" in text
    assert version.steps.count() == 0


def test_self_approval_is_refused(world, qm2):
    version = make_standard(world, world.qm).versions.get()
    write_draft(version, world.qm)
    actions.do_submit_version(version, acting_user=world.qm, channel=WEB, now=NOW)
    with pytest.raises(PermissionDenied, match="another quality manager"):
        actions.do_approve_version(
            version, effective_from=TODAY, acting_user=world.qm, channel=WEB, now=NOW
        )
    with pytest.raises(PermissionDenied, match="no self-approval"):
        actions.do_reject_version(version, note="no", acting_user=world.qm, channel=WEB)
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_APPROVAL


def test_reject_needs_a_note_and_returns_to_draft(world, qm2):
    version = make_standard(world, world.qm).versions.get()
    write_draft(version, world.qm)
    actions.do_submit_version(version, acting_user=world.qm, channel=WEB)
    with pytest.raises(ValidationError):
        actions.do_reject_version(version, note=" ", acting_user=qm2, channel=WEB)
    actions.do_reject_version(version, note="Add the time limit", acting_user=qm2, channel=WEB)
    version.refresh_from_db()
    assert (version.status, version.decision_note, version.decided_by) == (
        "draft",
        "Add the time limit",
        qm2,
    )


def test_approved_version_is_read_only(world, qm2):
    version = effective_version(world, world.qm, qm2, effective_from=TODAY, now=NOW)
    assert version.status == VersionStatus.APPROVED
    assert version.review_due == date(2027, 3, 2)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        write_draft(version, world.qm)
    with pytest.raises(ValidationError):
        actions.do_submit_version(version, acting_user=world.qm, channel=WEB)
    assert StandardVersion.objects.get(pk=version.pk).body == "Greet every customer."


def test_approval_today_supersedes_at_once(world, qm2):
    v1 = effective_version(world, world.qm, qm2, effective_from=TODAY, now=NOW)
    v2 = actions.do_new_version(v1.standard, acting_user=world.qm, channel=WEB)
    assert v2.number == 2 and v2.steps.count() == 2 and v2.promise == v1.promise
    with pytest.raises(ValidationError, match="still a draft"):
        actions.do_new_version(v1.standard, acting_user=world.qm, channel=WEB)
    actions.do_submit_version(v2, acting_user=world.qm, channel=WEB, now=NOW)
    actions.do_approve_version(
        v2, effective_from=TODAY - timedelta(days=1), acting_user=qm2, channel=WEB, now=NOW
    )
    v1.refresh_from_db()
    assert (v1.status, v1.superseded_on) == ("superseded", TODAY - timedelta(days=1))


def test_future_effective_date_supersedes_when_the_clock_arrives(world, qm2):
    v1 = effective_version(world, world.qm, qm2, effective_from=TODAY, now=NOW)
    v2 = actions.do_new_version(v1.standard, acting_user=world.qm, channel=WEB)
    actions.do_submit_version(v2, acting_user=world.qm, channel=WEB, now=NOW)
    actions.do_approve_version(
        v2, effective_from=date(2026, 4, 1), acting_user=qm2, channel=WEB, now=NOW
    )
    v1.refresh_from_db()
    assert v1.status == "approved" and v1.is_effective(TODAY)
    assert not StandardVersion.objects.get(pk=v2.pk).is_effective(TODAY)
    # the day before: nothing changes
    before = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    assert actions.do_activate_due_versions(before, acting_user=None, channel=WEB) == 0
    # the effective day in Shanghai (still 31 March in UTC)
    arrived = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
    assert actions.do_activate_due_versions(arrived, acting_user=None, channel=WEB) == 1
    v1.refresh_from_db()
    assert (v1.status, v1.superseded_on) == ("superseded", date(2026, 4, 1))
    assert actions.do_activate_due_versions(arrived, acting_user=None, channel=WEB) == 0
    events = AuditEvent.objects.filter(model="standards.standardversion", object_id=str(v1.pk))
    assert events.filter(changes__has_key="superseded_on").count() == 1
