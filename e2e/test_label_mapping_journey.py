"""Journey: a quality manager imports a 问卷星 export whose answers are words (非常满意 …),
corrects the proposed label mapping on the review page, sees the preview change, imports."""

from __future__ import annotations

import re

from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.models import Instrument, Response
from sqms.test import PASSWORD, World

WJX = (
    "序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您所在的门店,2、您对今天的服务满意吗？,3、还有什么想告诉我们的吗？\r\n"
    "1,2026/3/17 14:22:55,136秒,手机提交,微信,183.192.16.69(上海-上海),ALPHA,非常满意,排队太久了\r\n"
    "2,2026/3/18 09:02:01,80秒,手机提交,微信,183.192.16.70(上海-上海),BRAVO,满意,(跳过)\r\n"
)


def test_correct_answer_labels_on_the_review_page(  # type: ignore[no-untyped-def]
    live_server, world: World, page, tmp_path, settings
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    actions.do_install_builtins(acting_user=None, channel=Channel.CLI)
    campaign = actions.do_create_campaign(
        {
            "name": "CSAT by 问卷星",
            "instrument": Instrument.objects.get(code="CSAT", is_current=True),
            "sites": [world.site_a, world.site_b],
            "status": "open",
        },
        acting_user=None,
        channel=Channel.CLI,
    )
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", world.qm.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{base}{campaign.get_absolute_url()}")
    page.click("text=Import responses")
    page.wait_for_url("**/import/")
    path = tmp_path / "survey_0.csv"
    path.write_bytes(WJX.encode("gb18030"))
    page.set_input_files("#id_file", str(path))
    page.click("main button[type=submit]")
    page.wait_for_url("**/import/review/")

    very = page.get_by_label("CSAT 非常满意")
    assert very.input_value() == "5"  # proposed from the scale's labels
    preview = page.locator("#label-preview tbody tr", has_text="非常满意")
    assert preview.locator("td.answer").inner_text() == "5"

    very.fill("4")
    page.click("button[name=action][value=check]")
    page.wait_for_load_state()
    assert page.get_by_label("CSAT 非常满意").input_value() == "4"
    preview = page.locator("#label-preview tbody tr", has_text="非常满意")
    assert preview.locator("td.answer").inner_text() == "4"

    page.click("button[name=action][value=import]")
    page.wait_for_url(re.compile(r".*/surveys/imports/\d+/$"))
    stored = sorted(r.answers["CSAT"] for r in Response.objects.filter(campaign=campaign))
    assert stored == [4, 4]  # 非常满意 corrected to 4; 满意 was 4 already
