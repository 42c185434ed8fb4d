"""Every write to complaints. Split by domain; callers write ``actions.do_…``."""

from sqms.complaints.actions.capa import do_refer_to_capa
from sqms.complaints.actions.common import ConflictError
from sqms.complaints.actions.defaults import do_install_defaults
from sqms.complaints.actions.intake import (
    DuplicateExternalId,
    do_create_complaint,
    do_update_complaint,
)
from sqms.complaints.actions.workflow import (
    assignable_users,
    do_add_entry,
    do_assign,
    do_transition,
)

__all__ = [
    "ConflictError",
    "DuplicateExternalId",
    "assignable_users",
    "do_add_entry",
    "do_assign",
    "do_create_complaint",
    "do_install_defaults",
    "do_refer_to_capa",
    "do_transition",
    "do_update_complaint",
]
