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
    parse_status TEXT NOT NULL,            -- parsed | fallback | unparsed
    parse_error TEXT,
    metadata TEXT,                         -- JSON, as cloudflare_temp_email's raw_mails.metadata
    is_read INTEGER NOT NULL DEFAULT 0,
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
    stored INTEGER NOT NULL DEFAULT 1,     -- 1: decoded copy at <blob_key>/att/<idx>
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
CREATE TRIGGER IF NOT EXISTS mails_uncounted AFTER DELETE ON mails BEGIN
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
