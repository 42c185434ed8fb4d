"""SQMS native export: CSV and XLSX writers, streaming reader, round trips, speed."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from sqms.surveys.importers import (
    MappedRow,
    Mapping,
    MappingPlan,
    NativeReader,
    QuestionSpec,
    apply_mapping,
    iter_apply_mapping,
    iter_native_rows,
    parse_export,
    propose_mapping,
    write_native_csv,
    write_native_xlsx,
)

QS = [
    QuestionSpec("SQ01", "设备", kind="dual", scale_min=1, scale_max=7),
    QuestionSpec("OVERALL", "推荐", kind="scale010", scale_min=0, scale_max=10),
    QuestionSpec("AGE", "年龄", kind="number"),
    QuestionSpec("GENDER", "性别", kind="single", options=(("M", "男"), ("F", "女"))),
    QuestionSpec(
        "VISIT", "服务", kind="multi", options=(("A", "存款"), ("B", "贷款"), ("C", "理财, 保险"))
    ),  # fmt: skip
    QuestionSpec("COMMENT", "意见", kind="text"),
]


def _strip_line(rows: list[MappedRow]) -> list[MappedRow]:
    return [dataclasses.replace(r, line=0) for r in rows]


def _roundtrip_csv(rows: list[MappedRow]) -> list[MappedRow]:
    buf = io.BytesIO()
    write_native_csv(rows, QS, buf)
    data = buf.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    e = parse_export(data, "export.csv")
    assert e.tool == "native"
    m = propose_mapping(e, QS)
    out, errors = apply_mapping(e, m, QS)
    assert not errors
    return out


ROW = MappedRow(
    0,
    "native:r1",
    datetime(2024, 6, 1, 8, 30, tzinfo=timezone(timedelta(hours=8))),
    {"site": "SH-001", "service": "counter", "channel": "qr", "language": "zh-hans"},
    {"SQ01.E": 7, "SQ01.P": 5, "OVERALL": 0, "AGE": 41.5, "GENDER": "F",
     "VISIT": ["A", "C"], "COMMENT": '很好, "谢谢"\n第二行'},
)  # fmt: skip


def test_csv_header_and_roundtrip() -> None:
    buf = io.StringIO()
    write_native_csv([ROW], QS, buf)
    text = buf.getvalue()
    assert text.startswith("\ufeffresponse_id,submitted_at,site,service,channel,language,"
                           "SQ01.E,SQ01.P,OVERALL,AGE,GENDER,VISIT,COMMENT\r\n")  # fmt: skip
    assert "r1,2024-06-01T08:30:00+08:00,SH-001" in text
    rows = _roundtrip_csv([ROW])
    assert rows[0].line == 2
    assert _strip_line(rows) == [ROW]


def test_formula_cells_are_escaped_in_csv_and_read_back_exactly() -> None:
    hostile = ["=1+1", "+SUM(A1)", "-2", "@cmd", "\t=x", "'=already", "'", "a=b"]
    rows = [
        dataclasses.replace(
            ROW,
            external_id=f"native:{i}",
            meta={**ROW.meta, "site": "=SITE" if i == 0 else "SH-001"},
            answers={"COMMENT": text, "AGE": -3},
        )
        for i, text in enumerate(hostile)
    ]
    buf = io.StringIO()
    write_native_csv(rows, QS, buf)
    text = buf.getvalue()
    # every text cell a spreadsheet would run starts with an apostrophe; numbers do not
    assert ",'=SITE," in text and ",-3,,,'=1+1\r\n" in text
    for cell in ["'+SUM(A1)", "'-2", "'@cmd", "'\t=x", "''=already", "''", ",a=b"]:
        assert cell in text, cell
    # the row reader, the column-wise chunks and the spreadsheet path all read the originals
    assert _strip_line(_roundtrip_csv(rows)) == rows
    for read in ("iter_chunks", "iter_mapped"):
        reader = NativeReader(io.StringIO(text))
        plan = MappingPlan(Mapping({t: t for t in reader.targets}), QS, tool="native")
        got = getattr(reader, read)(plan, [])
        mapped = [r for c in got for r in c.rows()] if read == "iter_chunks" else list(got)
        assert [r.answers["COMMENT"] for r in mapped] == hostile, read
        assert mapped[0].meta["site"] == "=SITE"


def test_foreign_ids_keep_their_namespace() -> None:
    r = dataclasses.replace(ROW, external_id="limesurvey:12", submitted_at=None, meta={})
    assert _strip_line(_roundtrip_csv([r])) == [r]
    r2 = dataclasses.replace(ROW, external_id="native:a:b")
    assert _strip_line(_roundtrip_csv([r2])) == [r2]


def test_xlsx_roundtrip() -> None:
    buf = io.BytesIO()
    write_native_xlsx([ROW, dataclasses.replace(ROW, external_id="native:r2", answers={})], QS, buf)
    e = parse_export(buf.getvalue(), "export.xlsx")
    assert (e.tool, e.encoding) == ("native", "xlsx")
    out, errors = apply_mapping(e, propose_mapping(e, QS), QS)
    assert not errors
    assert _strip_line(out) == [ROW, dataclasses.replace(ROW, external_id="native:r2", answers={})]


_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from("\n\r\t,\";=+-@'"),  # separators, quotes and formula starts
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() != "")
_meta = st.dictionaries(
    st.sampled_from(["site", "service", "channel", "language"]), _text, max_size=4
)
_zones: st.SearchStrategy[timezone | None] = (
    st.none()
    | st.just(UTC)
    | st.builds(lambda h: timezone(timedelta(hours=h)), st.integers(-12, 14))
)
_dt = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=_zones,  # type: ignore[arg-type]
)
_answers = st.fixed_dictionaries(
    {},
    optional={
        "SQ01.E": st.integers(1, 7),
        "SQ01.P": st.integers(1, 7),
        "OVERALL": st.integers(0, 10),
        "AGE": st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False),
        "GENDER": st.sampled_from(["M", "F"]),
        "VISIT": st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3, unique=True),
        "COMMENT": _text,
    },
)
_rows = st.lists(
    st.builds(MappedRow, st.just(0),
              st.none() | st.from_regex(r"[A-Za-z0-9_.\- ]{0,10}[A-Za-z0-9]", fullmatch=True).map(
                  lambda s: "native:" + s) | st.just("wjx:5") | st.just("native:问卷,\"1\""),
              st.none() | _dt, _meta, _answers),
    max_size=8,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(_rows)
def test_csv_roundtrip_property(rows: list[MappedRow]) -> None:
    if not rows:
        return
    assert _strip_line(_roundtrip_csv(rows)) == rows


@settings(max_examples=40, deadline=None)
@given(_rows)
def test_xlsx_roundtrip_property(rows: list[MappedRow]) -> None:
    rows = [
        dataclasses.replace(r, answers={k: v for k, v in r.answers.items() if k != "COMMENT"
                                        and not (k == "AGE" and float(f"{v:.15g}") != v)},  # type: ignore[arg-type]
                            meta={k: v.replace("\r", "") for k, v in r.meta.items()},
                            external_id=r.external_id and r.external_id.replace("\r", ""))
        for r in rows
    ]  # fmt: skip  # openpyxl normalises CR in strings; Excel keeps 15 significant digits
    rows = [r for r in rows if r.external_id or r.submitted_at or r.meta or r.answers]
    if not rows:  # blank spreadsheet rows are skipped
        return
    buf = io.BytesIO()
    write_native_xlsx(rows, QS, buf)
    e = parse_export(buf.getvalue(), "x.xlsx")
    out, errors = apply_mapping(e, propose_mapping(e, QS), QS)
    assert not errors
    assert _strip_line(out) == rows


def test_streaming_reader_lines_and_text_stream() -> None:
    buf = io.StringIO()
    write_native_csv([ROW, dataclasses.replace(ROW, external_id="native:r2")], QS, buf)
    text = buf.getvalue()
    rows = list(iter_native_rows(io.StringIO(text, newline="")))
    assert [r.line for r in rows] == [2, 4]  # the comment holds a line break
    rdr = NativeReader(io.BytesIO(text.encode("utf-8")))
    assert rdr.targets[:2] == ["SQ01.E", "SQ01.P"] and rdr.encoding == "utf-8-sig"


def test_bad_date_and_range_reported_by_row_and_column() -> None:
    data = (b"response_id,submitted_at,site,service,channel,language,SQ01.E,SQ01.P,OVERALL\r\n"
            b"a,2024-13-01,S1,,,,8,x,5\r\n"
            b"b,2024-01-01T10:00:00,S1,,,,7,7,10\r\n"
            b"c,,,,,,1,1,1\r\n")  # fmt: skip
    e = parse_export(data, "e.csv")
    out, errors = apply_mapping(e, propose_mapping(e, QS), QS, required_meta=("site",))
    assert [r.external_id for r in out] == ["native:b"]
    got = sorted((x.line, x.column, x.code) for x in errors)
    assert got == [(2, "SQ01.E", "out_of_range"), (2, "SQ01.P", "not_a_number"),
                   (2, "submitted_at", "bad_date"), (4, "@site", "missing_meta")]  # fmt: skip
    msg = next(x for x in errors if x.code == "out_of_range").message
    assert msg == "row 2, column 'SQ01.E': score 8 is outside 1–7"


def test_chunks_equal_row_path_including_errors() -> None:
    from sqms.surveys.importers.tests.native_data import make_native_csv, servqual_questions

    qs = servqual_questions()
    data = make_native_csv(3000, qs).decode("utf-8-sig").splitlines(keepends=True)
    data[1500] = data[1500].replace(",zh-hans,", ",zh-hans,9,", 1)  # SQ01.E = 9: out of range
    data[2500] = data[2500].replace("2024-", "2024/", 1)  # bad date
    data[2900] = re.sub(r",S\d{3},", ",,", data[2900], count=1)  # site missing
    raw = "".join(data).encode("utf-8")

    def plan_for(r: NativeReader) -> MappingPlan:
        return MappingPlan(Mapping({t: t for t in r.targets}), qs, tool="native",
                           required_meta=("site",))  # fmt: skip

    r1 = NativeReader(io.BytesIO(raw))
    e1: list = []
    rows = list(iter_apply_mapping(r1, plan_for(r1), e1))
    r2 = NativeReader(io.BytesIO(raw))
    e2: list = []
    chunks = list(r2.iter_chunks(plan_for(r2), e2, chunk=512))
    assert [r for c in chunks for r in c.rows()] == rows
    r3 = NativeReader(io.BytesIO(raw))
    e3: list = []
    assert list(r3.iter_mapped(plan_for(r3), e3)) == rows and e3 == e1
    assert e1 == e2 and [(x.line, x.code) for x in e1] == [
        (1501, "out_of_range"),
        (2501, "bad_date"),
        (2901, "missing_meta"),
    ]
    assert len(rows) == 2997 and sum(len(c) for c in chunks) == 2997
    assert chunks[0].answers["SQ01.E"][0] == rows[0].answers["SQ01.E"]
