import email

import pytest

from tempmail import mime
from tempmail.mime import fallback, headers, primary
from tests.conftest import FIXTURES, fixture_files


def parse_fixture(name: str) -> mime.ParsedMail:
    return mime.parse((FIXTURES / name).read_bytes())


def read_fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_every_fixture_parses_without_raising(path):
    parsed = mime.parse(path.read_bytes())
    assert parsed.status == "parsed", parsed.error
    assert "\x00" not in parsed.text + parsed.subject + parsed.html
    assert len(parsed.preview) <= mime.PREVIEW_CHARS


def test_headers_and_attachment_metadata():
    parsed = parse_fixture("corpus/msg_07.txt")
    assert parsed.subject == "Here is your dingus fish"
    assert (parsed.from_name, parsed.from_addr) == ("Barry", "barry@digicool.com")
    assert parsed.to == ("cravindogs@cravindogs.com",)
    (gif,) = parsed.attachments
    assert (gif.filename, gif.mime_type, gif.disposition) == ("dingusfish.gif", "image/gif", "attachment")
    # The reference decoding is the standard library's, done independently of our parser.
    raw = read_fixture("corpus/msg_07.txt")
    reference = email.message_from_bytes(raw)
    data = gif.read(raw)
    assert data == reference.get_payload()[1].get_payload(decode=True)
    assert data.startswith(b"GIF87a")
    assert gif.size == len(data)
    assert gif.data is None and gif.span is not None  # located in the raw message, not copied


@pytest.mark.parametrize(
    ("name", "subject", "body_fragment"),
    [
        ("own/cjk_iso2022jp.eml", "日本語の件名", "こんにちは、世界"),
        ("own/cjk_gb2312_html.eml", "中文主题", "你好，世界"),
        ("own/cjk_euckr_alternative.eml", "한국어 제목", "안녕하세요"),
    ],
)
def test_cjk_subjects_and_bodies_are_decoded(name, subject, body_fragment):
    parsed = parse_fixture(name)
    assert parsed.subject == subject
    assert body_fragment in parsed.text + parsed.html
    assert body_fragment in parsed.preview


def test_japanese_display_name_is_decoded():
    parsed = parse_fixture("own/cjk_iso2022jp.eml")
    assert (parsed.from_name, parsed.from_addr) == ("山田 太郎", "taro@example.jp")


def test_inline_image_and_attachments_decode_byte_exact():
    raw = read_fixture("own/attachments_inline_image.eml")
    parsed = mime.parse(raw)
    by_name = {a.filename: a for a in parsed.attachments}
    assert by_name["logo.png"].disposition == "inline"
    assert by_name["logo.png"].content_id == "logo@x"
    assert by_name["logo.png"].read(raw) == bytes(range(256)) * 4
    for name, size in (("small.bin", 10), ("medium.bin", 40_000), ("large.bin", 300_000)):
        expected = bytes((i * 7 + size) % 256 for i in range(size))
        assert by_name[name].read(raw) == expected
        assert by_name[name].size == size
        assert by_name[name].disposition == "attachment"


def test_sender_whose_whole_header_is_encoded_is_still_found():
    parsed = parse_fixture("own/attachments_inline_image.eml")
    assert (parsed.from_name, parsed.from_addr) == ("Ünïcode Sender", "sender@example.org")


def test_preview_comes_from_html_without_scripts():
    parsed = parse_fixture("own/cjk_gb2312_html.eml")
    assert parsed.text == ""
    assert parsed.preview == "你好，世界"


def test_malformed_structure_keeps_what_can_be_read():
    parsed = parse_fixture("own/malformed_structure.eml")
    assert parsed.subject == "broken structure"
    assert "body with" in parsed.text
    assert [a.filename for a in parsed.attachments] == ["x.pdf"]


def _explode(*_args, **_kwargs):
    raise RuntimeError("mail-parser crashed")


def test_mail_parser_crash_falls_back_to_stdlib(monkeypatch):
    # mail-parser reads the address and date headers of the primary parse; make it crash there.
    monkeypatch.setattr(headers, "get_addresses", _explode)
    monkeypatch.setattr(headers, "parse_mail_date", _explode)
    raw = read_fixture("corpus/msg_07.txt")
    parsed = mime.parse(raw)
    assert parsed.status == "fallback"
    assert "mail-parser crashed" in parsed.error
    assert parsed.subject == "Here is your dingus fish"
    (gif,) = parsed.attachments
    assert gif.filename == "dingusfish.gif"
    assert gif.span is None and gif.read(raw).startswith(b"GIF87a")  # the fallback keeps a decoded copy


