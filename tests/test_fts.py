import pytest

from tempmail import fts
from tempmail.errors import ApiError
from tempmail.mime import ParsedMail


def test_cjk_characters_become_tokens():
    assert fts.segment("mail 你好世界 ok").split() == ["mail", "你", "好", "世", "界", "ok"]
    assert fts.segment("テスト").split() == ["テ", "ス", "ト"]
    assert fts.segment("한국어").split() == ["한", "국", "어"]


def test_document_indexes_html_text_but_not_markup():
    parsed = ParsedMail(
        status="parsed", subject="Hi", from_addr="a@b.c", html="<p>visible</p><script>hidden()</script>"
    )
    subject, addresses, body = fts.document(parsed, "box@example.com")
    assert subject == "Hi" and "box@example.com" in addresses and "a@b.c" in addresses
    assert "visible" in body and "hidden" not in body and "<p>" not in body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("invoice", '"invoice"*'),
        ("two words", '"two"* AND "words"*'),
        ('say "hi"', '"say"* AND """hi"""*'),
        ("NEAR(a b)", '"NEAR(a"* AND "b)"*'),
        ("你好", '"你 好"'),
        ("你好abc", '"你 好 abc"*'),
    ],
)
def test_terms_are_quoted_prefix_phrases(text, expected):
    assert fts.match_expression(text) == expected


def test_column_filter():
    assert fts.match_expression("abc", "subject") == 'subject : ("abc"*)'


@pytest.mark.parametrize("text", ["", "   ", '* ( ) "', " ".join(["w"] * 9), "x" * 65])
def test_unsearchable_queries_are_400(text):
    with pytest.raises(ApiError) as info:
        fts.match_expression(text)
    assert (info.value.status, info.value.code) == (400, "invalid_query")


async def test_hostile_terms_never_reach_sqlite_as_syntax(database):
    await database.run("INSERT INTO mails_fts (rowid, subject, addresses, body) VALUES (1, 'a', 'b', 'c')")
    for text in ['"', "a*b", "NEAR(x", "x OR y", "col:x", "^x", "x AND", "-x", "{subject}"]:
        expression = fts.match_expression(f"{text} z")
        await database.all("SELECT rowid FROM mails_fts WHERE mails_fts MATCH ?", (expression,))
