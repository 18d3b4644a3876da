"""End to end: the real local host process, real SMTP (smtplib) and a real HTTP client."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import httpx
import pytest

from tests.conftest import FIXTURES, ROOT
from tests.localhost import LocalHost, running_host

SMALL_LIMIT = 600_000


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    with running_host(tmp_path_factory.mktemp("host"), {"MAX_MESSAGE_SIZE": str(SMALL_LIMIT)}) as started:
        yield started


def create_address(host: LocalHost, name: str) -> dict:
    response = httpx.post(f"{host.base_url}/api/new_address", json={"name": name}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def mails_of(host: LocalHost, token: str, path: str = "/api/mails") -> dict:
    response = httpx.get(f"{host.base_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_mail_sent_over_smtp_is_listed_over_http(host):
    box = create_address(host, "e2e")
    message = EmailMessage()
    message["From"] = "Sender Name <sender@example.net>"
    message["To"] = box["address"]
    message["Subject"] = "Über SMTP, 日本語 too"
    message.set_content("Hello over real SMTP.\n")
    message.add_attachment(
        b"\x00\x01binary" * 100, maintype="application", subtype="octet-stream", filename="b.bin"
    )
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    with host.smtp() as smtp:
        refused = smtp.sendmail("sender@example.net", [box["address"].upper()], raw)
    assert refused == {}
    listing = mails_of(host, box["jwt"])
    assert listing["count"] == 1
    item = listing["results"][0]
    assert item["raw"].encode() == raw
    assert item["source"] == "sender@example.net"
    parsed = mails_of(host, box["jwt"], "/api/parsed_mails")["results"][0]
    assert parsed["subject"] == "Über SMTP, 日本語 too"
    assert parsed["text"].strip() == "Hello over real SMTP."
    assert parsed["attachments"][0]["size"] == 800


def test_every_fixture_round_trips_over_smtp(host):
    box = create_address(host, "fixtures")
    fixtures = sorted((FIXTURES / "corpus").glob("*.txt"))
    with host.smtp() as smtp:
        for path in fixtures:
            # On the wire lines end in CRLF; that is what a mail server receives and stores.
            wire = b"\r\n".join(path.read_bytes().splitlines()) + b"\r\n"
            smtp.sendmail("corpus@example.net", [box["address"]], wire)
    listing = mails_of(host, box["jwt"], "/api/mails?limit=100")
    assert listing["count"] == len(fixtures)
    stored = [item["raw"] for item in reversed(listing["results"])]
    ids = [item["id"] for item in reversed(listing["results"])]
    for path, raw, mail_id in zip(fixtures, stored, ids, strict=True):
        expected = b"\r\n".join(path.read_bytes().splitlines()) + b"\r\n"
        assert raw == expected.decode("utf-8", "replace"), path.name
        source = httpx.get(
            f"{host.base_url}/api/mails/{mail_id}/raw",
            headers={"Authorization": f"Bearer {box['jwt']}"},
            timeout=10,
        )
        assert source.content == expected, path.name  # byte for byte, undecodable bytes included


def test_a_half_megabyte_header_line_is_accepted_over_smtp(host):
    # 500 KB: under this host's MAX_MESSAGE_SIZE; the in-process intake test sends 1 MiB.
    box = create_address(host, "longline")
    raw = b"Subject: long line\r\nX-Long: " + b"z" * 500_000 + b"\r\n\r\nstill here\r\n"
    with host.smtp() as smtp:
        assert smtp.sendmail("a@example.net", [box["address"]], raw) == {}
    item = mails_of(host, box["jwt"], "/api/parsed_mails")["results"][0]
    assert (item["subject"], item["text"].strip()) == ("long line", "still here")
    source = httpx.get(
        f"{host.base_url}/api/mails/{item['id']}/raw",
        headers={"Authorization": f"Bearer {box['jwt']}"},
        timeout=10,
    )
    assert source.content == raw


def test_foreign_domain_is_refused_at_rcpt_and_never_stored(host):
    box = create_address(host, "refusal")
    with host.smtp() as smtp:
        smtp.ehlo()
        smtp.mail("a@example.net")
        code, reply = smtp.rcpt("someone@not-ours.net")
        assert code == 550 and b"not served" in reply
        smtp.rset()
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            smtp.sendmail("a@example.net", ["x@not-ours.net"], b"Subject: x\r\n\r\nx\r\n")
    assert mails_of(host, box["jwt"])["count"] == 0
    stored = list((host.data_dir / "blobs").rglob("*.eml"))
    assert all(b"not-ours" not in path.read_bytes() for path in stored)


def test_oversize_message_is_refused_with_552(host):
    box = create_address(host, "oversize")
    big = b"Subject: big\r\n\r\n" + b"x" * 76 + b"\r\n"
    big = big * (SMALL_LIMIT // len(big) + 10)
    with host.smtp() as smtp:
        # A client that declares SIZE is refused at MAIL FROM...
        with pytest.raises(smtplib.SMTPSenderRefused) as info:
            smtp.sendmail("a@example.net", [box["address"]], big)
        assert info.value.smtp_code == 552
        # ...and one that does not is refused after DATA.
        assert smtp.mail("a@example.net")[0] == 250
        assert smtp.rcpt(box["address"])[0] == 250
        code, _reply = smtp.data(big)
        assert code == 552
    assert mails_of(host, box["jwt"])["count"] == 0


def test_wrangler_style_email_route_delivers_over_http(host):
    box = create_address(host, "pushed")
    raw = (FIXTURES / "own/cjk_iso2022jp.eml").read_bytes()
    response = httpx.post(
        f"{host.base_url}/cdn-cgi/handler/email",
        params={"from": "push@example.net", "to": box["address"]},
        content=raw,
        timeout=10,
    )
    assert response.status_code == 200
    parsed = mails_of(host, box["jwt"], "/api/parsed_mails")["results"][0]
    assert parsed["subject"] == "日本語の件名"
    assert "こんにちは" in parsed["text"]


def test_first_run_printed_the_generated_admin_password(host):
    import json

    secrets = json.loads((host.data_dir / "secrets.json").read_text())
    host.process.terminate()
    output, _ = host.process.communicate(timeout=10)
    assert f"Admin password (x-admin-auth): {secrets['ADMIN_PASSWORDS'][0]}" in output
    assert "SMTP intake" in output and f"SMTP sending proxy 127.0.0.1:{host.submission_port}" in output


def test_schema_is_the_repository_file():
    # The host applies the top-level schema.sql; nothing else defines tables.
    from tempmail.local.host import SCHEMA_PATH

    assert SCHEMA_PATH == ROOT / "schema.sql"
