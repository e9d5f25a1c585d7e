-- 0001: the whole customer book and everything kept around it.
--
-- Laid down at once so that later features add columns, not redesign tables:
-- customers with their numbers, groups, tags, user-defined fields and notes;
-- the users who work on them; the call and message logs; SMS templates,
-- registered sender numbers and bulk batches; the search indexes.
--
-- Times are Unix milliseconds (UTC) in columns named *_at_ms. Soft-deleted
-- rows carry deleted_at_ms and stay until the recycle bin is emptied.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    login           TEXT    NOT NULL COLLATE NOCASE,
    display_name    TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('agent', 'manager', 'admin')),
    extension       TEXT,
    -- Argon2id PHC string; NULL until a password is set.
    password_hash   TEXT,
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until_ms INTEGER,
    -- Per-user view settings (columns, language, pop-up mode) as JSON.
    settings_json   TEXT    NOT NULL DEFAULT '{}',
    created_at_ms   INTEGER NOT NULL,
    updated_at_ms   INTEGER NOT NULL,
    deleted_at_ms   INTEGER
);
-- Unique among live users: a deleted user's login can be given out again
-- while their history keeps showing who they were.
CREATE UNIQUE INDEX users_login ON users (login) WHERE deleted_at_ms IS NULL;

-- The statuses a customer can be in (신규, 상담중, 계약…), edited by admins.
CREATE TABLE customer_statuses (
    id       INTEGER PRIMARY KEY,
    name     TEXT    NOT NULL UNIQUE,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE customers (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    company           TEXT    NOT NULL DEFAULT '',
    email             TEXT,
    address           TEXT    NOT NULL DEFAULT '',
    -- ISO 3166 two-letter code; decides how the customer's numbers are read.
    country           TEXT,
    status_id         INTEGER REFERENCES customer_statuses (id) ON DELETE SET NULL,
    source            TEXT    NOT NULL DEFAULT '',
    assignee_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    memo              TEXT    NOT NULL DEFAULT '' CHECK (length(CAST(memo AS BLOB)) <= 8000),
    -- Advertising consent (정보통신망법 §50): opted out, and consent to night-time sending.
    ad_opt_out_at_ms  INTEGER,
    ad_night_consent  INTEGER NOT NULL DEFAULT 0 CHECK (ad_night_consent IN (0, 1)),
    created_at_ms     INTEGER NOT NULL,
    updated_at_ms     INTEGER NOT NULL,
    deleted_at_ms     INTEGER
);
-- Live customers by name: the customer list's default order. Partial, so a
-- page deep in the list (OFFSET 500,000) skips entries of this index alone,
-- never reading a row to see whether it is in the recycle bin.
CREATE INDEX customers_name ON customers (name) WHERE deleted_at_ms IS NULL;
CREATE INDEX customers_company ON customers (company) WHERE company <> '';
CREATE INDEX customers_created ON customers (created_at_ms);
CREATE INDEX customers_updated ON customers (updated_at_ms);
-- With deleted_at_ms, so counting a status's or an assignee's live customers
-- reads this index alone.
CREATE INDEX customers_assignee ON customers (assignee_id, deleted_at_ms) WHERE assignee_id IS NOT NULL;
CREATE INDEX customers_status ON customers (status_id, deleted_at_ms) WHERE status_id IS NOT NULL;
CREATE INDEX customers_deleted ON customers (deleted_at_ms) WHERE deleted_at_ms IS NOT NULL;

-- A customer's numbers. `phone_key` is the canonical form (E.164 for numbers
-- that validate, the bare digits for numbers kept as typed), so a caller ID in
-- any format finds its customers with one indexed lookup.
CREATE TABLE customer_phones (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    label       TEXT    NOT NULL DEFAULT '',
    raw         TEXT    NOT NULL,
    -- Formatted for display (010-1234-5678), so lists need not parse again.
    display     TEXT    NOT NULL,
    phone_key   TEXT    NOT NULL,
    digits      TEXT    NOT NULL,
    verified    INTEGER NOT NULL CHECK (verified IN (0, 1)),
    mobile      INTEGER NOT NULL CHECK (mobile IN (0, 1)),
    PRIMARY KEY (customer_id, position)
) WITHOUT ROWID;
CREATE INDEX customer_phones_key ON customer_phones (phone_key);

