//! Text messages, the log and the outbox in one table: queue (one or a
//! batch), read, list, take the next queued ones, record their progress,
//! and count a batch's messages by state.
//!
//! A message may only go out from a registered, enabled sender number; the
//! store checks that when it is queued. State changes go through
//! [`MessageState::move_to`] inside the transaction that writes them.

use rusqlite::{Connection, OptionalExtension as _, Row, Statement, params};

use super::columns::{parsed, time_or_null};
use super::error::{Result, found};
use super::images::ImageWriter;
use super::{Page, Store, now_ms};
use crate::domain::{
    BatchId, CustomerId, ImageId, Invalid, Message, MessageCounts, MessageId, MessageImage,
    MessageState, NewMessage, Problem, Timestamp, UserId,
};

impl Store {
    /// Queues one message for sending.
    ///
    /// # Errors
    /// As [`Store::enqueue_messages`].
    pub fn enqueue_message(&mut self, message: &NewMessage) -> Result<MessageId> {
        let mut ids = self.enqueue_messages(std::slice::from_ref(message))?;
        // One message in, one id out: the error below cannot happen.
        ids.pop()
            .ok_or(super::Error::Sql(rusqlite::Error::QueryReturnedNoRows))
    }

    /// Queues many messages in one transaction: all or none. Returns their
    /// ids in the order given. Their pictures are written in the same
    /// transaction, each distinct one once (by its SHA-256).
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for a message that breaks a rule of
    /// [`NewMessage::check`] or goes out from a number that is not a
    /// registered, enabled sender number (field `from`); when more than one
    /// message is given, the field names which one (`body (message #3)`).
    /// [`super::Error::NotFound`] for an unknown batch, customer or user.
    pub fn enqueue_messages(&mut self, messages: &[NewMessage]) -> Result<Vec<MessageId>> {
        let numbered = |index: usize, invalid: Invalid| {
            if messages.len() == 1 {
                invalid
            } else {
                Invalid::new(
                    format!("{} (message #{})", invalid.field, index + 1),
                    invalid.problem,
                )
            }
        };
        let checked = messages
            .iter()
            .enumerate()
            .map(|(index, message)| message.check().map_err(|invalid| numbered(index, invalid)))
            .collect::<Result<Vec<_>, Invalid>>()?;
        let tx = self.conn.transaction()?;
        let ids = insert_messages(&tx, &checked).map_err(|(index, error)| match error {
            super::Error::Invalid(invalid) => numbered(index, invalid).into(),
            other => other,
        })?;
        tx.commit()?;
        Ok(ids)
    }

    /// One message.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such message.
    pub fn message(&self, id: MessageId) -> Result<Message> {
        found(
            self.conn
                .prepare_cached(&format!("{MESSAGE_SELECT} WHERE id = ?1"))?
                .query_row([id.0], message_from_row),
            "message",
            id.0,
        )
    }

