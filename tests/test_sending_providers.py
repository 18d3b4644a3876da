"""Choosing a provider, and the Resend provider against a recording stand-in for Resend's API."""

import json
from dataclasses import replace

import pytest

from tempmail.errors import ApiError
from tempmail.ports import DeliveryError, HttpResponse
from tempmail.sending import providers
from tempmail.sending.request import SendRequest
from tempmail.settings import SmtpRelay

REQUEST = SendRequest(
    to_mail="you@example.net", subject="Hi", content="<p>x</p>", is_html=True, from_name='A "B"'
)


class ResendStandIn:
    """Answers as Resend's POST /emails does; records each request."""

    def __init__(self, status=200, body=b'{"id": "re_123"}', down=False):
        self.status, self.body, self.down, self.calls = status, body, down, []

    async def request(self, method, url, *, headers, body=None):
        self.calls.append((method, url, headers, json.loads(body)))
        if self.down:
            raise OSError("connection refused")
        return HttpResponse(self.status, self.body)


async def test_resend_gets_the_json_it_documents():
    http = ResendStandIn()
    sent = await providers.ResendProvider(http, "re_token").send("me@example.com", REQUEST)
    assert sent.message_id == "re_123"
    ((method, url, headers, payload),) = http.calls
    assert (method, url, headers["authorization"]) == ("POST", providers.RESEND_URL, "Bearer re_token")
    assert payload == {
        "from": '"A \\"B\\"" <me@example.com>',
        "to": ["you@example.net"],
        "subject": "Hi",
        "html": "<p>x</p>",
    }


@pytest.mark.parametrize(
    ("stand_in", "permanent"),
    [
        (
            ResendStandIn(
                422, b'{"statusCode": 422, "message": "Invalid `to` field", "name": "validation_error"}'
            ),
            True,
        ),
        (ResendStandIn(403, b'{"message": "domain not verified"}'), True),
        (ResendStandIn(429, b'{"message": "rate limit"}'), False),
        (ResendStandIn(500, b"<html>oops</html>"), False),
        (ResendStandIn(200, b"not json"), False),
        (ResendStandIn(down=True), False),
    ],
)
async def test_resend_failures_say_whether_retrying_can_help(stand_in, permanent):
    with pytest.raises(DeliveryError) as info:
        await providers.ResendProvider(stand_in, "t").send("me@example.com", REQUEST)
    assert info.value.permanent is permanent


class Binding:
    async def send(self, mail_from, rcpt_to, raw):
        pass


class Smtp:
    async def send(self, relay, mail_from, rcpt_to, raw):
        pass


def test_choice_follows_the_original_order(services):
    relay = SmtpRelay("smtp.example.net", 587)
    every = replace(
        services,
        settings=replace(services.settings, resend_token="t", smtp_config={"example.com": relay}),
        http=ResendStandIn(),
        smtp=Smtp(),
        email_binding=Binding(),
    )
    assert providers.choose(every, "example.com").name == "resend"
    no_resend = replace(every, settings=replace(every.settings, resend_token=""))
    assert providers.choose(no_resend, "example.com").name == "smtp"
    assert providers.choose(no_resend, "example.org").name == "send_email"  # no SMTP for this domain
    with pytest.raises(ApiError) as info:
        providers.choose(replace(no_resend, email_binding=None), "example.org")
    assert (info.value.status, info.value.code) == (503, "send_unavailable")


def test_smtp_config_without_an_smtp_client_is_a_configuration_error(services):
    on_worker = replace(services, settings=replace(services.settings, smtp_config={"*": SmtpRelay("h", 25)}))
    with pytest.raises(ApiError) as info:
        providers.choose(on_worker, "example.com")
    assert (info.value.status, info.value.code) == (500, "misconfigured")
