"""The smtplib sender against a real SMTP server: STARTTLS, implicit TLS, AUTH, refusals, outages."""

import ssl

import pytest
import trustme

from tempmail.adapters.smtp_relay import SmtplibSender
from tempmail.ports import DeliveryError
from tempmail.settings import SmtpRelay
from tests.localhost import free_port
from tests.relay import running_relay

RAW = b"From: me@example.com\r\nTo: you@example.net\r\nSubject: t\r\n\r\nbody\r\n"


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


def server_context(ca) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


def client_context(ca) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


async def test_starttls_then_auth_then_delivery(ca):
    with running_relay(credentials=("relay-user", "relay-pass"), starttls=server_context(ca)) as relay:
        sender = SmtplibSender(client_context(ca))
        config = SmtpRelay("127.0.0.1", relay.port, username="relay-user", password="relay-pass")
        await sender.send(config, "me@example.com", "you@example.net", RAW)
        (received,) = relay.received
        assert (received.login, received.raw, received.rcpt_tos) == ("relay-user", RAW, ["you@example.net"])


async def test_implicit_tls(ca):
    with running_relay(implicit_tls=server_context(ca)) as relay:
        await SmtplibSender(client_context(ca)).send(
            SmtpRelay("127.0.0.1", relay.port, secure=True), "me@example.com", "you@example.net", RAW
        )
        assert len(relay.received) == 1


async def test_an_untrusted_certificate_is_not_accepted(ca):
    with running_relay(implicit_tls=server_context(ca)) as relay:
        with pytest.raises(DeliveryError) as info:
            await SmtplibSender().send(
                SmtpRelay("127.0.0.1", relay.port, secure=True), "a@b.cd", "c@d.ef", RAW
            )
        assert info.value.permanent is False and relay.received == []


async def test_wrong_credentials_and_refused_recipients_are_permanent():
    with running_relay(credentials=("u", "p")) as relay:
        sender = SmtplibSender()
        with pytest.raises(DeliveryError) as info:
            await sender.send(
                SmtpRelay("127.0.0.1", relay.port, username="u", password="wrong"), "a@b.cd", "c@d.ef", RAW
            )
        assert info.value.permanent and "535" in str(info.value)
        relay.handler.refuse["c@d.ef"] = "550 5.1.1 unknown user"
        with pytest.raises(DeliveryError) as info:
            await sender.send(
                SmtpRelay("127.0.0.1", relay.port, username="u", password="p"), "a@b.cd", "c@d.ef", RAW
            )
        assert info.value.permanent and "unknown user" in str(info.value)
        relay.handler.refuse["c@d.ef"] = "451 4.3.0 try later"
        with pytest.raises(DeliveryError) as info:
            await sender.send(
                SmtpRelay("127.0.0.1", relay.port, username="u", password="p"), "a@b.cd", "c@d.ef", RAW
            )
        assert not info.value.permanent
        assert relay.received == []


async def test_nobody_listening_is_temporary():
    with pytest.raises(DeliveryError) as info:
        await SmtplibSender().send(SmtpRelay("127.0.0.1", free_port()), "a@b.cd", "c@d.ef", RAW)
    assert info.value.permanent is False
