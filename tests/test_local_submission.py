"""The SMTP sending proxy in process, over real sockets: smtplib in, a real relay out."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import replace
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
import trustme

from tempmail import mailbox
from tempmail.adapters.smtp_relay import SmtplibSender
from tempmail.local.submission import submission_factory
from tempmail.local.submitters import LocalSubmitter, smtp_reply
from tempmail.security import issue_address_token
from tempmail.settings import SmtpRelay
from tempmail.store import addresses, sendbox, senders
from tests.relay import running_relay


@pytest.fixture
def relay():
    with running_relay() as started:
        yield started


async def start_proxy(services, tls=None):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(submission_factory(LocalSubmitter(services), tls), "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


@pytest.fixture
async def proxy(services, relay):
    """(services, port, address row, token): the proxy sends through the relay; the address has 2 sends."""
    svc = replace(
        services,
        settings=replace(
            services.settings, smtp_config={"*": SmtpRelay("127.0.0.1", relay.port, starttls=False)}
        ),
        smtp=SmtplibSender(),
    )
    row = await addresses.create(svc.db, "me@example.com", None)
    await senders.put(svc.db, row["id"], 2, enabled=True)
    server, port = await start_proxy(svc)
    yield svc, port, row, issue_address_token(svc.settings.jwt_secret, row["name"], row["id"])
    server.close()
    await server.wait_closed()


def seed_message(subject="Test Subject", html="Test Content") -> MIMEMultipart:
    message = MIMEMultipart()
    message["From"] = "Me <me@example.com>"
    message["To"] = "Admin <admin@example.net>"
    message["Subject"] = subject
    message.attach(MIMEText(html, "html"))
    return message


def in_thread(function):
    """Run a blocking smtplib conversation off the event loop the proxy runs on."""
    return asyncio.to_thread(function)


async def test_the_seed_smtplib_example_sends_through_the_send_path(proxy, relay):
    svc, port, row, token = proxy

    def client():
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.login("jwt", token)
            message = seed_message("测试主题", "测试内容")
            smtp.sendmail("me@example.com", "admin@example.net", message.as_string())

    await in_thread(client)
    (received,) = relay.received
    assert (received.mail_from, received.rcpt_tos) == ("me@example.com", ["admin@example.net"])
    sent = received.message()
    assert (sent["Subject"], str(sent["From"]), str(sent["To"])) == (
        "测试主题",
        "Me <me@example.com>",
        "Admin <admin@example.net>",
    )
    assert sent.get_content_type() == "text/html" and sent.get_content().strip() == "测试内容"
    assert sent["Message-ID"] and sent["Date"]
    assert await senders.balance(svc.db, row["id"]) == 1
    assert await sendbox.count_for_address(svc.db, row["id"]) == 1


async def test_auth_login_with_the_address_as_user(proxy, relay):
    _svc, port, _row, token = proxy

    def client():
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.ehlo()
            smtp.user, smtp.password = "Me@Example.com", token
            code, _ = smtp.auth("LOGIN", smtp.auth_login, initial_response_ok=False)
            assert code == 235
            smtp.sendmail("me@example.com", ["admin@example.net"], seed_message().as_bytes())

    await in_thread(client)
    assert len(relay.received) == 1


@pytest.mark.parametrize(("user", "password"), [("jwt", "forged.token.value"), ("someone-else", None)])
async def test_bad_logins_are_535(proxy, user, password):
    _svc, port, _row, token = proxy

    def client():
        with smtplib.SMTP("127.0.0.1", port) as smtp, pytest.raises(smtplib.SMTPAuthenticationError) as info:
            smtp.login(user, password or token)
        return info.value.smtp_code

    assert await in_thread(client) == 535


async def test_envelope_rules(proxy, relay):
    _svc, port, _row, token = proxy

    def client():
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.ehlo()
            assert smtp.mail("me@example.com")[0] == 530  # not logged in yet
            smtp.login("jwt", token)
            assert smtp.mail("other@example.com")[0] == 553  # must be the token's address
            smtp.rset()
            refused = smtp.sendmail(
                "me@example.com", ["admin@example.net", "second@example.net"], seed_message().as_bytes()
            )
            assert refused == {
                "second@example.net": (452, b"4.5.3 one recipient per message; send again for the next one")
            }
            smtp.rset()
            assert smtp.mail("me@example.com")[0] == 250
            assert smtp.rcpt("not an address")[0] == 553

    await in_thread(client)
    assert [r.rcpt_tos for r in relay.received] == [["admin@example.net"]]


async def test_refusals_at_data_keep_balance_and_sent_items(proxy, relay):
    svc, port, row, token = proxy
    await senders.put(svc.db, row["id"], 0, enabled=True)
    with_file = seed_message()
    with_file.attach(MIMEApplication(b"\x00", Name="x.bin"))

    def client():
        codes = []
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.login("jwt", token)
            for message in (seed_message(), with_file, seed_message(subject="")):
                with pytest.raises(smtplib.SMTPDataError) as info:
                    smtp.sendmail("me@example.com", ["admin@example.net"], message.as_bytes())
                codes.append((info.value.smtp_code, info.value.smtp_error.split()[0]))
        return codes

    # Input is checked before permission: a bad message is refused as such even without a balance.
    assert await in_thread(client) == [(550, b"5.7.1"), (554, b"5.6.1"), (554, b"5.6.0")]
    await senders.put(svc.db, row["id"], 1, enabled=True)

    def empty_subject():
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.login("jwt", token)
            with pytest.raises(smtplib.SMTPDataError) as info:
                smtp.sendmail("me@example.com", ["admin@example.net"], seed_message(subject="").as_bytes())
            return info.value.smtp_code

    assert await in_thread(empty_subject) == 554
    assert relay.received == [] and await senders.balance(svc.db, row["id"]) == 1
    assert await sendbox.count_for_address(svc.db, row["id"]) == 0


async def test_a_deleted_address_cannot_send_with_its_old_token(proxy, relay):
    svc, port, row, token = proxy
    await mailbox.delete_address(svc, row["id"])

    def client():
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.login("jwt", token)  # the signature is still good...
            return smtp.mail("me@example.com")[0]  # ...but the address is gone

    assert await in_thread(client) == 535
    assert relay.received == []


async def test_starttls_is_offered_with_a_certificate_and_auth_needs_it(proxy, relay):
    svc, _port, _row, token = proxy
    ca = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_tls)
    client_tls = ssl.create_default_context()
    ca.configure_trust(client_tls)
    server, port = await start_proxy(svc, server_tls)

    def client():
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.ehlo()
            assert smtp.has_extn("starttls") and not smtp.has_extn("auth")
            smtp.starttls(context=client_tls)
            smtp.login("jwt", token)
            smtp.sendmail("me@example.com", ["admin@example.net"], seed_message().as_bytes())

    try:
        await in_thread(client)
    finally:
        server.close()
        await server.wait_closed()
    assert len(relay.received) == 1


@pytest.mark.parametrize(
    ("status", "code", "reply"),
    [
        (401, "unauthorized", "535 5.7.8"),
        (403, "no_balance", "550 5.7.1"),
        (400, "invalid_recipient", "553 5.1.3"),
        (400, "invalid_field", "554 5.6.0"),
        (413, "content_too_large", "552 5.3.4"),
        (429, "send_limit_reached", "451 4.7.1"),
        (502, "provider_rejected", "554 5.0.0"),
        (503, "provider_unavailable", "451 4.3.0"),
        (500, "internal_error", "451 4.3.0"),
    ],
)
def test_api_errors_map_to_smtp_replies(status, code, reply):
    answer = smtp_reply(status, code, "two\r\nlines")
    assert answer == f"{reply} two lines"
