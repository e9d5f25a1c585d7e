//! What became of bulk sends: each batch with its totals (문자발송결과), its
//! recipients with their messages' states, which batches the runner works
//! on next, and sending a batch's failed messages again.

use rusqlite::{Transaction, params};

use super::batches::{BATCH_SELECT, batch_from_row};
use super::columns::{parsed, parsed_or_null, time_or_null};
use super::error::Result;
use super::outbox::queue_copy;
use super::{Page, Store};
use crate::domain::{
    Batch, BatchId, BatchState, BatchSummary, BatchTotals, MessageCounts, MessageId,
    RecipientResult, SkipReason, Timestamp, UserId,
};

impl Store {
    /// The batches created in `[from, to)`, newest first, with their totals.
    ///
    /// # Errors
    /// On a database failure.
    pub fn batch_summaries(
        &self,
        from: Timestamp,
        to: Timestamp,
        page: Page,
    ) -> Result<Vec<BatchSummary>> {
        let batches: Vec<Batch> = self
            .conn
            .prepare_cached(&format!(
                "{BATCH_SELECT} WHERE created_at_ms >= ?1 AND created_at_ms < ?2
                 ORDER BY id DESC LIMIT ?3 OFFSET ?4"
            ))?
            .query_map(
                params![from.as_millis(), to.as_millis(), page.limit, page.offset],
                batch_from_row,
            )?
            .collect::<rusqlite::Result<_>>()?;
        batches
            .into_iter()
            .map(|batch| {
                let totals = self.batch_totals(&batch)?;
                Ok(BatchSummary { batch, totals })
            })
            .collect()
    }

