"""Every importer message has a code, an English text and a translation: a format error or a
warning raised anywhere in ``sqms.surveys.importers`` reads in the user's language."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

from sqms.surveys import importers
from sqms.surveys.import_messages import format_error_text, notice_text, translated_codes

PACKAGE = Path(importers.__file__).parent


def _codes_used() -> tuple[set[str], set[str]]:
    """The first argument of every ``ImportFormatError(...)`` and ``Notice(...)`` call."""
    errors: set[str] = set()
    notices: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                if name not in ("ImportFormatError", "Notice"):
                    continue
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{path.name}:{node.lineno}: {name} needs a literal code as first argument"
                )
                (errors if name == "ImportFormatError" else notices).add(first.value)
    return errors, notices


def test_every_code_has_an_english_and_a_translated_text():
    errors, notices = _codes_used()
    assert len(errors) >= 20 and len(notices) >= 10
    assert errors <= set(importers.FORMAT_ERRORS)
    assert notices <= set(importers.NOTICES)
    translated_errors, translated_notices = translated_codes()
    assert errors <= translated_errors and notices <= translated_notices


def test_messages_read_in_chinese():
    error = importers.ImportFormatError("wrong_encoding", line=3, encoding="UTF-8")
    notice = importers.Notice("short_records", count=2, width=5, lines="4, 9")
    assert str(error) == "wrong encoding: the file is not valid UTF-8 (line 3)"
    with translation.override("zh-hans"):
        zh_error, zh_notice = format_error_text(error), notice_text(notice)
        empty = format_error_text(importers.ImportFormatError("empty_file"))
    assert "UTF-8" in zh_error and "3" in zh_error and "wrong encoding" not in zh_error
    assert "4, 9" in zh_notice and "record" not in zh_notice
    assert empty != "empty file"
    with translation.override("en"):
        assert notice_text(notice) == str(notice)


def test_import_of_an_empty_file_is_refused_in_chinese(world, csat_campaign):
    import pytest

    from sqms.core.choices import Channel
    from sqms.surveys import actions

    with translation.override("zh-hans"), pytest.raises(actions.ImportRefused) as err:
        actions.do_import_file(
            csat_campaign,
            b"\xef\xbb\xbf\r\n",
            "empty.csv",
            acting_user=world.qm,
            channel=Channel.CLI,
        )
    assert "empty file" not in str(err.value) and str(err.value).strip()
