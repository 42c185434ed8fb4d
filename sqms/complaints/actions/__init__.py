"""Every write to complaints. Split by domain; callers write ``actions.do_…``."""

from sqms.complaints.actions.attachments import (
    do_add_attachments,
    do_add_customer_message,
)
from sqms.complaints.actions.capa import do_refer_to_capa
from sqms.complaints.actions.defaults import do_install_defaults
from sqms.complaints.actions.followup import (
    do_install_followup_instrument,
    link_follow_up,
    send_follow_up,
)
from sqms.complaints.actions.imports import ImportReport, do_import_complaints
from sqms.complaints.actions.intake import (
    DuplicateExternalId,
    do_create_complaint,
    do_update_complaint,
)
from sqms.complaints.actions.recovery import (
    approvers_of,
    do_add_recovery,
    do_complete_recovery,
    do_decide_recovery,
    may_decide,
    needs_approval,
)

# SLA scheduler and settings (branch c-sla)
from sqms.complaints.actions.sla import CheckReport, ClockCheckError, do_check_clocks
from sqms.complaints.actions.volumes import (
    VolumeImport,
    do_delete_volume,
    do_import_volumes,
    do_save_volume,
    do_update_volume,
)
from sqms.complaints.actions.workflow import (
    assignable_users,
    do_add_entry,
    do_assign,
    do_transition,
)
from sqms.core.locking import ConflictError

__all__ = [
    "CheckReport",
    "ClockCheckError",
    "do_check_clocks",
    # recovery, follow-up, volumes (c-recovery)
    "VolumeImport",
    "approvers_of",
    "do_add_recovery",
    "do_complete_recovery",
    "do_decide_recovery",
    "do_delete_volume",
    "do_import_volumes",
    "do_install_followup_instrument",
    "do_save_volume",
    "do_update_volume",
    "link_follow_up",
    "may_decide",
    "needs_approval",
    "send_follow_up",
    # intake and workflow
    "ConflictError",
    "DuplicateExternalId",
    "ImportReport",
    "assignable_users",
    "do_add_attachments",
    "do_add_customer_message",
    "do_add_entry",
    "do_assign",
    "do_create_complaint",
    "do_import_complaints",
    "do_install_defaults",
    "do_refer_to_capa",
    "do_transition",
    "do_update_complaint",
]
