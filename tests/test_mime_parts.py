"""The MIME package's pieces: header decoding, parameters, charsets, transfer decoding, scanning."""

import base64
import binascii
import quopri

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tempmail.mime import charsets, headers, scanner, transfer


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("=?utf-8?q?caf=C3=A9?= au lait", "café au lait"),
        ("=?utf-8?b?5pel5pys?= =?utf-8?b?6Kqe?=", "日本語"),  # whitespace between words dropped
        ("=?utf-8?b?5pel5pw=?= =?utf-8?b?rOiqng==?=", "日本語"),  # a character split across two words
        ("=?gb2312?b?1tDOxA==?=", "中文"),
        ("a =?bogus?q?x?= b", "a x b"),
        ("=?utf-8*en?q?hi?=", "hi"),
    ],
)
def test_encoded_words(value, expected):
    assert headers.decode_words(value) == expected


def test_parameters_with_rfc2231_continuations_and_quotes():
    main, params = headers.split_value(
        'Attachment; filename*0*=utf-8\'\'%E6%97%A5; filename*1="rest \\"q\\".txt"; size=12'
    )
    assert main == "attachment"
    assert params == {"filename": '日rest "q".txt', "size": "12"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a@b.c", [("", "a@b.c")]),
        ("Some One <a@b.c>", [("Some One", "a@b.c")]),
        ('"Doe, John" <j@d.e>, x@y.z', [("Doe, John", "j@d.e"), ("", "x@y.z")]),
        ("=?utf-8?q?J=C3=B6rg?= <j@x.de>", [("Jörg", "j@x.de")]),
        ("=?utf-8?b?SsO2cmcgPGpAeC5kZT4=?=", [("Jörg", "j@x.de")]),  # whole header encoded
        ("undisclosed-recipients:;", []),
    ],
)
def test_addresses(value, expected):
    assert headers.addresses(value) == expected


@given(
    st.from_regex(r"[a-z0-9.]{1,10}@[a-z]{1,8}\.[a-z]{2,3}", fullmatch=True),
    st.from_regex(r"[A-Za-z]{1,8}( [A-Za-z]{1,8})?", fullmatch=True),
)
def test_the_fast_path_agrees_with_mail_parser(address, name):
    for value in (address, f"{name} <{address}>", f'"{name}" <{address}>'):
        assert headers.addresses(value) == headers._pairs(headers.get_addresses(value, decode_names=True))


def test_dates_become_utc_iso():
    assert headers.date_iso("Fri, 4 May 2001 14:05:44 -0400") == "2001-05-04T18:05:44Z"
    assert headers.date_iso("not a date") is None


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("café".encode(), "us-ascii", "café"),  # mislabelled UTF-8
        ("café".encode(), "iso-8859-1", "café"),
        ("\x93q\x94".encode("latin-1"), "iso-8859-1", "\u201cq\u201d"),  # Windows-1252 under a Latin-1 label
        ("中文".encode("gbk"), "gb2312", "中文"),
        ("日本".encode("iso2022_jp"), None, "日本"),  # 7-bit with ESC is not ASCII
    ],
)
def test_decode_text(data, declared, expected):
    assert charsets.decode_text(data, declared) == expected


@given(
    st.binary(max_size=300), st.sampled_from([None, "utf-8", "gb2312", "no-such", "iso-2022-jp", "utf-16"])
)
def test_decode_text_never_fails_and_never_leaves_surrogates(data, declared):
    charsets.decode_text(data, declared).encode("utf-8")


@given(st.binary(max_size=3000), st.integers(1, 100))
def test_base64_decoder_matches_the_standard_library_whatever_the_chunking(data, size):
    encoded = base64.encodebytes(data)
    chunks = [encoded[i : i + size] for i in range(0, len(encoded), size)]
    assert b"".join(transfer.decode_chunks(chunks, "base64")) == data


@given(st.binary(max_size=3000), st.integers(1, 100))
def test_quoted_printable_decoder_matches_the_standard_library_whatever_the_chunking(data, size):
    encoded = quopri.encodestring(data)
    chunks = [encoded[i : i + size] for i in range(0, len(encoded), size)]
    assert b"".join(transfer.decode_chunks(chunks, "quoted-printable")) == binascii.a2b_qp(encoded)


def test_decoded_size_without_holding_the_bytes():
    encoded = base64.encodebytes(bytes(range(256)) * 5000)
    assert transfer.decoded_size(encoded, 0, len(encoded), "base64") == 256 * 5000
    assert transfer.decode_span(encoded, 0, len(encoded), "base64", limit=10)[:10] == bytes(range(10))


def test_scanner_finds_nested_parts_and_offsets():
    raw = (
        b"Content-Type: multipart/mixed; boundary=a\r\n\r\npreamble\r\n--a\r\n"
        b"Content-Type: multipart/alternative; boundary=a-inner\r\n\r\n"
        b"--a-inner\r\n\r\ntext\r\n--a-inner--\r\n"
        b"--a\r\nContent-Type: image/gif\r\n\r\nGIF\r\n--a--\r\nepilogue"
    )
    tree = scanner.scan(raw).root
    alternative, image = tree.children
    assert alternative.content_type == "multipart/alternative"
    assert raw[alternative.children[0].start : alternative.children[0].end] == b"text"
    assert (image.content_type, raw[image.start : image.end]) == ("image/gif", b"GIF")


def test_scanner_reads_lf_only_and_missing_blank_line():
    fields, body = scanner.read_headers(b"Subject: a\n folded\nnot a header\nrest", 0, 37)
    assert fields == [("subject", " a\n folded")]
    assert body == len(b"Subject: a\n folded\n")
