"""The DoneMail dialect on GET /api/mails (X-Admin-Key), downloads and share links."""

import base64
import json

import pytest

from tests.conftest import FIXTURES, bearer, new_address, push

KEY = {"X-Admin-Key": "admin-pass"}


def mail(
    subject: str, body: str = "plain body", sender: str = "Sender <sender@example.org>", html: str = ""
) -> bytes:
    if html:
        head = f"From: {sender}\r\nSubject: {subject}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        return (head + html + "\r\n").encode()
    return f"From: {sender}\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n".encode()


async def dm(client, **params):
    response = await client.get("/api/mails", params=params, headers=KEY)
    assert response.status_code == 200, response.text
    return response.json()


async def test_envelope_items_and_bearer_still_gets_dialect_a(client):
    box = await new_address(client, "dm")
    mail_id = await push(client, (FIXTURES / "own/attachments_inline_image.eml").read_bytes(), box["address"])
    body = await dm(client)
    assert body["ok"] is True and body["pagination"] == {"limit": 20, "nextCursor": None, "hasMore": False}
    (item,) = body["data"]
    assert item["id"] == mail_id and item["to"] == "dm@example.com" and item["toDomain"] == "example.com"
    assert (item["from"], item["fromName"]) == ("sender@example.org", "Ünïcode Sender")
    assert item["hasAttachments"] is True and item["attachmentCount"] == 4 and "attachments" not in item
    assert item["receivedAt"].endswith("Z") and "T" in item["receivedAt"]
    assert item["html"].startswith("<p>logo:")
    with_atts = (await dm(client, includeAttachments="true"))["data"][0]["attachments"]
    assert with_atts[3] == {
        "id": "3",
        "filename": "large.bin",
        "mimeType": "application/octet-stream",
        "size": 300_000,
        "contentId": None,
        "disposition": "attachment",
        "stored": True,
    }
    dialect_a = await client.get("/api/mails", headers=bearer(box["jwt"]))
    assert set(dialect_a.json()) == {"results", "count"}


@pytest.mark.parametrize("headers", [{"X-Admin-Key": "wrong"}, {"X-Admin-Key": ""}])
async def test_bad_key_is_unauthorized_then_rate_limited(make_client, headers):
    http = make_client(auth_failure_limit=2)
    for _ in range(2):
        response = await http.get("/api/mails", headers=headers)
        assert response.status_code == 401 and response.json() == {
            "ok": False,
            "error": {"code": "unauthorized", "message": "a valid X-Admin-Key is required"},
        }
    limited = await http.get("/api/mails", headers=KEY)
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"


async def test_cursor_pages_walk_everything_once(client):
    box = await new_address(client, "pages")
    ids = [await push(client, mail(f"m{i}"), box["address"]) for i in range(7)]
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = await dm(client, **params)
        seen += [item["id"] for item in page["data"]]
        cursor = page["pagination"]["nextCursor"]
        assert page["pagination"]["hasMore"] is (cursor is not None)
        if not cursor:
            break
    assert seen == list(reversed(ids))


@pytest.mark.parametrize(("raw", "expected"), [("0", 1), ("-4", 1), ("500", 50), ("7", 7)])
async def test_limit_is_clamped(client, raw, expected):
    assert (await dm(client, limit=raw))["pagination"]["limit"] == expected


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": "ten"}, "invalid_limit"),
        ({"hasAttachments": "yes"}, "invalid_boolean"),
        ({"includeAttachments": "1"}, "invalid_boolean"),
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"subject": "***"}, "invalid_query"),
        ({"from": "x" * 400}, "invalid_query"),
    ],
)
async def test_bad_parameters_are_400_in_dialect_shape(client, params, code):
    response = await client.get("/api/mails", params=params, headers=KEY)
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["error"]["code"] == code


async def test_cursor_from_another_filter_or_tampered_is_refused(client):
    box = await new_address(client, "cur")
    for i in range(3):
        await push(client, mail(f"subject {i}"), box["address"])
    cursor = (await dm(client, limit=1))["pagination"]["nextCursor"]
    other = await client.get(
        "/api/mails", params={"limit": 1, "cursor": cursor, "to": box["address"]}, headers=KEY
    )
    assert other.status_code == 400 and "other filters" in other.json()["error"]["message"]
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**payload, "id": payload["id"] + 5}).encode()).decode()
    response = await client.get("/api/mails", params={"limit": 1, "cursor": forged}, headers=KEY)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_cursor"


