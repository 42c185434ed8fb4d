"""Every user-facing message of the importer, in one place (English; the pages translate by
``code`` in ``sqms.surveys.import_messages``): cell errors, format errors, warnings."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "out_of_range": "row {line}, column {column}: score {value} is outside {min}–{max}",
    "not_a_number": "row {line}, column {column}: {value!r} is not a number",
    "unknown_option": "row {line}, column {column}: {value!r} is not one of the answer options",
    "bad_date": "row {line}, column {column}: {value!r} is not a date",
    "missing_meta": "row {line}, column {column}: required {field} is missing",
}


def render(code: str, line: int, column: str, params: dict[str, object]) -> str:
    return MESSAGES[code].format(line=line, column=repr(column), **params)


#: why a file cannot be read at all (``ImportFormatError.code``)
FORMAT_ERRORS: dict[str, str] = {
    "undecodable": "cannot decode the file: it is neither UTF-8 nor GB18030/GBK; save it as UTF-8 CSV",
    "wrong_encoding": "wrong encoding: the file is not valid {encoding}",
    "unterminated_quote": "unterminated quoted field",
    "empty_file": "empty file",
    "malformed_csv": "malformed CSV: {detail}",
    "not_native": "not an SQMS export: the header must start with {header}",
    "bad_xlsx": "cannot read the .xlsx workbook: {detail}",
    "bad_xls": "cannot read the .xls workbook: {detail}",
    "too_large": "file {filename}is too large: {size_mb} MB, the limit is {limit_mb} MB",
    "unknown_format": "unknown format {format!r}; choose one of {formats}",
    "corrupt_zip": "corrupt ZIP / XLSX file",
    "zip_not_survey": "this ZIP file is neither a LimeSurvey archive nor an XLSX",
    "unrecognised": "unrecognised survey export: the first header cells are {first}; give the format explicitly if it is a supported tool",
    "archive_extension": "a LimeSurvey archive must be a .lsa (ZIP) or .lsr (XML) file",
    "header_only": "header only, no responses",
    "format_mismatch": "this looks like a {tool} export but --format {expected} was given",
    "vv_second_header": "VV export without its second header line (column codes)",
    "bad_responses_xml": "invalid responses XML: {detail}",
    "archive_without_lsr": "this survey archive holds no responses (.lsr) file",
    "corrupt_archive": "corrupt survey archive: {detail}",
    "qualtrics_headers": "Qualtrics export with fewer than {rows} header rows",
    "surveymonkey_header": "SurveyMonkey export without its second header row",
}

#: what the importer noticed but could work around (``Notice.code``)
NOTICES: dict[str, str] = {
    "unreadable_dates": "{count} unreadable date(s) in column {column!r} (lines {lines})",
    "short_records": "{count} record(s) do not have {width} fields (lines {lines}); missing fields read as empty",
    "limesurvey_by_values": "fixed LimeSurvey columns recognised by their values, not their headings: {columns}",
    "no_response_id": "no response id column: re-importing this file would duplicate it",
    "anonymised_dates": "{count} response(s) dated {date}: anonymised survey without date stamps, submission time unknown",
    "no_structure": "no survey structure (.lss) found: columns keep their SGQA database names",
    "surveymonkey_complete": "SurveyMonkey files carry no completion flag: a response counts as complete when it answers the last question",
    "wjx_positions": "问卷星 option-number download: single-choice cells hold the 1-based option position, not the scale value (-2 = not ranked, -3 = skipped)",
    "timezone_dropped": "{count} timestamp(s) had a time-zone abbreviation, read as local",
    "google_no_id": "Google Forms gives no response id: rows are identified by their content",
}


def line_list(lines: list[int], limit: int = 5) -> str:
    """``2, 5, 9…`` — the first ``limit`` line numbers, an ellipsis when there are more."""
    return ", ".join(map(str, lines[:limit])) + ("…" if len(lines) > limit else "")
