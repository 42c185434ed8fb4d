import base64
import io

from PIL import Image

from sqms.core.actions import do_create_api_token
from sqms.core.choices import Channel

BASE = "/api/v1/inspections/"


def _auth(user):
    _t, raw = do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_checklists_read(world, checklist, client):
    h = _auth(world.alpha_inspector)
    listed = client.get(f"{BASE}checklists/", **h).json()
    assert [t["code"] for t in listed["items"]] == ["STORE"]
    assert listed["items"][0]["published_version_id"] == checklist.pk
    v = client.get(f"{BASE}checklists/versions/{checklist.pk}", **h).json()
    assert [s["title"][:4] for s in v["sections"]] == ["门店环境", "服务 S"]
    b2 = v["sections"][1]["items"][1]
    assert (b2["code"], b2["scoring"], b2["target"], b2["is_critical"]) == (
        "B2",
        "numeric",
        "4.000",
        True,
    )
    one = client.get(f"{BASE}checklists/{checklist.template_id}", **h).json()
    assert [x["status"] for x in one["versions"]] == ["published"]


def test_perform_through_the_api(world, checklist, client):
    h = _auth(world.alpha_inspector)
    r = client.post(
        BASE,
        {"site_id": world.site_b.pk, "template_id": checklist.template_id},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 422  # site B is not in the inspector's scope
    r = client.post(
        BASE,
        {"site_id": world.site_a.pk, "template_id": checklist.template_id},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201
    insp = r.json()
    assert insp["status"] == "in_progress" and insp["inspector_id"] == world.alpha_inspector.pk
    items = {i.code: i.pk for i in checklist.items.all()}

    def put(code, body):
        return client.put(
            f"{BASE}{insp['id']}/answers/{items[code]}", body, content_type="application/json", **h
        )

    r = put("B1", {"value": 9})
    assert r.status_code == 422 and r.json()["detail"][0]["msg"].startswith("B1:")
    assert put("A1", {"result": "pass"}).status_code == 200
    assert put("A2", {"result": "fail", "note": "expired"}).status_code == 200
    current = put("B1", {"value": 5}).json()["inspection"]["version"]
    assert current == 4  # created at 1, one more per answer
    r = client.post(
        f"{BASE}{insp['id']}/submit", {"version": current}, content_type="application/json", **h
    )
    assert r.status_code == 422 and "B2" in r.json()["detail"][0]["msg"]
    saved = put("B2", {"value": "4.5"}).json()
    assert saved["inspection"]["score"] == "66.67" and saved["answer"]["failed"] is False
    buf = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buf, format="PNG")
    url = f"{BASE}{insp['id']}/answers/{items['A2']}/photos"

    def photo(name, data):
        body = {"name": name, "content_base64": base64.b64encode(data).decode()}
        return client.post(url, body, content_type="application/json", **h)

    r = photo("ext.png", buf.getvalue())
    assert r.status_code == 201 and r.json()[0]["content_type"] == "image/png"
    r = photo("virus.exe", b"MZ not an image")
    assert r.status_code == 422 and "“virus.exe”" in r.json()["detail"][0]["msg"]
    version = saved["inspection"]["version"]
    r = client.post(
        f"{BASE}{insp['id']}/submit", {"version": version - 1}, content_type="application/json", **h
    )
    assert r.status_code == 409
    r = client.post(
        f"{BASE}{insp['id']}/submit",
        {"version": version, "site_representative": "李店长", "acknowledged": True},
        content_type="application/json",
        **h,
    )
    body = r.json()
    assert r.status_code == 200 and body["status"] == "submitted"
    assert (body["score"], body["critical_failed"], body["passed"]) == ("66.67", True, False)
    assert {a["item_code"]: a["failed"] for a in body["answers"]} == {
        "A1": False,
        "A2": True,
        "B1": False,
        "B2": False,
    }
    r = client.post(
        f"{BASE}{insp['id']}/submit", {"version": version}, content_type="application/json", **h
    )
    assert r.status_code == 409 and "already submitted" in r.json()["detail"]
    assert put("A1", {"result": "fail"}).status_code == 409
    listed = client.get(f"{BASE}?status=submitted&site_id={world.site_a.pk}", **h).json()
    assert [i["id"] for i in listed["items"]] == [insp["id"]]
    outsider = _auth(world.bravo_manager)
    assert client.get(f"{BASE}{insp['id']}", **outsider).status_code == 404
