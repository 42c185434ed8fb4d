"""Every write to checklists, programmes, inspections, audits, disputes and consequences. Split
by domain; callers write ``actions.do_…``."""

# checklists and performing (insp-perform)
from sqms.core.locking import ConflictError

# results: disputes and rewards/penalties (inspections-results)
from sqms.inspections.actions.consequences import (
    do_delete_consequence,
    do_record_consequence,
    do_update_consequence,
)
from sqms.inspections.actions.disputes import do_decide_dispute, do_raise_dispute
from sqms.inspections.actions.perform import (
    check_photos,
    do_add_narrative,
    do_add_photos,
    do_create_inspection,
    do_delete_photo,
    do_save_answer,
    do_start_inspection,
    do_submit_inspection,
    may_perform,
    missing_items,
)
from sqms.inspections.actions.templates import (
    do_add_item,
    do_add_section,
    do_create_template,
    do_delete_item,
    do_delete_section,
    do_import_checklist,
    do_move_item,
    do_move_section,
    do_new_version,
    do_publish_version,
    do_update_item,
    do_update_section,
    do_update_template,
    do_update_version,
    ensure_draft,
)

__all__: list[str] = [
    # checklists and performing (insp-perform)
    "ConflictError",
    "check_photos",
    "do_add_item",
    "do_add_narrative",
    "do_add_photos",
    "do_add_section",
    "do_create_inspection",
    "do_create_template",
    "do_delete_item",
    "do_delete_photo",
    "do_delete_section",
    "do_import_checklist",
    "do_move_item",
    "do_move_section",
    "do_new_version",
    "do_publish_version",
    "do_save_answer",
    "do_start_inspection",
    "do_submit_inspection",
    "do_update_item",
    "do_update_section",
    "do_update_template",
    "do_update_version",
    "ensure_draft",
    "may_perform",
    "missing_items",
    # results (inspections-results)
    "do_decide_dispute",
    "do_delete_consequence",
    "do_raise_dispute",
    "do_record_consequence",
    "do_update_consequence",
]
