-- 0009: customer merges, so a merge can be undone.
--
-- A merge folds customer `other_id` into `keep_id`: the kept card takes the
-- chosen values, every number, group and tag, and other's notes, calls and
-- messages; other goes to the recycle bin. The row keeps what undo needs:
-- the kept customer's card as it was (its row, numbers and field values as
-- JSON), the groups and tags the merge added to it, the ids of the notes,
-- calls and messages it moved, and both customers' updated_at_ms right
-- after the merge, so an undo can tell whether either was changed since.
-- While a merge is not undone, other_id is "merged into keep_id".
CREATE TABLE customer_merges (
    id                     INTEGER PRIMARY KEY,
    keep_id                INTEGER NOT NULL,
    other_id               INTEGER NOT NULL,
    at_ms                  INTEGER NOT NULL,
    -- {"customer": {column: value…}, "phones": [{…}], "fields": [{…}]}
    keep_before_json       TEXT    NOT NULL,
    -- {"updated_at_ms": …} of the other customer before it was binned.
    other_before_json      TEXT    NOT NULL,
    -- {"groups": [ids], "tags": [ids], "notes": [ids], "calls": [ids],
    --  "messages": [ids], "received": [ids]}
    moved_json             TEXT    NOT NULL,
    -- The keys of the fields whose value came from the other customer.
    choices_json           TEXT    NOT NULL DEFAULT '[]',
    keep_after_updated_ms  INTEGER NOT NULL,
    other_after_updated_ms INTEGER NOT NULL,
    undone_at_ms           INTEGER
);
CREATE INDEX customer_merges_other ON customer_merges (other_id) WHERE undone_at_ms IS NULL;
CREATE INDEX customer_merges_keep ON customer_merges (keep_id);
