"""Recovery actions: the approval limit, who may approve, deciding once, completing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.complaints import actions
from sqms.complaints.choices import EntryKind, RecoveryStatus
from sqms.complaints.models import Entry, RecoveryAction
from sqms.complaints.tests.recovery_data import complaint_at
from sqms.core.choices import Channel
from sqms.core.models import AuditEvent
from sqms.jobs.models import OutboxMessage

WEB = Channel.WEB


@pytest.fixture
def complaint(world):  # type: ignore[no-untyped-def]
    return complaint_at(world.site_a)


def _add(complaint, user, kind="compensation", amount=None, **extra):  # type: ignore[no-untyped-def]
    data = {"kind": kind, "description": "Voucher", **extra}
    if amount is not None:
        data["amount"] = amount
    return actions.do_add_recovery(complaint, data, acting_user=user, channel=WEB)


def test_approval_needed_above_the_limit_only(world, complaint, settings):  # type: ignore[no-untyped-def]
    settings.SQMS_RECOVERY_APPROVAL_LIMIT = Decimal("500")
    world.alpha_manager.email = "alpha.manager@example.com"
    world.alpha_manager.save()
    at_limit = _add(complaint, world.alpha_agent, amount="500")
    above = _add(complaint, world.alpha_agent, amount="500.01")
    apology = _add(complaint, world.alpha_agent, kind="apology")
    assert at_limit.status == RecoveryStatus.APPROVED and at_limit.amount == Decimal("500.00")
    assert above.status == RecoveryStatus.PENDING_APPROVAL
    assert apology.status == RecoveryStatus.APPROVED and apology.amount is None
    # only the one above the limit asks the site's managers (site B's manager is not asked)
    messages = OutboxMessage.objects.filter(event_key__contains=":recovery:")
    assert [(m.recipient, m.event_key) for m in messages] == [
        ("alpha.manager@example.com", f"complaint:{complaint.pk}:recovery:{above.pk}:approval")
    ]
    notes = Entry.objects.filter(complaint=complaint, kind=EntryKind.NOTE, is_public=False)
    assert notes.count() == 3
    assert (
        AuditEvent.objects.filter(model="complaints.recoveryaction", action="create").count() == 3
    )


def test_amount_rules(world, complaint):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        _add(complaint, world.alpha_agent, kind="refund")
    assert "amount" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _add(complaint, world.alpha_agent, kind="apology", amount="10")
    assert "amount" in err.value.message_dict
    with pytest.raises(ValidationError):
        _add(complaint, world.alpha_agent, amount="-1")
    assert RecoveryAction.objects.count() == 0


def test_agent_cannot_approve_and_requester_cannot_self_approve(world, complaint):  # type: ignore[no-untyped-def]
    mine = _add(complaint, world.alpha_manager, amount="800")
    assert mine.status == RecoveryStatus.PENDING_APPROVAL
    assert not actions.may_decide(world.alpha_agent, mine)
    assert not actions.may_decide(world.alpha_manager, mine)
    assert not actions.may_decide(world.bravo_manager, mine)
    assert actions.may_decide(world.qm, mine)
    with pytest.raises(PermissionDenied):
        actions.do_decide_recovery(mine, True, acting_user=world.alpha_agent, channel=WEB)
    with pytest.raises(PermissionDenied):
        actions.do_decide_recovery(mine, True, acting_user=world.alpha_manager, channel=WEB)
    with pytest.raises(PermissionDenied):
        actions.do_decide_recovery(mine, True, acting_user=world.bravo_manager, channel=WEB)
    assert RecoveryAction.objects.get(pk=mine.pk).status == RecoveryStatus.PENDING_APPROVAL
    # a quality manager may approve even his own request
    own = _add(complaint, world.qm, amount="900")
    done = actions.do_decide_recovery(own, True, "ok", acting_user=world.qm, channel=WEB)
    assert done.status == RecoveryStatus.APPROVED and done.decided_by == world.qm


def test_decide_once_then_complete(world, complaint):  # type: ignore[no-untyped-def]
    action = _add(complaint, world.alpha_agent, amount="1200")
    with pytest.raises(ValidationError):  # not approved yet
        actions.do_complete_recovery(action, acting_user=world.alpha_agent, channel=WEB)
    decided = actions.do_decide_recovery(
        action, False, "Too much", acting_user=world.alpha_manager, channel=WEB
    )
    assert decided.status == RecoveryStatus.REJECTED and decided.decision_note == "Too much"
    with pytest.raises(ValidationError) as err:
        actions.do_decide_recovery(action, True, acting_user=world.qm, channel=WEB)
    assert "already decided" in " ".join(err.value.messages)
    with pytest.raises(ValidationError):  # rejected cannot be done
        actions.do_complete_recovery(action, acting_user=world.alpha_agent, channel=WEB)
    ok = _add(complaint, world.alpha_agent, amount="1200")
    actions.do_decide_recovery(ok, True, acting_user=world.alpha_manager, channel=WEB)
    finished = actions.do_complete_recovery(ok, acting_user=world.alpha_agent, channel=WEB)
    assert finished.status == RecoveryStatus.DONE and finished.done_at is not None
    bodies = list(
        Entry.objects.filter(complaint=complaint, kind=EntryKind.NOTE).values_list(
            "body", flat=True
        )
    )
    assert any("rejected" in b for b in bodies) and any("done" in b for b in bodies)


def test_outsider_cannot_add(world, complaint):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        _add(complaint, world.bravo_manager, kind="apology")
    with pytest.raises(PermissionDenied):
        _add(complaint, world.alpha_inspector, kind="apology")
