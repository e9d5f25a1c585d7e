-- Saved views of the customer list: a filter, columns and order under a
-- name. A private view is seen by its owner only; a shared one by everyone.
-- The filter, columns and order are kept as ringdesk writes them (JSON),
-- since they are only ever read back whole.
CREATE TABLE saved_views (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    -- Who saved it: the desk's user name ('' when none is set).
    owner         TEXT    NOT NULL DEFAULT '',
    shared        INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    layout_json   TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
-- One name per owner: saving under it again replaces the view.
CREATE UNIQUE INDEX saved_views_name ON saved_views (owner, name);
