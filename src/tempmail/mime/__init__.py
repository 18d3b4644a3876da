"""Turn raw RFC 5322 bytes into the fields the service stores, never raising.

The primary parser (a byte-level MIME scanner plus mail-parser's address and date
parsers) reads every message; if it fails on one, the standard library's parser is tried;
when that fails too the result is ``unparsed`` with whatever headers could be read, and the
raw message, stored whole, stays the source of truth for a later re-parse.
"""

from __future__ import annotations

import logging

from tempmail.mime import fallback, primary
from tempmail.mime.charsets import decode_text
from tempmail.mime.htmltext import html_to_text
from tempmail.mime.model import PREVIEW_CHARS, Attachment, ParsedMail

__all__ = ["PREVIEW_CHARS", "Attachment", "ParsedMail", "decode_text", "html_to_text", "parse"]

log = logging.getLogger(__name__)

# mail-parser logs a warning for every oddity it recovers from; on a Worker each one is a
# log line per message, so only its errors are kept.
logging.getLogger("mailparser").setLevel(logging.ERROR)


def parse(raw: bytes) -> ParsedMail:
    """Parse a raw message; every failure degrades to a simpler result instead of raising."""
    try:
        return primary.parse(raw)
    except Exception as first:  # any crash of the primary parser: try the next one
        error = describe(first)
        log.warning("primary parser failed (%s); trying the standard library", error)
    if len(raw) > fallback.FALLBACK_MAX_BYTES:
        return fallback.headers_only(raw, f"{error}; too large for the fallback parser")
    try:
        return fallback.parse(raw, error)
    except Exception as second:
        return fallback.headers_only(raw, f"{error}; fallback: {describe(second)}")


def describe(exc: BaseException) -> str:
    """A short, storable description of an exception."""
    return f"{type(exc).__name__}: {exc}"[:500]
