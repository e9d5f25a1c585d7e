-- 0006: a picture for a bulk send (MMS to a group, pasted numbers or a sheet).
--
-- * batches.image_id: the picture every message of the batch carries, kept
--   once in message_images (found by its SHA-256, like a single MMS's) and
--   written in the transaction that stores the batch, so a batch resumed
--   after a crash or a reboot still has it. NULL for a batch of text
--   messages (SMS/LMS). A picture is never deleted while a batch names it.

ALTER TABLE batches ADD COLUMN image_id INTEGER REFERENCES message_images (id);