async def test_exact_filters(client):
    a, b = await new_address(client, "alpha"), await new_address(client, "beta")
    first = await push(client, mail("one", sender="Ann <Ann@Example.net>"), a["address"])
    second = await push(client, mail("two", sender="bob@example.net"), b["address"])
    third = await push(client, mail("three", sender="ann@example.net"), "ghost@example.org")
    assert [i["id"] for i in (await dm(client, **{"from": "ann@example.net"}))["data"]] == [third, first]
    assert [i["id"] for i in (await dm(client, to="BETA@example.com"))["data"]] == [second]
    assert [i["id"] for i in (await dm(client, toDomain="example.org"))["data"]] == [third]
    assert (await dm(client, to="alph"))["data"] == []  # exact, not partial


async def test_full_text_subject_content_prefixes_and_intersection(client):
    box = await new_address(client, "fts")
    invoice = await push(client, mail("Your invoice 2026", body="payment due friday"), box["address"])
    html = await push(
        client, mail("Newsletter", html="<p>Invoice archive</p><script>friday()</script>"), box["address"]
    )
    await push(client, mail("Unrelated", body="nothing here"), box["address"])
    ids = lambda page: [i["id"] for i in page["data"]]  # noqa: E731
    assert ids(await dm(client, subject="invo")) == [invoice]  # prefix, subject only
    assert ids(await dm(client, content="invoice")) == [html]  # body incl. HTML text, not the subject
    assert ids(await dm(client, content="pay fri")) == [invoice]  # every term must match
    assert ids(await dm(client, content="friday")) == [invoice]  # script text is not content
    assert ids(await dm(client, subject="invoice", content="payment")) == [invoice]
    assert ids(await dm(client, subject="newsletter", content="payment")) == []
    for hostile in ['"', "NEAR(invoice", "invoice*", "(a OR b)", "subject:x"]:
        response = await client.get("/api/mails", params={"content": hostile + " due"}, headers=KEY)
        assert response.status_code == 200, hostile


async def test_cjk_text_is_searchable(client):
    box = await new_address(client, "cjk")
    zh = await push(client, (FIXTURES / "own/cjk_gb2312_html.eml").read_bytes(), box["address"])
    jp = await push(client, (FIXTURES / "own/cjk_iso2022jp.eml").read_bytes(), box["address"])
    ko = await push(client, (FIXTURES / "own/cjk_euckr_alternative.eml").read_bytes(), box["address"])
    ids = lambda page: [i["id"] for i in page["data"]]  # noqa: E731
    assert ids(await dm(client, content="世界")) == [jp, zh]  # middle of a run, both languages
    assert ids(await dm(client, subject="件名")) == [jp]
    assert ids(await dm(client, content="안녕")) == [ko]
    assert ids(await dm(client, subject="主题")) == [zh]


async def test_has_attachments_filter(client):
    box = await new_address(client, "atts")
    with_att = await push(client, (FIXTURES / "corpus/msg_07.txt").read_bytes(), box["address"])
    plain = await push(client, mail("plain"), box["address"])
    assert [i["id"] for i in (await dm(client, hasAttachments="true"))["data"]] == [with_att]
    assert [i["id"] for i in (await dm(client, hasAttachments="false"))["data"]] == [plain]