-- Groups form a tree (the left-hand group panel); a customer can be in several.
CREATE TABLE customer_groups (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    parent_id     INTEGER REFERENCES customer_groups (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL,
    deleted_at_ms INTEGER
);
CREATE UNIQUE INDEX customer_groups_name ON customer_groups (coalesce(parent_id, 0), name)
    WHERE deleted_at_ms IS NULL;

CREATE TABLE group_members (
    group_id    INTEGER NOT NULL REFERENCES customer_groups (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX group_members_customer ON group_members (customer_id);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE customer_tags (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (customer_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX customer_tags_tag ON customer_tags (tag_id);

-- User-defined fields: the company's own customer fields.
CREATE TABLE field_defs (
    id            INTEGER PRIMARY KEY,
    key           TEXT    NOT NULL,
    label         TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('text', 'number', 'date', 'yes_no', 'choice', 'email', 'phone')),
    -- JSON array of the allowed values when kind = 'choice'.
    choices_json  TEXT    NOT NULL DEFAULT '[]',
    position      INTEGER NOT NULL DEFAULT 0,
    required      INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    show_in_list  INTEGER NOT NULL DEFAULT 1 CHECK (show_in_list IN (0, 1)),
    show_in_popup INTEGER NOT NULL DEFAULT 0 CHECK (show_in_popup IN (0, 1)),
    created_at_ms INTEGER NOT NULL,
    deleted_at_ms INTEGER
);
CREATE UNIQUE INDEX field_defs_key ON field_defs (key) WHERE deleted_at_ms IS NULL;

-- One value per customer and field. `value` has no declared type so it keeps
-- what it is given: INTEGER for numbers and yes/no, REAL for fractions, TEXT
-- (dates as YYYY-MM-DD) otherwise; within one field the values share a type,
-- so the (field_id, value) index serves filters and sorting on that field.
CREATE TABLE field_values (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    field_id    INTEGER NOT NULL REFERENCES field_defs (id) ON DELETE CASCADE,
    value,
    PRIMARY KEY (customer_id, field_id)
) WITHOUT ROWID;
CREATE INDEX field_values_by_field ON field_values (field_id, value);

-- Timestamped notes on a customer (상담 이력), with their author.
CREATE TABLE notes (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body          TEXT    NOT NULL CHECK (length(trim(body)) > 0),
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    deleted_at_ms INTEGER
);
CREATE INDEX notes_customer ON notes (customer_id, created_at_ms);

-- The call log. A call is written when it starts ringing and updated as it
-- is answered and ends, so a crash mid-call loses nothing.
CREATE TABLE calls (
    id             INTEGER PRIMARY KEY,
    direction      TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    -- The PBX's own id for the call (Asterisk Linkedid).
    pbx_call_id    TEXT,
    number_raw     TEXT    NOT NULL,
    phone_key      TEXT    NOT NULL,
    customer_id    INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    user_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    extension      TEXT    NOT NULL DEFAULT '',
    -- The line the call came in on (DID) or went out of.
    line           TEXT    NOT NULL DEFAULT '',
    started_at_ms  INTEGER NOT NULL,
    answered_at_ms INTEGER,
    ended_at_ms    INTEGER,
    outcome        TEXT CHECK (outcome IN ('answered', 'missed', 'busy', 'no_answer', 'failed')),
    memo           TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX calls_pbx_call ON calls (pbx_call_id, extension) WHERE pbx_call_id IS NOT NULL;
CREATE INDEX calls_started ON calls (started_at_ms);
CREATE INDEX calls_user ON calls (user_id, started_at_ms) WHERE user_id IS NOT NULL;
CREATE INDEX calls_customer ON calls (customer_id, started_at_ms) WHERE customer_id IS NOT NULL;
CREATE INDEX calls_phone ON calls (phone_key, started_at_ms);

-- Registered sender numbers (발신번호); sending from any other is refused.
CREATE TABLE sender_numbers (
    id            INTEGER PRIMARY KEY,
    phone_key     TEXT    NOT NULL UNIQUE,
    raw           TEXT    NOT NULL,
    label         TEXT    NOT NULL DEFAULT '',
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at_ms INTEGER NOT NULL
);

-- Saved SMS texts (SMS문구).
CREATE TABLE sms_templates (
    id               INTEGER PRIMARY KEY,
    title            TEXT    NOT NULL CHECK (length(trim(title)) > 0),
    subject          TEXT    NOT NULL DEFAULT '',
    body             TEXT    NOT NULL,
    sender_number_id INTEGER REFERENCES sender_numbers (id) ON DELETE SET NULL,
    advertising      INTEGER NOT NULL DEFAULT 0 CHECK (advertising IN (0, 1)),
    position         INTEGER NOT NULL DEFAULT 0,
    created_at_ms    INTEGER NOT NULL,
    updated_at_ms    INTEGER NOT NULL,
    deleted_at_ms    INTEGER
);

-- A bulk send (대량, 임의, 엑셀): its messages point back at it.
CREATE TABLE batches (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('bulk', 'free', 'excel')),
    title            TEXT    NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    sender_number_id INTEGER REFERENCES sender_numbers (id) ON DELETE SET NULL,
    subject          TEXT    NOT NULL DEFAULT '',
    body_template    TEXT    NOT NULL,
    advertising      INTEGER NOT NULL DEFAULT 0 CHECK (advertising IN (0, 1)),
    state            TEXT    NOT NULL DEFAULT 'draft'
                     CHECK (state IN ('draft', 'queued', 'running', 'paused', 'done', 'cancelled')),
    total            INTEGER NOT NULL DEFAULT 0,
    scheduled_at_ms  INTEGER,
    created_at_ms    INTEGER NOT NULL,
    updated_at_ms    INTEGER NOT NULL
);

-- The message log and the outbox in one: a message is stored before it is
-- sent and then moves queued → sending → sent → delivered / failed.
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    batch_id         INTEGER REFERENCES batches (id) ON DELETE SET NULL,
    customer_id      INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    user_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    to_raw           TEXT    NOT NULL,
    to_key           TEXT    NOT NULL,
    from_key         TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('sms', 'lms', 'mms')),
    subject          TEXT    NOT NULL DEFAULT '',
    body             TEXT    NOT NULL,
    advertising      INTEGER NOT NULL DEFAULT 0 CHECK (advertising IN (0, 1)),
    state            TEXT    NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    gateway_ref      TEXT,
    error            TEXT,
    created_at_ms    INTEGER NOT NULL,
    updated_at_ms    INTEGER NOT NULL,
    sent_at_ms       INTEGER,
    delivered_at_ms  INTEGER
);
CREATE INDEX messages_outbox ON messages (state, id) WHERE state IN ('queued', 'sending');
CREATE INDEX messages_created ON messages (created_at_ms);
CREATE INDEX messages_customer ON messages (customer_id, created_at_ms) WHERE customer_id IS NOT NULL;
CREATE INDEX messages_batch ON messages (batch_id, state) WHERE batch_id IS NOT NULL;
CREATE INDEX messages_to ON messages (to_key, created_at_ms);

-- Search. customer_fts finds substrings of three or more characters of a
-- name, company, e-mail or memo in any language (trigram tokenizer: no word
-- boundaries needed for Korean or Japanese). The row id is the customer id.
-- Contentless: the text lives in customers, not twice.
CREATE VIRTUAL TABLE customer_fts USING fts5 (
    name, company, email, memo,
    content = '', contentless_delete = 1, tokenize = 'trigram'
);

-- customer_tokens holds, as space-separated words, what trigrams cannot find:
-- * every one- and two-character piece of the name and company: a surname
--   (김) or a given name (민준) is what a Korean agent types most;
-- * each number from each of its blocks on (01012345678, 12345678, 5678),
--   so the last four digits, the middle block or the start of a number
--   finds it with a prefix query.
-- FTS5 rather than a plain table because it buffers a transaction's tokens
-- in memory and writes them in sorted runs, where a B-tree would take a
-- random-position insert per token.
CREATE VIRTUAL TABLE customer_tokens USING fts5 (
    tokens,
    content = '', contentless_delete = 1, detail = none,
    tokenize = 'ascii'
);

-- FTS5 writes its pending tokens to disk whenever they pass 1 MB by default,
-- several times per 10,000-customer batch; each write is a segment to merge
-- later. 16 MB holds a whole batch.
INSERT INTO customer_fts (customer_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO customer_tokens (customer_tokens, rank) VALUES ('hashsize', 16777216);
