-- 0003: what the outbox needs to send safely, and the messages customers send back.
--
-- * messages.uid: ringdesk's own id for a message, given to the gateway with
--   it. Delivery reports name a message by it, so a report matches even when
--   the gateway's answer to the send was lost, and a gateway that
--   deduplicates recognises a message handed over twice. 128 random bits as
--   32 hex digits, so ids from two desks' databases never meet. Rows queued
--   before this migration get one here; the store gives every new row one.
-- * messages.next_attempt_ms: a message that failed for a passing reason
--   waits in the outbox until then (backoff); NULL means now.
-- * messages.attempted_at_ms: when it was last handed to the gateway, so a
--   message found half-sent after a crash knows how long it has waited for
--   its delivery report.
-- * received_messages: the inbound (MO) log, matched to a customer by the
--   sender's number when the message arrives.

ALTER TABLE messages ADD COLUMN uid TEXT;
ALTER TABLE messages ADD COLUMN next_attempt_ms INTEGER;
ALTER TABLE messages ADD COLUMN attempted_at_ms INTEGER;
UPDATE messages SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
CREATE UNIQUE INDEX messages_uid ON messages (uid);

-- The outbox index again, now carrying the retry time, so taking the due
-- messages reads this index alone however long the log grows.
DROP INDEX messages_outbox;
CREATE INDEX messages_outbox ON messages (state, id, next_attempt_ms)
    WHERE state IN ('queued', 'sending');
-- Taken messages whose delivery report is awaited: asked after at start.
CREATE INDEX messages_awaiting ON messages (sent_at_ms) WHERE state = 'sent';

CREATE TABLE received_messages (
    id             INTEGER PRIMARY KEY,
    -- The sender's number as the gateway gave it, and its canonical key.
    from_raw       TEXT    NOT NULL,
    from_key       TEXT    NOT NULL,
    -- The company number it was sent to, as the gateway gave it.
    to_raw         TEXT    NOT NULL DEFAULT '',
    body           TEXT    NOT NULL,
    -- The customer the number belonged to when it arrived (exactly one).
    customer_id    INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    gateway_ref    TEXT,
    received_at_ms INTEGER NOT NULL,
    stored_at_ms   INTEGER NOT NULL
);
-- A gateway that calls back twice for one message stores it once: by its
-- id when it gives one, by sender, time and text when it does not.
CREATE UNIQUE INDEX received_messages_ref ON received_messages (gateway_ref)
    WHERE gateway_ref IS NOT NULL;
CREATE UNIQUE INDEX received_messages_repeat ON received_messages (from_key, received_at_ms, body)
    WHERE gateway_ref IS NULL;
CREATE INDEX received_messages_at ON received_messages (received_at_ms);
CREATE INDEX received_messages_customer ON received_messages (customer_id, received_at_ms)
    WHERE customer_id IS NOT NULL;
CREATE INDEX received_messages_from ON received_messages (from_key, received_at_ms);
