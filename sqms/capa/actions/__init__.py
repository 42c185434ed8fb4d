"""Every write to nonconformities and CAPA. Split by domain; callers write ``actions.do_…``."""

from sqms.capa.actions.analysis import (
    do_add_fishbone,
    do_add_why_step,
    do_delete_fishbone,
    do_delete_why_step,
    do_update_fishbone,
    do_update_why_step,
)
from sqms.capa.actions.causes import do_create_cause, do_delete_cause, do_update_cause
from sqms.capa.actions.common import ConflictError
from sqms.capa.actions.defaults import do_install_default_causes
from sqms.capa.actions.items import (
    do_add_action,
    do_add_evidence,
    do_cancel_action,
    do_complete_action,
    do_update_action,
    may_work,
)
from sqms.capa.actions.nonconformities import (
    do_create_nc,
    do_raise_from_finding,
    do_raise_from_referral,
    do_transition,
    do_update_nc,
)
from sqms.capa.actions.reminders import ActionCheck, do_check_actions
from sqms.capa.actions.verification import do_confirm_verification, do_propose_verification

__all__ = [
    "ActionCheck",
    "ConflictError",
    "do_add_action",
    "do_add_evidence",
    "do_add_fishbone",
    "do_add_why_step",
    "do_cancel_action",
    "do_check_actions",
    "do_complete_action",
    "do_confirm_verification",
    "do_create_cause",
    "do_create_nc",
    "do_delete_cause",
    "do_delete_fishbone",
    "do_delete_why_step",
    "do_install_default_causes",
    "do_propose_verification",
    "do_raise_from_finding",
    "do_raise_from_referral",
    "do_transition",
    "do_update_action",
    "do_update_cause",
    "do_update_fishbone",
    "do_update_nc",
    "do_update_why_step",
    "may_work",
]
