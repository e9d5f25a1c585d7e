//! The outbox side of the message table: what the SMS worker reads and
//! writes as it hands messages to a gateway and hears back.
//!
//! Every function here is one transaction and checks the move it makes with
//! the rules of [`MessageState`], so a late or repeated answer or report can
//! never move a message backwards. The worker is the only writer of a
//! message's state once it is queued; the window and the command line only
//! queue new messages (and resend failed ones as new messages).

use rusqlite::{OptionalExtension as _, Transaction, params};

use super::columns::parsed;
use super::error::{Result, found};
use super::images;
use super::messages::{MESSAGE_SELECT, OUTBOX_WHERE, message_from_row, new_uid};
use super::{Store, now_ms};
use crate::domain::{
    Invalid, Message, MessageId, MessageState, Picture, Problem, Timestamp, UserId,
};

/// A message just marked `sending`, with everything the gateway is handed:
/// the row, and for an MMS the picture's bytes (read here only, not for
/// every row the log or the outbox lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    /// The message as it now is (one more attempt, `sending`).
    pub message: Message,
    /// The picture it carries, when it is an MMS.
    pub picture: Option<Picture>,
}

impl Store {
    /// Up to `limit` queued messages whose time has come (no retry time, or
    /// one at or before `now`), oldest first. Reads the `messages_outbox`
    /// partial index only.
    ///
    /// # Errors
    /// On a database failure.
    pub fn due_messages(&self, now: Timestamp, limit: u32) -> Result<Vec<Message>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{MESSAGE_SELECT} {OUTBOX_WHERE} AND coalesce(next_attempt_ms, 0) <= ?1
                 ORDER BY id LIMIT ?2"
            ))?
            .query_map(params![now.as_millis(), limit], message_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// When the next queued message is due (the epoch for one due now);
    /// None when the outbox is empty.
    ///
    /// # Errors
    /// On a database failure.
    pub fn next_due_at(&self) -> Result<Option<Timestamp>> {
        let at: Option<i64> = self
            .conn
            .prepare_cached(&format!(
                "SELECT min(coalesce(next_attempt_ms, 0)) FROM messages {OUTBOX_WHERE}"
            ))?
            .query_row([], |row| row.get(0))?;
        Ok(at.map(Timestamp))
    }

    /// The message with this [`Message::uid`], if this database has it.
    ///
    /// # Errors
    /// On a database failure.
    pub fn message_by_uid(&self, uid: &str) -> Result<Option<Message>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{MESSAGE_SELECT} WHERE uid = ?1"))?
            .query_row([uid], message_from_row)
            .optional()?)
    }

    /// Messages left in `sending`: after a crash, those ringdesk may or may
    /// not have handed over. Oldest first, from the outbox index.
    ///
    /// # Errors
    /// On a database failure.
    pub fn messages_sending(&self) -> Result<Vec<Message>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{MESSAGE_SELECT} WHERE state IN ('queued', 'sending') AND state = 'sending'
                 ORDER BY id"
            ))?
            .query_map([], message_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Messages the gateway took at or after `since` whose delivery report
    /// has not come, oldest first.
    ///
    /// # Errors
    /// On a database failure.
    pub fn messages_awaiting_report(&self, since: Timestamp) -> Result<Vec<Message>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{MESSAGE_SELECT} WHERE state = 'sent' AND sent_at_ms >= ?1 ORDER BY sent_at_ms"
            ))?
            .query_map([since.as_millis()], message_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Marks a queued message as being handed to the gateway (one more
    /// attempt, at this time) and returns it with its picture. The worker
    /// commits this before it calls the gateway, so a crash during the call
    /// leaves the message in `sending` for the restart to find.
    ///
    /// # Errors
    /// [`super::Error::NotFound`], or [`super::Error::Invalid`] when the
    /// message is not queued.
    pub fn start_sending(&mut self, id: MessageId) -> Result<Handover> {
        self.set_message_state(id, MessageState::Sending, None, None)?;
        let message = self.message(id)?;
        let picture = match message.image {
            Some(image) => Some(images::picture(&self.conn, image.id)?),
            None => None,
        };
        Ok(Handover { message, picture })
    }

    /// Records that the gateway took a message. A message still `sending`
    /// becomes `sent`; one a delivery report already settled (the report
    /// beat the answer) keeps its state and only gains the gateway's id.
    ///
    /// # Errors
    /// [`super::Error::NotFound`], or [`super::Error::Invalid`] for a
    /// message that was never handed over.
    pub fn record_accepted(&mut self, id: MessageId, gateway_ref: Option<&str>) -> Result<Message> {
        let state = self.message(id)?.state;
        match state {
            MessageState::Sending => {
                self.set_message_state(id, MessageState::Sent, gateway_ref, None)?;
            }
            MessageState::Delivered | MessageState::Failed => {
                self.conn.execute(
                    "UPDATE messages SET gateway_ref = coalesce(gateway_ref, ?2) WHERE id = ?1",
                    params![id.0, gateway_ref],
                )?;
            }
            other => {
                other.move_to(MessageState::Sent)?;
            }
        }
        self.message(id)
    }

    /// Puts a message that is being handed over back in the outbox until
    /// `at`, with the reason the last attempt failed.
    ///
    /// # Errors
    /// [`super::Error::NotFound`], or [`super::Error::Invalid`] when the
    /// message is not `sending`.
    pub fn schedule_retry(&mut self, id: MessageId, at: Timestamp, error: &str) -> Result<Message> {
        let tx = self.conn.transaction()?;
        state_of(&tx, id)?.move_to(MessageState::Queued)?;
        tx.execute(
            "UPDATE messages SET state = 'queued', next_attempt_ms = ?2, error = ?3,
                 updated_at_ms = ?4
             WHERE id = ?1",
            params![id.0, at.as_millis(), error, now_ms()],
        )?;
        tx.commit()?;
        self.message(id)
    }

    /// Gives up on a message with `reason`.
    ///
    /// # Errors
    /// [`super::Error::NotFound`], or [`super::Error::Invalid`] when its
    /// state cannot become failed (it is final).
    pub fn fail_message(&mut self, id: MessageId, reason: &str) -> Result<Message> {
        self.set_message_state(id, MessageState::Failed, None, Some(reason))?;
        self.message(id)
    }

    /// Applies a final delivery report for the message with `uid`: one
    /// being handed over or taken — or back in the outbox after a hand-over
    /// — becomes delivered or failed (`failure` is the reason). Returns the
    /// message when it changed, None when the report changes nothing: an
    /// unknown uid, a repeat, or a message that is final or never handed
    /// over.
    ///
    /// # Errors
    /// On a database failure.
    pub fn apply_delivery(
        &mut self,
        uid: &str,
        gateway_ref: Option<&str>,
        failure: Option<&str>,
    ) -> Result<Option<Message>> {
        let Some(message) = self.message_by_uid(uid)? else {
            return Ok(None);
        };
        let Some(next) = message
            .state
            .after_report(message.attempts > 0, failure.is_none())
        else {
            return Ok(None);
        };
        self.set_message_state(message.id, next, gateway_ref, failure)?;
        self.message(message.id).map(Some)
    }

    /// Applies a report that the gateway has the message with `uid` (it is
    /// buffered at the carrier, or was handed to it): one being handed over
    /// or back in the outbox after a hand-over becomes sent, so it is not
    /// handed over again. Returns the message when it changed.
    ///
    /// # Errors
    /// On a database failure.
    pub fn apply_taken(&mut self, uid: &str, gateway_ref: Option<&str>) -> Result<Option<Message>> {
        let Some(message) = self.message_by_uid(uid)? else {
            return Ok(None);
        };
        let Some(next) = message.state.after_taken_report(message.attempts > 0) else {
            return Ok(None);
        };
        self.set_message_state(message.id, next, gateway_ref, None)?;
        self.message(message.id).map(Some)
    }

    /// Queues a failed message again as a new message (a fresh uid, no
    /// attempts, the same picture), sent by `user`; the failed one stays in
    /// the log as it was.
    /// A new uid rather than the old row back in the outbox, because a
    /// gateway that deduplicates would drop a second hand-over of a uid it
    /// already took — and a failed message may have been taken.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] for an unknown message;
    /// [`super::Error::Invalid`] when it has not failed (field `state`) or its
    /// sender number is no longer registered and enabled (field `from`).
    pub fn resend_message(&mut self, id: MessageId, user: Option<UserId>) -> Result<MessageId> {
        let tx = self.conn.transaction()?;
        let state = state_of(&tx, id)?;
        if state != MessageState::Failed {
            return Err(Invalid::new(
                "state",
                Problem::Malformed {
                    value: state.as_str().to_owned(),
                    reason: "only a failed message can be sent again".to_owned(),
                },
            )
            .into());
        }
        let sender: Option<bool> = tx
            .prepare_cached(
                "SELECT s.enabled FROM messages m JOIN sender_numbers s ON s.phone_key = m.from_key
                 WHERE m.id = ?1",
            )?
            .query_row([id.0], |row| row.get(0))
            .optional()?;
        if sender != Some(true) {
            return Err(Invalid::new(
                "from",
                Problem::Malformed {
                    value: String::new(),
                    reason: "its sender number is no longer registered and switched on".to_owned(),
                },
            )
            .into());
        }
        let copy = queue_copy(&tx, id, user)?;
        tx.commit()?;
        Ok(copy)
    }
}

/// Queues a copy of message `id` under a new uid, sent by `user` (or by
/// whoever sent the first).
pub(super) fn queue_copy(
    tx: &Transaction<'_>,
    id: MessageId,
    user: Option<UserId>,
) -> Result<MessageId> {
    tx.prepare_cached(
        "INSERT INTO messages (batch_id, customer_id, user_id, to_raw, to_key, from_key,
             kind, subject, body, advertising, state, created_at_ms, updated_at_ms, uid,
             image_id)
         SELECT batch_id, customer_id, coalesce(?2, user_id), to_raw, to_key, from_key,
             kind, subject, body, advertising, 'queued', ?3, ?3, ?4, image_id
         FROM messages WHERE id = ?1",
    )?
    .execute(params![id.0, user.map(|user| user.0), now_ms(), new_uid()])?;
    Ok(MessageId(tx.last_insert_rowid()))
}

