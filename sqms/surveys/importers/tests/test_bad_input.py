"""Bad input: empty, header only, wrong encoding, wrong --format, size limit, broken CSV."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sqms.surveys.importers import ImportFormatError, parse_export, parse_file
from sqms.surveys.importers.native import NativeReader

from .conftest import FIXTURES


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b"   "])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(ImportFormatError, match="^empty file$"):
        parse_export(data, "x.csv")


@pytest.mark.parametrize(
    "data",
    [
        b'\xef\xbb\xbf"id","submitdate","lastpage"\r\n\r\n',
        b"Timestamp,Q1\r\n",
        b"response_id,submitted_at,site,service,channel,language,SQ01.E\r\n",
        b"Respondent ID,Collector ID,Q\r\n,,Response\r\n",
    ],
)
def test_header_only(data: bytes) -> None:
    with pytest.raises(ImportFormatError, match="header only, no responses"):
        parse_export(data, "x.csv")


def test_qualtrics_given_as_limesurvey() -> None:
    data = b'StartDate,EndDate,ResponseId,Q1\r\nStart,End,Response ID,Q one\r\n{"ImportId":"startDate"},{"ImportId":"endDate"},{"ImportId":"_recordId"},{"ImportId":"QID1"}\r\n2024-01-01,2024-01-01,R_1,3\r\n'
    with pytest.raises(ImportFormatError) as ei:
        parse_export(data, "x.csv", expected_tool="limesurvey")
    assert str(ei.value) == "this looks like a Qualtrics export but --format limesurvey was given"
    with pytest.raises(ImportFormatError, match="unknown format 'spss'"):
        parse_export(data, "x.csv", expected_tool="spss")


def test_unrecognised_without_and_with_format() -> None:
    data = b"Horodatage,Q1\r\n21/08/2019 13:10:31,oui\r\n"
    with pytest.raises(ImportFormatError, match="unrecognised survey export.*'Horodatage'"):
        parse_export(data, "x.csv")
    e = parse_export(data, "x.csv", expected_tool="google-forms")  # forced
    assert e.tool == "google-forms" and e.rows[0].values["Q1"] == "oui"


def test_wrong_encoding_messages() -> None:
    bad_bom = b"\xef\xbb\xbfid,submitdate\r\n1,\xff\xfe\r\n"
    with pytest.raises(ImportFormatError, match=r"wrong encoding.*\(line 2\)"):
        parse_export(bad_bom, "x.csv")
    native = b"\xef\xbb\xbfresponse_id,submitted_at,site,service,channel,language,A\r\n1,,,,,,\xb7\xfe\r\n"
    with pytest.raises(ImportFormatError, match="wrong encoding"):
        list(NativeReader(io.BytesIO(native)))


def test_gbk_detected_not_mojibake() -> None:
    data = "Timestamp,您的性别\r\n2024/1/2 3:04:05,女\r\n".encode("gbk")
    e = parse_export(data, "x.csv")
    assert e.encoding == "gb18030" and e.rows[0].values["您的性别"] == "女"


def test_size_limit_checked_before_reading(tmp_path: Path) -> None:
    p = tmp_path / "big.csv"
    with p.open("wb") as f:
        f.truncate(3_000_001)  # sparse: never read
    with pytest.raises(ImportFormatError, match=r"too large: 3\.0 MB, the limit is 2 MB"):
        parse_file(p, max_bytes=2_000_000)
    with pytest.raises(ImportFormatError, match="too large"):
        parse_export(b"x" * 101, "x.csv", max_bytes=100)
    ok = parse_file(FIXTURES / "vvexport_123456.csv")
    assert ok.tool == "limesurvey-vv"


def test_unterminated_quote_names_the_line() -> None:
    data = b'"id","submitdate"\r\n"1","2024-01-01 00:00:00"\r\n"2","oops\r\n'
    with pytest.raises(ImportFormatError, match=r"unterminated quoted field \(line 3\)"):
        parse_export(data, "x.csv")


def test_short_rows_warn() -> None:
    e = parse_export(b"Timestamp,A,B\r\n2024/1/2 3:04:05,1\r\n", "x.csv")
    assert e.rows[0].values["B"] == ""
    assert any("do not have 3 fields" in w for w in e.warnings)


def test_not_a_workbook_zip() -> None:
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(ImportFormatError, match="neither a LimeSurvey archive nor an XLSX"):
        parse_export(buf.getvalue(), "x.zip")


def test_unreadable_tool_date_is_a_cell_error() -> None:
    from sqms.surveys.importers import QuestionSpec, apply_mapping, propose_mapping

    e = parse_export(b"Timestamp,Score\r\nlast tuesday,3\r\n2024/1/2 3:04:05,4\r\n", "f.csv")
    assert any("unreadable date" in w and "lines 2" in w for w in e.warnings)
    q = [QuestionSpec("S", "Score", kind="likert", scale_min=1, scale_max=5)]
    rows, errors = apply_mapping(e, propose_mapping(e, q), q)
    assert [r.line for r in rows] == [3]
    assert [(x.line, x.code, x.params) for x in errors] == [
        (2, "bad_date", {"value": "last tuesday"})
    ]