async def test_attachment_download(client):
    box = await new_address(client, "dl")
    other = await new_address(client, "other")
    mail_id = await push(client, (FIXTURES / "own/attachments_inline_image.eml").read_bytes(), box["address"])
    response = await client.get(f"/api/mails/{mail_id}/attachments/3", headers=KEY)
    assert response.status_code == 200
    assert response.content == bytes((i * 7 + 300_000) % 256 for i in range(300_000))
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith('attachment; filename="large.bin"')
    assert response.headers["x-content-type-options"] == "nosniff"
    own = await client.get(f"/api/mails/{mail_id}/attachments/0", headers=bearer(box["jwt"]))
    assert own.status_code == 200 and own.headers["content-type"] == "image/png"
    assert (
        await client.get(f"/api/mails/{mail_id}/attachments/0", headers=bearer(other["jwt"]))
    ).status_code == 404
    for missing in ("9", "x", "-1"):
        response = await client.get(f"/api/mails/{mail_id}/attachments/{missing}", headers=KEY)
        assert response.status_code == 404 and response.json()["error"]["code"] == "attachment_not_found"
    assert (await client.get("/api/mails/999/attachments/0", headers=KEY)).status_code == 404


async def test_share_links(client, services):
    box = await new_address(client, "shared")
    html = '<p>Hi <img src="https://tracker.example/p.gif"></p><script>alert(1)</script>'
    mail_id = await push(client, mail("Shared <b>subject</b>", html=html), box["address"])
    created = await client.post(f"/api/mails/{mail_id}/share", json={"ttlHours": 2}, headers=KEY)
    data = created.json()["data"]
    assert (
        created.json()["ok"] is True
        and data["ttlHours"] == 2
        and data["url"].endswith(f"/mail/{data['token']}")
    )
    page = await client.get(f"/mail/{data['token']}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "img-src data:" in policy
    assert "<iframe sandbox " in page.text and "<script>" not in page.text  # mail HTML only as escaped srcdoc
    assert "Shared &lt;b&gt;subject&lt;/b&gt;" in page.text
    slim = (await client.get(f"/mail/{data['token']}/json")).json()["data"]
    assert slim["subject"] == "Shared <b>subject</b>" and slim["expiresAt"] == data["expiresAt"]
    again = (await client.post(f"/api/mails/{mail_id}/share", headers=KEY)).json()["data"]
    assert again["ttlHours"] == 24
    assert (await client.get(f"/mail/{data['token']}")).status_code == 404  # replaced
    assert (await client.get(f"/mail/{again['token']}")).status_code == 200
    assert (await client.delete(f"/api/mails/{mail_id}/share", headers=KEY)).json()["data"] == {
        "revoked": True
    }
    assert (await client.get(f"/mail/{again['token']}/json")).status_code == 404
    assert (await client.delete(f"/api/mails/{mail_id}/share", headers=KEY)).status_code == 404
    stored = await services.db.all("SELECT token_hash FROM share_links")
    assert all(again["token"] not in row["token_hash"] for row in stored)


async def test_share_link_expiry_and_attachments(client, services):
    box = await new_address(client, "expiry")
    mail_id = await push(client, (FIXTURES / "corpus/msg_07.txt").read_bytes(), box["address"])
    token = (await client.post(f"/api/mails/{mail_id}/share", headers=KEY)).json()["data"]["token"]
    gif = await client.get(f"/mail/{token}/attachments/0")
    assert gif.status_code == 200 and gif.content.startswith(b"GIF87a")
    assert (await client.get(f"/mail/{token}/attachments/5")).status_code == 404
    await services.db.run("UPDATE share_links SET expires_at = 1")
    assert (await client.get(f"/mail/{token}")).status_code == 404
    for body in ({"ttlHours": 0}, {"ttlHours": 721}, {"ttlHours": "2"}):
        response = await client.post(f"/api/mails/{mail_id}/share", json=body, headers=KEY)
        assert response.status_code == 400
    assert (
        await client.post(f"/api/mails/{mail_id}/share", headers={"X-Admin-Key": "no"})
    ).status_code == 401


async def test_share_pages_are_public_behind_a_site_password(make_client):
    http = make_client(passwords=("site",))
    box = (
        await http.post("/api/new_address", json={"name": "gate"}, headers={"x-custom-auth": "site"})
    ).json()
    mail_id = await push(http, mail("gated"), box["address"])
    token = (await http.post(f"/api/mails/{mail_id}/share", headers={**KEY, "x-custom-auth": "site"})).json()[
        "data"
    ]["token"]
    assert (await http.get(f"/mail/{token}")).status_code == 200
    assert (await http.get("/api/mails", headers=KEY)).status_code == 401  # the API itself stays gated