def test_scanner_crash_falls_back_to_stdlib(monkeypatch):
    monkeypatch.setattr(primary, "scan", _explode)
    parsed = parse_fixture("own/cjk_iso2022jp.eml")
    assert parsed.status == "fallback"
    assert parsed.subject == "日本語の件名"
    assert "こんにちは" in parsed.text


def test_both_parsers_failing_gives_unparsed_with_what_headers_say(monkeypatch):
    monkeypatch.setattr(primary, "scan", _explode)
    monkeypatch.setattr(fallback.email, "message_from_bytes", _explode_once())
    parsed = mime.parse(b"Subject: still readable\r\nFrom: a@b.c\r\n\r\nbody")
    assert parsed.status == "unparsed"
    assert parsed.error.startswith("RuntimeError: mail-parser crashed; fallback: RuntimeError")
    assert (parsed.subject, parsed.from_addr) == ("still readable", "a@b.c")


def _explode_once():
    """Fails the first call (the fallback's whole-message parse), then behaves (the header read)."""
    real = email.message_from_bytes
    calls = []

    def maybe(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("stdlib crashed")
        return real(*args, **kwargs)

    return maybe


def test_a_big_message_the_primary_fails_on_is_kept_unparsed_without_the_fallback(monkeypatch):
    monkeypatch.setattr(primary, "scan", _explode)
    monkeypatch.setattr(fallback, "FALLBACK_MAX_BYTES", 100)
    parsed = mime.parse(b"Subject: big\r\n\r\n" + b"x" * 200)
    assert parsed.status == "unparsed"
    assert "too large for the fallback" in parsed.error
    assert parsed.subject == "big"


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        ("héllo".encode("latin-1"), "iso-8859-1", "héllo"),
        ("héllo".encode(), "no-such-charset", "héllo"),
        (
            "“quoted” in Windows-1252".encode("cp1252"),
            None,
            "“quoted” in Windows-1252",
        ),
    ],
)
def test_decode_text_never_fails(data, charset, expected):
    assert mime.decode_text(data, charset) == expected


def test_html_to_text_skips_scripts_and_styles():
    html = "<style>p{}</style><p>Hi&amp;bye</p><script>x()</script>"
    assert mime.html_to_text(html).strip() == "Hi&bye"


def test_undeclared_8bit_header_and_body_use_the_charset_the_message_declares_elsewhere():
    parsed = parse_fixture("own/cjk_gbk_undeclared.eml")
    assert (parsed.subject, parsed.from_name, parsed.from_addr) == ("本月报告", "王小明", "wang@example.cn")
    assert parsed.text.startswith("您好，\n\n附件是本月的报告")


def test_every_summary_field_of_a_typical_business_mail():
    raw = read_fixture("own/invoice_pdf_and_forward.eml")
    parsed = mime.parse(raw)
    assert parsed.subject == "Invoice #2025-1107 (Rechnung für Oktober)"
    assert (parsed.from_name, parsed.from_addr) == ("Billing", "billing@shop.example")
    assert (parsed.to, parsed.cc, parsed.reply_to) == (
        ("customer@example.com",),
        ("accounts@example.com",),
        ("support@shop.example",),
    )
    assert (parsed.date, parsed.message_id) == ("2025-11-07T15:42:10Z", "<inv-20251107@shop.example>")
    assert parsed.preview.startswith("Dear customer, please find attached your invoice")
    pdf, forwarded = parsed.attachments
    assert (pdf.filename, pdf.mime_type, pdf.size) == (
        "Rechnung Oktober 2025.pdf",
        "application/pdf",
        150_016,
    )
    assert pdf.read(raw).startswith(b"%PDF-1.4")
    assert (forwarded.filename, forwarded.mime_type) == ("message.eml", "message/rfc822")
    assert b"Question about my order" in forwarded.read(raw)


def test_newsletter_with_related_images_is_machine_mail_with_cid_images():
    raw = read_fixture("own/newsletter_related_images.eml")
    parsed = mime.parse(raw)
    assert parsed.auto_generated  # List-Id: never auto-replied to
    assert parsed.text.startswith("Story 0:") and "<h1>Weekly digest</h1>" in parsed.html
    assert [(a.filename, a.content_id, a.size) for a in parsed.attachments] == [
        ("logo.png", "logo@digest", 4000),
        ("photo.jpg", "photo@digest", 30000),
    ]
