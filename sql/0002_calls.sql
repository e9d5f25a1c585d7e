-- 0002: the call log as the PBX tracker records it.
--
-- The tracker follows every call the agent's extension takes part in: calls
-- between two extensions (direction 'internal') and ring-group calls that a
-- colleague picked up ('answered_elsewhere') are logged too, and each ended
-- call keeps the Q.850 cause the PBX gave for its hang-up (Asterisk's
-- `Cause` and `Cause-txt`), so "why did it fail" can be answered later.
--
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt
-- as https://www.sqlite.org/lang_altertable.html#otheralter describes: a new
-- table, the rows copied with their ids, the old one dropped, the new one
-- renamed and its indexes made again. No other table refers to calls, and
-- it has no triggers or views.

CREATE TABLE calls_new (
    id             INTEGER PRIMARY KEY,
    direction      TEXT    NOT NULL CHECK (direction IN ('in', 'out', 'internal')),
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
    outcome        TEXT CHECK (outcome IN ('answered', 'missed', 'busy', 'no_answer', 'failed',
                                           'answered_elsewhere')),
    -- Q.850 hang-up cause code (16 normal clearing, 17 user busy…); NULL until ended.
    cause          INTEGER CHECK (cause BETWEEN 0 AND 65535),
    -- The PBX's words for the cause ("Normal Clearing"), as it gave them.
    cause_text     TEXT    NOT NULL DEFAULT '',
    memo           TEXT    NOT NULL DEFAULT ''
);

INSERT INTO calls_new (id, direction, pbx_call_id, number_raw, phone_key, customer_id, user_id,
                       extension, line, started_at_ms, answered_at_ms, ended_at_ms, outcome, memo)
SELECT id, direction, pbx_call_id, number_raw, phone_key, customer_id, user_id,
       extension, line, started_at_ms, answered_at_ms, ended_at_ms, outcome, memo
FROM calls;

DROP TABLE calls;
ALTER TABLE calls_new RENAME TO calls;

-- As in 0001. One row per PBX call and extension: a replayed or re-synced
-- event finds the row it wrote before instead of making a second one.
CREATE UNIQUE INDEX calls_pbx_call ON calls (pbx_call_id, extension) WHERE pbx_call_id IS NOT NULL;
CREATE INDEX calls_started ON calls (started_at_ms);
CREATE INDEX calls_user ON calls (user_id, started_at_ms) WHERE user_id IS NOT NULL;
CREATE INDEX calls_customer ON calls (customer_id, started_at_ms) WHERE customer_id IS NOT NULL;
CREATE INDEX calls_phone ON calls (phone_key, started_at_ms);
