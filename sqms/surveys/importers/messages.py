"""Every user-facing cell-error message, in one place (English; translate by ``code``)."""

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
