"""Importing historical complaints: encodings, all or nothing, duplicates skipped."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sqms.complaints import actions
from sqms.complaints.choices import Source, Status
from sqms.complaints.models import Complaint
from sqms.core.choices import Channel
from sqms.test import World

CN = (
    "门店编码,渠道,严重程度,受理时间,状态,解决时间,关闭时间,投诉内容,客户姓名,联系方式,外部编号\n"
    "ALPHA,电话,高,2025-03-01 10:00,已关闭,2025-03-02 09:00,2025-03-03 09:00,咖啡是凉的,王先生,13800138000,H-1\n"
    "BRAVO,邮件,,2025-03-05 11:00,调查中,,,排队太久,,,H-2\n"
)


def run(data: bytes, dry_run: bool = False, user=None) -> actions.ImportReport:  # type: ignore[no-untyped-def]
    return actions.do_import_complaints(
        data, dry_run=dry_run, acting_user=user, channel=Channel.CLI
    )


@pytest.mark.django_db
def test_gb18030_file_imports_with_historical_statuses(world: World) -> None:
    report = run(CN.encode("gb18030"))
    assert (report.errors, report.created, report.encoding) == ([], 2, "gb18030")
    closed = Complaint.objects.get(external_id="H-1")
    assert (closed.site, closed.status, closed.source, closed.severity) == (
        world.site_a,
        Status.CLOSED,
        Source.IMPORT,
        "high",
    )
    assert closed.resolved_at.isoformat() == "2025-03-02T01:00:00+00:00"  # Asia/Shanghai
    assert closed.closed_at.isoformat() == "2025-03-03T01:00:00+00:00"
    assert closed.next_check_at is None and closed.description == "咖啡是凉的"
    open_one = Complaint.objects.get(external_id="H-2")
    assert open_one.status == Status.INVESTIGATING and open_one.severity == "medium"
    # the same file again: every row is skipped, nothing doubles
    again = run(CN.encode("gb18030"))
    assert (again.created, again.skipped) == (0, ["H-1", "H-2"])
    assert Complaint.objects.count() == 2


@pytest.mark.django_db
def test_utf8_bom_english_headers_and_dry_run(world: World) -> None:
    text = (
        "\ufeffSite code,Received at,Description,Status\nALPHA,2025-01-02 08:00,Dirty table,new\n"
    )
    dry = run(text.encode("utf-8"), dry_run=True)
    assert (dry.errors, dry.created, dry.encoding) == ([], 1, "utf-8-sig")
    assert Complaint.objects.count() == 0
    assert run(text.encode("utf-8")).created == 1


@pytest.mark.django_db
def test_empty_file_and_bad_row_write_nothing(world: World) -> None:
    assert run(b"").errors == ["The file is empty."]
    bad = (
        "site code,received at,description,status,closed at\n"
        "ALPHA,2025-01-02 08:00,ok,closed,2025-01-03\n"
        "NOWHERE,yesterday,x,lost,\n"
    )
    report = run(bad.encode())
    assert report.created == 0
    assert "line 3, column received at: not a date and time: “yesterday”" in report.errors
    assert any("line 3, column status: unknown value “lost”" in e for e in report.errors)
    assert "line 3, column site code: unknown site “NOWHERE”" in report.errors
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_xlsx_page_and_command(world: World, client_for, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["site code", "received at", "description", "external id"])
    ws.append(["ALPHA", "2025-02-01 09:00", "Broken lift", "X-1"])
    buf = io.BytesIO()
    wb.save(buf)
    c = client_for(world.alpha_manager)
    url = reverse("complaints:import")
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload() -> SimpleUploadedFile:
        return SimpleUploadedFile("old.xlsx", buf.getvalue())

    page = c.post(url, {"file": upload(), "check": "1"})
    assert "1 complaints would be imported" in page.content.decode()
    assert Complaint.objects.count() == 0
    assert c.post(url, {"file": upload(), "import": "1"}).status_code == 302
    assert Complaint.objects.get().status == Status.NEW
    assert client_for(world.alpha_agent).get(url).status_code == 403
    path = tmp_path / "more.csv"
    path.write_text(
        "site code,received at,description,external id\nALPHA,2025-02-02,Noise,X-1\nALPHA,2025-02-03,Cold,X-2\n"
    )
    out = io.StringIO()
    call_command("complaints_import", str(path), stdout=out)
    assert "imported 1, skipped 1" in out.getvalue()
    with pytest.raises(CommandError):
        path.write_text("site code,received at\nALPHA,2025-02-02\n")
        call_command("complaints_import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
