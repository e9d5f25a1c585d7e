-- 0008: a customer's history (이력), so the card can show who changed what
-- and when: one row per changed field, number, group or tag, per
-- reassignment, status move, deletion, restore, import and merge. Written in
-- the same transaction as the change itself. Calls, messages and notes keep
-- their own tables; the card's timeline merges them with these rows.
CREATE TABLE customer_history (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    at_ms        INTEGER NOT NULL,
    -- Who: a user of the book when known, and the name the desk went by
    -- (both NULL for the command line without a configured user).
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    user_name    TEXT,
    -- created, field, group_added, group_removed, tag_added, tag_removed,
    -- assignee, status, deleted, restored, imported, merged.
    kind         TEXT    NOT NULL,
    -- For kind = 'field': name, email, phone, field:KEY…
    field        TEXT    NOT NULL DEFAULT '',
    -- A number's or user-defined field's label; a merged customer's name.
    label        TEXT    NOT NULL DEFAULT '',
    old_text     TEXT    NOT NULL DEFAULT '',
    new_text     TEXT    NOT NULL DEFAULT '',
    -- The import that made the change (imports.id). No foreign key: checking
    -- it for each of a million customers an import creates costs more than
    -- writing the rows, and imports are never deleted.
    import_id    INTEGER
);
CREATE INDEX customer_history_customer ON customer_history (customer_id, at_ms);
