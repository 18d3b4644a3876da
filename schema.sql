-- tempmail-worker schema. Applied as-is by `wrangler d1 execute tempmail --remote --file schema.sql`
-- on Cloudflare and by the local host on every start, so every statement is idempotent.
-- Raw MIME never lives here: it is in the blob store (R2 / a folder) under mails.blob_key.

CREATE TABLE IF NOT EXISTS addresses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: ids are never reused, so old tokens stay dead
    name TEXT NOT NULL UNIQUE,             -- the full address, lower case
    password_hash TEXT,                    -- pbkdf2_sha256$iterations$salt$hash
    mail_count INTEGER NOT NULL DEFAULT 0, -- kept in step with mails so listing never counts rows
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
    attachments_omitted INTEGER NOT NULL DEFAULT 0, -- parts over the listing limit (still in the raw)
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
    stored INTEGER NOT NULL DEFAULT 1,     -- 1: decoded copy at <blob_key>/att/<idx>; 0: read from the raw
    raw_start INTEGER,                     -- when not stored: the encoded bytes are raw.eml[raw_start:raw_end]
    raw_end INTEGER,
    encoding TEXT NOT NULL DEFAULT 'identity', -- base64 | quoted-printable | identity, of that span
    PRIMARY KEY (mail_id, idx)
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
