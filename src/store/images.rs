//! MMS pictures, each distinct one stored once (`message_images`), found by
//! the SHA-256 of its bytes; messages name theirs by `messages.image_id`,
//! a bulk send its by `batches.image_id`.
//!
//! A bulk send hands the store one [`Picture`] shared by every message of
//! the batch; [`ImageWriter`] hashes each shared copy once per transaction,
//! so queueing 100,000 messages with one 300 KB picture hashes 300 KB, not
//! 30 GB, and writes the picture once.

use rusqlite::{Connection, OptionalExtension as _, Statement, params};
use sha2::{Digest as _, Sha256};

use super::error::{Result, found};
use super::{Store, now_ms};
use crate::domain::{ImageId, Picture};

impl Store {
    /// The bytes of a stored picture.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such picture.
    pub fn picture(&self, id: ImageId) -> Result<Picture> {
        picture(&self.conn, id)
    }
}

/// The bytes of picture `id`, on any connection or transaction.
pub(super) fn picture(conn: &Connection, id: ImageId) -> Result<Picture> {
    found(
        conn.prepare_cached("SELECT bytes FROM message_images WHERE id = ?1")?
            .query_row([id.0], |row| row.get::<_, Vec<u8>>(0)),
        "picture",
        id.0,
    )
    .map(Picture::new)
}

/// Stores pictures inside one transaction, each distinct one once.
pub(super) struct ImageWriter<'tx> {
    insert: Statement<'tx>,
    lookup: Statement<'tx>,
    /// The copies already written in this transaction. A batch shares one
    /// copy, so this stays a handful long and a linear search suffices.
    seen: Vec<(Picture, ImageId)>,
}

impl<'tx> ImageWriter<'tx> {
    pub(super) fn new(conn: &'tx Connection) -> Result<Self> {
        Ok(Self {
            insert: conn.prepare(
                "INSERT INTO message_images (sha256, size_bytes, created_at_ms, bytes)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (sha256) DO NOTHING",
            )?,
            lookup: conn.prepare("SELECT id FROM message_images WHERE sha256 = ?1")?,
            seen: Vec::new(),
        })
    }

    /// The id of `picture`, writing it when no stored picture has its bytes.
    pub(super) fn id_of(&mut self, picture: &Picture) -> Result<ImageId> {
        if let Some((_, id)) = self
            .seen
            .iter()
            .find(|(seen, _)| seen.is_same_copy(picture))
        {
            return Ok(*id);
        }
        let sha256 = Sha256::digest(picture.bytes());
        let sha256 = sha256.as_slice();
        let known: Option<i64> = self
            .lookup
            .query_row([sha256], |row| row.get(0))
            .optional()?;
        let id = if let Some(id) = known {
            ImageId(id)
        } else {
            self.insert.execute(params![
                sha256,
                i64::try_from(picture.size_bytes()).unwrap_or(i64::MAX),
                now_ms(),
                picture.bytes(),
            ])?;
            ImageId(self.lookup.query_row([sha256], |row| row.get(0))?)
        };
        self.seen.push((picture.clone(), id));
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::store;

    #[test]
    fn equal_bytes_are_stored_once_and_read_back() {
        let mut store = store();
        let tx = store.conn.transaction().unwrap();
        let (first, again, other) = {
            let mut writer = ImageWriter::new(&tx).unwrap();
            let picture = Picture::new(vec![0xFF, 0xD8, 0xFF, 1, 2, 3]);
            let first = writer.id_of(&picture).unwrap();
            // The same copy, then equal bytes in another copy.
            assert_eq!(writer.id_of(&picture.clone()).unwrap(), first);
            let again = writer
                .id_of(&Picture::new(vec![0xFF, 0xD8, 0xFF, 1, 2, 3]))
                .unwrap();
            let other = writer
                .id_of(&Picture::new(vec![0xFF, 0xD8, 0xFF, 9]))
                .unwrap();
            (first, again, other)
        };
        tx.commit().unwrap();
        assert_eq!(first, again);
        assert_ne!(first, other);
        assert_eq!(
            store.picture(first).unwrap().bytes(),
            [0xFF, 0xD8, 0xFF, 1, 2, 3]
        );
        assert!(matches!(
            store.picture(ImageId(99)),
            Err(crate::store::Error::NotFound {
                what: "picture",
                ..
            })
        ));
    }
}
