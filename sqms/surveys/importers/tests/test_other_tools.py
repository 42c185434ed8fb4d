"""Qualtrics (3-row, legacy 2-row, TSV), SurveyMonkey (expanded, CR-only, Mac-Roman), Google Forms."""

from __future__ import annotations

from datetime import datetime

from sqms.surveys.importers import QuestionSpec, apply_mapping, parse_export, propose_mapping


def _csv(*lines: str, eol: str = "\r\n") -> str:
    return eol.join(lines) + eol


QUALTRICS_3ROW = _csv(
    "StartDate,EndDate,Status,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,"
    "DistributionChannel,UserLanguage,Q1_1,Q1_2,Q2,Q2_NPS_GROUP,Q3_DO_1,Q4",
    "Start Date,End Date,Response Type,Progress,Duration (in seconds),Finished,Recorded Date,"
    'Response ID,Distribution Channel,User Language,"请评价 - 设备现代化","请评价 - 员工礼貌",'
    "推荐可能性,推荐可能性 - Group,Q3 - Display Order,意见",
    '"{""ImportId"":""startDate"",""timeZone"":""Asia/Shanghai""}","{""ImportId"":""endDate""}",'
    '"{""ImportId"":""status""}","{""ImportId"":""progress""}","{""ImportId"":""duration""}",'
    '"{""ImportId"":""finished""}","{""ImportId"":""recordedDate"",""timeZone"":""Asia/Shanghai""}",'
    '"{""ImportId"":""_recordId""}","{""ImportId"":""distributionChannel""}",'
    '"{""ImportId"":""userLanguage""}","{""ImportId"":""QID1_1""}","{""ImportId"":""QID1_2""}",'
    '"{""ImportId"":""QID2""}","{""ImportId"":""QID2_NPS_GROUP""}","{""ImportId"":""QID3_DO""}",'
    '"{""ImportId"":""QID4_TEXT""}"',
    "2024-01-01 10:00:00,2024-01-01 10:05:00,0,100,300,1,2024-01-01 10:05:01,R_a,anonymous,ZH-S,"
    '7,非常同意,9,Promoter,1,"好\n😀"',
    "2024-01-01 11:00:00,2024-01-01 11:05:00,1,100,300,1,2024-01-01 11:05:01,R_b,preview,EN,"
    "6,5,10,Promoter,1,",
    "2024-01-01 12:00:00,2024-01-01 12:05:00,0,40,300,0,2024-01-01 12:05:01,R_c,anonymous,EN,"
    "-99,3,,,,",
    "2024-01-01 13:00:00,2024-01-01 13:05:00,8,100,300,1,2024-01-01 13:05:01,R_d,anonymous,EN,"
    "1,1,0,Detractor,1,spam",
)


def test_qualtrics_three_rows_numeric_status_and_mapping() -> None:
    e = parse_export(QUALTRICS_3ROW.encode(), "survey.csv")
    assert (e.tool, e.heading_style) == ("qualtrics", "3-row")
    assert e.counts() == {"total": 4, "complete": 1, "incomplete": 1, "test": 2}
    a = e.rows[0]
    assert a.external_id == "qualtrics:R_a" and a.meta == {
        "language": "ZH-S",
        "channel": "anonymous",
    }
    assert a.submitted_at is not None and a.submitted_at.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]
    assert a.values["Q4"] == "好\n😀"
    qs = [
        QuestionSpec("Q1_1", "设备现代化", kind="likert", scale_min=1, scale_max=7),
        QuestionSpec("Q1_2", "员工礼貌", kind="likert", scale_min=1, scale_max=7),
        QuestionSpec("NPS", "推荐可能性", kind="scale010", scale_min=0, scale_max=10),
        QuestionSpec("COMMENT", "意见", kind="text"),
    ]
    m = propose_mapping(e, qs)
    assert m.columns == {"Q1_1": "Q1_1", "Q1_2": "Q1_2", "Q2": "NPS", "Q4": "COMMENT"}
    assert m.labels == {"Q1_2": {"非常同意": 7}}
    rows, errors = apply_mapping(e, m, qs, include_incomplete=True)
    assert not errors
    assert [r.external_id for r in rows] == ["qualtrics:R_a", "qualtrics:R_c"]
    assert rows[0].answers == {"Q1_1": 7, "Q1_2": 7, "NPS": 9, "COMMENT": "好\n😀"}
    assert rows[1].answers == {"Q1_2": 3}  # -99 = seen but unanswered


