"""Every write to complaints. Split by domain; callers write ``actions.do_…``."""

from sqms.complaints.actions.attachments import (
    do_add_attachments,
    do_add_customer_message,
)
from sqms.complaints.actions.common import ConflictError
from sqms.complaints.actions.defaults import do_install_defaults
from sqms.complaints.actions.imports import ImportReport, do_import_complaints
from sqms.complaints.actions.intake import (
    DuplicateExternalId,
    do_create_complaint,
    do_update_complaint,
)

# SLA scheduler and settings (branch c-sla)
from sqms.complaints.actions.sla import CheckReport, ClockCheckError, do_check_clocks
from sqms.complaints.actions.workflow import (
    assignable_users,
    do_add_entry,
    do_assign,
    do_transition,
)

__all__ = [
    "CheckReport",
    "ClockCheckError",
    "do_check_clocks",
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
    "do_transition",
    "do_update_complaint",
]