    /// How many batches were created in `[from, to)`.
    ///
    /// # Errors
    /// On a database failure.
    pub fn count_batches(&self, from: Timestamp, to: Timestamp) -> Result<u32> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM batches WHERE created_at_ms >= ?1 AND created_at_ms < ?2",
            )?
            .query_row(params![from.as_millis(), to.as_millis()], |row| row.get(0))?)
    }

    /// One batch with its totals.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] for an unknown batch; on a database failure.
    pub fn batch_summary(&self, id: BatchId) -> Result<BatchSummary> {
        let batch = self.batch(id)?;
        let totals = self.batch_totals(&batch)?;
        Ok(BatchSummary { batch, totals })
    }

    fn batch_totals(&self, batch: &Batch) -> Result<BatchTotals> {
        let (pending, skipped, skipped_by_cancel): (u32, u32, u32) = self
            .conn
            .prepare_cached(
                "SELECT count(*) FILTER (WHERE message_id IS NULL AND skipped IS NULL),
                        count(*) FILTER (WHERE skipped IS NOT NULL),
                        count(*) FILTER (WHERE skipped = ?2)
                 FROM batch_recipients WHERE batch_id = ?1",
            )?
            .query_row(params![batch.id.0, SkipReason::Cancelled.as_str()], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?;
        let mut messages = MessageCounts::default();
        // A retried recipient's failed first message is not counted: its
        // copy stands for it (the recipient names the copy).
        let mut statement = self.conn.prepare_cached(
            "SELECT m.state, count(*) FROM batch_recipients r JOIN messages m ON m.id = r.message_id
             WHERE r.batch_id = ?1 GROUP BY m.state",
        )?;
        let mut rows = statement.query([batch.id.0])?;
        while let Some(row) = rows.next()? {
            messages.add(parsed(row, 0)?, row.get(1)?);
        }
        Ok(BatchTotals {
            recipients: batch.total,
            pending,
            skipped,
            skipped_by_cancel,
            messages,
        })
    }

    /// One page of a batch's recipients in list order, each with its
    /// customer's name and its message's state.
    ///
    /// # Errors
    /// On a database failure.
    pub fn recipient_results(&self, batch: BatchId, page: Page) -> Result<Vec<RecipientResult>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT r.batch_id, r.seq, r.source_row, r.to_raw, r.to_key, r.customer_id, r.vals,
                        r.message_id, r.skipped,
                        c.name, m.state, m.error, m.sent_at_ms, m.delivered_at_ms
                 FROM batch_recipients r
                 LEFT JOIN customers c ON c.id = r.customer_id
                 LEFT JOIN messages m ON m.id = r.message_id
                 WHERE r.batch_id = ?1 ORDER BY r.seq LIMIT ?2 OFFSET ?3",
            )?
            .query_map(params![batch.0, page.limit, page.offset], |row| {
                Ok(RecipientResult {
                    recipient: super::batch_recipients::recipient_from_row(row)?,
                    customer_name: row.get(9)?,
                    state: parsed_or_null(row, 10)?,
                    error: row.get(11)?,
                    sent_at: time_or_null(row, 12)?,
                    delivered_at: time_or_null(row, 13)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The batches the runner should work on at `now`, oldest first: those
    /// running, and those queued whose time has come (which it starts).
    ///
    /// # Errors
    /// On a database failure.
    pub fn batches_due(&self, now: Timestamp) -> Result<Vec<Batch>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{BATCH_SELECT} WHERE state = 'running'
                    OR (state = 'queued' AND coalesce(scheduled_at_ms, 0) <= ?1)
                 ORDER BY id"
            ))?
            .query_map([now.as_millis()], batch_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The batches with messages still on their way (queued or being
    /// handed over), whatever their state: after a restart, their progress
    /// goes on being told until the outbox is through with them.
    ///
    /// # Errors
    /// On a database failure.
    pub fn batches_in_flight(&self) -> Result<Vec<BatchId>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT DISTINCT batch_id FROM messages
                 WHERE state IN ('queued', 'sending') AND batch_id IS NOT NULL ORDER BY batch_id",
            )?
            .query_map([], |row| Ok(BatchId(row.get(0)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// When the next scheduled batch is to start, if one is waiting.
    ///
    /// # Errors
    /// On a database failure.
    pub fn next_scheduled_batch_at(&self) -> Result<Option<Timestamp>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT min(scheduled_at_ms) FROM batches
                 WHERE state = 'queued' AND scheduled_at_ms IS NOT NULL",
            )?
            .query_row([], |row| row.get::<_, Option<i64>>(0))?
            .map(Timestamp))
    }

    /// How many messages wait in the outbox: the runner queues a batch's
    /// next chunk only when the gateway has nearly caught up, so a pause
    /// or a cancel holds back all but a few.
    ///
    /// # Errors
    /// On a database failure.
    pub fn outbox_backlog(&self) -> Result<u32> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM messages {}",
                super::messages::OUTBOX_WHERE
            ))?
            .query_row([], |row| row.get(0))?)
    }

    /// Sends every failed message of `batch` again, in one transaction:
    /// each as a new message (as [`Store::resend_message`] does) that its
    /// recipient then names. Returns how many were queued.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] for an unknown batch; on a database failure.
    pub fn retry_failed_of_batch(&mut self, batch: BatchId, user: Option<UserId>) -> Result<u32> {
        self.batch(batch)?;
        let tx = self.conn.transaction()?;
        let failed = failed_recipients(&tx, batch)?;
        {
            let mut point = tx.prepare_cached(
                "UPDATE batch_recipients SET message_id = ?3 WHERE batch_id = ?1 AND seq = ?2",
            )?;
            for (seq, message) in &failed {
                let copy = queue_copy(&tx, *message, user)?;
                point.execute(params![batch.0, seq, copy.0])?;
            }
        }
        tx.commit()?;
        Ok(u32::try_from(failed.len()).unwrap_or(u32::MAX))
    }

    /// Moves a batch between running and paused (or on from queued).
    ///
    /// # Errors
    /// As [`Store::set_batch_state`].
    pub fn pause_batch(&mut self, batch: BatchId, paused: bool) -> Result<()> {
        self.set_batch_state(
            batch,
            if paused {
                BatchState::Paused
            } else {
                BatchState::Running
            },
        )
    }
}