def test_qualtrics_python_dict_import_row_and_tsv_utf16() -> None:
    text = QUALTRICS_3ROW.replace('"{""ImportId"":""startDate"",""timeZone"":""Asia/Shanghai""}"',
                                  "\"{'ImportId': 'startDate'}\"")  # fmt: skip
    assert parse_export(text.encode(), "x.csv").tool == "qualtrics"
    tsv = "\r\n".join(
        "\t".join(c for c in line.split(","))
        for line in ["StartDate,EndDate,Status,Finished,RecordedDate,ResponseId,Q1",
                     "Start Date,End Date,Status,Finished,Recorded Date,Response ID,Q one",
                     '{"ImportId":"startDate"},{"ImportId":"endDate"},{"ImportId":"status"},'
                     '{"ImportId":"finished"},{"ImportId":"recordedDate"},{"ImportId":"_recordId"},'
                     '{"ImportId":"QID1"}',
                     "2024-01-01 10:00:00,2024-01-01 10:00:00,IP Address,True,2024-01-01 10:00:00,R_x,5"]
    )  # fmt: skip
    e = parse_export(tsv.encode("utf-16"), "export.tsv")
    assert (e.tool, e.encoding, e.separator) == ("qualtrics", "utf-16", "\t")
    assert e.rows[0].values["Q1"] == "5" and e.counts()["complete"] == 1


def test_qualtrics_legacy_two_rows_trailing_comma() -> None:
    text = _csv(
        "V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1,Q2,",
        "ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,"
        "StartDate,EndDate,Finished,How satisfied are you?,Comment,",
        "R_1,Default Response Set,Anonymous,,,1.2.3.4,0,2015-03-01 10:00:00,2015-03-01 10:03:00,1,"
        "Very satisfied,great,",
        "R_2,Default Response Set,Anonymous,,,1.2.3.4,1,2015-03-01 10:00:00,2015-03-01 10:03:00,1,"
        "Dissatisfied,,",
        "R_3,Default Response Set,Anonymous,,,1.2.3.4,0,2015-03-01 10:00:00,2015-03-01 10:03:00,0,"
        ",,",
    )
    e = parse_export(b"\xef\xbb\xbf" + text.encode(), "legacy.csv")
    assert (e.tool, e.heading_style, e.encoding) == ("qualtrics", "legacy-2-row", "utf-8-sig")
    assert [c.key for c in e.columns][:2] == ["ResponseID", "ResponseSet"] and len(e.columns) == 12
    assert e.counts() == {"total": 3, "complete": 1, "incomplete": 1, "test": 1}
    assert e.rows[0].submitted_at == datetime(2015, 3, 1, 10, 3)  # noqa: DTZ001
    q = [QuestionSpec("CSAT", "How satisfied are you", kind="likert", scale_min=1, scale_max=5)]
    m = propose_mapping(e, q)
    assert m.columns == {"Q1": "CSAT"} and m.labels == {
        "CSAT": {"Dissatisfied": 2, "Very satisfied": 5}
    }


SM_EXPANDED = _csv(
    "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,"
    "Custom Data 1,Which branch did you visit?,,How satisfied were you with:,,Which services?,,,"
    "Comments",
    ",,,,,,,,,上海,北京,Staff,Waiting time,Deposit,Loan,Other (please specify),Open-Ended Response",
    "1001,55,11/15/2015 7:20:11 AM,11/15/2015 7:22:11 AM,1.1.1.1,,,,,上海,,Very satisfied,"
    "Satisfied,Deposit,,,fine",
    "1002,55,11/16/2015 8:20:11 PM,11/16/2015 8:22:11 PM,1.1.1.1,,,,,,北京,Dissatisfied,,,,,",
    eol="\r",
)


def test_surveymonkey_expanded_cr_only() -> None:
    e = parse_export(SM_EXPANDED.encode(), "Sheet_1.csv")
    assert (e.tool, e.heading_style) == ("surveymonkey", "expanded")
    keys = [c.key for c in e.columns]
    assert keys[9:13] == ["Which branch did you visit? - 上海", "Which branch did you visit? - 北京",
                          "How satisfied were you with: - Staff",
                          "How satisfied were you with: - Waiting time"]  # fmt: skip
    assert e.rows[0].line == 3 and e.rows[1].line == 4
    assert e.rows[0].complete and not e.rows[1].complete
    assert e.rows[1].submitted_at == datetime(2015, 11, 16, 20, 22, 11)  # noqa: DTZ001
    qs = [QuestionSpec("STAFF", "Staff", kind="likert", scale_min=1, scale_max=5),
          QuestionSpec("WAIT", "Waiting time", kind="likert", scale_min=1, scale_max=5),
          QuestionSpec("SVC", "Which services", kind="multi", options=(("D", "Deposit"), ("L", "Loan")))]  # fmt: skip
    m = propose_mapping(e, qs)
    assert m.columns["How satisfied were you with: - Staff"] == "STAFF"
    assert m.columns["How satisfied were you with: - Waiting time"] == "WAIT"
    assert m.columns["Which services? - Deposit"] == "SVC=D"
    assert m.columns["Which services? - Loan"] == "SVC=L"
    rows, errors = apply_mapping(e, m, qs, include_incomplete=True)
    assert not errors
    assert rows[0].answers == {"STAFF": 5, "WAIT": 4, "SVC": ["D"]}
    assert rows[1].answers == {"STAFF": 2}


