"""Content-Transfer-Encoding decoders that work chunk by chunk and never raise.

A 25 MiB attachment is decoded as a stream of bounded chunks, so neither ingest (which only
needs the decoded size) nor a download (which streams) ever holds the whole decoded file.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterable, Iterator

CHUNK = 1024 * 1024  # multiple of 4: base64 quanta never straddle two raw chunks after cleaning

_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_JUNK = bytes(b for b in range(256) if b not in _B64_ALPHABET)


def normalize(encoding: str | None) -> str:
    """A transfer encoding name as used here: base64, quoted-printable or identity."""
    name = (encoding or "").strip().lower()
    if name in ("base64", "quoted-printable"):
        return name
    if name in ("x-base64", "b"):
        return "base64"
    if name in ("qp", "x-quoted-printable"):
        return "quoted-printable"
    return "identity"  # 7bit, 8bit, binary, and anything unknown (RFC 2045 6.4: treat as raw)


class Decoder:
    """Decodes a stream fed in arbitrary pieces: `feed()` each, then `finish()`."""

    def __init__(self) -> None:
        self._carry = b""

    def feed(self, chunk: bytes | memoryview) -> bytes:
        """Decoded bytes for everything complete so far."""
        return bytes(chunk)

    def finish(self) -> bytes:
        """Decoded bytes of whatever was held back."""
        return b""


class Base64Decoder(Decoder):
    """Like mail clients: every non-alphabet byte (line breaks, junk, misplaced padding) is
    skipped and whole 4-character quanta decoded; a dangling tail is padded at the end."""

    def feed(self, chunk: bytes | memoryview) -> bytes:
        clean = self._carry + bytes(chunk).translate(None, _B64_JUNK)
        whole = len(clean) - len(clean) % 4
        self._carry = clean[whole:]
        return binascii.a2b_base64(clean[:whole]) if whole else b""

    def finish(self) -> bytes:
        carry, self._carry = self._carry, b""
        if len(carry) < 2:  # one leftover sextet carries no whole byte
            return b""
        return binascii.a2b_base64(carry + b"=" * (4 - len(carry)))


class QuotedPrintableDecoder(Decoder):
    """Decodes whole lines; a piece without a line end is cut where no `=XX` escape is split."""

    def feed(self, chunk: bytes | memoryview) -> bytes:
        data = self._carry + bytes(chunk)
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            cut = len(data)
            tail = data[-2:]
            if b"=" in tail:
                cut -= len(tail) - tail.index(b"=")
        self._carry = data[cut:]
        return binascii.a2b_qp(data[:cut]) if cut else b""

    def finish(self) -> bytes:
        carry, self._carry = self._carry, b""
        return binascii.a2b_qp(carry) if carry else b""


def decoder(encoding: str) -> Decoder:
    """A fresh decoder for a transfer encoding (as returned by `normalize`)."""
    if encoding == "base64":
        return Base64Decoder()
    if encoding == "quoted-printable":
        return QuotedPrintableDecoder()
    return Decoder()


def decode_chunks(chunks: Iterable[bytes | memoryview], encoding: str) -> Iterator[bytes]:
    """Decode a stream of encoded chunks."""
    state = decoder(encoding)
    for chunk in chunks:
        piece = state.feed(chunk)
        if piece:
            yield piece
    tail = state.finish()
    if tail:
        yield tail


def span_chunks(raw: bytes | memoryview, start: int, end: int, size: int = CHUNK) -> Iterator[memoryview]:
    """Zero-copy views of raw[start:end], `size` bytes at a time."""
    view = memoryview(raw)
    for offset in range(start, end, size):
        yield view[offset : min(offset + size, end)]


def decode_span(raw: bytes, start: int, end: int, encoding: str, limit: int | None = None) -> bytes:
    """The decoded bytes of raw[start:end]; with `limit`, stop once that many are decoded."""
    out = bytearray()
    for piece in decode_chunks(span_chunks(raw, start, end), encoding):
        out += piece
        if limit is not None and len(out) >= limit:
            break
    return bytes(out)


def decoded_size(raw: bytes, start: int, end: int, encoding: str) -> int:
    """The decoded length of raw[start:end], computed without holding the decoded bytes."""
    if encoding == "identity":
        return end - start
    return sum(len(piece) for piece in decode_chunks(span_chunks(raw, start, end), encoding))
