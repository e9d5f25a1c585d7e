-- 0004: pictures for MMS.
--
-- * message_images: each distinct picture once, found by the SHA-256 of its
--   bytes, so a bulk send of one picture to 100,000 recipients stores it
--   once and every message names it. size_bytes sits before the bytes so
--   the message log reads a picture's size without touching the picture
--   (SQLite keeps a large BLOB on overflow pages it reads only when asked).
-- * messages.image_id: the picture an MMS carries; NULL for SMS and LMS.
--   A picture is never deleted while a message names it.

CREATE TABLE message_images (
    id            INTEGER PRIMARY KEY,
    sha256        BLOB    NOT NULL UNIQUE CHECK (length(sha256) = 32),
    size_bytes    INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL,
    bytes         BLOB    NOT NULL
);

ALTER TABLE messages ADD COLUMN image_id INTEGER REFERENCES message_images (id);
-- Which messages carry a picture: for the foreign key's checks and for
-- clearing pictures no message names any more.
CREATE INDEX messages_image ON messages (image_id) WHERE image_id IS NOT NULL;
