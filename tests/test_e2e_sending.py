"""End to end: the seed's two HTTP send methods and its smtplib example against the real local
host process, delivering to a real SMTP relay; then the companion proxy pointed at the host's URL."""

from __future__ import annotations

import json
import os
import smtplib
import sys
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import httpx
import pytest

from tests.localhost import accepts_connections, free_port, running_host, spawn
from tests.relay import running_relay

SITE = "site-password-for-sending"
SITE_HEADER = {"x-custom-auth": SITE}


@pytest.fixture(scope="module")
def relay():
    with running_relay() as started:
        yield started


@pytest.fixture(scope="module")
def host(tmp_path_factory, relay):
    env = {
        "SMTP_CONFIG": json.dumps({"*": {"host": "127.0.0.1", "port": relay.port}}),
        "DEFAULT_SEND_BALANCE": "3",
        "PASSWORDS": json.dumps([SITE]),
    }
    with running_host(tmp_path_factory.mktemp("sending"), env) as started:
        yield started


def new_address(host, name: str) -> dict:
    answer = httpx.post(
        f"{host.base_url}/api/new_address", json={"name": name}, headers=SITE_HEADER, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def seed_smtp_example(port: int, token: str, sender: str, recipient: str) -> None:
    """The seed's "Send Email via SMTP" example, with its addresses and port filled in."""
    with smtplib.SMTP("localhost", port) as smtp:
        smtp.login("jwt", token)
        message = MIMEMultipart()
        message["From"] = f"Me <{sender}>"
        message["To"] = f"Admin <{recipient}>"
        message["Subject"] = "测试主题"
        message.attach(MIMEText("测试内容", "html"))
        smtp.sendmail(sender, recipient, message.as_string())


def received_by(relay, recipient: str):
    return [r for r in relay.received if r.rcpt_tos == [recipient]]


def test_seed_http_methods_deliver_to_the_relay(host, relay):
    box = new_address(host, "httpsender")
    jwt = box["jwt"]
    send_body = {
        "from_name": "Sender Name",
        "to_name": "Recipient Name",
        "to_mail": "http-recipient@example.net",
        "subject": "Email Subject",
        "is_html": False,
        "content": "Email content: html or text",
    }
    res = httpx.post(
        f"{host.base_url}/api/send_mail",
        json=send_body,
        headers={"Authorization": f"Bearer {jwt}", "Content-Type": "application/json", **SITE_HEADER},
    )
    assert (res.status_code, res.json()) == (200, {"status": "ok"})
    res = httpx.post(
        f"{host.base_url}/external/api/send_mail",
        json={"token": jwt, **send_body, "is_html": True, "content": "<p>html</p>"},
        headers={"Content-Type": "application/json", **SITE_HEADER},
    )
    assert (res.status_code, res.json()) == (200, {"status": "ok"})
    plain, html = received_by(relay, "http-recipient@example.net")
    assert plain.mail_from == "httpsender@example.com"
    assert plain.message().get_content_type() == "text/plain"
    assert html.message().get_content().strip() == "<p>html</p>"
    sendbox = httpx.get(
        f"{host.base_url}/api/sendbox?limit=10&offset=0",
        headers={"Authorization": f"Bearer {jwt}", **SITE_HEADER},
    ).json()
    assert sendbox["count"] == 2 and jwt not in json.dumps(sendbox)
    settings = httpx.get(
        f"{host.base_url}/api/settings", headers={"Authorization": f"Bearer {jwt}", **SITE_HEADER}
    )
    assert settings.json()["send_balance"] == 1  # DEFAULT_SEND_BALANCE 3, two sent


def test_seed_smtplib_example_through_the_hosts_proxy(host, relay):
    box = new_address(host, "smtpsender")
    seed_smtp_example(host.submission_port, box["jwt"], box["address"], "smtp-recipient@example.net")
    (received,) = received_by(relay, "smtp-recipient@example.net")
    message = received.message()
    assert (message["Subject"], str(message["From"])) == ("测试主题", "Me <smtpsender@example.com>")
    assert message.get_content().strip() == "测试内容"
    # The same balance rules as HTTP: three sends by default, then 550 at DATA.
    for _ in range(2):
        seed_smtp_example(host.submission_port, box["jwt"], box["address"], "smtp-recipient@example.net")
    with pytest.raises(smtplib.SMTPDataError) as info:
        seed_smtp_example(host.submission_port, box["jwt"], box["address"], "smtp-recipient@example.net")
    assert info.value.smtp_code == 550 and b"balance" in info.value.smtp_error
    assert len(received_by(relay, "smtp-recipient@example.net")) == 3


@pytest.fixture(scope="module")
def companion(host, tmp_path_factory):
    """`make proxy` pointed at the host's URL, as it would be pointed at a deployed Worker."""
    port = free_port()
    env = {
        **os.environ,
        "SUBMISSION_API_URL": host.base_url,
        "SUBMISSION_SITE_PASSWORD": SITE,
        "SUBMISSION_PORT": str(port),
    }
    process = spawn(
        [sys.executable, "-m", "tempmail.local.companion"],
        env,
        tmp_path_factory.mktemp("companion"),
        lambda: accepts_connections(port),
        "companion proxy",
    )
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_companion_proxy_sends_through_the_http_api(host, relay, companion):
    box = new_address(host, "companion")
    seed_smtp_example(companion, box["jwt"], box["address"], "via-companion@example.net")
    (received,) = received_by(relay, "via-companion@example.net")
    assert received.mail_from == "companion@example.com" and received.message()["Subject"] == "测试主题"
    sendbox = httpx.get(
        f"{host.base_url}/api/sendbox", headers={"Authorization": f"Bearer {box['jwt']}", **SITE_HEADER}
    ).json()
    assert sendbox["count"] == 1


def test_companion_maps_the_apis_refusals_to_smtp_replies(host, relay, companion):
    import jwt as pyjwt

    box = new_address(host, "refused")
    forged = pyjwt.encode({"address": box["address"], "address_id": box["address_id"], "iat": 1}, "x" * 40)
    with pytest.raises(smtplib.SMTPDataError) as info:
        seed_smtp_example(companion, forged, box["address"], "never@example.net")
    assert info.value.smtp_code == 535  # the Worker checks the signature when the message is sent
    with smtplib.SMTP("127.0.0.1", companion) as smtp:
        smtp.login("jwt", box["jwt"])
        assert smtp.mail("someone-else@example.com")[0] == 553
    assert received_by(relay, "never@example.net") == []
