//! Bulk sends: create (as a draft), read, list newest first, move through
//! their states, record their size. A batch's picture (an MMS to all) is
//! written with it, once per distinct picture ([`super::images`]).
//!
//! Every state change goes through [`crate::domain::BatchState::move_to`] inside
//! the transaction that writes it, so two writers cannot both move a batch
//! out of the same state.

use rusqlite::{Row, Transaction, params};

use super::columns::{one_changed, parsed, time_or_null};
use super::error::{Result, found};
use super::images::ImageWriter;
use super::references;
use super::{Page, Store, now_ms};
use crate::domain::{
    Batch, BatchId, BatchState, ImageId, MessageImage, NewBatch, SenderNumberId, Timestamp, UserId,
};

impl Store {
    /// Saves a new batch as a draft with no messages.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for input that breaks a rule of [`NewBatch::check`],
    /// [`super::Error::NotFound`] for an unknown user or sender number.
    pub fn create_batch(&mut self, batch: &NewBatch) -> Result<BatchId> {
        let batch = batch.check()?;
        let tx = self.conn.transaction()?;
        let id = insert_batch(&tx, &batch, BatchState::Draft, 0)?;
        tx.commit()?;
        Ok(id)
    }

    /// One batch.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such batch.
    pub fn batch(&self, id: BatchId) -> Result<Batch> {
        found(
            self.conn
                .prepare_cached(&format!("{BATCH_SELECT} WHERE id = ?1"))?
                .query_row([id.0], batch_from_row),
            "batch",
            id.0,
        )
    }

