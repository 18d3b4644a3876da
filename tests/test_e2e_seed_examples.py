"""The seed documents' API examples, run as written (base URL and credentials changed) against
the real local host with a site password and an admin password configured."""

from __future__ import annotations

import smtplib

import httpx
import pytest

from tests.localhost import running_host

SITE = "site-password"
ADMIN_PASSWORD = "admin-password-for-e2e"


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    env = {"PASSWORDS": f'["{SITE}"]', "ADMIN_PASSWORDS": f'["{ADMIN_PASSWORD}"]'}
    with running_host(tmp_path_factory.mktemp("seed"), env) as started:
        yield started


def deliver(host, to: str, subject: str) -> None:
    with smtplib.SMTP("127.0.0.1", host.smtp_port, timeout=10) as smtp:
        smtp.sendmail("sender@example.net", [to], f"Subject: {subject}\r\n\r\nhello\r\n".encode())


def test_mail_admin_and_user_examples(host):
    worker_domain = host.base_url
    site = {"x-custom-auth": SITE}
    admin = {"x-admin-auth": ADMIN_PASSWORD, "x-custom-auth": SITE}

    # Without the site password nothing but the public routes answers.
    assert httpx.get(f"{worker_domain}/api/mails?limit=10&offset=0").status_code == 401
    assert httpx.get(f"{worker_domain}/open_api/settings").json()["needAuth"] is True

    # Admin creates an address (admin new address example).
    res = httpx.post(
        f"{worker_domain}/admin/new_address",
        json={"enablePrefix": True, "name": "seedbox", "domain": "example.com"},
        headers=admin,
    )
    assert res.status_code == 200
    jwt, address, address_id = res.json()["jwt"], res.json()["address"], res.json()["address_id"]
    deliver(host, address, "first")
    deliver(host, address, "second")

    # Mail API example.
    res = httpx.get(
        f"{worker_domain}/api/mails?limit=10&offset=0",
        headers={"Authorization": f"Bearer {jwt}", "x-custom-auth": SITE, "Content-Type": "application/json"},
    )
    assert res.status_code == 200
    body = res.json()
    assert body["count"] == 2 and "Subject: second" in body["results"][0]["raw"]

    # Admin mail API example.
    res = httpx.get(f"{worker_domain}/admin/mails?limit=20&offset=0&address={address}", headers=admin)
    assert res.json()["count"] == 2
    mail_id = res.json()["results"][0]["id"]

    # Delete mail example (address token).
    res = httpx.delete(
        f"{worker_domain}/api/mails/{mail_id}", headers={"Authorization": f"Bearer {jwt}", **site}
    )
    assert res.json() == {"success": True}

    # User mail API example: register, log in, bind, read.
    creds = {"email": "seed-user@example.net", "password": "a long password"}
    assert httpx.post(f"{worker_domain}/user_api/register", json=creds, headers=site).status_code == 200
    user_jwt = httpx.post(f"{worker_domain}/user_api/login", json=creds, headers=site).json()["jwt"]
    user = {"x-user-token": user_jwt, **site}
    bound = httpx.post(
        f"{worker_domain}/user_api/bind_address", headers={**user, "Authorization": f"Bearer {jwt}"}
    )
    assert bound.json() == {"success": True}
    res = httpx.get(f"{worker_domain}/user_api/mails?limit=20&offset=0", headers=user)
    assert res.json()["count"] == 1

    # Clear inbox, clear sent items and delete address examples (admin).
    assert httpx.delete(f"{worker_domain}/admin/clear_inbox/{address_id}", headers=admin).json() == {
        "success": True
    }
    res = httpx.delete(f"{worker_domain}/admin/clear_sent_items/{address_id}", headers=admin)
    assert res.json() == {"success": True}
    assert (
        httpx.get(
            f"{worker_domain}/api/mails?limit=10&offset=0", headers={"Authorization": f"Bearer {jwt}", **site}
        ).json()["count"]
        == 0
    )
    assert httpx.delete(f"{worker_domain}/admin/delete_address/{address_id}", headers=admin).json() == {
        "success": True
    }
    res = httpx.get(
        f"{worker_domain}/api/mails?limit=10&offset=0", headers={"Authorization": f"Bearer {jwt}", **site}
    )
    assert res.status_code == 401
    stats = httpx.get(f"{worker_domain}/admin/statistics", headers=admin).json()
    assert (stats["addressCount"], stats["mailCount"], stats["userCount"]) == (0, 0, 1)
