-- Customer imports, so the last one can be undone: each import, and each
-- customer it touched with how that customer was before (NULL: the import
-- created it).
CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    file          TEXT    NOT NULL,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    at_ms         INTEGER NOT NULL,
    undone_at_ms  INTEGER
);

CREATE TABLE import_changes (
    import_id    INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    customer_id  INTEGER NOT NULL,
    before_json  TEXT
);

CREATE INDEX import_changes_import ON import_changes (import_id);
