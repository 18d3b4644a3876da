"""Header values: unfolding, RFC 2047 encoded words, RFC 2231 parameters, addresses and dates.

Addresses and dates are read with mail-parser's own header parsers (its address scanner
recovers from malformed headers and decodes display names in their lexical context); a
fast path skips it for the plain `addr` / `Name <addr>` forms, where both agree.
"""

from __future__ import annotations

import binascii
import re
import urllib.parse
from datetime import UTC, datetime

from mailparser.dates import parse_mail_date
from mailparser.utils import get_addresses

from tempmail.mime.charsets import decode_text

ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_B64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")


def header_text(value: bytes) -> str:
    """Raw header bytes to str: UTF-8 (RFC 6532) when valid; other 8-bit bytes are kept as
    surrogate escapes until `resolve` knows the message's charset."""
    return value.decode("ascii") if value.isascii() else value.decode("utf-8", "surrogateescape")


def resolve(value: str, hint: str | None) -> str:
    """Decode the raw 8-bit bytes left in a header value, with the message's charset as a hint."""
    if value.isascii() or not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_text(value.encode("utf-8", "surrogateescape"), hint)


def unfold(value: str) -> str:
    """One logical line: folding line breaks removed, outer whitespace stripped."""
    if "\n" in value or "\r" in value:
        value = value.replace("\r", "").replace("\n", "")
    return value.strip()


def clean(value: str) -> str:
    """Header text safe for storage: one line, no NULs or other control characters."""
    if not value.isprintable():
        value = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(value.split())


def _word_bytes(encoding: str, text: str) -> bytes:
    data = text.encode("ascii", "ignore")
    if encoding in "bB":
        data = _B64_JUNK.sub(b"", data)
        if len(data) % 4 == 1:
            data = data[:-1]
        try:
            return binascii.a2b_base64(data + b"=" * (-len(data) % 4))
        except binascii.Error:
            return b""
    return _QP_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), data.replace(b"_", b" "))


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words, leniently (as mail clients do).

    Whitespace between adjacent encoded words is dropped, and adjacent words in one charset
    are decoded together, so a multi-byte character split across two words survives.
    """
    if "=?" not in value:
        return value
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset = ""
    last = 0

    def flush() -> None:
        if pending:
            out.append(decode_text(b"".join(pending), pending_charset))
            pending.clear()

    for match in ENCODED_WORD.finditer(value):
        between = value[last : match.start()]
        charset = match.group(1).split("*", 1)[0].lower()
        if between.strip() or not pending:  # literal text (or the first word): keep it
            flush()
            out.append(between)
        elif charset != pending_charset:  # adjacent words, another charset: drop the space only
            flush()
        pending_charset = charset
        pending.append(_word_bytes(match.group(2), match.group(3)))
        last = match.end()
    flush()
    out.append(value[last:])
    return "".join(out)


def text(value: str | None) -> str:
    """A free-text header (Subject, a filename) decoded to one clean line."""
    return clean(decode_words(unfold(value))) if value else ""


# --- parameters (Content-Type, Content-Disposition) -------------------------------------

_PARAM = re.compile(
    r"""\s*([^\s=;"]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"?|([^;]*))""",
    re.DOTALL,
)


def split_value(value: str) -> tuple[str, dict[str, str]]:
    """`type/sub; a=1; b*=utf-8''x` -> ("type/sub", {"a": "1", "b": "x"}), RFC 2231 applied."""
    value = unfold(value)
    head, _, rest = value.partition(";")
    raw: dict[str, str] = {}
    for match in _PARAM.finditer(rest):
        name = match.group(1).lower()
        if match.group(2) is not None:
            item = re.sub(r"\\(.)", r"\1", match.group(2))
        else:
            item = (match.group(3) or "").strip()
        raw.setdefault(name, item)
    return head.strip().lower(), _rfc2231(raw)


def _rfc2231(raw: dict[str, str]) -> dict[str, str]:
    if not any("*" in name for name in raw):
        return raw
    params: dict[str, str] = {}
    pieces: dict[str, list[tuple[int, bool, str]]] = {}
    for name, value in raw.items():
        base, star, index = name.partition("*")
        if not star:
            params.setdefault(base, value)
            continue
        encoded = index.endswith("*") or index == ""
        index = index.rstrip("*")
        order = int(index) if index.isdigit() else 0
        pieces.setdefault(base, []).append((order, encoded, value))
    for base, parts in pieces.items():
        parts.sort()
        charset = ""
        data = b""
        for order, encoded, value in parts:
            if encoded:
                if order == 0 and value.count("'") >= 2:
                    charset, _lang, value = value.split("'", 2)
                data += urllib.parse.unquote_to_bytes(value)
            else:
                data += value.encode("utf-8", "surrogateescape")
        params[base] = decode_text(data, charset or "utf-8")  # the RFC 2231 form wins
    return params


# --- addresses and dates --------------------------------------------------------------

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM_ADDR = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_SIMPLE_ADDR = re.compile(rf"({_DOT_ATOM_ADDR})")
_SIMPLE_NAMED = re.compile(rf"""(?:"([^"\\=]*)"|([A-Za-z0-9 '_-]*?))\s*<({_DOT_ATOM_ADDR})>""")


def addresses(value: str | None) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header; names decoded, empty addresses dropped."""
    if not value:
        return []
    value = unfold(value)
    simple = _SIMPLE_ADDR.fullmatch(value)
    if simple:
        return [("", simple.group(1))]
    named = _SIMPLE_NAMED.fullmatch(value)
    if named:
        name = named.group(1) if named.group(1) is not None else named.group(2)
        return [(" ".join(name.split()), named.group(3))]
    pairs = _pairs(get_addresses(value, decode_names=True))
    if not pairs and "=?" in value:
        # The whole header was (wrongly, but commonly) encoded as one encoded word.
        pairs = _pairs(get_addresses(decode_words(value)))
    return pairs


def _pairs(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # mail-parser repeats the address as the name when there is none; keep only real names.
    return [("" if n == a else clean(n), clean(a)) for n, a in found if a and "@" in a]


def date_iso(value: str | None) -> str | None:
    """The Date header as ISO 8601 UTC (`...Z`), or None when it cannot be read."""
    if not value:
        return None
    parsed = parse_mail_date(unfold(value)).value
    if not isinstance(parsed, datetime):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


def message_id(value: str | None) -> str | None:
    """The Message-ID as sent (angle brackets kept), one line; None when absent."""
    return clean(unfold(value))[:998] or None if value else None


def content_id(value: str | None) -> str | None:
    """A Content-ID without its angle brackets."""
    if not value:
        return None
    return clean(unfold(value)).strip("<>").strip() or None
