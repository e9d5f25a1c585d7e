//! A bulk send's recipients: stored with the batch in one transaction
//! before anything is queued, then turned into messages a chunk at a time,
//! each chunk in one transaction with its recipients marked — so a crash
//! between chunks resumes exactly where it stopped.

use rusqlite::{OptionalExtension as _, params};

use super::batches::insert_batch;
use super::error::Result;
use super::messages::insert_messages;
use super::{Store, audit, now_ms};
use crate::domain::AuditAction;
use crate::domain::{
    BatchId, BatchRecipient, BatchState, CustomerId, Invalid, MessageId, NewBatch, NewRecipient,
    Problem, RecipientOutcome, SkipReason,
};

impl Store {
    /// Saves a bulk send and its recipients in one transaction, ready to
    /// run (queued). Nothing is queued for sending yet.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for a batch that breaks a rule of
    /// [`NewBatch::check`] or has no recipients (field `recipients`);
    /// [`super::Error::NotFound`] for an unknown user, sender or customer.
    pub fn create_batch_send(
        &mut self,
        batch: &NewBatch,
        recipients: &[NewRecipient],
    ) -> Result<BatchId> {
        let batch = batch.check()?;
        if recipients.is_empty() {
            return Err(Invalid::new("recipients", Problem::Empty).into());
        }
        let total = u32::try_from(recipients.len()).map_err(|_| {
            Invalid::new(
                "recipients",
                Problem::TooLong {
                    bytes: recipients.len(),
                    max: u32::MAX as usize,
                },
            )
        })?;
        let tx = self.conn.transaction()?;
        let id = insert_batch(&tx, &batch, BatchState::Queued, total)?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO batch_recipients (batch_id, seq, source_row, to_raw, to_key,
                     customer_id, vals)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (seq, recipient) in (1_u32..).zip(recipients) {
                let values = if recipient.values.is_empty() {
                    None
                } else {
                    serde_json::to_string(&recipient.values).ok()
                };
                insert.execute(params![
                    id.0,
                    seq,
                    recipient.source_row,
                    recipient.to_raw,
                    recipient.to_key,
                    recipient.customer_id.map(|customer| customer.0),
                    values,
                ])?;
            }
        }
        audit::record(
            &tx,
            self.actor.as_ref(),
            AuditAction::BulkSend,
            &format!("batch #{} {}", id.0, batch.title),
            &format!(
                "{} ({}): {total} recipients",
                batch.kind.as_str(),
                if batch.advertising {
                    "advertising"
                } else {
                    "not advertising"
                }
            ),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Up to `limit` recipients of `batch` not yet turned into messages, in
    /// the list's order.
    ///
    /// # Errors
    /// On a database failure.
    pub fn pending_recipients(&self, batch: BatchId, limit: u32) -> Result<Vec<BatchRecipient>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT batch_id, seq, source_row, to_raw, to_key, customer_id, vals, message_id,
                        skipped
                 FROM batch_recipients
                 WHERE batch_id = ?1 AND message_id IS NULL AND skipped IS NULL
                 ORDER BY seq LIMIT ?2",
            )?
            .query_map(params![batch.0, limit], recipient_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// How many recipients of `batch` are not yet turned into messages.
    ///
    /// # Errors
    /// On a database failure.
    pub fn pending_recipient_count(&self, batch: BatchId) -> Result<u32> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM batch_recipients
                 WHERE batch_id = ?1 AND message_id IS NULL AND skipped IS NULL",
            )?
            .query_row([batch.0], |row| row.get(0))?)
    }

    /// Records what became of recipients of `batch` (by `seq`): queues the
    /// messages made for them and marks the others skipped, all in one
    /// transaction. A recipient already settled is refused and nothing is
    /// written, so a chunk cannot be sent twice.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for a recipient that is not pending (field
    /// `recipient #SEQ`) or a message the store refuses.
    pub fn settle_recipients(
        &mut self,
        batch: BatchId,
        outcomes: &[(u32, RecipientOutcome)],
    ) -> Result<Vec<MessageId>> {
        let tx = self.conn.transaction()?;
        let messages: Vec<_> = outcomes
            .iter()
            .filter_map(|(seq, outcome)| match outcome {
                RecipientOutcome::Message(message) => Some((*seq, message.check())),
                RecipientOutcome::Skipped(_) => None,
            })
            .map(|(seq, checked)| {
                checked.map_err(|invalid| {
                    Invalid::new(
                        format!("{} (recipient #{seq})", invalid.field),
                        invalid.problem,
                    )
                })
            })
            .collect::<std::result::Result<_, Invalid>>()?;
        let ids = insert_messages(&tx, &messages).map_err(|(_, error)| error)?;
        {
            let mut settle = tx.prepare_cached(
                "UPDATE batch_recipients SET message_id = ?3, skipped = ?4
                 WHERE batch_id = ?1 AND seq = ?2 AND message_id IS NULL AND skipped IS NULL",
            )?;
            let mut ids = ids.iter();
            for (seq, outcome) in outcomes {
                let (message, skipped) = match outcome {
                    RecipientOutcome::Message(_) => (ids.next().map(|id| id.0), None),
                    RecipientOutcome::Skipped(skip) => (None, Some(skip.stored())),
                };
                if settle.execute(params![batch.0, seq, message, skipped])? != 1 {
                    return Err(Invalid::new(
                        format!("recipient #{seq}"),
                        Problem::Malformed {
                            value: seq.to_string(),
                            reason: "it is not waiting to be sent in this batch".to_owned(),
                        },
                    )
                    .into());
                }
            }
        }
        tx.execute(
            "UPDATE batches SET updated_at_ms = ?2 WHERE id = ?1",
            params![batch.0, now_ms()],
        )?;
        tx.commit()?;
        Ok(ids)
    }

    /// Stops a batch for good: recipients not yet turned into messages are
    /// skipped ("cancelled") and its messages still waiting in the outbox
    /// are cancelled; messages already handed over go their way. Returns
    /// how many messages were cancelled.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] for an unknown batch;
    /// [`super::Error::Invalid`] when it is done or cancelled already.
    pub fn cancel_batch(&mut self, batch: BatchId) -> Result<u32> {
        let tx = self.conn.transaction()?;
        let state: BatchState = super::error::found(
            tx.prepare_cached("SELECT state FROM batches WHERE id = ?1")?
                .query_row([batch.0], |row| super::columns::parsed(row, 0)),
            "batch",
            batch.0,
        )?;
        let next = state.move_to(BatchState::Cancelled)?;
        let now = now_ms();
        tx.execute(
            "UPDATE batches SET state = ?2, updated_at_ms = ?3 WHERE id = ?1",
            params![batch.0, next.as_str(), now],
        )?;
        tx.execute(
            "UPDATE batch_recipients SET skipped = ?2
             WHERE batch_id = ?1 AND message_id IS NULL AND skipped IS NULL",
            params![batch.0, SkipReason::Cancelled.as_str()],
        )?;
        let cancelled = tx.execute(
            "UPDATE messages SET state = 'cancelled', updated_at_ms = ?2
             WHERE batch_id = ?1 AND state = 'queued'",
            params![batch.0, now],
        )?;
        tx.commit()?;
        Ok(u32::try_from(cancelled).unwrap_or(u32::MAX))
    }

    /// The recipient of `batch` at `seq`, if there is one.
    ///
    /// # Errors
    /// On a database failure.
    pub fn batch_recipient(&self, batch: BatchId, seq: u32) -> Result<Option<BatchRecipient>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT batch_id, seq, source_row, to_raw, to_key, customer_id, vals, message_id,
                        skipped
                 FROM batch_recipients WHERE batch_id = ?1 AND seq = ?2",
            )?
            .query_row(params![batch.0, seq], recipient_from_row)
            .optional()?)
    }
}