def test_surveymonkey_mac_roman() -> None:
    text = _csv("Respondent ID,Collector ID,Q?", ",,Response", "1,2,Caf\u00e9 cr\u00e8me", eol="\r")
    e = parse_export(text.encode("mac_roman"), "old.csv")
    assert e.tool == "surveymonkey"
    assert e.rows[0].values["Q?"] == "Caf\u00e9 cr\u00e8me"


GOOGLE = _csv(
    "Timestamp,Email Address,How satisfied are you with our service?,Which services did you use?,"
    "Rate us [Staff],Rate us [Speed],Anything else?",
    '21/08/2019 13:10:31,a@example.com,Very satisfied,"Deposit, 理财, 保险",5,4,"line1\nline2"',
    "22/08/2019 09:00:00,,Dissatisfied,Loan,2,,",
    "22/08/2019 09:00:00,,Dissatisfied,Loan,2,,",
)


def test_google_forms_checkbox_split_and_day_first() -> None:
    e = parse_export(GOOGLE.encode(), "Form Responses 1.csv")
    assert e.tool == "google-forms"
    assert e.rows[0].submitted_at == datetime(2019, 8, 21, 13, 10, 31)  # noqa: DTZ001
    ids = [r.external_id for r in e.rows]
    assert len(set(ids)) == 3 and ids[2] == f"{ids[1]}-2"  # identical rows stay distinct
    qs = [
        QuestionSpec("CSAT", "How satisfied are you with our service", kind="likert", scale_min=1, scale_max=5),
        QuestionSpec("VISIT", "Which services did you use", kind="multi",
                     options=(("A", "Deposit"), ("B", "Loan"), ("C", "理财, 保险"))),
        QuestionSpec("STAFF", "Rate us: staff", kind="likert", scale_min=1, scale_max=5),
        QuestionSpec("SPEED", "Speed", kind="likert", scale_min=1, scale_max=5),
        QuestionSpec("MORE", "Anything else", kind="text"),
    ]  # fmt: skip
    m = propose_mapping(e, qs)
    assert "Email Address" not in m.columns and "Timestamp" not in m.columns
    assert m.columns["Rate us [Speed]"] == "SPEED" and m.columns["Rate us [Staff]"] == "STAFF"
    rows, errors = apply_mapping(e, m, qs)
    assert not errors
    assert rows[0].answers == {"CSAT": 5, "VISIT": ["A", "C"], "STAFF": 5, "SPEED": 4,
                               "MORE": "line1\nline2"}  # fmt: skip


def test_google_forms_direct_download_timestamp_with_zone() -> None:
    text = _csv("Timestamp,Q", "2022/06/22 11:07:29 AM AST,x", "2022/06/22 1:07:29 PM AST,y")
    e = parse_export(text.encode(), "f.csv")
    assert e.rows[1].submitted_at == datetime(2022, 6, 22, 13, 7, 29)  # noqa: DTZ001
    assert any("time-zone" in w for w in e.warnings)


def test_surveymonkey_xlsx_same_layout() -> None:
    import io

    import openpyxl  # type: ignore[import-untyped]

    wb = openpyxl.Workbook()
    ws = wb.active
    for line in SM_EXPANDED.strip("\r").split("\r"):
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    e = parse_export(buf.getvalue(), "Sheet_1.xlsx")
    assert (e.tool, e.encoding, e.separator, e.heading_style) == (
        "surveymonkey", "xlsx", None, "expanded")  # fmt: skip
    assert e.rows[0].external_id == "surveymonkey:1001" and e.rows[0].line == 3


def test_google_forms_semicolon_joined_checkboxes() -> None:
    text = _csv("Timestamp,Which services did you use?", "2022/06/22 11:07:29 AM AST,Deposit;Loan")
    e = parse_export(text.encode(), "f.csv")
    q = [QuestionSpec("VISIT", "Which services did you use", kind="multi",
                      options=(("A", "Deposit"), ("B", "Loan")))]  # fmt: skip
    rows, errors = apply_mapping(e, propose_mapping(e, q), q)
    assert not errors and rows[0].answers == {"VISIT": ["A", "B"]}
