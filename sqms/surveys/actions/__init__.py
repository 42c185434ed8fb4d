"""Every write of the surveys app, one module per domain; import from here.

=================  ===========================================================================
``instruments``    instruments (with versioning), sections, questions, the built-in instruments
``campaigns``      campaigns, their sites and quotas, open / close / delete
``responses``      :func:`write_responses`, the one response writer every channel goes through
``public``         the public form: one-time tokens and the submission
``imports``        imports of survey exports, analysis, rejects files, mapping presets
``exports``        the campaign's responses as SQMS's own CSV or XLSX
=================  ===========================================================================

Views, the API, the CLI, the public form and the demo generator all call these.
"""

from sqms.surveys.actions.campaigns import (
    do_close_campaign,
    do_create_campaign,
    do_delete_campaign,
    do_move_campaign_version,
    do_open_campaign,
    do_update_campaign,
)
from sqms.surveys.actions.exports import export_responses, export_rows, native_csv_chunks
from sqms.surveys.actions.imports import (
    ImportProblem,
    ImportRefused,
    ImportReport,
    analyse_file,
    do_import_file,
    do_save_preset,
    question_specs,
    rejects_csv,
)
from sqms.surveys.actions.instruments import (
    QUESTION_FIELDS,
    do_create_instrument,
    do_delete_instrument,
    do_delete_question,
    do_install_builtins,
    do_save_question,
    do_save_section,
    do_update_instrument,
    has_responses,
    validate_question,
)
from sqms.surveys.actions.public import SubmissionRefused, issue_token, submit_public_response
from sqms.surveys.actions.responses import (
    ensure_campaign_takes_responses,
    ensure_may_write_responses,
    write_responses,
)
from sqms.surveys.answers import AnswerPlan, check_answers
from sqms.surveys.resolvers import WriteResult

__all__ = [
    "QUESTION_FIELDS",
    "AnswerPlan",
    "ImportProblem",
    "ImportRefused",
    "ImportReport",
    "SubmissionRefused",
    "WriteResult",
    "analyse_file",
    "check_answers",
    "do_close_campaign",
    "do_create_campaign",
    "do_create_instrument",
    "do_delete_campaign",
    "do_move_campaign_version",
    "do_delete_instrument",
    "do_delete_question",
    "do_import_file",
    "do_install_builtins",
    "do_open_campaign",
    "do_save_preset",
    "do_save_question",
    "do_save_section",
    "do_update_campaign",
    "do_update_instrument",
    "ensure_campaign_takes_responses",
    "ensure_may_write_responses",
    "export_responses",
    "native_csv_chunks",
    "export_rows",
    "has_responses",
    "issue_token",
    "question_specs",
    "rejects_csv",
    "submit_public_response",
    "validate_question",
    "write_responses",
]