/// The recipients of `batch` whose message failed, with that message.
fn failed_recipients(tx: &Transaction<'_>, batch: BatchId) -> Result<Vec<(u32, MessageId)>> {
    Ok(tx
        .prepare_cached(
            "SELECT r.seq, r.message_id FROM batch_recipients r
             JOIN messages m ON m.id = r.message_id
             WHERE r.batch_id = ?1 AND m.state = 'failed' ORDER BY r.seq",
        )?
        .query_map([batch.0], |row| Ok((row.get(0)?, MessageId(row.get(1)?))))?
        .collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MessageState;
    use crate::store::batch_recipients::tests::{batch, message, recipient, with_sender};

    /// A running batch of three whose first two recipients have messages.
    fn running(store: &mut Store) -> (BatchId, Vec<MessageId>) {
        let recipients = [
            recipient("010-1111-2222", &[]),
            recipient("010-3333-4444", &[]),
            recipient("010-5555-6666", &[]),
        ];
        let id = store.create_batch_send(&batch(), &recipients).unwrap();
        store.set_batch_state(id, BatchState::Running).unwrap();
        let ids = store
            .settle_recipients(
                id,
                &[
                    (1, message(id, "010-1111-2222")),
                    (2, message(id, "010-3333-4444")),
                ],
            )
            .unwrap();
        (id, ids)
    }

    #[test]
    fn a_paused_batch_holds_its_messages_in_the_outbox() {
        let mut store = with_sender();
        let (id, ids) = running(&mut store);
        assert_eq!(store.outbox_backlog().unwrap(), 2);
        store.pause_batch(id, true).unwrap();
        assert!(store.due_messages(Timestamp::now(), 10).unwrap().is_empty());
        assert_eq!(store.next_due_at().unwrap(), None);
        assert_eq!(store.outbox_backlog().unwrap(), 0);
        assert!(store.batches_due(Timestamp::now()).unwrap().is_empty());
        assert_eq!(store.batches_in_flight().unwrap(), [id]);
        store.pause_batch(id, false).unwrap();
        let due: Vec<MessageId> = store
            .due_messages(Timestamp::now(), 10)
            .unwrap()
            .iter()
            .map(|message| message.id)
            .collect();
        assert_eq!(due, ids);
    }

    #[test]
    fn failed_messages_are_retried_as_new_ones_their_recipients_name() {
        let mut store = with_sender();
        let (id, ids) = running(&mut store);
        store.start_sending(ids[0]).unwrap();
        store.fail_message(ids[0], "number not in service").unwrap();
        let before = store.batch_summary(id).unwrap().totals;
        assert_eq!(
            (
                before.recipients,
                before.pending,
                before.messages.failed,
                before.messages.queued
            ),
            (3, 1, 1, 1)
        );

        assert_eq!(store.retry_failed_of_batch(id, None).unwrap(), 1);
        let after = store.batch_summary(id).unwrap().totals;
        assert_eq!((after.messages.failed, after.messages.queued), (0, 2));
        let rows = store
            .recipient_results(
                id,
                Page {
                    offset: 0,
                    limit: 10,
                },
            )
            .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].state, Some(MessageState::Queued));
        assert_ne!(rows[0].recipient.message_id, Some(ids[0]));
        assert_eq!(rows[2].state, None);
        // The failed first message stays in the log as it was.
        assert_eq!(store.message(ids[0]).unwrap().state, MessageState::Failed);
        assert_eq!(store.retry_failed_of_batch(id, None).unwrap(), 0);
    }

    #[test]
    fn a_cancelled_batch_counts_as_handled_only_what_went_out() {
        let mut store = with_sender();
        let (id, ids) = running(&mut store);
        store.start_sending(ids[0]).unwrap();
        store.record_accepted(ids[0], None).unwrap();
        store.cancel_batch(id).unwrap();
        let totals = store.batch_summary(id).unwrap().totals;
        // One sent; one taken back from the outbox; one never reached.
        assert_eq!(
            (
                totals.skipped,
                totals.skipped_by_cancel,
                totals.messages.cancelled
            ),
            (1, 1, 1)
        );
        assert_eq!(totals.finished(), 3);
        assert_eq!(totals.handled(), 1);
    }

    #[test]
    fn a_scheduled_batch_is_due_at_its_time() {
        let mut store = with_sender();
        let at = Timestamp(Timestamp::now().0 + 60_000);
        let later = crate::domain::NewBatch {
            scheduled_at: Some(at),
            ..batch()
        };
        let id = store
            .create_batch_send(&later, &[recipient("010-1111-2222", &[])])
            .unwrap();
        assert!(store.batches_due(Timestamp::now()).unwrap().is_empty());
        assert_eq!(store.next_scheduled_batch_at().unwrap(), Some(at));
        let due = store.batches_due(at).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].id, id);
        let page = store
            .batch_summaries(
                Timestamp(0),
                Timestamp(i64::MAX),
                Page {
                    offset: 0,
                    limit: 10,
                },
            )
            .unwrap();
        assert_eq!(page[0].totals.pending, 1);
        assert_eq!(
            store
                .count_batches(Timestamp(0), Timestamp(i64::MAX))
                .unwrap(),
            1
        );
    }
}
