"""Every write to checklists, programmes, inspections, audits, disputes and consequences. Split
by domain; callers write ``actions.do_…``."""

# programmes, planning, reminders and internal audits (insp-programme)
from sqms.inspections.actions.audits import (
    audit_templates,
    do_add_finding,
    do_close_audit,
    do_create_audit,
    do_delete_finding,
    do_raise_finding_nc,
    do_record_meeting,
    do_update_audit_plan,
    do_update_finding,
    nonconformity_of,
)

# results: disputes and rewards/penalties (inspections-results)
from sqms.inspections.actions.consequences import (
    do_delete_consequence,
    do_record_consequence,
    do_update_consequence,
)
from sqms.inspections.actions.disputes import do_decide_dispute, do_raise_dispute
from sqms.inspections.actions.programmes import (
    GenerationReport,
    ReminderReport,
    do_create_programme,
    do_delete_programme,
    do_generate_plans,
    do_send_inspection_reminders,
    do_update_programme,
)

__all__: list[str] = [
    # programmes, planning, reminders and internal audits (insp-programme)
    "GenerationReport",
    "ReminderReport",
    "audit_templates",
    "do_add_finding",
    "do_close_audit",
    "do_create_audit",
    "do_create_programme",
    "do_delete_finding",
    "do_delete_programme",
    "do_generate_plans",
    "do_raise_finding_nc",
    "do_record_meeting",
    "do_send_inspection_reminders",
    "do_update_audit_plan",
    "do_update_finding",
    "do_update_programme",
    "nonconformity_of",
    # results (inspections-results)
    "do_decide_dispute",
    "do_delete_consequence",
    "do_raise_dispute",
    "do_record_consequence",
    "do_update_consequence",
]