    /// A page of batches, newest first.
    ///
    /// # Errors
    /// On a database failure.
    pub fn batches(&self, page: Page) -> Result<Vec<Batch>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{BATCH_SELECT} ORDER BY id DESC LIMIT ?1 OFFSET ?2"
            ))?
            .query_map([page.limit, page.offset], batch_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Moves a batch to `state` if its current state allows it (see
    /// [`BatchState::can_become`]).
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such batch,
    /// [`super::Error::Invalid`] (field `state`, naming both states) for a move
    /// that is not allowed.
    pub fn set_batch_state(&mut self, id: BatchId, state: BatchState) -> Result<()> {
        let tx = self.conn.transaction()?;
        let current: BatchState = found(
            tx.prepare_cached("SELECT state FROM batches WHERE id = ?1")?
                .query_row([id.0], |row| parsed(row, 0)),
            "batch",
            id.0,
        )?;
        let next = current.move_to(state)?;
        tx.execute(
            "UPDATE batches SET state = ?2, updated_at_ms = ?3 WHERE id = ?1",
            params![id.0, next.as_str(), now_ms()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records how many messages a batch has.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such batch.
    pub fn set_batch_total(&mut self, id: BatchId, total: u32) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE batches SET total = ?2, updated_at_ms = ?3 WHERE id = ?1",
            params![id.0, total, now_ms()],
        )?;
        one_changed(changed, "batch", id.0)
    }
}

/// Every column of [`Batch`]. Its picture is named and sized, never read
/// (as in the message log's select).
pub(super) const BATCH_SELECT: &str =
    "SELECT id, kind, title, created_by, sender_number_id, subject,
        body_template, advertising, state, total, scheduled_at_ms, created_at_ms, updated_at_ms,
        image_id, (SELECT i.size_bytes FROM message_images i WHERE i.id = batches.image_id)
    FROM batches";

pub(super) fn batch_from_row(row: &Row<'_>) -> rusqlite::Result<Batch> {
    Ok(Batch {
        id: BatchId(row.get(0)?),
        kind: parsed(row, 1)?,
        title: row.get(2)?,
        created_by: row.get::<_, Option<i64>>(3)?.map(UserId),
        sender_number_id: row.get::<_, Option<i64>>(4)?.map(SenderNumberId),
        subject: row.get(5)?,
        body_template: row.get(6)?,
        advertising: row.get(7)?,
        state: parsed(row, 8)?,
        total: row.get(9)?,
        scheduled_at: time_or_null(row, 10)?,
        created_at: Timestamp(row.get(11)?),
        updated_at: Timestamp(row.get(12)?),
        image: match (
            row.get::<_, Option<i64>>(13)?,
            row.get::<_, Option<u64>>(14)?,
        ) {
            (Some(id), Some(size_bytes)) => Some(MessageImage {
                id: ImageId(id),
                size_bytes,
            }),
            _ => None,
        },
    })
}

/// Writes `batch` (checked) in `state` with `total` messages to come, and
/// its picture unless one with the same bytes is stored already.
pub(super) fn insert_batch(
    tx: &Transaction<'_>,
    batch: &NewBatch,
    state: BatchState,
    total: u32,
) -> Result<BatchId> {
    if let Some(user) = batch.created_by {
        references::user(tx, user)?;
    }
    if let Some(sender) = batch.sender_number_id {
        references::sender_number(tx, sender)?;
    }
    let image = match &batch.image {
        Some(picture) => Some(ImageWriter::new(tx)?.id_of(picture)?.0),
        None => None,
    };
    tx.execute(
        "INSERT INTO batches (kind, title, created_by, sender_number_id, subject,
             body_template, advertising, state, total, scheduled_at_ms, created_at_ms,
             updated_at_ms, image_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
        params![
            batch.kind.as_str(),
            batch.title,
            batch.created_by.map(|user| user.0),
            batch.sender_number_id.map(|sender| sender.0),
            batch.subject,
            batch.body_template,
            batch.advertising,
            state.as_str(),
            total,
            batch.scheduled_at.map(Timestamp::as_millis),
            now_ms(),
            image,
        ],
    )?;
    Ok(BatchId(tx.last_insert_rowid()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BatchKind, NewSenderNumber, NewUser, PhoneNumber, Region, Role};
    use crate::store::Error;
    use crate::store::test_support::store;

    fn new_batch(title: &str) -> NewBatch {
        NewBatch {
            kind: BatchKind::Bulk,
            title: title.to_owned(),
            created_by: None,
            sender_number_id: None,
            subject: String::new(),
            body_template: "{name}님, 3월 정기점검 안내드립니다.".to_owned(),
            advertising: false,
            scheduled_at: None,
            image: None,
        }
    }

    #[test]
    fn a_new_batch_is_an_empty_draft() {
        let mut store = store();
        let user = store
            .create_user(&NewUser {
                login: "kim".to_owned(),
                display_name: "김민수".to_owned(),
                role: Role::Manager,
                extension: None,
            })
            .unwrap();
        let sender = store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
        let mut batch = new_batch(" 3월 점검 ");
        batch.kind = BatchKind::Excel;
        batch.created_by = Some(user);
        batch.sender_number_id = Some(sender);
        batch.scheduled_at = Some(Timestamp(1_700_000_000_000));
        let id = store.create_batch(&batch).unwrap();

        let read = store.batch(id).unwrap();
        assert_eq!(read.kind, BatchKind::Excel);
        assert_eq!(read.title, "3월 점검");
        assert_eq!(read.created_by, Some(user));
        assert_eq!(read.sender_number_id, Some(sender));
        assert_eq!(read.body_template, batch.body_template);
        assert_eq!(read.state, BatchState::Draft);
        assert_eq!(read.total, 0);
        assert_eq!(read.scheduled_at, Some(Timestamp(1_700_000_000_000)));
        assert!(matches!(
            store.batch(BatchId(99)),
            Err(Error::NotFound {
                what: "batch",
                id: 99
            })
        ));
    }

    #[test]
    fn bad_input_and_unknown_references_are_refused() {
        let mut store = store();
        let mut empty = new_batch("t");
        empty.body_template = "  ".to_owned();
        assert!(matches!(
            store.create_batch(&empty),
            Err(Error::Invalid(invalid)) if invalid.field == "body_template"
        ));
        let mut user = new_batch("t");
        user.created_by = Some(UserId(3));
        assert!(matches!(
            store.create_batch(&user),
            Err(Error::NotFound {
                what: "user",
                id: 3
            })
        ));
        let mut sender = new_batch("t");
        sender.sender_number_id = Some(SenderNumberId(4));
        assert!(matches!(
            store.create_batch(&sender),
            Err(Error::NotFound {
                what: "sender number",
                id: 4
            })
        ));
        assert!(store.batches(Page::first(10)).unwrap().is_empty());
    }

    #[test]
    fn batches_are_listed_newest_first_in_pages() {
        let mut store = store();
        let ids: Vec<BatchId> = ["a", "b", "c"]
            .iter()
            .map(|title| store.create_batch(&new_batch(title)).unwrap())
            .collect();
        let listed = |page| {
            store
                .batches(page)
                .unwrap()
                .into_iter()
                .map(|batch| batch.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(listed(Page::first(10)), [ids[2], ids[1], ids[0]]);
        assert_eq!(
            listed(Page {
                offset: 1,
                limit: 1
            }),
            [ids[1]]
        );
    }

    #[test]
    fn states_move_only_as_allowed() {
        let mut store = store();
        let id = store.create_batch(&new_batch("a")).unwrap();
        for state in [
            BatchState::Queued,
            BatchState::Running,
            BatchState::Paused,
            BatchState::Running,
            BatchState::Done,
        ] {
            store.set_batch_state(id, state).unwrap();
            assert_eq!(store.batch(id).unwrap().state, state);
        }
        match store.set_batch_state(id, BatchState::Running) {
            Err(Error::Invalid(invalid)) => {
                assert_eq!(invalid.field, "state");
                let message = invalid.to_string();
                assert!(
                    message.contains("done") && message.contains("running"),
                    "{message}"
                );
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert_eq!(store.batch(id).unwrap().state, BatchState::Done);

        let draft = store.create_batch(&new_batch("b")).unwrap();
        assert!(matches!(
            store.set_batch_state(draft, BatchState::Running),
            Err(Error::Invalid(_))
        ));
        store.set_batch_state(draft, BatchState::Queued).unwrap();
        store.set_batch_state(draft, BatchState::Cancelled).unwrap();
        assert!(matches!(
            store.set_batch_state(BatchId(99), BatchState::Queued),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn the_total_is_recorded() {
        let mut store = store();
        let id = store.create_batch(&new_batch("a")).unwrap();
        store.set_batch_total(id, 1_250).unwrap();
        assert_eq!(store.batch(id).unwrap().total, 1_250);
        assert!(matches!(
            store.set_batch_total(BatchId(99), 1),
            Err(Error::NotFound { .. })
        ));
    }
}