    /// A page of all messages, newest first (the message log).
    ///
    /// # Errors
    /// On a database failure.
    pub fn messages(&self, page: Page) -> Result<Vec<Message>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{MESSAGE_SELECT} ORDER BY created_at_ms DESC, id DESC LIMIT ?1 OFFSET ?2"
            ))?
            .query_map([page.limit, page.offset], message_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A page of a customer's messages, newest first.
    ///
    /// # Errors
    /// On a database failure.
    pub fn messages_of_customer(&self, customer: CustomerId, page: Page) -> Result<Vec<Message>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{MESSAGE_SELECT} WHERE customer_id = ?1
                 ORDER BY created_at_ms DESC, id DESC LIMIT ?2 OFFSET ?3"
            ))?
            .query_map(
                params![customer.0, page.limit, page.offset],
                message_from_row,
            )?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A page of a batch's messages in the order they were queued.
    ///
    /// # Errors
    /// On a database failure.
    pub fn messages_of_batch(&self, batch: BatchId, page: Page) -> Result<Vec<Message>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{MESSAGE_SELECT} WHERE batch_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3"
            ))?
            .query_map(params![batch.0, page.limit, page.offset], message_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The outbox: up to `limit` queued messages, oldest first. Reads the
    /// `messages_outbox` partial index only, however long the log grows.
    ///
    /// It does not look at batches: messages of a paused, cancelled or
    /// not-yet-scheduled batch are returned too.
    ///
    /// # Errors
    /// On a database failure.
    pub fn next_queued(&self, limit: u32) -> Result<Vec<Message>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{MESSAGE_SELECT} {OUTBOX_WHERE} ORDER BY id LIMIT ?1"
            ))?
            .query_map([limit], message_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Moves a message to `state` if its current state allows it (see
    /// [`MessageState::can_become`]). Moving to sending counts an attempt;
    /// moving to sent records the time sent, to delivered the time delivered
    /// (and the time sent, if the gateway's answer was never recorded).
    ///
    /// `gateway_ref` is stored when given and kept when `None` (a delivery
    /// report need not repeat it). `error` describes this move: it replaces
    /// the previous one, and `None` clears it.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such message,
    /// [`super::Error::Invalid`] (field `state`) for a move that is not allowed.
    pub fn set_message_state(
        &mut self,
        id: MessageId,
        state: MessageState,
        gateway_ref: Option<&str>,
        error: Option<&str>,
    ) -> Result<()> {
        // Immediate: two outbox workers on one database (the window and
        // `ringdesk sms send`) must not both read "queued" and both send.
        let tx = self.conn.transaction()?;
        let current: MessageState = found(
            tx.prepare_cached("SELECT state FROM messages WHERE id = ?1")?
                .query_row([id.0], |row| parsed(row, 0)),
            "message",
            id.0,
        )?;
        let next = current.move_to(state)?;
        tx.execute(
            "UPDATE messages SET
                 state = ?2,
                 attempts = attempts + CASE WHEN ?2 = 'sending' THEN 1 ELSE 0 END,
                 gateway_ref = coalesce(?3, gateway_ref),
                 error = ?4,
                 sent_at_ms = CASE ?2 WHEN 'sent' THEN ?5
                                      WHEN 'delivered' THEN coalesce(sent_at_ms, ?5)
                                      ELSE sent_at_ms END,
                 delivered_at_ms = CASE WHEN ?2 = 'delivered' THEN ?5 ELSE delivered_at_ms END,
                 attempted_at_ms = CASE WHEN ?2 = 'sending' THEN ?5 ELSE attempted_at_ms END,
                 next_attempt_ms = NULL,
                 updated_at_ms = ?5
             WHERE id = ?1",
            params![id.0, next.as_str(), gateway_ref, error, now_ms()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// How many of a batch's messages are in each state (all zero for a
    /// batch without messages or an unknown one).
    ///
    /// # Errors
    /// On a database failure.
    pub fn count_by_state(&self, batch: BatchId) -> Result<MessageCounts> {
        let mut counts = MessageCounts::default();
        let mut statement = self.conn.prepare_cached(
            "SELECT state, count(*) FROM messages WHERE batch_id = ?1 GROUP BY state",
        )?;
        let mut rows = statement.query([batch.0])?;
        while let Some(row) = rows.next()? {
            counts.add(parsed(row, 0)?, row.get(1)?);
        }
        Ok(counts)
    }
}

/// The outbox condition. `SQLite` uses a partial index only when the query
/// repeats the index's own WHERE term (`state = 'queued'` alone does not
/// count as implying `state IN ('queued', 'sending')`; see
/// <https://sqlite.org/partialindex.html>), and without it the outbox
/// would scan the whole message log.
///
/// A paused bulk send's messages wait where they are.
pub(super) const OUTBOX_WHERE: &str = "WHERE state IN ('queued', 'sending') AND state = 'queued'
    AND (batch_id IS NULL OR NOT EXISTS (SELECT 1 FROM batches b
         WHERE b.id = messages.batch_id AND b.state = 'paused'))";

/// Every column of [`Message`]. A picture is named and sized from its own
/// row by primary key, never read: a page of the log costs no picture bytes.
/// (A subquery rather than a join keeps `id`, `state`… unambiguous for the
/// conditions appended to this.)
pub(super) const MESSAGE_SELECT: &str = "SELECT id, batch_id, customer_id, user_id, to_raw, to_key,
        from_key, kind, subject, body, advertising, state, attempts, gateway_ref, error,
        created_at_ms, updated_at_ms, sent_at_ms, delivered_at_ms, uid, next_attempt_ms,
        attempted_at_ms, image_id,
        (SELECT i.size_bytes FROM message_images i WHERE i.id = messages.image_id)
    FROM messages";

/// A fresh [`Message::uid`]: 128 random bits as 32 hex digits, so two
/// desks' databases (or a restored backup) never hand a gateway the same id
/// for different messages.
pub(super) fn new_uid() -> String {
    format!("{:032x}", rand::random::<u128>())
}

pub(super) fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    Ok(Message {
        id: MessageId(row.get(0)?),
        batch_id: row.get::<_, Option<i64>>(1)?.map(BatchId),
        customer_id: row.get::<_, Option<i64>>(2)?.map(CustomerId),
        user_id: row.get::<_, Option<i64>>(3)?.map(UserId),
        to_raw: row.get(4)?,
        to_key: row.get(5)?,
        from_key: row.get(6)?,
        kind: parsed(row, 7)?,
        subject: row.get(8)?,
        body: row.get(9)?,
        advertising: row.get(10)?,
        state: parsed(row, 11)?,
        attempts: row.get(12)?,
        gateway_ref: row.get(13)?,
        error: row.get(14)?,
        created_at: Timestamp(row.get(15)?),
        updated_at: Timestamp(row.get(16)?),
        sent_at: time_or_null(row, 17)?,
        delivered_at: time_or_null(row, 18)?,
        uid: row.get(19)?,
        next_attempt_at: time_or_null(row, 20)?,
        attempted_at: time_or_null(row, 21)?,
        image: match (
            row.get::<_, Option<i64>>(22)?,
            row.get::<_, Option<u64>>(23)?,
        ) {
            (Some(id), Some(size_bytes)) => Some(MessageImage {
                id: ImageId(id),
                size_bytes,
            }),
            _ => None,
        },
    })
}

/// The lookups that check a message's references, prepared once per
/// transaction so that a batch of thousands does not re-prepare them.
struct References<'tx> {
    batch: Statement<'tx>,
    customer: Statement<'tx>,
    user: Statement<'tx>,
    sender: Statement<'tx>,
}

impl<'tx> References<'tx> {
    fn new(conn: &'tx Connection) -> Result<Self> {
        Ok(Self {
            batch: conn.prepare("SELECT 1 FROM batches WHERE id = ?1")?,
            customer: conn.prepare("SELECT 1 FROM customers WHERE id = ?1")?,
            user: conn.prepare("SELECT 1 FROM users WHERE id = ?1")?,
            sender: conn.prepare("SELECT enabled FROM sender_numbers WHERE phone_key = ?1")?,
        })
    }

    fn check(&mut self, message: &NewMessage) -> Result<()> {
        if let Some(batch) = message.batch_id {
            found(
                self.batch.query_row([batch.0], |_| Ok(())),
                "batch",
                batch.0,
            )?;
        }
        if let Some(customer) = message.customer_id {
            found(
                self.customer.query_row([customer.0], |_| Ok(())),
                "customer",
                customer.0,
            )?;
        }
        if let Some(user) = message.user_id {
            found(self.user.query_row([user.0], |_| Ok(())), "user", user.0)?;
        }
        let enabled: Option<bool> = self
            .sender
            .query_row([&message.from_key], |row| row.get(0))
            .optional()?;
        let reason = match enabled {
            Some(true) => return Ok(()),
            Some(false) => "this sender number is switched off; switch it on or pick another",
            None => "not a registered sender number (발신번호); register it first",
        };
        Err(Invalid::new(
            "from",
            Problem::Malformed {
                value: message.from_key.clone(),
                reason: reason.to_owned(),
            },
        )
        .into())
    }
}

/// Writes checked messages as queued in `tx`, each distinct picture once;
/// their ids in order. An error names the index of the message it is about.
pub(super) fn insert_messages(
    tx: &rusqlite::Transaction<'_>,
    messages: &[NewMessage],
) -> std::result::Result<Vec<MessageId>, (usize, super::Error)> {
    let now = now_ms();
    let mut ids = Vec::with_capacity(messages.len());
    let mut references = References::new(tx).map_err(|error| (0, error))?;
    let mut images = ImageWriter::new(tx).map_err(|error| (0, error))?;
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO messages (batch_id, customer_id, user_id, to_raw, to_key, from_key,
                 kind, subject, body, advertising, state, created_at_ms, updated_at_ms, uid,
                 image_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14)",
        )
        .map_err(|error| (0, error.into()))?;
    for (index, message) in messages.iter().enumerate() {
        references.check(message).map_err(|error| (index, error))?;
        let image = match &message.image {
            Some(picture) => Some(images.id_of(picture).map_err(|error| (index, error))?.0),
            None => None,
        };
        insert
            .execute(params![
                message.batch_id.map(|batch| batch.0),
                message.customer_id.map(|customer| customer.0),
                message.user_id.map(|user| user.0),
                message.to.raw(),
                message.to.key(),
                message.from_key,
                message.kind.as_str(),
                message.subject,
                message.body,
                message.advertising,
                MessageState::Queued.as_str(),
                now,
                new_uid(),
                image,
            ])
            .map_err(|error| (index, error.into()))?;
        ids.push(MessageId(tx.last_insert_rowid()));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        BatchKind, MessageKind, NewBatch, NewSenderNumber, PhoneNumber, Region, SenderNumberId,
    };
    use crate::store::Error;
    use crate::store::test_support::{add, store};

    const FROM: &str = "+8215881234";

    fn with_sender() -> (Store, SenderNumberId) {
        let mut store = store();
        let sender = store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
        (store, sender)
    }

    fn new_message(to: &str, body: &str) -> NewMessage {
        NewMessage {
            batch_id: None,
            customer_id: None,
            user_id: None,
            to: PhoneNumber::parse(to, Region::KOREA).unwrap(),
            from_key: FROM.to_owned(),
            kind: MessageKind::Sms,
            subject: String::new(),
            body: body.to_owned(),
            advertising: false,
            image: None,
        }
    }

    fn new_batch(store: &mut Store) -> BatchId {
        store
            .create_batch(&NewBatch {
                kind: BatchKind::Bulk,
                title: String::new(),
                created_by: None,
                sender_number_id: None,
                subject: String::new(),
                body_template: "안내".to_owned(),
                advertising: false,
                scheduled_at: None,
                image: None,
            })
            .unwrap()
    }

    fn ids(messages: &[Message]) -> Vec<MessageId> {
        messages.iter().map(|message| message.id).collect()
    }

    fn invalid_field<T: std::fmt::Debug>(result: Result<T>) -> String {
        match result {
            Err(Error::Invalid(invalid)) => invalid.field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_queued_message_reads_back() {
        let (mut store, _) = with_sender();
        let customer = add(&mut store, "홍길동", &["010-1234-5678"]);
        let mut message = new_message("010 1234 5678", "내일 오전 10시 방문 예정입니다.\n");
        message.customer_id = Some(customer);
        message.kind = MessageKind::Lms;
        message.subject = " 방문 안내 ".to_owned();
        let id = store.enqueue_message(&message).unwrap();

        let read = store.message(id).unwrap();
        assert_eq!(read.customer_id, Some(customer));
        assert_eq!(read.to_raw, "010 1234 5678");
        assert_eq!(read.to_key, "+821012345678");
        assert_eq!(read.from_key, FROM);
        assert_eq!(read.kind, MessageKind::Lms);
        assert_eq!(read.subject, "방문 안내");
        assert_eq!(read.body, "내일 오전 10시 방문 예정입니다.\n");
        assert_eq!(read.state, MessageState::Queued);
        assert_eq!(read.attempts, 0);
        assert_eq!((read.sent_at, read.delivered_at), (None, None));
        assert!(matches!(
            store.message(MessageId(99)),
            Err(Error::NotFound {
                what: "message",
                id: 99
            })
        ));
    }

    #[test]
    fn bad_input_unknown_references_and_unregistered_senders_are_refused() {
        let (mut store, sender) = with_sender();
        assert_eq!(
            invalid_field(store.enqueue_message(&new_message("010-1234-5678", " "))),
            "body"
        );
        let mut unregistered = new_message("010-1234-5678", "안녕하세요");
        unregistered.from_key = "+8227777777".to_owned();
        assert_eq!(invalid_field(store.enqueue_message(&unregistered)), "from");

        let mut customer = new_message("010-1234-5678", "안녕하세요");
        customer.customer_id = Some(CustomerId(9));
        assert!(matches!(
            store.enqueue_message(&customer),
            Err(Error::NotFound {
                what: "customer",
                id: 9
            })
        ));
        let mut batch = new_message("010-1234-5678", "안녕하세요");
        batch.batch_id = Some(BatchId(9));
        assert!(matches!(
            store.enqueue_message(&batch),
            Err(Error::NotFound { what: "batch", .. })
        ));
        let mut user = new_message("010-1234-5678", "안녕하세요");
        user.user_id = Some(UserId(9));
        assert!(matches!(
            store.enqueue_message(&user),
            Err(Error::NotFound { what: "user", .. })
        ));

        store.set_sender_enabled(sender, false).unwrap();
        match store.enqueue_message(&new_message("010-1234-5678", "안녕하세요")) {
            Err(Error::Invalid(invalid)) => {
                assert_eq!(invalid.field, "from");
                assert!(invalid.to_string().contains("switched off"), "{invalid}");
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(store.messages(Page::first(10)).unwrap().is_empty());
    }

    #[test]
    fn many_messages_are_queued_all_or_none() {
        let (mut store, _) = with_sender();
        let good = new_message("010-1111-2222", "첫째");
        let bad = new_message("010-3333-4444", "");
        assert_eq!(
            invalid_field(store.enqueue_messages(&[good.clone(), bad])),
            "body (message #2)"
        );
        let mut unknown = new_message("010-3333-4444", "둘째");
        unknown.customer_id = Some(CustomerId(9));
        assert!(matches!(
            store.enqueue_messages(&[good.clone(), unknown]),
            Err(Error::NotFound { .. })
        ));
        assert!(store.messages(Page::first(10)).unwrap().is_empty());

        let ids = store
            .enqueue_messages(&[good.clone(), new_message("010-3333-4444", "둘째")])
            .unwrap();
        assert_eq!(ids.len(), 2);
        assert_eq!(store.message(ids[1]).unwrap().body, "둘째");
        assert!(store.enqueue_messages(&[]).unwrap().is_empty());
    }

    #[test]
    fn lists_are_newest_first_and_paged() {
        let (mut store, _) = with_sender();
        let customer = add(&mut store, "홍길동", &["010-1234-5678"]);
        let batch = new_batch(&mut store);
        let mut to_customer = new_message("010-1234-5678", "고객");
        to_customer.customer_id = Some(customer);
        let mut in_batch = new_message("010-5555-6666", "대량");
        in_batch.batch_id = Some(batch);
        let first = store.enqueue_message(&to_customer).unwrap();
        let batch_ids = store
            .enqueue_messages(&[in_batch.clone(), in_batch.clone()])
            .unwrap();
        let last = store.enqueue_message(&to_customer).unwrap();

        assert_eq!(
            ids(&store.messages(Page::first(10)).unwrap()),
            [last, batch_ids[1], batch_ids[0], first]
        );
        assert_eq!(
            ids(&store
                .messages(Page {
                    offset: 1,
                    limit: 2
                })
                .unwrap()),
            [batch_ids[1], batch_ids[0]]
        );
        assert_eq!(
            ids(&store
                .messages_of_customer(customer, Page::first(10))
                .unwrap()),
            [last, first]
        );
        assert_eq!(
            ids(&store.messages_of_batch(batch, Page::first(10)).unwrap()),
            batch_ids
        );
        assert_eq!(
            ids(&store
                .messages_of_batch(
                    batch,
                    Page {
                        offset: 1,
                        limit: 5
                    }
                )
                .unwrap()),
            [batch_ids[1]]
        );
    }

    #[test]
    fn the_outbox_gives_the_oldest_queued_first_from_its_index() {
        let (mut store, _) = with_sender();
        let queued = store
            .enqueue_messages(&[
                new_message("010-1111-1111", "1"),
                new_message("010-2222-2222", "2"),
                new_message("010-3333-3333", "3"),
            ])
            .unwrap();
        store
            .set_message_state(queued[0], MessageState::Sending, None, None)
            .unwrap();
        assert_eq!(ids(&store.next_queued(10).unwrap()), [queued[1], queued[2]]);
        assert_eq!(ids(&store.next_queued(1).unwrap()), [queued[1]]);

        let plan: Vec<String> = store
            .conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN {MESSAGE_SELECT} {OUTBOX_WHERE} ORDER BY id LIMIT ?1"
            ))
            .unwrap()
            .query_map([10], |row| row.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            plan.iter().any(|step| step.contains("messages_outbox")),
            "{plan:?}"
        );
        assert!(
            !plan.iter().any(|step| step.contains("TEMP B-TREE")),
            "{plan:?}"
        );
    }

    #[test]
    fn a_message_is_sent_delivered_and_retried() {
        let (mut store, _) = with_sender();
        let id = store
            .enqueue_message(&new_message("010-1234-5678", "안녕하세요"))
            .unwrap();
        store
            .set_message_state(id, MessageState::Sending, None, None)
            .unwrap();
        assert_eq!(store.message(id).unwrap().attempts, 1);
        store
            .set_message_state(id, MessageState::Failed, None, Some("gateway timeout"))
            .unwrap();
        assert_eq!(
            store.message(id).unwrap().error.as_deref(),
            Some("gateway timeout")
        );
        store
            .set_message_state(id, MessageState::Queued, None, None)
            .unwrap();
        store
            .set_message_state(id, MessageState::Sending, None, None)
            .unwrap();
        store
            .set_message_state(id, MessageState::Sent, Some("kannel-42"), None)
            .unwrap();
        let sent = store.message(id).unwrap();
        assert_eq!(sent.attempts, 2);
        assert_eq!(sent.state, MessageState::Sent);
        assert_eq!(sent.gateway_ref.as_deref(), Some("kannel-42"));
        assert_eq!(sent.error, None);
        assert!(sent.sent_at.is_some());
        assert_eq!(sent.delivered_at, None);

        store
            .set_message_state(id, MessageState::Delivered, None, None)
            .unwrap();
        let delivered = store.message(id).unwrap();
        assert_eq!(delivered.gateway_ref.as_deref(), Some("kannel-42"));
        assert_eq!(delivered.sent_at, sent.sent_at);
        assert!(delivered.delivered_at.is_some());

        match store.set_message_state(id, MessageState::Queued, None, None) {
            Err(Error::Invalid(invalid)) => {
                assert_eq!(invalid.field, "state");
                assert!(invalid.to_string().contains("delivered"), "{invalid}");
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(matches!(
            store.set_message_state(MessageId(99), MessageState::Sending, None, None),
            Err(Error::NotFound {
                what: "message",
                ..
            })
        ));
    }

    #[test]
    fn an_early_delivery_report_also_records_the_send() {
        let (mut store, _) = with_sender();
        let id = store
            .enqueue_message(&new_message("010-1234-5678", "안녕하세요"))
            .unwrap();
        store
            .set_message_state(id, MessageState::Sending, Some("kannel-7"), None)
            .unwrap();
        store
            .set_message_state(id, MessageState::Delivered, None, None)
            .unwrap();
        let message = store.message(id).unwrap();
        assert!(message.sent_at.is_some());
        assert_eq!(message.sent_at, message.delivered_at);
    }

    #[test]
    fn a_batch_is_counted_by_state() {
        let (mut store, _) = with_sender();
        let batch = new_batch(&mut store);
        let other = new_batch(&mut store);
        let mut in_batch = new_message("010-1234-5678", "대량");
        in_batch.batch_id = Some(batch);
        let ids = store
            .enqueue_messages(&[in_batch.clone(), in_batch.clone(), in_batch.clone()])
            .unwrap();
        store
            .set_message_state(ids[0], MessageState::Sending, None, None)
            .unwrap();
        store
            .set_message_state(ids[1], MessageState::Cancelled, None, None)
            .unwrap();
        let counts = store.count_by_state(batch).unwrap();
        assert_eq!(
            counts,
            MessageCounts {
                queued: 1,
                sending: 1,
                cancelled: 1,
                ..MessageCounts::default()
            }
        );
        assert_eq!(counts.total(), 3);
        assert_eq!(
            store.count_by_state(other).unwrap(),
            MessageCounts::default()
        );
    }
}
