"""Reading a week of hourly values from CSV/XLSX: both layouts, encodings, and errors that
name row and column; an import with any bad cell changes nothing."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from sqms.improvement import actions
from sqms.improvement.models import ArrivalProfile, ProfileSource
from sqms.improvement.week_file import read_week_file


def test_long_layout_utf8_bom_and_names() -> None:
    data = "\ufeffWeekday,Hour,Arrivals\nMon,9,12.5\n7,23,3\nTuesday,10:00,4\n".encode()
    got = read_week_file(data)
    assert got.errors == [] and got.layout == "long" and got.encoding == "utf-8-sig"
    assert got.values[9] == 12.5 and got.values[6 * 24 + 23] == 3 and got.values[34] == 4
    assert sum(got.values) == 19.5


def test_gb18030_file_with_chinese_headers() -> None:
    data = "星期,小时,到达\n星期一,8,7\n周日,0,2\n".encode("gb18030")
    got = read_week_file(data)
    assert got.errors == [] and got.encoding == "gb18030"
    assert got.values[8] == 7 and got.values[144] == 2


def test_bad_header_names_the_missing_column() -> None:
    got = read_week_file(b"weekday,time,arrivals\n1,9,3\n")
    assert got.errors == ["row 1: missing column(s) hour (expected: weekday, hour, value)"]


def test_hour_24_negative_arrivals_and_bad_weekday_name_row_and_column() -> None:
    got = read_week_file(b"weekday,hour,arrivals\n1,24,5\n2,3,-4\n8,1,1\n1,5,2\n1,5,3\n")
    assert got.errors == [
        "row 2, column 2: hour “24” is not 0–23",
        "row 3, column 3: “-4” is not a number ≥ 0",
        "row 4, column 1: weekday “8” is not 1–7 (Monday = 1) or a day name",
        "row 6, column 2: day 1 hour 5 repeats row 5",
    ]
    assert sum(got.values) == 0  # nothing half-read


def test_matrix_layout_with_header_and_labels() -> None:
    header = "day," + ",".join(str(h) for h in range(24))
    rows = [f"{d}," + ",".join(str(d * 100 + h) for h in range(24)) for d in range(1, 8)]
    got = read_week_file("\n".join([header, *rows]).encode())
    assert got.errors == [] and got.layout == "matrix"
    assert got.values[0] == 100 and got.values[167] == 723


def test_matrix_layout_errors() -> None:
    rows = [",".join(["1"] * 24) for _ in range(7)]
    rows[2] = ",".join(["1"] * 23)
    rows[4] = ",".join(["1"] * 10 + ["x"] + ["1"] * 13)
    got = read_week_file("\n".join(rows).encode())
    assert got.errors == [
        "row 3, column 24: expected 24 hourly values, found 23",
        "row 5, column 11: “x” is not a number ≥ 0",
    ]
    six = read_week_file("\n".join(rows[:6]).encode())
    assert "found 6 rows" in six.errors[0]


def test_xlsx_and_whole_numbers_for_staff() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["weekday", "hour", "staff"])
    ws.append([1, 9, 3])
    ws.append([1, 10, 2.5])
    buf = io.BytesIO()
    wb.save(buf)
    got = read_week_file(buf.getvalue(), whole=True)
    assert got.errors == ["row 3, column 3: “2.5” is not a whole number ≥ 0"]
    assert read_week_file(buf.getvalue()).values[10] == 2.5


def test_empty_file() -> None:
    assert read_week_file(b"  \n").errors == ["row 1: the file is empty"]


def test_import_refuses_the_whole_file_and_keeps_the_old_profile(world: Any) -> None:
    old = [1.0] * 168
    actions.do_save_profile(world.site_a, {"arrivals": old}, acting_user=world.qm, channel="web")
    with pytest.raises(ValidationError) as exc:
        actions.do_import_profile(
            world.site_a,
            b"weekday,hour,arrivals\n1,9,5\n1,24,5\n",
            acting_user=world.alpha_manager,
            channel="web",
        )
    assert exc.value.message_dict["file"] == ["row 3, column 2: hour “24” is not 0–23"]
    profile = ArrivalProfile.objects.get(site=world.site_a)
    assert profile.arrivals == old and profile.source == ProfileSource.ENTERED
    actions.do_import_profile(
        world.site_a, b"weekday,hour,arrivals\n1,9,5\n", acting_user=world.alpha_manager,
        channel="web",
    )  # fmt: skip
    profile.refresh_from_db()
    assert profile.source == ProfileSource.IMPORTED and sum(profile.arrivals) == 5
