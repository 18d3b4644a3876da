-- tempmail-worker schema. Applied as-is by `wrangler d1 execute tempmail --remote --file schema.sql`
-- on Cloudflare and by the local host on every start, so every statement is idempotent.
-- Raw MIME never lives here: it is in the blob store (R2 / a folder) under mails.blob_key.

CREATE TABLE IF NOT EXISTS addresses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: ids are never reused, so old tokens stay dead
    name TEXT NOT NULL UNIQUE,             -- the full address, lower case
    password_hash TEXT,                    -- pbkdf2_sha256$iterations$salt$hash
    mail_count INTEGER NOT NULL DEFAULT 0, -- kept by triggers below, so listing never counts rows
    send_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS mails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    blob_key TEXT NOT NULL UNIQUE,         -- blob prefix: <blob_key>/raw.eml, <blob_key>/att/<idx>
    address_id INTEGER,                    -- NULL when the recipient had no address (admin-visible only)
    address TEXT NOT NULL,                 -- envelope recipient, lower case, +tag removed
    domain TEXT NOT NULL DEFAULT '',       -- its domain, for toDomain filters
    source TEXT NOT NULL,                  -- envelope sender
    message_id TEXT,
    subject TEXT NOT NULL DEFAULT '',
    from_addr TEXT NOT NULL DEFAULT '',
    from_name TEXT NOT NULL DEFAULT '',
    to_addrs TEXT NOT NULL DEFAULT '[]',   -- JSON array of addresses
    cc_addrs TEXT NOT NULL DEFAULT '[]',
    reply_to TEXT NOT NULL DEFAULT '[]',
    date_header TEXT,
    preview TEXT NOT NULL DEFAULT '',
    raw_size INTEGER NOT NULL,
    attachment_count INTEGER NOT NULL DEFAULT 0,
    attachments_omitted INTEGER NOT NULL DEFAULT 0, -- parts over the listing limit (still in the raw)
    parse_status TEXT NOT NULL,            -- parsed | fallback | unparsed
    parse_error TEXT,
    metadata TEXT,                         -- JSON, as cloudflare_temp_email's raw_mails.metadata
    is_read INTEGER NOT NULL DEFAULT 0,
    deleted_at TEXT,                       -- soft delete (mail.td dialect); the cron purges rows and blobs
    created_at TEXT NOT NULL               -- UTC 'YYYY-MM-DD HH:MM:SS', like SQLite datetime()
);
CREATE INDEX IF NOT EXISTS mails_by_address ON mails (address_id, id);
CREATE INDEX IF NOT EXISTS mails_by_created ON mails (created_at);

-- Bodies apart from the summary row so list queries never page through them.
CREATE TABLE IF NOT EXISTS mail_bodies (
    mail_id INTEGER PRIMARY KEY REFERENCES mails (id) ON DELETE CASCADE,
    text TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT '',
    truncated INTEGER NOT NULL DEFAULT 0   -- 1 when a body was capped to fit a D1 row
);

