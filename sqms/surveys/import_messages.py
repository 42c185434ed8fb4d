"""The importer's cell errors in the reader's language.

The pure importer package (``sqms.surveys.importers``) has no Django and writes English; every
cell error carries a ``code`` and its parameters, so the pages translate it here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sqms.surveys.importers import CellError, ImportFormatError, Notice


def cell_error_text(error: CellError) -> str:
    """The error of one cell, naming its row and column, in the active language."""
    p: dict[str, Any] = {"line": error.line, "column": error.column, **error.params}
    for key in ("value",):
        if key in p:
            p[key] = str(p[key])
    templates = {
        "out_of_range": _(
            "row %(line)s, column %(column)s: score %(value)s is outside %(min)s–%(max)s"
        ),
        "not_a_number": _("row %(line)s, column %(column)s: “%(value)s” is not a number"),
        "unknown_option": _(
            "row %(line)s, column %(column)s: “%(value)s” is not one of the answer options"
        ),
        "bad_date": _("row %(line)s, column %(column)s: “%(value)s” is not a date"),
        "missing_meta": _("row %(line)s, column %(column)s: required %(field)s is missing"),
    }
    template = templates.get(error.code)
    if template is None:
        return error.message
    try:
        return template % p
    except (KeyError, TypeError, ValueError):
        return error.message


def _format_templates() -> dict[str, str]:
    return {
        "undecodable": _(
            "cannot decode the file: it is neither UTF-8 nor GB18030/GBK; save it as UTF-8 CSV"
        ),
        "wrong_encoding": _("wrong encoding: the file is not valid %(encoding)s"),
        "unterminated_quote": _("unterminated quoted field"),
        "empty_file": _("empty file"),
        "malformed_csv": _("malformed CSV: %(detail)s"),
        "not_native": _("not an SQMS export: the header must start with %(header)s"),
        "bad_xlsx": _("cannot read the .xlsx workbook: %(detail)s"),
        "bad_xls": _("cannot read the .xls workbook: %(detail)s"),
        "too_large": _(
            "file %(filename)sis too large: %(size_mb)s MB, the limit is %(limit_mb)s MB"
        ),
        "unknown_format": _("unknown format “%(format)s”; choose one of %(formats)s"),
        "corrupt_zip": _("corrupt ZIP / XLSX file"),
        "zip_not_survey": _("this ZIP file is neither a LimeSurvey archive nor an XLSX"),
        "unrecognised": _(
            "unrecognised survey export: the first header cells are %(first)s; give the format "
            "explicitly if it is a supported tool"
        ),
        "archive_extension": _("a LimeSurvey archive must be a .lsa (ZIP) or .lsr (XML) file"),
        "header_only": _("header only, no responses"),
        "format_mismatch": _(
            "this looks like a %(tool)s export but the format %(expected)s was chosen"
        ),
        "vv_second_header": _("VV export without its second header line (column codes)"),
        "bad_responses_xml": _("invalid responses XML: %(detail)s"),
        "archive_without_lsr": _("this survey archive holds no responses (.lsr) file"),
        "corrupt_archive": _("corrupt survey archive: %(detail)s"),
        "qualtrics_headers": _("Qualtrics export with fewer than %(rows)s header rows"),
        "surveymonkey_header": _("SurveyMonkey export without its second header row"),
    }


def _notice_templates() -> dict[str, str]:
    return {
        "unreadable_dates": _(
            "%(count)s unreadable date(s) in column “%(column)s” (lines %(lines)s)"
        ),
        "short_records": _(
            "%(count)s record(s) do not have %(width)s fields (lines %(lines)s); missing fields "
            "read as empty"
        ),
        "limesurvey_by_values": _(
            "fixed LimeSurvey columns recognised by their values, not their headings: %(columns)s"
        ),
        "no_response_id": _("no response id column: re-importing this file would duplicate it"),
        "anonymised_dates": _(
            "%(count)s response(s) dated %(date)s: anonymised survey without date stamps, "
            "submission time unknown"
        ),
        "no_structure": _(
            "no survey structure (.lss) found: columns keep their SGQA database names"
        ),
        "surveymonkey_complete": _(
            "SurveyMonkey files carry no completion flag: a response counts as complete when it "
            "answers the last question"
        ),
        "wjx_positions": _(
            "问卷星 option-number download: single-choice cells hold the 1-based option "
            "position, not the scale value (-2 = not ranked, -3 = skipped)"
        ),
        "timezone_dropped": _("%(count)s timestamp(s) had a time-zone abbreviation, read as local"),
        "google_no_id": _(
            "Google Forms gives no response id: rows are identified by their content"
        ),
    }


def _fill(template: str | None, params: dict[str, Any], fallback: str) -> str:
    if template is None:
        return fallback
    try:
        return template % {k: str(v) for k, v in params.items()}
    except (KeyError, TypeError, ValueError):
        return fallback


def format_error_text(error: ImportFormatError) -> str:
    """Why the file cannot be read, and where, in the active language."""
    text = _fill(_format_templates().get(error.code), error.params, error.reason)
    where = []
    if error.line is not None:
        where.append(_("line %(line)s") % {"line": error.line})
    if error.column is not None:
        where.append(_("column “%(column)s”") % {"column": error.column})
    return f"{text} ({', '.join(where)})" if where else text


def notice_text(notice: str) -> str:
    """A warning about the file in the active language (plain strings pass unchanged)."""
    if not isinstance(notice, Notice):
        return notice
    return _fill(_notice_templates().get(notice.code), notice.params, str(notice))


#: every code the importer can raise or warn with, so a test can check none lacks a text
def translated_codes() -> tuple[set[str], set[str]]:
    return set(_format_templates()), set(_notice_templates())
