"""LimeSurvey: CSV heading styles, separators, NULL vs "", CRLF, VV export, .lsa/.lsr archives."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest

from sqms.surveys.importers import (
    ImportFormatError,
    QuestionSpec,
    apply_mapping,
    parse_export,
    propose_mapping,
)

from .conftest import FIXTURES


def _ls(header: list[str], *rows: list[str | None], sep: str = ",", eol: str = "\r\n") -> bytes:
    def q(v: str | None) -> str:
        return "" if v is None else '"' + v.replace('"', '""') + '"'

    lines = [sep.join(q(h) for h in header)] + [sep.join(q(v) for v in r) for r in rows]
    return b"\xef\xbb\xbf" + (eol.join(lines) + eol + eol).encode()


def test_code_style_semicolon_null_crlf() -> None:
    e = parse_export((FIXTURES / "limesurvey_code_semicolon.csv").read_bytes(), "results.csv")
    assert (e.tool, e.encoding, e.separator, e.heading_style) == (
        "limesurvey", "utf-8-sig", ";", "code")  # fmt: skip
    assert e.counts() == {"total": 3, "complete": 2, "incomplete": 1, "test": 0}
    r1, r2, r3 = e.rows
    assert [r.line for r in e.rows] == [2, 4, 5]  # record 1 spans two lines
    assert r1.values["COMMENT"] == '服务很好\nthanks "A+"'
    assert r1.values["GENDER[other]"] is None  # unquoted empty = NULL
    assert r1.values["VISIT[B]"] == ""  # quoted empty = empty string
    assert r2.complete is False and r2.values["G1Q1[SQ01#1]"] is None
    assert r3.complete is True and r3.submitted_at is None  # anonymised 1980-01-01
    assert any("1980-01-01" in w for w in e.warnings)
    assert r1.submitted_at == datetime(2024, 3, 5, 10, 11, 12)  # noqa: DTZ001
    assert e.column("G1Q1[SQ01#0]").code == "G1Q1[SQ01#0]"


def test_code_style_maps_dual_scale_multi_and_other(servqual: list[QuestionSpec]) -> None:
    e = parse_export((FIXTURES / "limesurvey_code_semicolon.csv").read_bytes(), "results.csv")
    m = propose_mapping(e, servqual)
    assert m.columns["G1Q1[SQ01#0]"] == "SQ01.E" and m.columns["G1Q1[SQ01#1]"] == "SQ01.P"
    assert m.columns["G1Q1[SQ02#0]"] == "SQ02.E"
    assert m.columns["VISIT[A]"] == "VISIT=A" and m.columns["VISIT[B]"] == "VISIT=B"
    assert m.columns["GENDER"] == "GENDER" and m.columns["COMMENT"] == "COMMENT"
    assert "GENDER[other]" not in m.columns and "G1Q1[SQ01comment]" not in m.columns
    assert "interviewtime" not in m.columns and "id" not in m.columns
    m.labels["GENDER"] = {"-oth-": "F"}
    rows, errors = apply_mapping(e, m, servqual)
    assert not errors
    assert rows[0].answers == {"SQ01.E": 6, "SQ01.P": 5, "SQ02.E": 7, "SQ02.P": 7,
                               "GENDER": "M", "COMMENT": '服务很好\nthanks "A+"', "VISIT": ["A"]}  # fmt: skip
    assert rows[1].answers["VISIT"] == ["B"] and rows[1].external_id == "limesurvey:3"
    rows_all, _ = apply_mapping(e, m, servqual, include_incomplete=True)
    assert len(rows_all) == 3 and rows_all[1].answers == {"SQ01.E": 4}


@pytest.mark.parametrize("eol", ["\r\n", "\n", "\r"])
def test_full_style_line_endings(eol: str) -> None:
    data = _ls(["Response ID", "Date submitted", "Last page", "Start language",
                "Service quality [Modern equipment][Scale 1]",
                "Service quality [Modern equipment][Scale 2]"],
               ["1", "2024-01-02 03:04:05", "2", "en", "5", "6"],
               ["2", "", "1", "en", "3", None], eol=eol)  # fmt: skip
    e = parse_export(data, "x.csv")
    assert e.heading_style == "full" and e.counts()["complete"] == 1
    q = QuestionSpec("SQ01", "modern equipment", kind="dual", scale_min=1, scale_max=7)
    m = propose_mapping(e, [q])
    assert sorted(m.columns.values()) == ["SQ01.E", "SQ01.P"]
    rows, _ = apply_mapping(e, m, [q])
    assert rows[0].answers == {"SQ01.E": 5, "SQ01.P": 6}


def test_abbreviated_style() -> None:
    data = _ls(["Response ID", "Date submitted", "Start language", "The company ha..", "Employees are ..",
                "Comment"],
               ["1", "2024-01-02 03:04:05", "en", "Strongly agree", "Agree", "ok"])  # fmt: skip
    e = parse_export(data, "x.csv")
    assert e.heading_style == "abbreviated"
    qs = [
        QuestionSpec(
            "A", "The company has modern equipment", kind="likert", scale_min=1, scale_max=5
        )
    ]
    m = propose_mapping(e, qs)
    assert m.columns == {"The company ha..": "A"}  # text similarity on the cut text
    assert m.labels == {"A": {"Strongly agree": 5}}


def test_codetext_style_and_long_answers() -> None:
    data = _ls(["id. Response ID", "submitdate. Date submitted", "startlanguage. Start language",
                "SQ01[E]. 有现代化的设备 [期望]", "SQ01[P]. 有现代化的设备 [感知]", "NPS. 推荐可能性"],
               ["1", "2024-01-02 03:04:05", "zh-Hans", "7 - 非常同意", "非常不同意", "9"])  # fmt: skip
    e = parse_export(data, "x.csv")
    assert e.heading_style == "codetext"
    assert e.columns[3].code == "SQ01[E]" and e.columns[3].text == "有现代化的设备 [期望]"
    assert e.rows[0].external_id == "limesurvey:1" and e.rows[0].meta == {"language": "zh-Hans"}
    qs = [QuestionSpec("SQ01", "有现代化的设备", kind="dual", scale_min=1, scale_max=7),
          QuestionSpec("NPS", "推荐", kind="scale010", scale_min=0, scale_max=10)]  # fmt: skip
    m = propose_mapping(e, qs)
    assert m.columns == {"SQ01[E]. 有现代化的设备 [期望]": "SQ01.E",
                         "SQ01[P]. 有现代化的设备 [感知]": "SQ01.P",
                         "NPS. 推荐可能性": "NPS"}  # fmt: skip
    assert m.labels["SQ01.E"] == {"7 - 非常同意": 7} and m.labels["SQ01.P"] == {"非常不同意": 1}
    rows, errors = apply_mapping(e, m, qs)
    assert not errors and rows[0].answers == {"SQ01.E": 7, "SQ01.P": 1, "NPS": 9}


def test_expression_manager_naming_and_tab_separator() -> None:
    data = _ls(["id", "submitdate", "G1_SQ01_0", "SQ02_E", "SQ02_P"],
               ["5", "2024-01-02 03:04:05", "3", "4", "6"], sep="\t")  # fmt: skip
    e = parse_export(data, "x.csv")
    assert e.separator == "\t" and e.tool == "limesurvey"
    qs = [QuestionSpec("SQ02", "x", kind="dual", scale_min=1, scale_max=7)]
    assert propose_mapping(e, qs).columns == {"SQ02_E": "SQ02.E", "SQ02_P": "SQ02.P"}


def test_vv_export() -> None:
    e = parse_export((FIXTURES / "vvexport_123456.csv").read_bytes(), "vvexport_123456.csv")
    assert (e.tool, e.separator) == ("limesurvey-vv", "\t")
    assert e.columns[4].key == "G1Q1[SQ01#0]" and e.columns[4].text == "有现代化的设备 [期望]"
    a, b = e.rows
    assert a.line == 3 and b.line == 4
    assert a.values["COMMENT"] == 'line1\nline2\tx "q" {b} {newline}'
    assert b.values["G1Q1[SQ01#1]"] is None and b.complete is False
    qs = [QuestionSpec("SQ01", "有现代化的设备", kind="dual", scale_min=1, scale_max=7)]
    m = propose_mapping(e, qs)
    assert m.columns == {"G1Q1[SQ01#0]": "SQ01.E", "G1Q1[SQ01#1]": "SQ01.P"}
    # --format limesurvey accepts the VV variant
    assert (
        parse_export((FIXTURES / "vvexport_123456.csv").read_bytes(), "v.csv", "limesurvey").tool
        == "limesurvey-vv"
    )


LSS = """<?xml version="1.0" encoding="UTF-8"?>
<document><LimeSurveyDocType>Survey</LimeSurveyDocType>
<questions><rows>
<row><qid><![CDATA[10]]></qid><parent_qid><![CDATA[0]]></parent_qid><sid>841748</sid><gid>3</gid>
<type><![CDATA[1]]></type><title><![CDATA[G1Q1]]></title>
<question><![CDATA[<p>请评价：</p>]]></question><language>zh-Hans</language></row>
<row><qid><![CDATA[11]]></qid><parent_qid><![CDATA[0]]></parent_qid><sid>841748</sid><gid>3</gid>
<type><![CDATA[T]]></type><title><![CDATA[COMMENT]]></title>
<question><![CDATA[其他意见]]></question><language>zh-Hans</language></row>
</rows></questions>
<subquestions><rows>
<row><qid>12</qid><parent_qid>10</parent_qid><title><![CDATA[SQ01]]></title>
<question><![CDATA[有现代化的设备]]></question></row>
</rows></subquestions>
</document>"""

LSR = """<?xml version="1.0" encoding="UTF-8"?>
<document>
 <LimeSurveyDocType>Responses</LimeSurveyDocType>
 <responses>
  <fields><fieldname>id</fieldname><fieldname>submitdate</fieldname>
   <fieldname>startlanguage</fieldname><fieldname>841748X3X10SQ01</fieldname>
   <fieldname>841748X3X11</fieldname></fields>
  <rows>
   <row>
    <id><![CDATA[1]]></id><submitdate><![CDATA[2024-05-06 07:08:09]]></submitdate>
    <startlanguage><![CDATA[zh-Hans]]></startlanguage>
    <_841748X3X10SQ01><![CDATA[6]]></_841748X3X10SQ01>
    <_841748X3X11><![CDATA[a <b> & "c"
second line]]></_841748X3X11>
   </row>
   <row>
    <id><![CDATA[2]]></id><submitdate/>
    <_841748X3X10SQ01><![CDATA[3]]></_841748X3X10SQ01>
   </row>
  </rows>
 </responses>