pub(super) fn recipient_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<BatchRecipient> {
    let values: Option<String> = row.get(6)?;
    Ok(BatchRecipient {
        batch_id: BatchId(row.get(0)?),
        seq: row.get(1)?,
        source_row: row.get(2)?,
        to_raw: row.get(3)?,
        to_key: row.get(4)?,
        customer_id: row.get::<_, Option<i64>>(5)?.map(CustomerId),
        // Written by this file from a Vec of pairs; anything else reads as none.
        values: values
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default(),
        message_id: row.get::<_, Option<i64>>(7)?.map(MessageId),
        skipped: row.get(8)?,
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::{
        BatchKind, MessageKind, NewMessage, NewSenderNumber, PhoneNumber, Region, Skip,
    };
    use crate::store::Error;
    use crate::store::test_support::store;

    fn number(text: &str) -> PhoneNumber {
        PhoneNumber::parse(text, Region::KOREA).unwrap()
    }

    pub(in crate::store) fn recipient(to: &str, values: &[(&str, &str)]) -> NewRecipient {
        NewRecipient {
            source_row: Some(2),
            values: values
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            ..NewRecipient::to(&number(to))
        }
    }

    pub(in crate::store) fn batch() -> NewBatch {
        NewBatch {
            kind: BatchKind::Excel,
            title: "5월 방문 감사".to_owned(),
            created_by: None,
            sender_number_id: None,
            subject: String::new(),
            body_template: "#{이름}님 감사합니다".to_owned(),
            advertising: false,
            scheduled_at: None,
            image: None,
        }
    }

    pub(in crate::store) fn message(batch: BatchId, to: &str) -> RecipientOutcome {
        RecipientOutcome::Message(Box::new(NewMessage {
            batch_id: Some(batch),
            customer_id: None,
            user_id: None,
            to: number(to),
            from_key: "+8215881234".to_owned(),
            kind: MessageKind::Sms,
            subject: String::new(),
            body: "감사합니다".to_owned(),
            advertising: false,
            image: None,
        }))
    }

    pub(in crate::store) fn with_sender() -> Store {
        let mut store = store();
        store
            .create_sender_number(&NewSenderNumber {
                number: number("1588-1234"),
                label: String::new(),
            })
            .unwrap();
        store
    }

    #[test]
    fn recipients_are_stored_with_the_batch_and_settled_once() {
        let mut store = with_sender();
        let id = store
            .create_batch_send(
                &batch(),
                &[
                    recipient("010-1111-2222", &[("이름", "홍길동")]),
                    recipient("010-3333-4444", &[]),
                    recipient("010-5555-6666", &[]),
                ],
            )
            .unwrap();
        let stored = store.batch(id).unwrap();
        assert_eq!((stored.state, stored.total), (BatchState::Queued, 3));
        let pending = store.pending_recipients(id, 10).unwrap();
        assert_eq!(pending.len(), 3);
        assert_eq!(
            pending[0].values,
            [("이름".to_owned(), "홍길동".to_owned())]
        );
        assert_eq!(pending[0].to_key, "+821011112222");
        // Nothing is queued for sending before a runner settles them.
        assert!(
            store
                .due_messages(crate::domain::Timestamp(i64::MAX), 10)
                .unwrap()
                .is_empty()
        );

        let ids = store
            .settle_recipients(
                id,
                &[
                    (1, message(id, "010-1111-2222")),
                    (
                        2,
                        RecipientOutcome::Skipped(Skip {
                            reason: SkipReason::OptedOut,
                            detail: "to: the recipient opted out of advertising".to_owned(),
                        }),
                    ),
                ],
            )
            .unwrap();
        assert_eq!(ids.len(), 1);
        assert_eq!(store.pending_recipient_count(id).unwrap(), 1);
        let first = store.batch_recipient(id, 1).unwrap().unwrap();
        assert_eq!(first.message_id, Some(ids[0]));
        assert_eq!(store.message(ids[0]).unwrap().batch_id, Some(id));
        let second = store.batch_recipient(id, 2).unwrap().unwrap();
        assert_eq!(
            second.skipped.as_deref(),
            Some("opted_out: to: the recipient opted out of advertising")
        );

        // Settling a settled recipient again writes nothing at all, not even
        // the chunk's other message: a chunk cannot be sent twice.
        let again = store.settle_recipients(
            id,
            &[
                (3, message(id, "010-5555-6666")),
                (1, message(id, "010-1111-2222")),
            ],
        );
        assert!(matches!(again, Err(Error::Invalid(invalid)) if invalid.field == "recipient #1"));
        assert_eq!(store.pending_recipient_count(id).unwrap(), 1);
        assert_eq!(
            store
                .messages_of_batch(id, crate::store::Page::first(10))
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn a_cancelled_batch_sends_nothing_more() {
        let mut store = with_sender();
        let id = store
            .create_batch_send(
                &batch(),
                &[
                    recipient("010-1111-2222", &[]),
                    recipient("010-3333-4444", &[]),
                    recipient("010-5555-6666", &[]),
                ],
            )
            .unwrap();
        store.set_batch_state(id, BatchState::Running).unwrap();
        let ids = store
            .settle_recipients(id, &[(1, message(id, "010-1111-2222"))])
            .unwrap();
        assert_eq!(store.cancel_batch(id).unwrap(), 1);
        assert_eq!(store.batch(id).unwrap().state, BatchState::Cancelled);
        assert_eq!(
            store.message(ids[0]).unwrap().state,
            crate::domain::MessageState::Cancelled
        );
        assert_eq!(store.pending_recipient_count(id).unwrap(), 0);
        assert_eq!(
            store
                .batch_recipient(id, 3)
                .unwrap()
                .unwrap()
                .skipped
                .as_deref(),
            Some("cancelled")
        );
        assert!(matches!(store.cancel_batch(id), Err(Error::Invalid(_))));
    }

    #[test]
    fn a_batch_keeps_its_picture_and_equal_pictures_are_stored_once() {
        let mut store = with_sender();
        let bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];
        let with_picture = || NewBatch {
            // A copy of its own each time, as two sends of one file would be.
            image: Some(crate::domain::Picture::new(bytes.to_vec())),
            ..batch()
        };
        let first = store
            .create_batch_send(&with_picture(), &[recipient("010-1111-2222", &[])])
            .unwrap();
        let again = store
            .create_batch_send(&with_picture(), &[recipient("010-3333-4444", &[])])
            .unwrap();
        let plain = store
            .create_batch_send(&batch(), &[recipient("010-5555-6666", &[])])
            .unwrap();

        let image = store.batch(first).unwrap().image.unwrap();
        assert_eq!(image.size_bytes, 10);
        assert_eq!(store.batch(again).unwrap().image, Some(image));
        assert_eq!(store.batch(plain).unwrap().image, None);
        assert_eq!(store.picture(image.id).unwrap().bytes(), bytes);
        let stored: i64 = store
            .conn
            .query_row("SELECT count(*) FROM message_images", [], |row| row.get(0))
            .unwrap();
        assert_eq!(stored, 1);
        // A batch refused after its picture was written (a recipient's
        // customer is unknown) leaves no picture behind: one transaction.
        let other = NewBatch {
            image: Some(crate::domain::Picture::new(vec![0xFF, 0xD8, 0xFF, 1])),
            ..batch()
        };
        let unknown = NewRecipient {
            customer_id: Some(CustomerId(99)),
            ..recipient("010-1111-2222", &[])
        };
        assert!(store.create_batch_send(&other, &[unknown]).is_err());
        let stored: i64 = store
            .conn
            .query_row("SELECT count(*) FROM message_images", [], |row| row.get(0))
            .unwrap();
        assert_eq!(stored, 1);
    }

    #[test]
    fn a_batch_without_recipients_is_refused() {
        let mut store = with_sender();
        assert!(matches!(
            store.create_batch_send(&batch(), &[]),
            Err(Error::Invalid(invalid)) if invalid.field == "recipients"
        ));
    }
}
