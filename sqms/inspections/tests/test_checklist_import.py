import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from sqms.core.choices import Channel
from sqms.inspections import actions
from sqms.inspections.models import ChecklistTemplate, Item, TemplateVersion

HEADER = "section,code,item,scoring,weight,critical,photo,target,tolerance,guidance\n"
GOOD = HEADER + (
    "门店环境,A1,地面清洁,pass_fail,1,no,optional,,,看地面\n"
    "门店环境,A2,灭火器在有效期内,pass_fail,2,yes,required,,,\n"
    "服务,B1,三米微笑问候,scale,2,,,,,\n"
    "服务,B2,冷柜温度,numeric,1,是,none,4,1,°C\n"
)


def _import(data: bytes, code="IMP", **kw):
    return actions.do_import_checklist(data, code=code, acting_user=None, channel=Channel.CLI, **kw)


def test_a_csv_becomes_a_draft_with_sections_and_items(world):
    version = _import(GOOD.encode("utf-8"), name="导入表")
    assert version.status == "draft" and version.template.name == "导入表"
    assert list(version.sections.values_list("title", flat=True)) == ["门店环境", "服务"]
    rows = list(
        Item.objects.filter(version=version).values_list(
            "code", "scoring", "weight", "is_critical", "photo", "target", "tolerance"
        )
    )
    assert rows == [
        ("A1", "pass_fail", D(1), False, "optional", None, None),
        ("A2", "pass_fail", D(2), True, "required", None, None),
        ("B1", "scale", D(2), False, "optional", None, None),
        ("B2", "numeric", D(1), True, "none", D(4), D(1)),
    ]
    assert version.items.get(code="A1").guidance == "看地面"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_bom_and_gb18030_files_read_alike(world, encoding):
    version = _import(GOOD.encode(encoding))
    assert version.items.get(code="A2").text == "灭火器在有效期内"


def test_an_xlsx_file(world):
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in GOOD.strip().splitlines():
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    version = _import(buf.getvalue())
    assert version.items.count() == 4


def test_an_existing_code_gets_a_new_draft_version(world):
    v1 = _import(GOOD.encode())
    actions.do_publish_version(v1, acting_user=None, channel=Channel.CLI)
    v2 = _import(GOOD.encode())
    assert (v2.template_id, v2.number, v2.status) == (v1.template_id, 2, "draft")
    with pytest.raises(ValidationError, match="draft with items"):
        _import(GOOD.encode())


def test_a_bad_column_is_named_and_nothing_is_written(world):
    bad = GOOD.replace("guidance", "colour")
    with pytest.raises(ValidationError) as exc:
        _import(bad.encode())
    assert "row 1: unknown column(s) colour" in exc.value.messages[0]
    assert not ChecklistTemplate.objects.filter(code="IMP").exists()


def test_bad_rows_name_row_and_column_and_nothing_is_written(world):
    bad = GOOD.replace("scale,2", "stars,2").replace(
        "numeric,1,是,none,4,1", "numeric,1,是,none,,1"
    )
    bad += ",Z1,No section,pass_fail,1,,,,,\n门店环境,Z2,Weightless,pass_fail,-1,,,,,\n"
    with pytest.raises(ValidationError) as exc:
        _import(bad.encode("gb18030"))
    assert exc.value.messages == [
        "row 4, column scoring: “stars” is not pass_fail, scale or numeric",
        "row 5, column target: a numeric item needs a target",
        "row 6, column section: empty",
        "row 7, column weight: the weight must be more than 0",
    ]
    assert not TemplateVersion.objects.filter(template__code="IMP").exists()
    assert not ChecklistTemplate.objects.filter(code="IMP").exists()


def test_the_command(world, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_bytes(GOOD.encode("gb18030"))
    call_command("import_checklist", str(path), "--code", "CLI1", "--publish")
    assert "imported 4 items into CLI1 v1 (Published)" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "S,Q1,Item,pass_fail,abc,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_checklist", str(bad), "--code", "CLI2")
    assert "row 2, column weight: “abc” is not a number" in capsys.readouterr().err


def test_the_import_page(world, client_for):
    c = client_for(world.qm)
    upload = io.BytesIO(GOOD.encode("utf-8-sig"))
    upload.name = "list.csv"
    r = c.post("/inspections/checklists/import/", {"code": "PAGE", "file": upload})
    version = TemplateVersion.objects.get(template__code="PAGE")
    assert r.status_code == 302 and r["Location"] == version.get_absolute_url()
    bad = io.BytesIO((HEADER + "S,Q1,Item,pass_fail,1,maybe,,,,\n").encode())
    bad.name = "bad.csv"
    r = c.post("/inspections/checklists/import/", {"code": "PAGE2", "file": bad})
    assert r.status_code == 200 and "row 2, column critical" in r.content.decode()
    assert client_for(world.alpha_manager).get("/inspections/checklists/import/").status_code == 403