CREATE TABLE IF NOT EXISTS attachments (
    mail_id INTEGER NOT NULL REFERENCES mails (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    filename TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_id TEXT,
    disposition TEXT NOT NULL,             -- attachment | inline
    stored INTEGER NOT NULL DEFAULT 1,     -- 1: decoded copy at <blob_key>/att/<idx>; 0: read from the raw
    raw_start INTEGER,                     -- when not stored: the encoded bytes are raw.eml[raw_start:raw_end]
    raw_end INTEGER,
    encoding TEXT NOT NULL DEFAULT 'identity', -- base64 | quoted-printable | identity, of that span
    PRIMARY KEY (mail_id, idx)
);

CREATE INDEX IF NOT EXISTS mails_by_recipient ON mails (address, id);

-- Totals kept in step by every insert and delete, so statistics and list counts never scan.
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,                 -- addresses | mails | users | sendbox
    value INTEGER NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO counters (name, value) VALUES ('addresses', 0), ('mails', 0), ('users', 0), ('sendbox', 0);

CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a deleted user's tokens stay dead
    email TEXT NOT NULL UNIQUE,            -- lower case
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- An address belongs to at most one user.
CREATE TABLE IF NOT EXISTS user_addresses (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address_id INTEGER NOT NULL UNIQUE REFERENCES addresses (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, address_id)
);

-- Permission to send, and the remaining balance (each send costs 1). One row per address,
-- keyed by the address id, so the admin API names a sender row by its address.
CREATE TABLE IF NOT EXISTS address_senders (
    address_id INTEGER PRIMARY KEY REFERENCES addresses (id) ON DELETE CASCADE,
    balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
    enabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Mail an address has sent, written only after the provider took it. `raw` is the send
-- request as JSON (never the caller's token); `message_id` the Message-ID or provider id.
CREATE TABLE IF NOT EXISTS sendbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    address_id INTEGER NOT NULL REFERENCES addresses (id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    raw TEXT NOT NULL,
    message_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sendbox_by_address ON sendbox (address_id, id);

-- Service-wide sends per UTC day and month (SEND_MAIL_DAILY_LIMIT / _MONTHLY_LIMIT).
CREATE TABLE IF NOT EXISTS send_quota (
    period TEXT PRIMARY KEY,               -- 'day:YYYY-MM-DD' | 'month:YYYY-MM'
    count INTEGER NOT NULL
);

-- Fixed-window counters for rate limits and failed-login throttling.
CREATE TABLE IF NOT EXISTS rate_limits (
    key TEXT NOT NULL,                     -- e.g. 'new_address:203.0.113.9'
    window_start INTEGER NOT NULL,         -- unix seconds, a multiple of the window length
    count INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);

-- Counts maintained by the database itself, whatever code path inserts or deletes.
CREATE TRIGGER IF NOT EXISTS addresses_counted AFTER INSERT ON addresses BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'addresses';
END;
CREATE TRIGGER IF NOT EXISTS addresses_uncounted AFTER DELETE ON addresses BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'addresses';
END;
CREATE TRIGGER IF NOT EXISTS mails_counted AFTER INSERT ON mails BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'mails';
    UPDATE addresses SET mail_count = mail_count + 1 WHERE id = NEW.address_id;
END;
CREATE TRIGGER IF NOT EXISTS mails_uncounted AFTER DELETE ON mails WHEN OLD.deleted_at IS NULL BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'mails';
    UPDATE addresses SET mail_count = mail_count - 1 WHERE id = OLD.address_id;
END;
CREATE TRIGGER IF NOT EXISTS users_counted AFTER INSERT ON users BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'users';
END;
CREATE TRIGGER IF NOT EXISTS users_uncounted AFTER DELETE ON users BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'users';
END;
CREATE TRIGGER IF NOT EXISTS sendbox_counted AFTER INSERT ON sendbox BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'sendbox';
    UPDATE addresses SET send_count = send_count + 1 WHERE id = NEW.address_id;
END;
CREATE TRIGGER IF NOT EXISTS sendbox_uncounted AFTER DELETE ON sendbox BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'sendbox';
    UPDATE addresses SET send_count = send_count - 1 WHERE id = OLD.address_id;
END;

-- One index per list filter, each ending in id so "newest first" pages are index walks.
CREATE INDEX IF NOT EXISTS mails_by_domain ON mails (domain, id);
CREATE INDEX IF NOT EXISTS mails_by_sender ON mails (from_addr COLLATE NOCASE, id);
CREATE INDEX IF NOT EXISTS mails_by_attachments ON mails ((attachment_count > 0), id);
CREATE INDEX IF NOT EXISTS mails_soft_deleted ON mails (deleted_at) WHERE deleted_at IS NOT NULL;

-- A soft-deleted mail leaves the counts and the search index at once; the cron removes the row.
CREATE TRIGGER IF NOT EXISTS mails_soft_delete AFTER UPDATE OF deleted_at ON mails
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'mails';
    UPDATE addresses SET mail_count = mail_count - 1 WHERE id = NEW.address_id;
    DELETE FROM mails_fts WHERE rowid = NEW.id;
END;

-- Full-text search: rowid = mails.id. Text is stored pre-segmented (CJK characters spaced
-- apart, see tempmail/fts.py) so unicode61 finds words in scripts without spaces.
-- The prefix indexes let "term"* queries walk a stored doclist newest first and stop after
-- one page; without them FTS5 merges every matching document first (cost grows with the
-- store). They roughly triple the index size; fts.BODY_INDEX_CHARS bounds it per mail.
CREATE VIRTUAL TABLE IF NOT EXISTS mails_fts USING fts5 (
    subject, addresses, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '3 4 5 6 7 8'
);
CREATE TRIGGER IF NOT EXISTS mails_fts_removed AFTER DELETE ON mails BEGIN
    DELETE FROM mails_fts WHERE rowid = OLD.id;
END;

-- Public, expiring, revocable links to one mail. Only a hash of the token is stored.
CREATE TABLE IF NOT EXISTS share_links (
    mail_id INTEGER PRIMARY KEY REFERENCES mails (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL,           -- unix seconds
    created_at TEXT NOT NULL
);

-- Admin-editable sender blocklist (BLACK_LIST is the fixed one): a sender containing a pattern is refused.
CREATE TABLE IF NOT EXISTS sender_blocklist (
    pattern TEXT PRIMARY KEY,              -- lower case
    created_at TEXT NOT NULL
);

-- Per-address auto-reply (cloudflare_temp_email's auto_reply_mails), used when ENABLE_AUTO_REPLY is set.
CREATE TABLE IF NOT EXISTS auto_replies (
    address_id INTEGER PRIMARY KEY REFERENCES addresses (id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',         -- display name of the reply's From
    source_prefix TEXT NOT NULL DEFAULT '',-- reply only to senders starting with this (empty: all)
    subject TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
