"""One module per survey tool; each gives ``detect(head)``, its parser(s) and
``is_meta_column(col)`` (the tool's own columns, never mapped to questions).

This package only dispatches: :func:`detect` asks the tools in a fixed order (a file matching
two tools' rules goes to the earlier one), :data:`PARSERS` holds each tool's parser of
tokenized records, :func:`is_meta_column` asks the tool that made the export.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Column
from . import google_forms, limesurvey, qualtrics, surveymonkey, wjx
from .common import Head, Parser

_DETECTORS: tuple[Callable[[Head], str | None], ...] = (
    qualtrics.detect,
    surveymonkey.detect,
    wjx.detect,
    google_forms.detect,
    limesurvey.detect,
)

PARSERS: dict[str, Parser] = {
    "limesurvey": limesurvey.parse_csv,
    "limesurvey-vv": limesurvey.parse_vv,
    "qualtrics": qualtrics.parse,
    "surveymonkey": surveymonkey.parse,
    "google-forms": google_forms.parse,
    "wjx": wjx.parse,
}

_META_COLUMNS: dict[str, Callable[[Column], bool]] = {
    "limesurvey": limesurvey.is_meta_column,
    "limesurvey-vv": limesurvey.is_meta_column,
    "limesurvey-lsa": limesurvey.is_meta_column,
    "qualtrics": qualtrics.is_meta_column,
    "surveymonkey": surveymonkey.is_meta_column,
    "google-forms": google_forms.is_meta_column,
    "wjx": wjx.is_meta_column,
}


def detect(head: Head) -> str | None:
    """The foreign tool whose header rows these are, or None."""
    for tool_detect in _DETECTORS:
        tool = tool_detect(head)
        if tool is not None:
            return tool
    return None


def is_meta_column(tool: str, col: Column) -> bool:
    check = _META_COLUMNS.get(tool)
    return check is not None and check(col)


__all__ = ["PARSERS", "Head", "Parser", "detect", "is_meta_column"]
