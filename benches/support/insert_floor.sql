-- The floor of a customer batch on this machine: the customer book's own
-- tables and search index filled for 1,000,000 customers by INSERT … SELECT,
-- with no per-row statement, binding or parsing at all. Whatever ringdesk
-- writes per customer costs at least this.
--
--     rm -f /tmp/floor.sqlite3 && sqlite3 /tmp/floor.sqlite3 < benches/support/insert_floor.sql
--
-- Sum the run times: 1,000,000 / total is the most customers a second one
-- core can write with this schema (about 97,000 on the 2-core VM of the
-- README's table). The FTS tables leave out `contentless_delete`, which
-- the sqlite3 shell of Debian 12 does not know; it changes no insert cost.
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -524288;
CREATE TABLE customers (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    company TEXT NOT NULL DEFAULT '', email TEXT, address TEXT NOT NULL DEFAULT '', country TEXT,
    status_id INTEGER, source TEXT NOT NULL DEFAULT '', assignee_id INTEGER,
    memo TEXT NOT NULL DEFAULT '' CHECK (length(CAST(memo AS BLOB)) <= 8000),
    created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL, deleted_at_ms INTEGER);
CREATE TABLE customer_phones (
    customer_id INTEGER NOT NULL, position INTEGER NOT NULL, label TEXT NOT NULL DEFAULT '',
    raw TEXT NOT NULL, display TEXT NOT NULL, phone_key TEXT NOT NULL, digits TEXT NOT NULL,
    verified INTEGER NOT NULL, mobile INTEGER NOT NULL,
    PRIMARY KEY (customer_id, position)) WITHOUT ROWID;
CREATE TABLE group_members (
    group_id INTEGER NOT NULL, customer_id INTEGER NOT NULL,
    PRIMARY KEY (group_id, customer_id)) WITHOUT ROWID;
CREATE TABLE customer_tags (
    customer_id INTEGER NOT NULL, tag_id INTEGER NOT NULL,
    PRIMARY KEY (customer_id, tag_id)) WITHOUT ROWID;
CREATE VIRTUAL TABLE customer_fts USING fts5 (
    name, company, email, memo, content = '', tokenize = 'trigram');
CREATE VIRTUAL TABLE customer_tokens USING fts5 (
    tokens, content = '', detail = none, tokenize = 'ascii');
INSERT INTO customer_fts (customer_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO customer_tokens (customer_tokens, rank) VALUES ('hashsize', 16777216);
.timer on
INSERT INTO customers (name, company, email, memo, created_at_ms, updated_at_ms)
    SELECT '김민준' || (value % 1000), '한빛상사' || (value % 5000), 'user' || value || '@naver.com',
           CASE WHEN value % 3 = 0 THEN '오전 통화 선호 점심시간 피할 것 ' || value ELSE '' END, 1, 1
    FROM generate_series(1, 1000000);
INSERT INTO customer_phones
    SELECT id, 0, '휴대폰', '010-' || (1000 + id % 9000) || '-' || (1000 + id % 8999),
           '010-' || (1000 + id % 9000) || '-' || (1000 + id % 8999), '+8210' || (10000000 + id),
           '010' || (10000000 + id), 1, 1
    FROM customers;
INSERT INTO customer_phones
    SELECT id, 1, '회사', '02-' || (1000 + id % 9000) || '-' || (1000 + id % 8999),
           '02-' || (1000 + id % 9000) || '-' || (1000 + id % 8999), '+822' || (10000000 + id),
           '02' || (10000000 + id), 1, 0
    FROM customers WHERE id % 2 = 0;
INSERT INTO group_members SELECT id % 7, id FROM customers;
INSERT INTO customer_tags SELECT id, id % 11 FROM customers;
CREATE INDEX customer_phones_key ON customer_phones (phone_key);
CREATE INDEX customers_name ON customers (name) WHERE deleted_at_ms IS NULL;
INSERT INTO customer_fts (rowid, name, company, email, memo)
    SELECT id, name, company, email, memo FROM customers;
INSERT INTO customer_tokens (rowid, tokens)
    SELECT id, '김 김민 민 민준 준 ⓒ한 ⓒ한빛 01012345678 12345678 5678 0221234567 21234567 4567'
    FROM customers;
