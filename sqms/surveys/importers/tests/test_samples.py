"""The three real exports in shared/samples/survey-exports (skipped when shared/ is absent)."""

from __future__ import annotations

from datetime import datetime

from sqms.surveys.importers import QuestionSpec, apply_mapping, parse_export, propose_mapping

from .conftest import sample


def test_limesurvey_r_data_file() -> None:
    e = parse_export(sample("survey_998192_R_data_file.csv"), "survey_998192_R_data_file.csv")
    assert (e.tool, e.encoding, e.separator, e.heading_style) == (
        "limesurvey", "utf-8-sig", ",", "full")  # fmt: skip
    assert len(e.columns) == 71
    assert e.counts() == {"total": 7, "complete": 2, "incomplete": 5, "test": 0}
    first = e.rows[0]
    assert first.line == 2 and first.external_id == "limesurvey:1"
    assert first.submitted_at == datetime(2021, 9, 24, 11, 39, 34)  # noqa: DTZ001
    assert first.meta == {"language": "en"}
    assert [r.external_id for r in e.rows][-1] == "limesurvey:9"
    # non-breaking space cleaned in text, kept in the key
    mood = e.columns[20]
    assert mood.text == "Please describe your current mood." and "\xa0" in mood.key
    # -oth- and its [Other] column
    r5 = next(r for r in e.rows if r.external_id == "limesurvey:5")
    assert r5.values["How do you identify?"] == "-oth-"
    assert r5.values["How do you identify? [Other]"] == "4444"
    # file-upload JSON cell survives intact
    upload = first.values[e.columns[39].key]
    assert upload is not None and upload.startswith('[{ "title":"plaatje"')


def test_limesurvey_r_dual_scale_maps_by_scale_suffix() -> None:
    e = parse_export(sample("survey_998192_R_data_file.csv"), "x.csv")
    q = QuestionSpec(
        "ACT1", "Activiteiten waarin je al veel ervaring hebt opgedaan", (), "dual", 1, 7
    )
    m = propose_mapping(e, [q])
    assert sorted(m.columns.values()) == ["ACT1.E", "ACT1.P"]
    e_col = next(k for k, t in m.columns.items() if t == "ACT1.E")
    assert e_col.endswith("[Scale 1]")
    rows, errors = apply_mapping(e, m, [q], include_incomplete=True)
    assert not errors
    r9 = next(r for r in rows if r.external_id == "limesurvey:9")
    assert r9.answers == {"ACT1.E": 3}


def test_qualtrics_sample() -> None:
    e = parse_export(
        sample("Cats Can Have a Little Salami.csv"), "Cats Can Have a Little Salami.csv"
    )
    assert (e.tool, e.encoding, e.heading_style) == ("qualtrics", "utf-8", "3-row")
    assert e.counts() == {"total": 45, "complete": 27, "incomplete": 15, "test": 3}
    statuses = {r.external_id: r.is_test for r in e.rows}
    assert statuses["qualtrics:R_1hMCpoT7s2jVxQB"] is True  # survey preview
    assert e.rows[0].line == 4
    assert e.rows[0].submitted_at is not None and e.rows[0].submitted_at.tzinfo is not None
    nps = e.column("Q3.13")
    assert nps.text.startswith("On a scale from 0-10")
    q = QuestionSpec("Q3.13", "likely to recommend", (), "scale010", 0, 10)
    m = propose_mapping(e, [q])
    assert m.columns == {"Q3.13": "Q3.13"}  # _NPS_GROUP and Text iQ columns are not mapped
    rows, errors = apply_mapping(e, m, [q])
    assert not errors and len(rows) == 27
    assert all(0 <= r.answers["Q3.13"] <= 10 for r in rows if "Q3.13" in r.answers)  # type: ignore[operator]


def test_qualtrics_split_multiselect_by_choice_columns() -> None:
    e = parse_export(sample("Cats Can Have a Little Salami.csv"), "c.csv")
    q = QuestionSpec("Q35", "Which of these activities", (), "multi",
                     options=(("1", "Ropes Course"), ("2", "Trust Falls"), ("7", "Other")))  # fmt: skip
    m = propose_mapping(e, [q])
    assert m.columns == {"Q35_1": "Q35=1", "Q35_2": "Q35=2", "Q35_7": "Q35=7"}
    rows, errors = apply_mapping(e, m, [q], include_test=True)
    assert not errors
    preview = next(r for r in rows if r.external_id == "qualtrics:R_1hMCpoT7s2jVxQB")
    assert preview.answers == {"Q35": ["1", "2", "7"]}


def test_surveymonkey_sample() -> None:
    e = parse_export(sample("steak-risk-survey.csv"), "steak-risk-survey.csv")
    assert (e.tool, e.heading_style) == ("surveymonkey", "condensed")
    assert e.counts() == {"total": 550, "complete": 512, "incomplete": 38, "test": 0}
    assert e.rows[0].line == 3 and e.rows[0].external_id == "surveymonkey:3237565956"
    assert e.rows[0].complete is False  # answered only the first question
    lottery = e.columns[1]
    assert "<br>" not in lottery.key and lottery.text.startswith("Consider the following")
    q = QuestionSpec("GENDER", "Gender", (), "single", options=(("m", "Male"), ("f", "Female")))
    m = propose_mapping(e, [q])
    assert m.columns == {"Gender": "GENDER"}
    assert m.labels == {"GENDER": {"Female": "f", "Male": "m"}}
    rows, errors = apply_mapping(e, m, [q])
    assert not errors and len(rows) == 512


def test_qualtrics_sample_text_labels_and_other_text_columns() -> None:
    e = parse_export(sample("Cats Can Have a Little Salami.csv"), "c.csv")
    qs = [
        QuestionSpec("ENJOY", "How much did you enjoy when we as cats had a little salami?",
                     kind="likert", scale_min=1, scale_max=5),
        QuestionSpec("TEAM", "On which team do you currently work?", kind="text"),
        QuestionSpec("EFF", "Did having a little salami help you to be more effective at your job?",
                     kind="likert", scale_min=1, scale_max=5),
    ]  # fmt: skip
    m = propose_mapping(e, qs)
    assert m.columns == {"Q1.2": "TEAM", "Q3.2": "ENJOY", "Q3.7": "EFF"}  # not Q1.2_10_TEXT
    assert m.labels["ENJOY"] == {"Not at all": 1, "A little": 2, "A moderate amount": 3,
                                 "A lot": 4, "A great deal": 5}  # fmt: skip
    assert m.labels["EFF"]["Might or might not"] == 3
    rows, errors = apply_mapping(e, m, qs)
    assert not errors and len(rows) == 27
