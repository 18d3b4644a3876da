"""Store helpers and the counts the database keeps by itself."""

from tempmail.store import addresses, counters, like_pattern, mails, users


def test_like_pattern_takes_wildcards_literally():
    assert like_pattern("a_b%c\\d") == "%a\\_b\\%c\\\\d%"


async def test_triggers_keep_every_count(database):
    box = await addresses.create(database, "box@example.com", None)
    await addresses.create(database, "two@example.com", None)
    for i in range(3):
        await database.run(
            "INSERT INTO mails (blob_key, address_id, address, source, raw_size, parse_status, created_at) "
            "VALUES (?, ?, 'box@example.com', 's', 1, 'parsed', 'now')",
            (f"k{i}", box["id"]),
        )
    await database.run(
        "INSERT INTO mails (blob_key, address_id, address, source, raw_size, parse_status, created_at) "
        "VALUES ('stray', NULL, 'ghost@example.com', 's', 1, 'parsed', 'now')"
    )
    await users.create(database, "u@example.net", "hash")
    assert await counters.totals(database) == {"addresses": 2, "mails": 4, "users": 1, "sendbox": 0}
    assert (await addresses.get_by_id(database, box["id"]))["mail_count"] == 3
    await database.batch(mails.delete_statements([{"id": 1}]))
    assert (await addresses.get_by_id(database, box["id"]))["mail_count"] == 2
    await database.batch(addresses.delete_statements(box["id"], last_mail_id=10))
    assert await counters.totals(database) == {"addresses": 1, "mails": 1, "users": 1, "sendbox": 0}


async def test_address_deletion_keeps_mail_that_arrived_after_listing(database):
    box = await addresses.create(database, "box@example.com", None)
    for key in ("early", "late"):
        await database.run(
            "INSERT INTO mails (blob_key, address_id, address, source, raw_size, parse_status, created_at) "
            "VALUES (?, ?, 'box@example.com', 's', 1, 'parsed', 'now')",
            (key, box["id"]),
        )
    await database.batch(addresses.delete_statements(box["id"], last_mail_id=1))
    rows = await database.all("SELECT blob_key, address_id FROM mails")
    assert rows == [{"blob_key": "late", "address_id": None}]  # detached, blobs still referenced
