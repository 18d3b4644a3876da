"""A send request, `{from_name, to_name, to_mail, subject, is_html, content}`, read strictly.

Whatever reaches a provider has passed here: a plain ASCII recipient address, no line
breaks in anything that becomes a header (header injection), a subject and content that
are present and not too large. Every refusal is a 4xx ApiError naming the field.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from tempmail.errors import ApiError, bad_request

MAX_NAME = 256
MAX_SUBJECT = 998  # one header line as RFC 5322 allows it
MAX_CONTENT_BYTES = 512 * 1024
MAX_ADDRESS = 254

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL})+")
_LINE_BREAKS = re.compile(r"[\r\n\x00\u2028\u2029\x85]")


@dataclass(frozen=True)
class SendRequest:
    """What to send; the sender is the address the caller proved it holds."""

    to_mail: str
    subject: str
    content: str
    is_html: bool = False
    from_name: str = ""
    to_name: str = ""

    def record(self) -> str:
        """The JSON kept in the sent item, as cloudflare_temp_email keeps it (never a token)."""
        return json.dumps({"version": "v2", **asdict(self)}, ensure_ascii=False)


def is_address(value: str) -> bool:
    """True for a plain ASCII `local@domain.tld` of a legal length."""
    local, _, _ = value.partition("@")
    return len(value) <= MAX_ADDRESS and len(local) <= 64 and _ADDRESS.fullmatch(value) is not None


def _text(body: dict[str, Any], key: str, limit: int, *, required: bool) -> str:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise bad_request(f"'{key}' is required", "invalid_field")
        return ""
    if not isinstance(value, str):
        raise bad_request(f"'{key}' must be a string", "invalid_field")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate from a JSON \ud800 escape
        raise bad_request(f"'{key}' is not valid text", "invalid_field") from exc
    if key != "content" and _LINE_BREAKS.search(value):
        raise bad_request(f"'{key}' must not contain line breaks", "invalid_field")
    if key != "content" and len(value) > limit:
        raise bad_request(f"'{key}' is longer than {limit} characters", "invalid_field")
    if required and not value.strip():
        raise bad_request(f"'{key}' is required", "invalid_field")
    return value


def parse(body: dict[str, Any]) -> SendRequest:
    """A SendRequest from a JSON body (extra keys such as `token` are ignored)."""
    to_mail = _text(body, "to_mail", MAX_ADDRESS, required=True).strip()
    if not is_address(to_mail):
        raise bad_request("'to_mail' is not a valid email address", "invalid_recipient")
    is_html = body.get("is_html", False)
    if is_html is None:
        is_html = False
    if not isinstance(is_html, bool):
        raise bad_request("'is_html' must be true or false", "invalid_field")
    content = _text(body, "content", 0, required=True)
    if len(content.encode("utf-8")) > MAX_CONTENT_BYTES:
        raise ApiError(413, "content_too_large", f"'content' is over {MAX_CONTENT_BYTES} bytes")
    return SendRequest(
        to_mail=to_mail,
        subject=_text(body, "subject", MAX_SUBJECT, required=True),
        content=content,
        is_html=is_html,
        from_name=_text(body, "from_name", MAX_NAME, required=False).strip(),
        to_name=_text(body, "to_name", MAX_NAME, required=False).strip(),
    )
