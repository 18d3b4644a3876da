"""When an auto-reply is sent and what it looks like (RFC 3834)."""

import email

import pytest

from tempmail import actions
from tempmail.mime import ParsedMail

RULE = {"enabled": 1, "source_prefix": "", "name": "Box", "subject": "Away", "message": "Back soon"}
HUMAN = ParsedMail(status="parsed", message_id="<m@x.y>")


@pytest.mark.parametrize(
    ("rule", "parsed", "sender", "expected"),
    [
        (RULE, HUMAN, "a@x.y", True),
        ({**RULE, "enabled": 0}, HUMAN, "a@x.y", False),
        (RULE, HUMAN, "", False),  # a bounce
        (RULE, HUMAN, "box@example.com", False),  # ourselves
        (RULE, ParsedMail(status="parsed"), "a@x.y", False),  # no Message-ID to answer
        (RULE, ParsedMail(status="parsed", message_id="<m@x.y>", auto_generated=True), "a@x.y", False),
        (RULE, HUMAN, "MAILER-DAEMON@x.y", False),
        ({**RULE, "source_prefix": "Boss@"}, HUMAN, "boss@x.y", True),
        ({**RULE, "source_prefix": "boss@"}, HUMAN, "intern@x.y", False),
    ],
)
def test_should_reply(rule, parsed, sender, expected):
    assert actions.should_reply(rule, parsed, sender, "box@example.com") is expected


def test_auto_generated_headers_are_detected():
    from tempmail import mime

    for header in (b"Auto-Submitted: auto-replied", b"Precedence: bulk", b"List-Id: <l.x.y>"):
        assert mime.parse(header + b"\r\nSubject: x\r\n\r\nx").auto_generated
    assert not mime.parse(b"Auto-Submitted: no\r\nSubject: x\r\n\r\nx").auto_generated


def test_reply_is_a_threaded_auto_replied_message():
    raw = actions.build_reply({**RULE, "message": "Zurück am Montag"}, HUMAN, "box@example.com", "a@x.y")
    reply = email.message_from_bytes(raw, policy=email.policy.default)
    assert reply["From"] == "Box <box@example.com>" and reply["To"] == "a@x.y"
    assert reply["In-Reply-To"] == reply["References"] == "<m@x.y>"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply.get_content().strip() == "Zurück am Montag"
