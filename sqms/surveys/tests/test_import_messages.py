"""Importer cell errors are shown in the reader's language, naming row and column."""

from __future__ import annotations

from django.utils import translation

from sqms.surveys.import_messages import cell_error_text
from sqms.surveys.importers import CellError


def test_out_of_range_in_english_and_chinese() -> None:
    error = CellError.make("out_of_range", 12, "SQ01.E", value=9, min=1, max=7)
    with translation.override("en"):
        assert cell_error_text(error) == "row 12, column SQ01.E: score 9 is outside 1–7"
    with translation.override("zh-hans"):
        text = cell_error_text(error)
    assert "12" in text and "SQ01.E" in text and "9" in text and "超出" in text


def test_unknown_code_falls_back_to_the_english_message() -> None:
    error = CellError(3, "Q1", "something odd", "new_code", {})
    assert cell_error_text(error) == "something odd"
