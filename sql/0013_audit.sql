-- The audit log: who did what that matters (sign-ins, bulk sends, exports,
-- imports, deletes, merges, settings and role changes), when, and from
-- which machine. Entries are only ever added: the triggers refuse any
-- change or removal, whichever program asks.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at_ms     INTEGER NOT NULL,
    -- The user as named when it happened ('' when nobody was signed in).
    actor     TEXT    NOT NULL DEFAULT '',
    actor_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    machine   TEXT    NOT NULL DEFAULT '',
    action    TEXT    NOT NULL,
    -- What it was done to: a customer, a file, a batch, a setting, a user.
    target    TEXT    NOT NULL DEFAULT '',
    detail    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at_ms);
CREATE INDEX audit_log_action ON audit_log (action, at_ms);

CREATE TRIGGER audit_log_kept_as_written BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log entries cannot be changed');
END;
CREATE TRIGGER audit_log_never_removed BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log entries cannot be removed');
END;
