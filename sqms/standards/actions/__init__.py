"""Every write of the standards app; callers write ``actions.do_…``."""

from sqms.standards.actions.acks import do_acknowledge
from sqms.standards.actions.documents import (
    do_activate_due_versions,
    do_add_link,
    do_approve_version,
    do_confirm_review,
    do_create_standard,
    do_delete_link,
    do_new_version,
    do_reject_version,
    do_submit_version,
    do_update_standard,
    do_update_version,
)
from sqms.standards.actions.review import ReviewReport, do_review_standards
from sqms.standards.actions.training import (
    do_create_training,
    do_delete_training,
    do_update_training,
)

__all__ = [
    "ReviewReport",
    "do_acknowledge",
    "do_activate_due_versions",
    "do_add_link",
    "do_approve_version",
    "do_confirm_review",
    "do_create_standard",
    "do_create_training",
    "do_delete_link",
    "do_delete_training",
    "do_new_version",
    "do_reject_version",
    "do_review_standards",
    "do_submit_version",
    "do_update_standard",
    "do_update_training",
    "do_update_version",
]
