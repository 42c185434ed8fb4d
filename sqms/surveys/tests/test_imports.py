# ruff: noqa: F811
"""Imports (CLI and pages) and exports: detection, mapping, bad input, duplicates, round trip."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sqms.core.choices import Channel
from sqms.core.models import AuditEvent
from sqms.surveys import actions
from sqms.surveys.models import ImportBatch, MappingPreset, Response, Rollup
from sqms.surveys.tests.builtin_answers import servqual_answers

LIME = (
    '"id","submitdate","lastpage","startlanguage","seed","startdate","datestamp","STORE","CSAT","COMMENT"\r\n'
    '"1","2026-03-05 10:11:12","2","zh-Hans","1","2026-03-05 10:01:00","2026-03-05 10:11:12","ALPHA","5","很好"\r\n'
    '"2","2026-03-06 11:00:00","2","en","2","2026-03-06 10:58:00","2026-03-06 11:00:00","BRAVO","2",""\r\n'
    '"3","","1","en","3","2026-03-06 11:00:00","2026-03-06 11:02:00","ALPHA","",""\r\n'
)
WJX = (
    "序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您所在的门店,2、您对今天的服务满意吗？,3、还有什么想告诉我们的吗？\r\n"
    "1,2026/3/17 14:22:55,136秒,手机提交,微信,183.192.16.69(上海-上海),ALPHA,非常满意,排队太久了\r\n"
    "2,2026/3/18 09:02:01,80秒,手机提交,微信,183.192.16.70(上海-上海),BRAVO,满意,(跳过)\r\n"
    "3,2026/3/18 09:12:01,60秒,手机提交,微信,183.192.16.71(上海-上海),ALPHA,不满意,\r\n"
)


def _write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_cli_dry_run_prints_detection_and_writes_nothing(world, csat_campaign, tmp_path):
    path = _write(tmp_path, "lime.csv", LIME.encode("utf-8-sig"))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_responses", path, campaign=csat_campaign.pk, dry_run=True, stdout=out, stderr=err
    )
    text = out.getvalue()
    assert "Tool: LimeSurvey CSV" in text
    assert "Encoding: utf-8-sig" in text and "Separator: ," in text
    assert "2 complete, 1 incomplete, 0 test/spam" in text
    assert "STORE -> @site" in text and "CSAT -> CSAT" in text and "COMMENT -> COMMENT" in text
    assert Response.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_cli_import_then_duplicate(world, csat_campaign, tmp_path):
    path = _write(tmp_path, "lime.csv", LIME.encode("utf-8-sig"))
    out = io.StringIO()
    call_command(
        "import_responses", path, campaign=csat_campaign.pk, stdout=out, stderr=io.StringIO()
    )
    assert "Imported 2 responses" in out.getvalue()
    rows = {r.external_id: r for r in Response.objects.all()}
    assert (
        rows["limesurvey:1"].answers == {"CSAT": 5, "COMMENT": "很好"}
        and rows["limesurvey:1"].site == world.site_a
    )
    assert rows["limesurvey:2"].site == world.site_b and rows["limesurvey:1"].channel == "import"
    assert Rollup.objects.filter(measure="CSAT").count() == 2
    assert AuditEvent.objects.filter(model="surveys.importbatch").count() == 1
    out = io.StringIO()
    call_command(
        "import_responses", path, campaign=csat_campaign.pk, stdout=out, stderr=io.StringIO()
    )
    assert "already imported" in out.getvalue() and Response.objects.count() == 2


def test_concurrent_import_hits_unique_constraint(world, csat_campaign, monkeypatch):
    data = LIME.encode("utf-8-sig")
    first = actions.do_import_file(
        csat_campaign, data, "a.csv", acting_user=world.qm, channel=Channel.WEB
    )
    assert first.imported == 2
    # the other import committed after our "already imported?" check: the constraint decides
    monkeypatch.setattr(actions.imports, "_already_imported", lambda c, s: None)
    second = actions.do_import_file(
        csat_campaign, data, "a.csv", acting_user=world.qm, channel=Channel.WEB
    )
    assert second.already and second.imported == 0
    assert Response.objects.count() == 2 and ImportBatch.objects.count() == 1


def test_wjx_gb18030_with_labels(world, csat_campaign, tmp_path):
    path = _write(tmp_path, "survey_0.csv", WJX.encode("gb18030"))
    out = io.StringIO()
    call_command(
        "import_responses", path, campaign=csat_campaign.pk, stdout=out, stderr=io.StringIO()
    )
    text = out.getvalue()
    assert "Encoding:   gb18030" in text.lower() or "gb" in text.lower()
    assert "Imported 3 responses" in text
    got = {r.external_id: r for r in Response.objects.all()}
    assert got["wjx:1"].answers == {"CSAT": 5, "COMMENT": "排队太久了"}
    assert got["wjx:2"].answers == {"CSAT": 4} and got["wjx:2"].site == world.site_b
    assert got["wjx:3"].answers["CSAT"] == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b'"id","submitdate","lastpage","startlanguage","CSAT"\r\n', "header only"),
    ],
)
def test_empty_and_header_only_files(world, csat_campaign, tmp_path, content, message):
    path = _write(tmp_path, "x.csv", content)
    with pytest.raises(CommandError, match=message):
        call_command(
            "import_responses",
            path,
            campaign=csat_campaign.pk,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_out_of_range_is_atomic_or_skipped(world, csat_campaign, tmp_path):
    bad = LIME.replace('"BRAVO","2"', '"BRAVO","9"').replace('"ALPHA","5"', '"NOWHERE","5"')
    path = _write(tmp_path, "bad.csv", bad.encode())
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 rows have problems"):
        call_command(
            "import_responses", path, campaign=csat_campaign.pk, stdout=io.StringIO(), stderr=err
        )
    assert "row 3, column 'CSAT': score 9 is outside 1–5" in err.getvalue()
    assert "NOWHERE is not part of this campaign" in err.getvalue()
    assert (
        Response.objects.count() == 0
        and ImportBatch.objects.count() == 0
        and Rollup.objects.count() == 0
    )
    rejects = tmp_path / "rejects.csv"
    good = LIME.replace('"BRAVO","2"', '"BRAVO","9"')
    path = _write(tmp_path, "half.csv", good.encode())
    out = io.StringIO()
    call_command(
        "import_responses",
        path,
        campaign=csat_campaign.pk,
        skip_invalid=True,
        rejects=str(rejects),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Imported 1 responses" in out.getvalue() and "1 rows refused" in out.getvalue()
    assert "score 9 is outside 1–5" in rejects.read_text(encoding="utf-8-sig")
    assert "score 9 is outside 1–5" in ImportBatch.objects.get().rejects_csv


def test_closed_campaign_and_too_large(world, csat_campaign, tmp_path, settings):
    path = _write(tmp_path, "lime.csv", LIME.encode())
    settings.SQMS_IMPORT_MAX_BYTES = 100
    with pytest.raises(CommandError, match="too large"):
        call_command(
            "import_responses",
            path,
            campaign=csat_campaign.pk,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    settings.SQMS_IMPORT_MAX_BYTES = 10_000_000
    actions.do_close_campaign(csat_campaign, acting_user=None, channel=Channel.CLI)
    with pytest.raises(CommandError, match="closed"):
        call_command(
            "import_responses",
            path,
            campaign=csat_campaign.pk,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_wrong_format_given(world, csat_campaign, tmp_path):
    path = _write(tmp_path, "lime.csv", LIME.encode())
    with pytest.raises(CommandError, match="LimeSurvey"):
        call_command(
            "import_responses",
            path,
            campaign=csat_campaign.pk,
            format="qualtrics",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


HOSTILE_COMMENTS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd", "-2", "@SUM(A1)", "'q"]


def test_export_import_round_trip(world, campaign, builtins, tmp_path, client_for):
    rows = []
    for n in range(30):
        a = servqual_answers(e=1 + n % 7, p=1 + (n * 3) % 7, overall=1 + n % 7)
        if n % 3 == 0:
            a["COMMENT"] = f'第{n}条, with "quotes"\nand a newline'
        if n % 6 == 1:  # customers' comments a spreadsheet would run as formulas
            a["COMMENT"] = HOSTILE_COMMENTS[n // 6]
            a.update({"IMP_TAN": 20, "IMP_REL": 20, "IMP_RES": 20, "IMP_ASS": 20, "IMP_EMP": 20})
        rows.append(
            {
                "answers": a,
                "site": world.site_a if n % 2 else world.site_b,
                "service": world.service if n % 4 == 0 else None,
                "submitted_at": f"2026-0{1 + n % 9}-1{n % 10}T0{n % 10}:15:00+00:00",
                "language": "en",
            }
        )
    actions.write_responses(campaign, rows, channel="api", acting_user=None)
    first = tmp_path / "first.csv"
    call_command(
        "export_responses",
        campaign=campaign.pk,
        format="csv",
        output=str(first),
        stderr=io.StringIO(),
    )
    second_campaign = actions.do_create_campaign(
        {
            "name": "copy",
            "instrument": builtins["SERVQUAL"],
            "sites": [world.site_a, world.site_b],
            "services": [world.service],
        },
        acting_user=None,
        channel=Channel.CLI,
    )
    out = io.StringIO()
    call_command(
        "import_responses",
        str(first),
        campaign=second_campaign.pk,
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Imported 30 responses" in out.getvalue()
    data = first.read_bytes()
    assert b"\"'=HYPERLINK(" in data and b",'+1+cmd\r\n" in data and b",''q\r\n" in data
    comments = Response.objects.filter(campaign=second_campaign).values_list("comment", flat=True)
    assert set(HOSTILE_COMMENTS) <= set(comments)  # the escaping is undone on import
    # the campaign page's download is the same file, streamed
    web = client_for(world.qm).get(f"/surveys/campaigns/{campaign.pk}/export/?format=csv")
    assert web.streaming and web.getvalue() == data
    second = tmp_path / "second.csv"
    call_command(
        "export_responses",
        campaign=second_campaign.pk,
        format="csv",
        output=str(second),
        stderr=io.StringIO(),
    )
    assert first.read_bytes() == second.read_bytes()

    # the rollups agree too
    def sums(c):
        return sorted(
            (r.site_id, r.period, r.measure, r.n, round(r.total, 9))
            for r in Rollup.objects.filter(campaign=c)
        )

    assert sums(campaign) == sums(second_campaign)
    # XLSX: export, import into a third campaign, export CSV again: identical
    xlsx = tmp_path / "first.xlsx"
    call_command(
        "export_responses",
        campaign=campaign.pk,
        format="xlsx",
        output=str(xlsx),
        stderr=io.StringIO(),
    )
    third = actions.do_create_campaign(
        {
            "name": "copy2",
            "instrument": builtins["SERVQUAL"],
            "sites": [world.site_a, world.site_b],
            "services": [world.service],
        },
        acting_user=None,
        channel=Channel.CLI,
    )
    call_command(
        "import_responses", str(xlsx), campaign=third.pk, stdout=io.StringIO(), stderr=io.StringIO()
    )
    third_csv = tmp_path / "third.csv"
    call_command(
        "export_responses",
        campaign=third.pk,
        format="csv",
        output=str(third_csv),
        stderr=io.StringIO(),
    )
    assert third_csv.read_bytes() == first.read_bytes()


def test_upload_review_import_pages(world, csat_campaign, client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    c = client_for(world.qm)
    upload = io.BytesIO(WJX.encode("gb18030"))
    upload.name = "survey_0.csv"
    r = c.post(f"/surveys/campaigns/{csat_campaign.pk}/import/", {"file": upload})
    assert r.status_code == 302
    page = c.get(f"/surveys/campaigns/{csat_campaign.pk}/import/review/").content.decode()
    assert "问卷星" in page and "3 complete" in page and "No problems found" in page
    assert '<option value="@site" selected>' in page
    form = {f"map-{i}": "" for i in range(9)}
    form.update(
        {
            "map-6": "@site",
            "map-7": "CSAT",
            "map-8": "COMMENT",
            "action": "import",
            "preset_name": "wjx-csat",
        }
    )
    r = c.post(f"/surveys/campaigns/{csat_campaign.pk}/import/review/", form, follow=True)
    assert "Imported 3 responses" in r.content.decode()
    assert (
        MappingPreset.objects.get(name="wjx-csat").mapping["columns"]["2、您对今天的服务满意吗？"]
        == "CSAT"
    )
    # the same file again: nothing added, and said so
    upload = io.BytesIO(WJX.encode("gb18030"))
    upload.name = "survey_0.csv"
    c.post(f"/surveys/campaigns/{csat_campaign.pk}/import/", {"file": upload})
    r = c.post(f"/surveys/campaigns/{csat_campaign.pk}/import/review/", form, follow=True)
    assert "already imported" in r.content.decode() and Response.objects.count() == 3


def test_upload_scoping_and_bad_files(world, csat_campaign, client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    outsider = client_for(world.bravo_manager)
    upload = io.BytesIO(LIME.encode())
    upload.name = "lime.csv"
    # the campaign includes BRAVO, so bravo's manager may import, but only rows of BRAVO
    r = outsider.post(f"/surveys/campaigns/{csat_campaign.pk}/import/", {"file": upload})
    assert r.status_code == 302
    r = outsider.post(
        f"/surveys/campaigns/{csat_campaign.pk}/import/review/",
        {"map-7": "@site", "map-8": "CSAT", "map-9": "COMMENT", "action": "import"},
        follow=True,
    )
    body = r.content.decode()
    assert "site ALPHA is outside your scope" in body and Response.objects.count() == 0
    assert (
        client_for(world.alpha_inspector)
        .get(f"/surveys/campaigns/{csat_campaign.pk}/import/")
        .status_code
        == 403
    )
    empty = io.BytesIO(b"")
    empty.name = "empty.csv"
    r = client_for(world.qm).post(f"/surveys/campaigns/{csat_campaign.pk}/import/", {"file": empty})
    assert "empty" in r.content.decode()
    settings.SQMS_IMPORT_MAX_BYTES = 50
    big = io.BytesIO(LIME.encode())
    big.name = "big.csv"
    r = client_for(world.qm).post(f"/surveys/campaigns/{csat_campaign.pk}/import/", {"file": big})
    assert "the limit is" in r.content.decode()


SAMPLES = "/work/shared/samples/survey-exports"


@pytest.mark.parametrize(
    ("name", "tool"),
    [
        ("Cats Can Have a Little Salami.csv", "Qualtrics"),
        ("steak-risk-survey.csv", "SurveyMonkey"),
        ("survey_998192_R_data_file.csv", "LimeSurvey CSV"),
    ],
)
def test_real_exports_dry_run(world, csat_campaign, name, tool):
    import os

    path = os.path.join(SAMPLES, name)
    if not os.path.exists(path):
        pytest.skip("shared samples not available")
    out = io.StringIO()
    call_command(
        "import_responses",
        path,
        campaign=csat_campaign.pk,
        dry_run=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    text = out.getvalue()
    assert f"Tool: {tool}" in text and "no site column" in text and "Dry run:" in text
    assert Response.objects.count() == 0


def test_rejects_file_neutralizes_formula_cells(world, csat_campaign, client_for):
    problems = [actions.ImportProblem(3, "=cmd", "-bad"), actions.ImportProblem(4, "ok", "@x")]
    assert actions.rejects_csv(problems) == ("row,column,problem\r\n3,'=cmd,'-bad\r\n4,ok,'@x\r\n")
    # a batch stored before cells were neutralized is made safe when downloaded
    batch = ImportBatch.objects.create(
        campaign=csat_campaign,
        filename="old.csv",
        tool="limesurvey",
        rejects_csv='row,column,problem\r\n2,"=HYPERLINK(""x"")",+1\r\n',
    )
    response = client_for(world.qm).get(f"/surveys/imports/{batch.pk}/rejects.csv")
    assert response.streaming
    text = response.getvalue().decode("utf-8-sig")
    assert text == 'row,column,problem\r\n2,"\'=HYPERLINK(""x"")",\'+1\r\n'


def test_cli_dry_run_speaks_chinese(world, csat_campaign, tmp_path):
    """In zh-hans the CLI's own labels and the importer's warnings are Chinese."""
    from django.utils import translation

    path = _write(tmp_path, "lime.csv", LIME.encode("utf-8-sig"))
    out, err = io.StringIO(), io.StringIO()
    with translation.override("zh-hans"):
        call_command(
            "import_responses",
            path,
            campaign=csat_campaign.pk,
            dry_run=True,
            stdout=out,
            stderr=err,
        )
    text = out.getvalue()
    for english in ("Tool:", "Encoding:", "Responses:", "Dry run", "complete", "Mapping"):
        assert english not in text, english
    assert "工具" in text and "试运行" in text


def test_review_page_corrects_answer_labels_with_preview(
    world, csat_campaign, client_for, settings, tmp_path
):
    """The proposed label mapping (非常满意 → 5) is shown and editable; the preview shows the
    answers the correction gives; the import stores them and the preset keeps them."""
    settings.VAR_DIR = tmp_path
    c = client_for(world.qm)
    upload = io.BytesIO(WJX.encode("gb18030"))
    upload.name = "survey_0.csv"
    c.post(f"/surveys/campaigns/{csat_campaign.pk}/import/", {"file": upload})
    url = f"/surveys/campaigns/{csat_campaign.pk}/import/review/"
    page = c.get(url).content.decode()
    assert 'name="label::CSAT::非常满意" value="5"' in page
    assert 'name="label::CSAT::不满意" value="2"' in page
    assert '<td class="answer">5</td>' in page  # row 1's 非常满意, before the correction
    form = {f"map-{i}": "" for i in range(9)}
    form.update({"map-6": "@site", "map-7": "CSAT", "map-8": "COMMENT"})
    form.update(
        {"label::CSAT::非常满意": "4", "label::CSAT::满意": "3", "label::CSAT::不满意": "2"}
    )
    page = c.post(url, {**form, "action": "check"}).content.decode()
    assert 'name="label::CSAT::非常满意" value="4"' in page
    assert '<td class="answer">5</td>' not in page and '<td class="answer">4</td>' in page
    r = c.post(url, {**form, "action": "import", "preset_name": "wjx-shifted"}, follow=True)
    assert "Imported 3 responses" in r.content.decode()
    got = {r.external_id: r.answers["CSAT"] for r in Response.objects.all()}
    assert got == {"wjx:1": 4, "wjx:2": 3, "wjx:3": 2}
    assert MappingPreset.objects.get(name="wjx-shifted").mapping["labels"]["CSAT"]["非常满意"] == 4
