"""Tokenizer, decoding and date parsing, incl. properties against the csv module."""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqms.surveys.importers import ImportFormatError, parse_export
from sqms.surveys.importers.textio import decode_bytes, iter_records, parse_datetime

_cell = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_cell, min_size=2, max_size=5), min_size=1, max_size=6),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\r\n", "\n", "\r"]),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_tokenizer_agrees_with_csv_writer(rows: list[list[str]], sep: str, eol: str,
                                          quoting: int) -> None:  # fmt: skip
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator=eol, quoting=quoting)  # type: ignore[arg-type]
    w.writerows(rows)
    text = buf.getvalue()
    got = [[c or "" for c in r] for _, r in iter_records(text, sep)]
    want = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if r]
    assert got == want


def test_line_numbers_count_embedded_breaks() -> None:
    text = 'a,b\r\n"x\r\ny","1\n2\r3"\r\n\r\nlast,row'
    assert [ln for ln, _ in iter_records(text, ",")] == [1, 2, 7]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.lsr", "x.tsv"]))
def test_parse_export_only_raises_import_format_error(data: bytes, name: str) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_export(data, name)


@pytest.mark.parametrize(
    "prefix",
    [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b'<?xml version="1.0"?><document>'
     b"<LimeSurveyDocType>Responses</LimeSurveyDocType>"],
)  # fmt: skip
def test_corrupt_containers(prefix: bytes) -> None:
    with pytest.raises(ImportFormatError):
        parse_export(prefix + b"\x00garbage" * 10, "x.bin")


def test_decode_order() -> None:
    assert decode_bytes("é".encode()) == ("é", "utf-8")
    assert decode_bytes(b"\xef\xbb\xbf" + "é".encode()) == ("é", "utf-8-sig")
    assert decode_bytes("门店".encode("gb18030")) == ("门店", "gb18030")
    assert decode_bytes("𠀀".encode("gb18030"))[1] == "gb18030"  # 4-byte GB18030


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05 10:11:12", datetime(2024, 3, 5, 10, 11, 12)),  # noqa: DTZ001
        ("2016/12/17 14:22:55", datetime(2016, 12, 17, 14, 22, 55)),  # noqa: DTZ001
        ("8/21/2019 13:10:31", datetime(2019, 8, 21, 13, 10, 31)),  # noqa: DTZ001
        ("21/8/2019 13:10", datetime(2019, 8, 21, 13, 10)),  # noqa: DTZ001
        ("11/15/2015 7:22:11 PM", datetime(2015, 11, 15, 19, 22, 11)),  # noqa: DTZ001
        ("12/1/2015 12:05:00 AM", datetime(2015, 12, 1, 0, 5)),  # noqa: DTZ001
        ("2022/06/22 11:07:29 AM AST", datetime(2022, 6, 22, 11, 7, 29)),  # noqa: DTZ001
        ("2016年12月17日 下午2:22", datetime(2016, 12, 17, 14, 22)),  # noqa: DTZ001
        ("2024-01-02", datetime(2024, 1, 2)),  # noqa: DTZ001
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-45 10:00", "31/31/2020"])
def test_parse_datetime_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text)
