-- 0005: a bulk send's recipients, stored with the batch before anything is
-- queued.
--
-- * batch_recipients: one row per recipient in the order of the list (seq
--   from 1), with the number, the customer it belongs to, the sheet row or
--   pasted line it came from and, for 엑셀문자발송, the row's column values
--   (JSON [[name, value], …]) for the text's #{열이름}. A runner turns them
--   into messages a chunk at a time: each chunk's messages are written in
--   the same transaction that sets their recipients' message_id (or the
--   reason they were left out, in skipped), so a crash or a reboot between
--   chunks resumes at the first recipient without either — none sent twice,
--   none skipped. A message a recipient names is never deleted.

CREATE TABLE batch_recipients (
    batch_id    INTEGER NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    source_row  INTEGER,
    to_raw      TEXT    NOT NULL,
    to_key      TEXT    NOT NULL,
    customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    vals        TEXT,
    message_id  INTEGER REFERENCES messages (id),
    skipped     TEXT,
    PRIMARY KEY (batch_id, seq),
    CHECK (message_id IS NULL OR skipped IS NULL)
) WITHOUT ROWID;
-- The next recipients of a batch to turn into messages.
CREATE INDEX batch_recipients_pending ON batch_recipients (batch_id, seq)
    WHERE message_id IS NULL AND skipped IS NULL;
