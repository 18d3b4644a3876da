"""A DoneMail client and a mail.td client, each following its document, against the real local host."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import httpx
import pytest

from tests.localhost import running_host

ADMIN_KEY = "donemail-admin-key"


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    with running_host(
        tmp_path_factory.mktemp("dialects"), {"ADMIN_PASSWORDS": f'["{ADMIN_KEY}"]'}
    ) as started:
        yield started


def send(host, to: str, subject: str, body: str, attachment: bytes | None = None) -> None:
    message = EmailMessage()
    message["From"] = "Billing <billing@shop.example>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if attachment is not None:
        message.add_attachment(attachment, maintype="application", subtype="pdf", filename="invoice.pdf")
    with smtplib.SMTP("127.0.0.1", host.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


def test_donemail_client(host):
    base = host.base_url
    created = httpx.post(f"{base}/api/new_address", json={"name": "shopper"}).json()
    pdf = b"%PDF-1.4 fake invoice \x00\xff"
    send(host, created["address"], "Invoice 2026-11", "Please pay the invoice by Friday.", pdf)
    for n in range(4):
        send(host, created["address"], f"Newsletter {n}", "Weekly news about shipping.")
    api = httpx.Client(base_url=base, headers={"X-Admin-Key": ADMIN_KEY}, timeout=10)

    first = api.get("/api/mails", params={"limit": 2}).json()
    assert first["ok"] and len(first["data"]) == 2 and first["pagination"]["hasMore"]
    rest = api.get("/api/mails", params={"limit": 2, "cursor": first["pagination"]["nextCursor"]}).json()
    third = api.get("/api/mails", params={"limit": 2, "cursor": rest["pagination"]["nextCursor"]}).json()
    subjects = [m["subject"] for m in first["data"] + rest["data"] + third["data"]]
    assert subjects == ["Newsletter 3", "Newsletter 2", "Newsletter 1", "Newsletter 0", "Invoice 2026-11"]
    assert third["pagination"] == {"limit": 2, "nextCursor": None, "hasMore": False}

    found = api.get("/api/mails", params={"content": "pay fri", "includeAttachments": "true"}).json()["data"]
    assert [m["subject"] for m in found] == ["Invoice 2026-11"]
    (attachment,) = found[0]["attachments"]
    assert (attachment["filename"], attachment["mimeType"], attachment["size"]) == (
        "invoice.pdf",
        "application/pdf",
        len(pdf),
    )
    download = api.get(f"/api/mails/{found[0]['id']}/attachments/{attachment['id']}")
    assert download.content == pdf and download.headers["content-type"] == "application/pdf"

    assert [
        m["subject"] for m in api.get("/api/mails", params={"subject": "newsletter 3"}).json()["data"]
    ] == ["Newsletter 3"]
    filtered = api.get(
        "/api/mails",
        params={"from": "billing@shop.example", "toDomain": "example.com", "hasAttachments": "true"},
    )
    assert [m["subject"] for m in filtered.json()["data"]] == ["Invoice 2026-11"]
    bad = api.get("/api/mails", params={"hasAttachments": "yes"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_boolean"

    share = api.post(f"/api/mails/{found[0]['id']}/share", json={"ttlHours": 1}).json()["data"]
    page = httpx.get(share["url"], timeout=10)
    assert page.status_code == 200 and "Invoice 2026-11" in page.text


def test_mailtd_client(host):
    base = host.base_url
    account = httpx.post(
        f"{base}/api/accounts", json={"address": "reader@example.com", "password": "reader password"}
    ).json()
    token = httpx.post(
        f"{base}/api/token", json={"address": "reader@example.com", "password": "reader password"}
    ).json()["token"]
    api = httpx.Client(
        base_url=f"{base}/api/accounts/{account['id']}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    send(host, "reader@example.com", "Welcome", "Hello reader.", b"attached bytes")
    send(host, "reader@example.com", "Second", "Another one.")

    listing = api.get("/messages", params={"page": 1}).json()
    assert [m["subject"] for m in listing] == ["Second", "Welcome"] and not any(m["is_read"] for m in listing)
    welcome = listing[1]["id"]
    detail = api.get(f"/messages/{welcome}").json()
    assert detail["text"].strip() == "Hello reader." and detail["attachments"][0]["index"] == 0
    source = api.get(f"/messages/{welcome}/source")
    assert source.headers["content-type"] == "message/rfc822" and b"Subject: Welcome" in source.content
    assert api.get(f"/messages/{welcome}/attachments/0").content == b"attached bytes"
    assert api.get(f"/messages/{welcome}/attachments/x").status_code == 400
    assert api.get(f"/messages/{welcome}/attachments/3").status_code == 404
    assert api.put(f"/messages/{welcome}/read").status_code == 204
    assert api.put("/messages/read", json={"all": True}).json() == {"updated": 1}
    assert all(m["is_read"] for m in api.get("/messages").json())
    assert api.delete(f"/messages/{welcome}").status_code == 204
    assert api.get(f"/messages/{welcome}").status_code == 404
    assert [m["subject"] for m in api.get("/messages").json()] == ["Second"]
