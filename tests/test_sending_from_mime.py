"""Messages submitted over SMTP become send requests, or a clear SMTP refusal."""

from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from tempmail.sending.from_mime import Unsendable, to_send_body


def seed_message(subject="Test Subject", content="Test Content", subtype="html") -> bytes:
    message = MIMEMultipart()
    message["From"] = "Me <me@example.com>"
    message["To"] = "Admin <admin@example.net>"
    message["Subject"] = subject
    message.attach(MIMEText(content, subtype))
    return message.as_string().encode()


def test_the_seed_example_message():
    body = to_send_body(seed_message(), "me@example.com", "admin@example.net")
    assert body == {
        "from_name": "Me",
        "to_name": "Admin",
        "to_mail": "admin@example.net",
        "subject": "Test Subject",
        "is_html": True,
        "content": "Test Content",
    }


def test_encoded_subject_and_body_are_decoded():
    body = to_send_body(seed_message("测试主题", "测试内容"), "me@example.com", "admin@example.net")
    assert (body["subject"], body["content"]) == ("测试主题", "测试内容")


def test_html_wins_over_its_plain_alternative_and_plain_alone_is_plain():
    message = EmailMessage()
    message["From"] = "me@example.com"
    message["Subject"] = "alt"
    message.set_content("plain version")
    message.add_alternative("<p>html version</p>", subtype="html")
    body = to_send_body(message.as_bytes(), "me@example.com", "x@example.net")
    assert (body["is_html"], body["content"].strip(), body["from_name"], body["to_name"]) == (
        True,
        "<p>html version</p>",
        "",
        "",
    )
    plain = to_send_body(b"Subject: p\r\n\r\njust text\r\n", "me@example.com", "x@example.net")
    assert (plain["is_html"], plain["content"]) == (False, "just text\r\n")


def test_attachments_are_refused_not_dropped():
    message = MIMEMultipart()
    message["From"] = "me@example.com"
    message["Subject"] = "with file"
    message.attach(MIMEText("see attached"))
    message.attach(MIMEApplication(b"\x00\x01", Name="a.bin"))
    with pytest.raises(Unsendable) as info:
        to_send_body(message.as_bytes(), "me@example.com", "x@example.net")
    assert info.value.reply.startswith("554 5.6.1")


@pytest.mark.parametrize(
    ("raw", "reply"),
    [
        (b"From: Someone Else <else@example.com>\r\nSubject: s\r\n\r\nx\r\n", "553 5.7.1"),
        (b"From: me@example.com, b@example.com\r\nSubject: s\r\n\r\nx\r\n", "553 5.7.1"),
        (b"From: me@example.com\r\nContent-Type: image/png\r\n\r\nx\r\n", "554 5.6.1"),
        (b"From: me@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\n", "554 5.6."),
    ],
)
def test_wrong_sender_or_no_usable_body_is_refused(raw, reply):
    with pytest.raises(Unsendable) as info:
        to_send_body(raw, "me@example.com", "x@example.net")
    assert info.value.reply.startswith(reply)
