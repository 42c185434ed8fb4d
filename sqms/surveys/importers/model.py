"""Data model shared by every importer: parsed columns, rows, exports and errors.

Pure Python, no Django import: the app, the CLI and the benchmarks all code against these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Tools that :func:`parse_export` can recognise; ``expected_tool`` takes one of these
#: (a family name such as ``"limesurvey"`` also accepts the ``limesurvey-vv``/``-lsa`` variants).
TOOLS: tuple[str, ...] = (
    "limesurvey",
    "limesurvey-vv",
    "limesurvey-lsa",
    "qualtrics",
    "surveymonkey",
    "google-forms",
    "wjx",
    "native",
)

TOOL_NAMES: dict[str, str] = {
    "limesurvey": "LimeSurvey CSV",
    "limesurvey-vv": "LimeSurvey VV",
    "limesurvey-lsa": "LimeSurvey archive (.lsa/.lsr)",
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "google-forms": "Google Forms",
    "wjx": "问卷星 (Wenjuanxing)",
    "native": "SQMS export",
}

#: The fixed columns of SQMS's own export format; question targets follow them.
NATIVE_HEADER = ("response_id", "submitted_at", "site", "service", "channel", "language")

#: Default maximum size of an imported file (bytes).
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


class ImportFormatError(ValueError):
    """The file cannot be read as a survey export. ``code`` names the reason (a key of
    ``messages.FORMAT_ERRORS``) and ``params`` fill its text; ``str()`` is the English message
    with where it happened, and the pages translate by code."""

    def __init__(
        self, code: str, *, line: int | None = None, column: str | None = None, **params: Any
    ):
        from .messages import FORMAT_ERRORS

        self.code = code
        self.params = params
        self.line = line
        self.column = column
        message = FORMAT_ERRORS[code].format(**params)
        where = []
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{message} ({', '.join(where)})" if where else message)
        self.reason = message


class Notice(str):
    """A warning about a file: its English text, with the ``code`` (a key of
    ``messages.NOTICES``) and ``params`` the pages translate it by."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Notice:
        from .messages import NOTICES

        notice = super().__new__(cls, NOTICES[code].format(**params))
        notice.code = code
        notice.params = params
        return notice


@dataclass(frozen=True)
class Column:
    index: int
    key: str  # unique within the export
    code: str | None  # question code given by the tool, if any
    text: str  # human question text ('' if none)


@dataclass
class ParsedRow:
    line: int  # 1-based line (CSV) or row (spreadsheet) where the record starts
    external_id: str | None  # namespaced per tool, e.g. "limesurvey:12"
    submitted_at: datetime | None
    complete: bool
    is_test: bool
    values: dict[str, str | None]  # column key -> raw value (None = NULL / not shown)
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedExport:
    tool: str
    encoding: str
    separator: str | None
    heading_style: str | None
    columns: list[Column]
    rows: list[ParsedRow]
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """``total``, ``complete`` and ``incomplete`` (both excluding test rows) and ``test``
        (test, preview and spam responses, whatever their completeness)."""
        test = sum(1 for r in self.rows if r.is_test)
        complete = sum(1 for r in self.rows if r.complete and not r.is_test)
        total = len(self.rows)
        return {
            "total": total,
            "complete": complete,
            "incomplete": total - test - complete,
            "test": test,
        }

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


def unique_keys(names: list[str]) -> list[str]:
    """Make column keys unique: a repeated name gets `` (2)``, `` (3)``…"""
    seen: dict[str, int] = {}
    out: list[str] = []
    taken = set(names)
    for n in names:
        if n in seen:
            k = seen[n] + 1
            while f"{n} ({k})" in taken:
                k += 1
            seen[n] = k
            key = f"{n} ({k})"
            taken.add(key)
            out.append(key)
        else:
            seen[n] = 1
            out.append(n)
    return out
