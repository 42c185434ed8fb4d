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

__all__ = [
    "PROFILE_SETTINGS",
    "do_delete_profile",
    "do_delete_roster",
    "do_derive_profile",
    "do_import_profile",
    "do_import_roster",
    "do_save_profile",
    "do_save_roster",
]
