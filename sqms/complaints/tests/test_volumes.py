"""Transaction volumes: the file import (all or nothing, encodings, XLSX, upsert), the pages,
the command."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from sqms.complaints import actions
from sqms.complaints.models import TransactionVolume
from sqms.core.choices import Channel
from sqms.core.models import AuditEvent

WEB = Channel.WEB


def _volumes() -> list[tuple[str, str, int]]:
    return sorted(
        (v.site.code, f"{v.period:%Y-%m}", v.transactions)
        for v in TransactionVolume.objects.select_related("site")
    )


def test_import_upserts(world):  # type: ignore[no-untyped-def]
    actions.do_save_volume(
        {"site": world.site_a, "period": dt.date(2026, 1, 15), "transactions": 1},
        acting_user=world.alpha_manager,
        channel=WEB,
    )
    data = (
        'site,month,transactions\nALPHA,2026-01,12000\nalpha,2026-02,"13,500"\nBRAVO,2026/2,900\n'
    )
    result = actions.do_import_volumes(data.encode(), acting_user=world.qm, channel=WEB)
    assert (result.created, result.updated) == (2, 1)
    assert _volumes() == [
        ("ALPHA", "2026-01", 12000),
        ("ALPHA", "2026-02", 13500),
        ("BRAVO", "2026-02", 900),
    ]


def test_bad_row_writes_nothing(world):  # type: ignore[no-untyped-def]
    data = (
        "site,month,transactions\nALPHA,2026-01,100\nALPHA,2026-13,5\nNOPE,2026-02,7\n"
        "ALPHA,2026-01,9\nBRAVO,2026-02,-3\n"
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        actions.do_import_volumes(data.encode(), acting_user=world.qm, channel=WEB)
    messages = err.value.messages
    assert messages[0] == "Nothing was imported."
    assert any(m.startswith("line 3:") and "2026-13" in m for m in messages)
    assert any(m.startswith("line 4:") and "unknown site" in m for m in messages)
    assert any(m.startswith("line 5:") and "repeats line 2" in m for m in messages)
    assert any(m.startswith("line 6:") and "-3" in m for m in messages)
    assert TransactionVolume.objects.count() == 0 and AuditEvent.objects.count() == events


def test_site_outside_scope_is_unknown(world):  # type: ignore[no-untyped-def]
    data = "门店,月份,交易量\nALPHA,2026-01,100\nBRAVO,2026-01,100\n".encode("gb18030")
    with pytest.raises(ValidationError) as err:
        actions.do_import_volumes(data, acting_user=world.alpha_manager, channel=WEB)
    assert any("line 3:" in m and "BRAVO" in m for m in err.value.messages)
    assert TransactionVolume.objects.count() == 0
    with pytest.raises(PermissionDenied):  # agents do not keep volumes
        actions.do_import_volumes(data, acting_user=world.alpha_agent, channel=WEB)


def test_encodings_and_xlsx(world):  # type: ignore[no-untyped-def]
    bom = "\ufeffsite,month,transactions\nALPHA,2026-03,10\n".encode()
    assert actions.do_import_volumes(bom, acting_user=None, channel=WEB).encoding == "utf-8-sig"
    gb = "门店编码,月份,交易笔数\nALPHA,2026年4月,20\n".encode("gb18030")
    assert actions.do_import_volumes(gb, acting_user=None, channel=WEB).encoding == "gb18030"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Site", "Month", "Transactions"])
    ws.append(["BRAVO", dt.date(2026, 5, 1), 30])
    buf = io.BytesIO()
    wb.save(buf)
    assert (
        actions.do_import_volumes(buf.getvalue(), acting_user=None, channel=WEB).encoding == "xlsx"
    )
    assert _volumes() == [
        ("ALPHA", "2026-03", 10),
        ("ALPHA", "2026-04", 20),
        ("BRAVO", "2026-05", 30),
    ]


def test_pages(world):  # type: ignore[no-untyped-def]
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(world.alpha_manager)
    created = c.post(
        "/complaints/volumes/new/",
        {"site": world.site_a.pk, "period": "2026-03", "transactions": "4000"},
    )
    assert created.status_code == 302
    v = TransactionVolume.objects.get()
    assert v.period == dt.date(2026, 3, 1) and v.transactions == 4000
    # the site of another manager is not a choice
    refused = c.post(
        "/complaints/volumes/new/",
        {"site": world.site_b.pk, "period": "2026-03", "transactions": "1"},
    )
    assert refused.status_code == 200 and TransactionVolume.objects.count() == 1
    edited = c.post(
        f"/complaints/volumes/{v.pk}/edit/",
        {"site": world.site_a.pk, "period": "2026-03", "transactions": "4100"},
    )
    assert edited.status_code == 302 and TransactionVolume.objects.get().transactions == 4100
    upload = SimpleUploadedFile("v.csv", b"site,month,transactions\nALPHA,2026-04,50\nALPHA,x,1\n")
    bad = c.post("/complaints/volumes/import/", {"file": upload})
    assert bad.status_code == 200 and "line 3" in bad.content.decode()
    assert TransactionVolume.objects.count() == 1
    upload = SimpleUploadedFile("v.csv", b"site,month,transactions\nALPHA,2026-04,50\n")
    assert c.post("/complaints/volumes/import/", {"file": upload}).status_code == 302
    page = c.get("/complaints/volumes/?year=2026").content.decode()
    assert "4100" in page and "4150" in page  # a row and the total
    export = c.get("/complaints/volumes/?export=csv")
    assert "2026-04" in b"".join(export.streaming_content).decode("utf-8-sig")
    assert c.post(f"/complaints/volumes/{v.pk}/delete/").status_code == 302
    assert TransactionVolume.objects.count() == 1
    # the outsider does not reach site A's month
    c.force_login(world.bravo_manager)
    other = TransactionVolume.objects.get()
    assert c.get(f"/complaints/volumes/{other.pk}/edit/").status_code == 404
    assert "2026-04" not in c.get("/complaints/volumes/").content.decode()


def test_command(world, tmp_path):  # type: ignore[no-untyped-def]
    good = tmp_path / "v.csv"
    good.write_text("site,month,transactions\nALPHA,2026-01,7\n", encoding="utf-8")
    out = io.StringIO()
    call_command("complaints_volumes_import", str(good), stdout=out)
    assert "1 month(s) added" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("site,month,transactions\nALPHA,2026-02,x\n", encoding="utf-8")
    with pytest.raises(CommandError) as err:
        call_command("complaints_volumes_import", str(bad))
    assert "line 2" in str(err.value)
    assert TransactionVolume.objects.count() == 1
