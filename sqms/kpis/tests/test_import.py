"""Importing KPI values from CSV/XLSX: encodings, errors naming line and column, nothing
half-written, and the regions and organization pooled from the imported sites."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.core.choices import Channel
from sqms.kpis import actions
from sqms.kpis.models import KpiValue
from sqms.kpis.tests.conftest import make_kpi, month

CLI = Channel.CLI


@pytest.fixture
def kpis(world: Any) -> Any:
    return make_kpi("WAIT", nature="measurement"), make_kpi("FCR", nature="proportion")


def test_csv_utf8_bom_and_pooling(world: Any, kpis: Any) -> None:
    data = (
        "\ufeffkpi,site,period,value,n\n"
        "WAIT,ALPHA,2025-01,4.5,10\n"
        "WAIT,BRAVO,2025-01,6.0,30\n"
        "FCR,ALPHA,2025-01,0.8,50\n"
        "FCR,BRAVO,2025-01,0.9,150\n"
    ).encode("utf-8")
    result = actions.do_import_values(data, acting_user=world.qm, channel=CLI)
    assert (result.rows, result.kpis) == (4, 2)
    wait, fcr = kpis
    org = KpiValue.objects.get(kpi=wait, unit_key="org", period=month(1))
    assert org.value == pytest.approx((4.5 * 10 + 6 * 30) / 40)  # n-weighted
    org = KpiValue.objects.get(kpi=fcr, unit_key="org", period=month(1))
    assert (org.value, org.n, org.numerator) == (pytest.approx(175 / 200), 200, pytest.approx(175))
    assert KpiValue.objects.get(kpi=fcr, site=world.site_a).origin == "import"


def test_gb18030_with_chinese_headers(world: Any, kpis: Any) -> None:
    data = "指标,门店,期间,值\nWAIT,ALPHA,2025-02,3.5\n".encode("gb18030")
    actions.do_import_values(data, acting_user=world.qm, channel=CLI)
    assert KpiValue.objects.get(kpi=kpis[0], site=world.site_a, period=month(2)).value == 3.5


def test_xlsx(world: Any, kpis: Any) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["kpi", "site", "period", "value"])
    ws.append(["WAIT", "BRAVO", "2025-03", 7])
    buf = io.BytesIO()
    wb.save(buf)
    actions.do_import_values(buf.getvalue(), acting_user=world.qm, channel=CLI)
    assert KpiValue.objects.get(kpi=kpis[0], site=world.site_b, period=month(3)).value == 7


def test_errors_name_line_and_column_and_nothing_is_written(world: Any, kpis: Any) -> None:
    data = (
        b"kpi,site,period,value,n\n"
        b"WAIT,ALPHA,2025-01,4.5,\n"  # fine
        b"NOPE,ALPHA,2025-01,1,\n"
        b"WAIT,ALPHA,2025-13,1,\n"
        b"WAIT,ALPHA,2025-02,abc,\n"
        b"FCR,ALPHA,2025-01,1.5,10\n"
        b"FCR,BRAVO,2025-01,0.5,\n"
        b"WAIT,ALPHA,2025-01,4.5,\n"
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_import_values(data, acting_user=world.qm, channel=CLI)
    messages = exc.value.messages
    assert any(m.startswith("line 3, column kpi:") for m in messages)
    assert any(m.startswith("line 4, column period:") for m in messages)
    assert any(m.startswith("line 5, column value:") for m in messages)
    assert any(m.startswith("line 6, column value:") and "between 0 and 1" in m for m in messages)
    assert any(m.startswith("line 7, column value:") and "n" in m for m in messages)
    assert any(m.startswith("line 8, column period:") and "line 2" in m for m in messages)
    assert not KpiValue.objects.exists()


def test_missing_columns_and_scope(world: Any, kpis: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_import_values(b"kpi,site\nWAIT,ALPHA\n", acting_user=world.qm, channel=CLI)
    assert "period, value" in exc.value.messages[0]
    data = b"kpi,site,period,value\nWAIT,ALPHA,2025-01,1\n"
    with pytest.raises(ValidationError) as exc:
        actions.do_import_values(data, acting_user=world.bravo_manager, channel=CLI)
    assert "line 2, column site" in exc.value.messages[0]
    with pytest.raises(PermissionDenied):
        actions.do_import_values(data, acting_user=world.alpha_agent, channel=CLI)


def test_computed_kpis_refuse_entered_values(world: Any) -> None:
    make_kpi("CC", "complaints.count", nature="count")
    data = b"kpi,site,period,value\nCC,ALPHA,2025-01,3\n"
    with pytest.raises(ValidationError) as exc:
        actions.do_import_values(data, acting_user=world.qm, channel=CLI)
    assert "computed" in exc.value.messages[0]
