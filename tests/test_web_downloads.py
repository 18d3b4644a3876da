"""The raw source and attachment downloads: byte-exact, streamed, only for the mailbox's owner."""

import email
import email.policy

import pytest

from tests.conftest import bearer, fixture_files, new_address
from tests.mailgen import MIB, large_message


async def push(client, raw: bytes, to: str) -> int:
    response = await client.post(
        "/cdn-cgi/handler/email", params={"from": "s@example.org", "to": to}, content=raw
    )
    assert response.status_code == 200, response.text
    return response.json()["id"]


@pytest.fixture
async def box(client):
    return await new_address(client, "downloads")


async def test_every_fixture_reads_back_byte_for_byte(client, box):
    for path in fixture_files():
        raw = path.read_bytes()
        mail_id = await push(client, raw, box["address"])
        response = await client.get(f"/api/mails/{mail_id}/raw", headers=bearer(box["jwt"]))
        assert response.status_code == 200
        assert response.content == raw, path.name
        assert response.headers["content-type"] == "message/rfc822"
        assert response.headers["content-length"] == str(len(raw))
        assert response.headers["content-disposition"].startswith('attachment; filename="message.eml"')


async def test_every_fixture_attachment_matches_the_standard_library_decoding(client, box):
    checked = 0
    for path in fixture_files():
        raw = path.read_bytes()
        mail_id = await push(client, raw, box["address"])
        parsed = (await client.get(f"/api/parsed_mail/{mail_id}", headers=bearer(box["jwt"]))).json()
        reference = email.message_from_bytes(raw, policy=email.policy.compat32)
        by_name = {
            part.get_filename(): part.get_payload(decode=True)
            for part in reference.walk()
            if part.get_filename() and not part.is_multipart() and part.get_content_maintype() != "message"
        }
        for index, att in enumerate(parsed["attachments"]):
            response = await client.get(
                f"/api/mails/{mail_id}/attachments/{index}", headers=bearer(box["jwt"])
            )
            assert response.status_code == 200
            assert len(response.content) == att["size"] == int(response.headers["content-length"])
            if att["filename"] in by_name and by_name[att["filename"]] is not None:
                assert response.content == by_name[att["filename"]], (path.name, att["filename"])
                checked += 1
    assert checked >= 8  # the corpus and our fixtures have that many named attachments


async def test_a_25_mib_message_is_stored_and_its_attachment_downloads_byte_exact(client, box):
    raw, payload = large_message(25 * MIB, box["address"])
    assert len(raw) > 24 * MIB
    mail_id = await push(client, raw, box["address"])
    source = await client.get(f"/api/mails/{mail_id}/raw", headers=bearer(box["jwt"]))
    assert source.content == raw
    parsed = (await client.get(f"/api/parsed_mail/{mail_id}", headers=bearer(box["jwt"]))).json()
    assert parsed["parse_status"] == "parsed"
    (att,) = parsed["attachments"]
    assert (att["filename"], att["size"]) == ("big.bin", len(payload))
    download = await client.get(f"/api/mails/{mail_id}/attachments/0", headers=bearer(box["jwt"]))
    assert download.content == payload
    assert download.headers["content-type"] == "application/octet-stream"


async def test_downloads_are_only_for_the_owner(client, box):
    other = await new_address(client, "someone")
    mail_id = await push(client, b"Subject: mine\r\n\r\nsecret\r\n", box["address"])
    for path in (f"/api/mails/{mail_id}/raw", f"/api/mails/{mail_id}/attachments/0"):
        assert (await client.get(path, headers=bearer(other["jwt"]))).status_code == 404
        assert (await client.get(path)).status_code == 401


@pytest.mark.parametrize("index", ["5", "-1", "x", "99999999999"])
async def test_missing_or_bad_attachment_index_is_404(client, box, index):
    mail_id = await push(client, b"Subject: none\r\n\r\nno attachments\r\n", box["address"])
    response = await client.get(f"/api/mails/{mail_id}/attachments/{index}", headers=bearer(box["jwt"]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "attachment_not_found"


async def test_attachment_names_are_safe_in_the_header(client, box):
    raw = (
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: text/html; name*=UTF-8''..%2F%E6%97%A5%E6%9C%AC.html\r\n"
        b"Content-Disposition: inline\r\n\r\n<script>alert(1)</script>\r\n--b--\r\n"
    )
    mail_id = await push(client, raw, box["address"])
    response = await client.get(f"/api/mails/{mail_id}/attachments/0", headers=bearer(box["jwt"]))
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="') and ".." not in disposition.split(";")[1]
    assert "filename*=UTF-8''%E6%97%A5%E6%9C%AC.html" in disposition
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == b"<script>alert(1)</script>"
