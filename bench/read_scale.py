"""Do reads stay fast as the store grows? 1,000 vs 100,000 messages, same run.

Fills a SQLite store through the storage layer (the real insert statements, FTS included)
with generated mail: a Zipf-like vocabulary, 500 senders, 200 recipients on 3 domains,
a fifth with attachments, some Chinese text. Then times, at each size, the p50 of:
first page, a page 2,000 deep (keyset cursor and OFFSET), a filtered list and a two-term
full-text search, and prints the ratio 100k / 1k.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tempmail.adapters.sqlite import SqliteDatabase  # noqa: E402
from tempmail.fts import match_expression  # noqa: E402
from tempmail.mime import Attachment, ParsedMail  # noqa: E402
from tempmail.store import mails, search  # noqa: E402

RNG = random.Random(7)
WORDS = [f"w{n:04d}" for n in range(5000)] + ["invoice", "payment", "meeting", "report", "shipping"]
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
CJK = ["你好", "世界", "发票", "会议", "报告", "测试"]
SENDERS = [f"sender{n}@mail{n % 40}.example.net" for n in range(500)]
RECIPIENTS = [f"box{n}@{('example.com', 'example.org', 'mail.test')[n % 3]}" for n in range(200)]
REPEATS = 40


def words(count: int) -> str:
    return " ".join(RNG.choices(WORDS, WEIGHTS, k=count))


def generated(index: int) -> mails.NewMail:
    body = words(RNG.randint(40, 200))
    if index % 10 == 0:
        body += " " + "".join(RNG.choices(CJK, k=4))
    pdf = Attachment("file.pdf", "application/pdf", None, "attachment", b"x" * 10)
    attachments = (pdf,) if index % 5 == 0 else ()
    parsed = ParsedMail(
        status="parsed",
        subject=words(RNG.randint(3, 8)),
        from_addr=RNG.choice(SENDERS),
        from_name="Sender Name",
        to=(RECIPIENTS[index % len(RECIPIENTS)],),
        text=body,
        attachments=attachments,
    )
    return mails.NewMail(
        blob_key=f"mails/{index:08d}",
        address_id=None,
        address=RECIPIENTS[index % len(RECIPIENTS)],
        source=parsed.from_addr,
        raw_size=len(body) + 400,
        parsed=parsed,
        created_at=f"2026-{1 + index * 11 // 100_001:02d}-01 00:00:00",
    )


async def fill(db: SqliteDatabase, count: int) -> float:
    started = time.perf_counter()
    chunk: list = []
    for index in range(count):
        chunk += mails.insert_statements(generated(index))
        if len(chunk) > 2000:
            await db.batch(chunk)
            chunk = []
    if chunk:
        await db.batch(chunk)
    db.execute_script("ANALYZE; INSERT INTO mails_fts (mails_fts) VALUES ('optimize');")
    return time.perf_counter() - started


async def p50(operation) -> float:
    await operation()  # warm the page cache once
    samples = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        await operation()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


async def measure(db: SqliteDatabase, size: int) -> dict[str, float]:
    everything = search.MailFilter()
    depth = min(2000, size // 2)  # a 1,000-message store has no page 2,000 deep: half-way there
    newest = (await search.page(db, everything, None, 1))[0]["id"]
    deep = (await search.page_with_offset(db, everything, 1, depth))[0]["id"]
    assert deep < newest
    domain_filter = search.MailFilter(to_domain="example.org")
    attachment_filter = search.MailFilter(has_attachments=True)
    # Two common words (each in a good share of all mail): pages are full at every size.
    text_filter = search.MailFilter(match=match_expression("w0010 w0030", "body"))
    cjk_filter = search.MailFilter(match=match_expression("发票", "body"))
    for flt in (domain_filter, attachment_filter, text_filter, cjk_filter):
        assert len(await search.page(db, flt, None, 20)) == 20, "every timed page is a full page"
    return {
        "first page (20)": await p50(lambda: search.page(db, everything, None, 20)),
        "deep page, cursor": await p50(lambda: search.page(db, everything, deep, 20)),
        "deep page, OFFSET": await p50(lambda: search.page_with_offset(db, everything, 20, depth)),
        "filter toDomain": await p50(lambda: search.page(db, domain_filter, None, 20)),
        "filter hasAttachments": await p50(lambda: search.page(db, attachment_filter, None, 20)),
        "full text, two terms": await p50(lambda: search.page(db, text_filter, None, 20)),
        "full text, CJK term": await p50(lambda: search.page(db, cjk_filter, None, 20)),
    }


async def main(sizes: tuple[int, ...]) -> None:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            db = SqliteDatabase(Path(tmp) / f"scale{size}.sqlite3")
            db.execute_script((ROOT / "schema.sql").read_text())
            seconds = await fill(db, size)
            print(f"filled {size:,} messages in {seconds:.1f} s ({size / seconds:,.0f} rows/s)")
            results[size] = await measure(db, size)
            db.close()
    small, large = sizes[0], sizes[-1]
    depths = ", ".join(f"{min(2000, size // 2):,} deep at {size:,}" for size in (small, large))
    print(f"(deep page: {depths})")
    print(f"\n{'operation':<24}{small:>12,}{large:>12,}   ratio (p50 ms)")
    for name in results[small]:
        a, b = results[small][name], results[large][name]
        print(f"{name:<24}{a:>12.3f}{b:>12.3f}   {b / a:5.2f}x")


if __name__ == "__main__":
    sizes = tuple(int(s) for s in sys.argv[1:]) or (1_000, 100_000)
    asyncio.run(main(sizes))
