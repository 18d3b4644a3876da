"""MIME structure straight from the raw bytes: header blocks and body offsets, no copies.

The standard library's parser turns a message into lines and strings (about eight times
the message size in memory); this scanner only finds where things are. Bodies stay in the
one raw `bytes` object and are decoded later, part by part. It is lenient the way mail
clients are: a missing blank line, a missing close delimiter, junk after a boundary, LF or
CRLF line ends are all read as meant. Depth and part counts are bounded, so a crafted
message costs bounded work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tempmail.mime import headers as hdr

MAX_DEPTH = 30
MAX_PARTS = 1000  # parts scanned; a message with more keeps the rest in the raw bytes only

_WSP = (32, 9)  # space, tab


@dataclass
class Part:
    """One MIME entity: its headers and where its body lies in the raw message."""

    headers: list[tuple[str, str]]  # (lower-case name, value as received, folding kept)
    start: int
    end: int
    content_type: str = "text/plain"
    params: dict[str, str] = field(default_factory=dict)
    children: list[Part] = field(default_factory=list)
    charset_hint: str | None = None  # the message's charset, for undeclared 8-bit header bytes

    def header(self, name: str) -> str | None:
        """The first value of a header (name in lower case), or None."""
        for key, value in self.headers:
            if key == name:
                return hdr.resolve(value, self.charset_hint)
        return None

    def header_values(self, name: str) -> list[str]:
        """Every value of a header (name in lower case)."""
        return [hdr.resolve(value, self.charset_hint) for key, value in self.headers if key == name]

    @property
    def is_multipart(self) -> bool:
        """True for a container whose children were found."""
        return bool(self.children)


@dataclass
class Scan:
    """The root part plus how many parts were not scanned because of the limits."""

    root: Part
    skipped_parts: int = 0
    parts: int = 0


def read_headers(raw: bytes, start: int, end: int) -> tuple[list[tuple[str, str]], int]:
    """The header fields at raw[start:end] and where the body begins."""
    fields: list[list] = []
    pos = start
    if raw.startswith(b"From ", start):  # an mbox envelope line is not a header
        nl = raw.find(b"\n", start, end)
        pos = end if nl < 0 else nl + 1
    body = end
    while pos < end:
        nl = raw.find(b"\n", pos, end)
        stop = end if nl < 0 else nl
        following = end if nl < 0 else nl + 1
        line_end = stop - 1 if stop > pos and raw[stop - 1] == 13 else stop
        if line_end == pos:  # the blank line
            body = following
            break
        first = raw[pos]
        if first in _WSP:
            if fields:
                fields[-1].append(raw[pos:line_end])
            pos = following
            continue
        colon = raw.find(b":", pos, line_end)
        name = raw[pos:colon].rstrip() if colon > pos else b""
        if not name or b" " in name or b"\t" in name:
            body = pos  # not a header line: the body starts here (no blank line was sent)
            break
        fields.append([name, raw[colon + 1 : line_end]])
        pos = following
    return [
        (f[0].decode("latin-1").lower(), hdr.header_text(b"\n".join(f[1:]) if len(f) > 2 else f[1]))
        for f in fields
    ], body


def _delimiters(
    raw: bytes, start: int, end: int, boundary: bytes, budget: int
) -> tuple[list[tuple[int, int]], int]:
    """Spans of the parts between `--boundary` lines, and how many were over `budget`."""
    marker = b"--" + boundary
    spans: list[tuple[int, int]] = []
    over = 0
    part_start = -1
    pos = start
    size = len(marker)
    while True:
        found = raw.find(marker, pos, end)
        if found < 0:
            break
        after = found + size
        if found != start and raw[found - 1] != 10:  # not at a line start
            pos = after
            continue
        closing = raw.startswith(b"--", after)
        if not closing and after < end and raw[after] not in (13, 10, 32, 9):
            pos = after  # a longer boundary (a nested part's) that starts the same way
            continue
        if part_start >= 0:
            stop = found
            if stop > part_start and raw[stop - 1] == 10:
                stop -= 1
                if stop > part_start and raw[stop - 1] == 13:
                    stop -= 1
            if len(spans) < budget:
                spans.append((part_start, stop))
            else:
                over += 1
        if closing and _reopens(raw, after, end, marker):
            closing = False  # a stray close delimiter (a nested part reused our boundary)
        if closing:
            return spans, over
        nl = raw.find(b"\n", after, end)
        part_start = pos = end if nl < 0 else nl + 1
    if part_start >= 0 and part_start < end:  # no close delimiter: the last part runs to the end
        if len(spans) < budget:
            spans.append((part_start, end))
        else:
            over += 1
    return spans, over


def _reopens(raw: bytes, pos: int, end: int, marker: bytes) -> bool:
    """True when an opening `--boundary` line follows: the close delimiter before it was spurious."""
    while True:
        found = raw.find(marker, pos, end)
        if found < 0:
            return False
        after = found + len(marker)
        if raw[found - 1] == 10 and not raw.startswith(b"--", after):
            return True
        pos = after


def _guess_boundary(raw: bytes, start: int, end: int) -> bytes | None:
    """The boundary a body really uses when the declared one is absent: its first `--x` line."""
    window = min(end, start + 8192)
    found = start if raw.startswith(b"--", start) else raw.find(b"\n--", start, window) + 1
    if found <= 0 and not raw.startswith(b"--", start):
        return None
    nl = raw.find(b"\n", found, window)
    line = raw[found + 2 : nl if nl >= 0 else window].rstrip()
    if line.endswith(b"--"):
        line = line[:-2]
    return line if line and b" " not in line else None


def _entity(raw: bytes, start: int, end: int, default_type: str, depth: int, scan: Scan) -> Part:
    fields, body = read_headers(raw, start, end)
    part = Part(headers=fields, start=body, end=end)
    scan.parts += 1
    declared = part.header("content-type")
    if declared:
        ctype, params = hdr.split_value(declared)
        part.content_type = ctype if ctype.count("/") == 1 and " " not in ctype else "text/plain"
        part.params = params
    else:
        part.content_type = default_type
    boundary = part.params.get("boundary", "")
    if part.content_type.startswith("multipart/") and depth < MAX_DEPTH:
        child_type = "message/rfc822" if part.content_type == "multipart/digest" else "text/plain"
        budget = max(0, MAX_PARTS - scan.parts)
        marker = boundary.strip().encode("utf-8", "replace")
        spans, over = _delimiters(raw, body, end, marker, budget) if marker else ([], 0)
        guessed = None if spans else _guess_boundary(raw, body, end)
        if guessed:
            spans, over = _delimiters(raw, body, end, guessed, budget)
        scan.skipped_parts += over
        for child_start, child_end in spans:
            if scan.parts >= MAX_PARTS:
                scan.skipped_parts += 1
                continue
            part.children.append(_entity(raw, child_start, child_end, child_type, depth + 1, scan))
    elif part.content_type == "message/rfc822" and depth < MAX_DEPTH and _shown_inline(part):
        # A forwarded message shown in place, as mail clients (and postal-mime) show it.
        part.children.append(_entity(raw, body, end, "text/plain", depth + 1, scan))
    if part.content_type.startswith("multipart/") and not part.children:
        if boundary and raw.find(b"--" + boundary.strip().encode("utf-8", "replace"), body, end) >= 0:
            part.start = part.end  # delimiters but no parts: an empty container, nothing to show
        part.content_type = "text/plain"  # no boundary found: show the body rather than lose it
    return part


def _shown_inline(part: Part) -> bool:
    encoding = (part.header("content-transfer-encoding") or "").strip().lower()
    disposition = (part.header("content-disposition") or "").strip().lower()
    return encoding in ("", "7bit", "8bit", "binary") and not disposition.startswith("attachment")


def _charset_hint(root: Part) -> str | None:
    """The charset a message declares somewhere: a part's charset, else an encoded word's."""
    pending = [root]
    while pending:
        part = pending.pop(0)
        charset = part.params.get("charset", "").strip().lower()
        if charset and charset not in ("us-ascii", "ascii", "utf-8", "utf8"):
            return charset
        pending.extend(part.children)
    for _key, value in root.headers:
        match = hdr.ENCODED_WORD.search(value)
        if match and match.group(1).lower() not in ("us-ascii", "utf-8"):
            return match.group(1).lower()
    return None


def scan(raw: bytes) -> Scan:
    """The MIME tree of a whole message."""
    result = Scan(root=Part(headers=[], start=0, end=0))
    result.root = _entity(raw, 0, len(raw), "text/plain", 0, result)
    hint = _charset_hint(result.root)
    if hint:
        pending = [result.root]
        while pending:
            part = pending.pop()
            part.charset_hint = hint
            pending.extend(part.children)
    return result
