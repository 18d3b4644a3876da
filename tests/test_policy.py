"""Inbound policy: recipients, sizes, blocklists, unknown mailboxes."""

from dataclasses import replace

import pytest

from tempmail import policy
from tempmail.store import addresses
from tempmail.store import policy as policy_store


@pytest.mark.parametrize(
    ("recipient", "mailbox"),
    [
        ("Box+news@Example.COM", "box@example.com"),
        ("<box@example.com>", "box@example.com"),
        ("a+b+c@x.y", "a@x.y"),
    ],
)
def test_recipients_are_normalized(recipient, mailbox):
    assert policy.normalize_recipient(recipient)[0] == mailbox


@pytest.mark.parametrize("recipient", ["nobody", "@example.com", "box@", "+tag@example.com"])
def test_malformed_recipients_are_550(recipient):
    with pytest.raises(policy.Rejected) as info:
        policy.normalize_recipient(recipient)
    assert info.value.code == 550


async def test_env_blocklist_matches_substrings_in_any_case(services):
    blocking = replace(services, settings=replace(services.settings, black_list=("Spam.Example",)))
    with pytest.raises(policy.Rejected) as info:
        await policy.admit(blocking, "x@mail.SPAM.example", "box@example.com")
    assert (info.value.code, info.value.reason) == (550, "5.7.1 sender is blocked here")
    assert (await policy.admit(blocking, "", "box@example.com")).mailbox == "box@example.com"  # bounces pass


async def test_admin_blocklist_is_matched_in_sql(services):
    await policy_store.replace_blocklist(services.db, ["evil"])
    assert await policy_store.is_blocked(services.db, "the.EVIL.one@x.y")
    assert not await policy_store.is_blocked(services.db, "good@x.y")


async def test_admission_finds_the_owner_and_checks_size(services):
    owner = await addresses.create(services.db, "box@example.com", None)
    admitted = await policy.admit(services, "a@b.c", "BOX+x@example.com", size=10)
    assert admitted.owner["id"] == owner["id"]
    with pytest.raises(policy.Rejected) as info:
        await policy.admit(services, "a@b.c", "box@example.com", size=services.settings.max_message_size + 1)
    assert info.value.code == 552
