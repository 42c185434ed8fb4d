"""Every write to improvement work. Split by concern; callers write ``actions.do_…``."""

# Capacity planning (branch capacity)
from sqms.improvement.actions.capacity import (
    PROFILE_SETTINGS,
    do_delete_profile,
    do_delete_roster,
    do_derive_profile,
    do_import_profile,
    do_import_roster,
    do_save_profile,
    do_save_roster,
)

# PDCA improvement projects (branch pdca)
from sqms.improvement.actions.pdca import (
    do_add_task,
    do_complete_task,
    do_create_project,
    do_decide_act,
    do_delete_task,
    do_run_check,
    do_transition_project,
    do_update_project,
    do_update_task,
)

__all__ = [
    "PROFILE_SETTINGS",
    "do_delete_profile",
    "do_delete_roster",
    "do_derive_profile",
    "do_import_profile",
    "do_import_roster",
    "do_save_profile",
    "do_save_roster",
    "do_add_task",
    "do_complete_task",
    "do_create_project",
    "do_decide_act",
    "do_delete_task",
    "do_run_check",
    "do_transition_project",
    "do_update_project",
    "do_update_task",
]
