from sqms.core.choices import Channel
from sqms.inspections import actions, hooks


def test_failed_critical_items_call_the_hook_inside_the_submit(world, inspection, monkeypatch):
    calls = []
    monkeypatch.setattr(
        hooks,
        "on_failed_critical",
        lambda answers, **kw: calls.append(([a.item.code for a in answers], kw)),
    )
    user = world.alpha_inspector
    item = inspection.checklist.items.get
    actions.do_save_answer(
        inspection, item(code="A1"), result="fail", acting_user=user, channel=Channel.WEB
    )
    actions.do_save_answer(
        inspection, item(code="A2"), result="fail", acting_user=user, channel=Channel.WEB
    )
    actions.do_save_answer(
        inspection, item(code="B1"), value=0, acting_user=user, channel=Channel.WEB
    )
    actions.do_save_answer(
        inspection, item(code="B2"), value=4, acting_user=user, channel=Channel.WEB
    )
    done = actions.do_submit_inspection(inspection, acting_user=user, channel=Channel.WEB)
    assert done.critical_failed is True and done.passed is False
    # A1 and B1 failed but are not critical; A2 is
    assert [c[0] for c in calls] == [["A2"]]
    assert calls[0][1]["acting_user"] == user and calls[0][1]["channel"] == "web"


def test_no_hook_call_without_a_critical_failure(world, inspection, monkeypatch):
    calls = []
    monkeypatch.setattr(hooks, "on_failed_critical", lambda answers, **kw: calls.append(answers))
    user = world.alpha_inspector
    for code, result, value in (
        ("A1", "fail", None),
        ("A2", "pass", None),
        ("B1", "", 3),
        ("B2", "na", None),
    ):
        actions.do_save_answer(
            inspection,
            inspection.checklist.items.get(code=code),
            result=result,
            value=value,
            acting_user=user,
            channel=Channel.WEB,
        )
    actions.do_submit_inspection(inspection, acting_user=user, channel=Channel.WEB)
    assert calls == []


def test_the_hook_calls_capa_only_when_it_is_installed(world, inspection, monkeypatch):
    import sys
    import types

    from django.apps import apps

    raised = []
    fake = types.ModuleType("sqms.capa.sources")
    fake.raise_for_inspection_answer = lambda answer, **kw: raised.append((answer, kw)) or "NC"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sqms.capa.sources", fake)
    monkeypatch.setitem(sys.modules, "sqms.capa", types.ModuleType("sqms.capa"))
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "sqms.capa")
    assert hooks.on_failed_critical(["a1"], acting_user=None, channel="cli") == ["NC"]
    assert raised == [("a1", {"acting_user": None, "channel": "cli", "now": None})]
    monkeypatch.setattr(apps, "is_installed", lambda name: False)
    assert hooks.on_failed_critical(["a1"], acting_user=None, channel="cli") == []
    assert len(raised) == 1
