"""Bytes to text for mail: the declared charset when it is right, a guess when it is not.

Mail declares charsets wrongly all the time: `us-ascii` on UTF-8, `iso-8859-1` on UTF-8,
`gb2312` on GBK text, made-up names, none at all. The rules, cheapest first:

1. ASCII is ASCII whatever was declared.
2. A single-byte declaration (ASCII, Latin-1, Windows-125x) on bytes that are valid UTF-8
   is taken as UTF-8: multi-byte UTF-8 sequences almost never occur in real Latin text.
3. The declared charset (through a superset alias, e.g. GB2312 -> GB18030) if it decodes cleanly.
4. UTF-8 if it decodes cleanly.
5. charset-normalizer's best guess (imported lazily: most mail never needs it).
6. Windows-1252 with replacement characters, which cannot fail.
"""

from __future__ import annotations

import codecs
import logging

# Declared names mapped to the codec that decodes what senders really put under them.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "iso-8859-1": "cp1252",  # what every mail client does: 0x80-0x9F are Windows-1252 there
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "unknown-8bit": "",
    "x-unknown": "",
    "unknown": "",
    "default": "",
    "utf8": "utf-8",
}
_SINGLE_BYTE = {"cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "iso8859-15", "iso8859-2"}
GUESS_SAMPLE_BYTES = 64 * 1024
# What undeclared mail is really written in; limiting the detector to these keeps it from
# "finding" UTF-16 or an exotic code page in a short Windows-1252 snippet.
MAIL_CODECS = [
    "cp1252",
    "gb18030",
    "big5",
    "cp932",
    "euc_jp",
    "cp949",
    "koi8_r",
    "cp1251",
    "cp1250",
    "iso8859_7",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp874",
    "cp1257",
    "cp1258",
]

log = logging.getLogger(__name__)


def codec_for(charset: str | None) -> str | None:
    """The Python codec to try for a declared charset name, or None when it names nothing usable."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_text(data: bytes, charset: str | None = None) -> str:
    """Decode mail text by the rules in the module docstring; never raises."""
    if data.isascii() and b"\x1b" not in data:  # ESC: 7-bit ISO-2022 text is not ASCII
        return data.decode("ascii")
    codec = codec_for(charset)
    if codec is None and data.isascii():
        codec = "iso2022_jp_ext"
    if codec is None or codec in _SINGLE_BYTE or codec == "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if codec is not None:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    guessed = guess_codec(data)
    if guessed is not None:
        try:
            return _japanese_not_korean(data, data.decode(guessed), guessed)
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", "replace")


def _japanese_not_korean(data: bytes, text: str, codec: str) -> str:
    """EUC-JP read as EUC-KR turns kana into Hangul compatibility jamo, rare in real Korean."""
    if codec != "cp949":
        return text
    jamo = sum(1 for ch in text if "\u3130" <= ch <= "\u318f")
    if jamo * 10 < len(text):
        return text
    try:
        return data.decode("euc_jp")
    except UnicodeDecodeError:
        return text


def guess_codec(data: bytes) -> str | None:
    """charset-normalizer's best codec for a sample of `data`, or None."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:GUESS_SAMPLE_BYTES], cp_isolation=MAIL_CODECS).best()
    except Exception:  # a detector crash must not cost us the body
        log.exception("charset detection failed")
        return None
    return None if best is None else best.encoding


def decode_prefix(data: bytes, charset: str | None, limit: int) -> tuple[str, bool]:
    """Decode at most about `limit` bytes of `data`, cut at a line end when one is near; True when cut."""
    if len(data) <= limit:
        return decode_text(data, charset), False
    cut = data.rfind(b"\n", max(0, limit - 4096), limit)
    return decode_text(data[: cut + 1 if cut >= 0 else limit], charset), True