fn state_of(tx: &Transaction<'_>, id: MessageId) -> Result<MessageState> {
    found(
        tx.prepare_cached("SELECT state FROM messages WHERE id = ?1")?
            .query_row([id.0], |row| parsed(row, 0)),
        "message",
        id.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MessageKind, NewMessage, NewSenderNumber, PhoneNumber, Region};
    use crate::store::Error;
    use crate::store::test_support::store;

    fn with_message() -> (Store, MessageId) {
        let mut store = store();
        store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
        let id = store.enqueue_message(&message()).unwrap();
        (store, id)
    }

    fn message() -> NewMessage {
        NewMessage {
            batch_id: None,
            customer_id: None,
            user_id: None,
            to: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
            from_key: "+8215881234".to_owned(),
            kind: MessageKind::Sms,
            subject: String::new(),
            body: "안녕하세요".to_owned(),
            advertising: false,
            image: None,
        }
    }

    #[test]
    fn every_message_gets_its_own_uid() {
        let (mut store, id) = with_message();
        let other = store.enqueue_message(&message()).unwrap();
        let uid = store.message(id).unwrap().uid;
        assert_eq!(uid.len(), 32);
        assert!(uid.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(uid, store.message(other).unwrap().uid);
        assert_eq!(store.message_by_uid(&uid).unwrap().unwrap().id, id);
        assert_eq!(store.message_by_uid("nope").unwrap(), None);
    }

    #[test]
    fn a_retry_waits_for_its_time() {
        let (mut store, id) = with_message();
        let now = Timestamp::now();
        assert_eq!(store.next_due_at().unwrap(), Some(Timestamp(0)));
        let sending = store.start_sending(id).unwrap().message;
        assert_eq!(sending.state, MessageState::Sending);
        assert!(sending.attempted_at.is_some());
        assert!(store.due_messages(now, 10).unwrap().is_empty());
        assert_eq!(store.messages_sending().unwrap()[0].id, id);

        let later = Timestamp(now.as_millis() + 10_000);
        let queued = store.schedule_retry(id, later, "gateway busy").unwrap();
        assert_eq!(queued.state, MessageState::Queued);
        assert_eq!(queued.next_attempt_at, Some(later));
        assert_eq!(queued.error.as_deref(), Some("gateway busy"));
        assert!(store.due_messages(now, 10).unwrap().is_empty());
        assert_eq!(store.next_due_at().unwrap(), Some(later));
        assert_eq!(store.due_messages(later, 10).unwrap()[0].id, id);
        // Handing it over again clears the retry time.
        assert_eq!(
            store.start_sending(id).unwrap().message.next_attempt_at,
            None
        );
        assert!(matches!(
            store.schedule_retry(MessageId(99), later, "x"),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn reports_apply_once_and_may_beat_the_answer() {
        let (mut store, id) = with_message();
        let uid = store.message(id).unwrap().uid;
        // Queued: a report changes nothing.
        assert_eq!(store.apply_delivery(&uid, None, None).unwrap(), None);
        store.start_sending(id).unwrap();
        let delivered = store
            .apply_delivery(&uid, Some("gw-1"), None)
            .unwrap()
            .unwrap();
        assert_eq!(delivered.state, MessageState::Delivered);
        assert_eq!(store.apply_delivery(&uid, None, None).unwrap(), None);
        assert_eq!(
            store.apply_delivery(&uid, None, Some("expired")).unwrap(),
            None
        );
        // The answer comes after the report: the message stays delivered.
        let answered = store.record_accepted(id, Some("gw-1")).unwrap();
        assert_eq!(answered.state, MessageState::Delivered);
        assert_eq!(answered.gateway_ref.as_deref(), Some("gw-1"));
        assert_eq!(store.apply_delivery("unknown", None, None).unwrap(), None);
    }

    #[test]
    fn a_report_settles_a_message_waiting_to_be_handed_over_again() {
        let (mut store, id) = with_message();
        let uid = store.message(id).unwrap().uid;
        // Never handed over: a report cannot be about it.
        assert_eq!(store.apply_taken(&uid, None).unwrap(), None);
        store.start_sending(id).unwrap();
        let later = Timestamp(now_ms() + 60_000);
        store
            .schedule_retry(id, later, "no answer from the gateway")
            .unwrap();
        // The gateway had it after all: it is not handed over again.
        let taken = store.apply_taken(&uid, Some("gw-3")).unwrap().unwrap();
        assert_eq!(taken.state, MessageState::Sent);
        assert_eq!(taken.error, None);
        assert!(store.due_messages(later, 10).unwrap().is_empty());
        assert_eq!(store.apply_taken(&uid, None).unwrap(), None);
        let delivered = store.apply_delivery(&uid, None, None).unwrap().unwrap();
        assert_eq!(delivered.state, MessageState::Delivered);
    }

    #[test]
    fn a_failure_report_follows_the_answer() {
        let (mut store, id) = with_message();
        let uid = store.message(id).unwrap().uid;
        store.start_sending(id).unwrap();
        let sent = store.record_accepted(id, Some("gw-2")).unwrap();
        assert_eq!(sent.state, MessageState::Sent);
        assert_eq!(
            store.messages_awaiting_report(Timestamp(0)).unwrap()[0].id,
            id
        );
        let failed = store
            .apply_delivery(&uid, None, Some("unknown subscriber"))
            .unwrap()
            .unwrap();
        assert_eq!(failed.state, MessageState::Failed);
        assert_eq!(failed.error.as_deref(), Some("unknown subscriber"));
        assert!(
            store
                .messages_awaiting_report(Timestamp(0))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_failed_message_is_resent_as_a_new_one() {
        let (mut store, id) = with_message();
        assert!(matches!(
            store.resend_message(id, None),
            Err(Error::Invalid(invalid)) if invalid.field == "state"
        ));
        store.start_sending(id).unwrap();
        store.fail_message(id, "refused").unwrap();
        let copy = store.resend_message(id, None).unwrap();
        let (old, new) = (store.message(id).unwrap(), store.message(copy).unwrap());
        assert_eq!(old.state, MessageState::Failed);
        assert_eq!(new.state, MessageState::Queued);
        assert_eq!((new.body, new.to_key), (old.body, old.to_key));
        assert_ne!(new.uid, old.uid);
        assert_eq!(new.attempts, 0);
        assert!(matches!(
            store.resend_message(MessageId(99), None),
            Err(Error::NotFound { .. })
        ));
    }

    fn mms(picture: &Picture) -> NewMessage {
        NewMessage {
            kind: MessageKind::Mms,
            image: Some(picture.clone()),
            ..message()
        }
    }

    fn images_stored(store: &Store) -> i64 {
        store
            .conn
            .query_row("SELECT count(*) FROM message_images", [], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn a_picture_is_stored_once_and_handed_over_with_its_message() {
        let (mut store, sms) = with_message();
        let picture = Picture::new(vec![0xFF, 0xD8, 0xFF, 0xE0, 7, 7, 7]);
        // Two messages in one batch share the copy; a later message with the
        // same bytes in another copy finds the stored one.
        let ids = store
            .enqueue_messages(&[mms(&picture), mms(&picture)])
            .unwrap();
        let later = store
            .enqueue_message(&mms(&Picture::new(picture.bytes().to_vec())))
            .unwrap();
        assert_eq!(images_stored(&store), 1);
        let first = store.message(ids[0]).unwrap();
        let image = first.image.unwrap();
        assert_eq!(image.size_bytes, 7);
        assert_eq!(store.message(ids[1]).unwrap().image, Some(image));
        assert_eq!(store.message(later).unwrap().image, Some(image));
        assert_eq!(store.message(sms).unwrap().image, None);

        let handover = store.start_sending(ids[0]).unwrap();
        assert_eq!(handover.message.state, MessageState::Sending);
        assert_eq!(handover.picture.as_ref(), Some(&picture));
        assert_eq!(store.start_sending(sms).unwrap().picture, None);
    }

    #[test]
    fn a_resent_mms_keeps_its_picture() {
        let (mut store, _) = with_message();
        let picture = Picture::new(vec![0xFF, 0xD8, 0xFF, 0xDB, 1]);
        let id = store.enqueue_message(&mms(&picture)).unwrap();
        store.start_sending(id).unwrap();
        store.fail_message(id, "refused").unwrap();
        let copy = store.resend_message(id, None).unwrap();
        let resent = store.message(copy).unwrap();
        assert_eq!(resent.kind, MessageKind::Mms);
        assert_eq!(resent.image, store.message(id).unwrap().image);
        assert_eq!(images_stored(&store), 1);
        assert_eq!(store.start_sending(copy).unwrap().picture, Some(picture));
    }
}