</document>"""


def _lsa(with_lss: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        if with_lss:
            z.writestr("survey_841748.lss", LSS)
        z.writestr("survey_841748_responses.lsr", LSR)
    return buf.getvalue()


def test_lsa_archive_with_structure() -> None:
    e = parse_export(_lsa(), "survey_archive_841748.lsa")
    assert e.tool == "limesurvey-lsa"
    assert [c.key for c in e.columns] == [
        "id",
        "submitdate",
        "startlanguage",
        "G1Q1[SQ01]",
        "COMMENT",
    ]
    assert e.columns[3].text == "请评价： [有现代化的设备]"
    r1, r2 = e.rows
    assert r1.values["COMMENT"] == 'a <b> & "c"\nsecond line'
    assert r1.submitted_at == datetime(2024, 5, 6, 7, 8, 9)  # noqa: DTZ001
    assert r2.complete is False and r2.values["startlanguage"] is None  # missing element
    assert r2.values["COMMENT"] is None
    assert r1.line < r2.line
    q = [QuestionSpec("SQ01", "设备", kind="likert", scale_min=1, scale_max=7)]
    assert propose_mapping(e, q).columns == {"G1Q1[SQ01]": "SQ01"}


def test_lsr_alone_keeps_sgqa_names() -> None:
    e = parse_export(LSR.encode(), "responses.lsr")
    assert e.columns[3].key == "841748X3X10SQ01"
    assert any(".lss" in w for w in e.warnings)
    with pytest.raises(ImportFormatError, match="no responses"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("survey.lss", LSS)
        parse_export(buf.getvalue(), "x.lsa")


def test_localised_full_headings_forced_as_limesurvey() -> None:
    data = _ls(["Antwort ID", "Datum Abgeschickt", "Letzte Seite", "Start-Sprache", "Zufallsstartwert",
                "Modern equipment"],
               ["11", "2024-01-02 03:04:05", "2", "de", "1", "5"],
               ["12", "", "1", "de-informal", "2", "3"])  # fmt: skip
    with pytest.raises(ImportFormatError, match="unrecognised"):
        parse_export(data, "results.csv")
    e = parse_export(data, "results.csv", "limesurvey")
    assert e.tool == "limesurvey" and e.counts()["complete"] == 1
    assert [r.external_id for r in e.rows] == ["limesurvey:11", "limesurvey:12"]
    assert e.rows[1].meta == {"language": "de-informal"}
    assert any("by their values" in w for w in e.warnings)
