"""Every write to checklists, programmes, inspections, audits, disputes and consequences. Split
by domain; callers write ``actions.do_…``."""

# results: disputes and rewards/penalties (inspections-results)
from sqms.inspections.actions.consequences import (
    do_delete_consequence,
    do_record_consequence,
    do_update_consequence,
)
from sqms.inspections.actions.disputes import do_decide_dispute, do_raise_dispute

__all__: list[str] = [
    # results (inspections-results)
    "do_decide_dispute",
    "do_delete_consequence",
    "do_raise_dispute",
    "do_record_consequence",
    "do_update_consequence",
]
