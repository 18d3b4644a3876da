"""The MIME a send builds: correct encodings, the asked-for body type, Message-ID and Date."""

from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

from tempmail.sending.compose import build
from tempmail.sending.request import SendRequest


def parsed(raw: bytes):
    return BytesParser(policy=policy.default).parsebytes(raw)


def test_non_ascii_names_and_subject_are_encoded_and_read_back():
    request = SendRequest(
        to_mail="you@example.net",
        subject="Grüße, 日本語の件名 and a long tail " + "x" * 120,
        content="Hallo, 世界\nzweite Zeile",
        from_name="Jürgen Müller",
        to_name="山田 太郎",
    )
    raw, message_id = build("me@example.com", request)
    assert raw.isascii()  # 7-bit on the wire: every header and the body are encoded
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    message = parsed(raw)
    assert message["From"].addresses[0].display_name == "Jürgen Müller"
    assert message["From"].addresses[0].addr_spec == "me@example.com"
    assert message["To"].addresses[0].display_name == "山田 太郎"
    assert message["Subject"] == request.subject
    assert message["Message-ID"] == message_id and message_id.endswith("@example.com>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == "Hallo, 世界\nzweite Zeile"


def test_html_is_sent_as_html_and_the_date_is_the_send_time():
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    raw, _ = build(
        "me@example.com",
        SendRequest(to_mail="you@example.net", subject="s", content="<b>hi</b>", is_html=True),
        when,
    )
    message = parsed(raw)
    assert message.get_content_type() == "text/html"
    assert message["Date"].datetime == when
    assert message["MIME-Version"] == "1.0"


def test_names_with_specials_are_quoted_not_parsed_as_addresses():
    request = SendRequest(
        to_mail="you@example.net", subject="s", content="c", from_name='Evil, "Boss" <boss@x.y>'
    )
    message = parsed(build("me@example.com", request)[0])
    (sender,) = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ('Evil, "Boss" <boss@x.y>', "me@example.com")
    assert message["Bcc"] is None


def test_message_ids_are_unique():
    request = SendRequest(to_mail="you@example.net", subject="s", content="c")
    assert build("me@example.com", request)[1] != build("me@example.com", request)[1]
