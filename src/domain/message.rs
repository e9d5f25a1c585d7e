//! Text messages, the log and the outbox in one: a message is stored before
//! it is sent and then moves through its states, each move checked by
//! [`MessageState::can_become`]:
//!
//! - queued → sending, or cancelled / failed before it is tried
//! - sending → sent, delivered (a delivery report can beat the gateway's
//!   answer), failed, or queued again (to retry after a crash or a timeout)
//! - sent → delivered or failed (the delivery report)
//! - failed → queued (retry) or cancelled
//!
//! Delivered and cancelled are final.

use serde::Serialize;

use super::ids::{BatchId, CustomerId, MessageId, UserId};
use super::input::{self, stored_enum};
use super::invalid::{Invalid, Problem};
use super::phone::PhoneNumber;
use super::picture::{MessageImage, Picture};
use super::template::SUBJECT_MAX_CHARS;
use super::time::Timestamp;

stored_enum! {
    /// The kind of message, which decides its price and length limit.
    pub enum MessageKind {
        /// Short message (단문, up to 90 bytes).
        Sms => "sms",
        /// Long message (장문), with a subject.
        Lms => "lms",
        /// Message with a picture.
        Mms => "mms",
    }
}

stored_enum! {
    /// Where a message is on its way.
    pub enum MessageState {
        /// Waiting in the outbox.
        Queued => "queued",
        /// Being handed to the gateway.
        Sending => "sending",
        /// The gateway took it.
        Sent => "sent",
        /// The phone got it (delivery report).
        Delivered => "delivered",
        /// The gateway or the network refused it.
        Failed => "failed",
        /// Withdrawn before it was sent.
        Cancelled => "cancelled",
    }
}

impl MessageState {
    /// Whether a message in this state may move to `next`.
    #[must_use]
    pub fn can_become(self, next: Self) -> bool {
        use MessageState::{Cancelled, Delivered, Failed, Queued, Sending, Sent};
        matches!(
            (self, next),
            (Queued, Sending | Cancelled | Failed | Sent | Delivered)
                | (Sending, Sent | Delivered | Failed | Queued)
                | (Sent, Delivered | Failed)
                | (Failed, Queued | Cancelled)
        )
    }

    /// Whether nothing more happens to a message in this state unless a
    /// person acts: delivered, failed (it may be resent, as a new message)
    /// and cancelled. A delivery report for such a message is ignored.
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(self, Self::Delivered | Self::Failed | Self::Cancelled)
    }

    /// Where a final delivery report moves a message in this state: one
    /// being handed over or taken becomes delivered or failed (a report may
    /// beat the gateway's answer to the send), and so does one back in the
    /// outbox after a hand-over whose answer never came (`handed_over`: it
    /// has been handed to the gateway before), because the report proves
    /// the gateway took it. None for any other state: a repeated report, or
    /// one for a message already final, changes nothing.
    #[must_use]
    pub fn after_report(self, handed_over: bool, delivered: bool) -> Option<Self> {
        match self {
            Self::Sending | Self::Sent if delivered => Some(Self::Delivered),
            Self::Sending | Self::Sent => Some(Self::Failed),
            Self::Queued if handed_over && delivered => Some(Self::Delivered),
            Self::Queued if handed_over => Some(Self::Failed),
            _ => None,
        }
    }

    /// Where a report that the gateway has the message (buffered at the
    /// carrier, or handed to it) moves a message in this state: one being
    /// handed over, or back in the outbox after an earlier hand-over,
    /// becomes sent — so it is not handed over again. None otherwise.
    #[must_use]
    pub fn after_taken_report(self, handed_over: bool) -> Option<Self> {
        match self {
            Self::Sending => Some(Self::Sent),
            Self::Queued if handed_over => Some(Self::Sent),
            _ => None,
        }
    }

    /// `next`, if a message in this state may move there.
    ///
    /// # Errors
    /// Any other move, with a message naming both states (field `state`).
    pub fn move_to(self, next: Self) -> Result<Self, Invalid> {
        if self.can_become(next) {
            return Ok(next);
        }
        Err(Invalid::new(
            "state",
            Problem::Malformed {
                value: next.as_str().to_owned(),
                reason: format!("a {self} message cannot become {next}"),
            },
        ))
    }
}

/// A message to be queued. The store calls [`NewMessage::check`] before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The bulk send it belongs to, if any.
    pub batch_id: Option<BatchId>,
    /// The customer it goes to, if it goes to one.
    pub customer_id: Option<CustomerId>,
    /// The user who sent it.
    pub user_id: Option<UserId>,
    /// The recipient.
    pub to: PhoneNumber,
    /// The key of the registered sender number it goes out from.
    pub from_key: String,
    /// SMS, LMS or MMS.
    pub kind: MessageKind,
    /// Subject (LMS/MMS); may be empty.
    pub subject: String,
    /// The text; required. Kept as typed.
    pub body: String,
    /// An advertisement (광고).
    pub advertising: bool,
    /// The picture of an MMS; clones share its bytes, so a batch of one
    /// picture holds it once.
    pub image: Option<Picture>,
}

impl NewMessage {
    /// The message with its sender key and subject trimmed.
    ///
    /// # Errors
    /// An empty `from` key, a too long `subject`, an empty `body`, or a
    /// picture and a kind that disagree (field `image`: an MMS carries a
    /// picture, an SMS or LMS none).
    pub fn check(&self) -> Result<Self, Invalid> {
        let from_key = self.from_key.trim();
        if from_key.is_empty() {
            return Err(Invalid::new("from", Problem::Empty));
        }
        match (self.kind, &self.image) {
            (MessageKind::Mms, None) => return Err(Invalid::new("image", Problem::Empty)),
            (MessageKind::Sms | MessageKind::Lms, Some(_)) => {
                return Err(Invalid::new(
                    "image",
                    Problem::Malformed {
                        value: self.kind.as_str().to_owned(),
                        reason: "only an MMS carries a picture".to_owned(),
                    },
                ));
            }
            _ => {}
        }
        let subject = input::optional("subject", &self.subject, SUBJECT_MAX_CHARS)?;
        input::body("body", &self.body, usize::MAX)?;
        Ok(Self {
            from_key: from_key.to_owned(),
            subject,
            ..self.clone()
        })
    }
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Row id.
    pub id: MessageId,
    /// ringdesk's own id for it, given to the gateway and named by its
    /// delivery reports: 32 hex digits, unique across databases.
    pub uid: String,
    /// Its bulk send, if any.
    pub batch_id: Option<BatchId>,
    /// Its customer, if any.
    pub customer_id: Option<CustomerId>,
    /// Who sent it.
    pub user_id: Option<UserId>,
    /// The recipient's number as given.
    pub to_raw: String,
    /// Its canonical key.
    pub to_key: String,
    /// The sender number's key.
    pub from_key: String,
    /// SMS, LMS or MMS.
    pub kind: MessageKind,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
    /// An advertisement.
    pub advertising: bool,
    /// The picture it carries (an MMS), named and sized; its bytes are read
    /// only when it is handed to the gateway.
    pub image: Option<MessageImage>,
    /// Where it is on its way.
    pub state: MessageState,
    /// How many times it has been handed to the gateway.
    pub attempts: u32,
    /// The gateway's id for it, once it has one.
    pub gateway_ref: Option<String>,
    /// Why the last attempt failed, if it did.
    pub error: Option<String>,
    /// Queued.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
    /// Taken by the gateway.
    pub sent_at: Option<Timestamp>,
    /// Reported delivered.
    pub delivered_at: Option<Timestamp>,
    /// A queued message waits until then before it is tried again (after a
    /// passing failure); None means as soon as its turn comes.
    pub next_attempt_at: Option<Timestamp>,
    /// When it was last handed to the gateway.
    pub attempted_at: Option<Timestamp>,
}

/// How many of a batch's messages are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MessageCounts {
    /// Waiting in the outbox.
    pub queued: u64,
    /// Being handed over.
    pub sending: u64,
    /// Taken by the gateway.
    pub sent: u64,
    /// Delivered.
    pub delivered: u64,
    /// Failed.
    pub failed: u64,
    /// Cancelled.
    pub cancelled: u64,
}

impl MessageCounts {
    /// The count for one state.
    #[must_use]
    pub fn of(&self, state: MessageState) -> u64 {
        match state {
            MessageState::Queued => self.queued,
            MessageState::Sending => self.sending,
            MessageState::Sent => self.sent,
            MessageState::Delivered => self.delivered,
            MessageState::Failed => self.failed,
            MessageState::Cancelled => self.cancelled,
        }
    }

    /// Adds `count` to `state`'s count.
    pub fn add(&mut self, state: MessageState, count: u64) {
        let slot = match state {
            MessageState::Queued => &mut self.queued,
            MessageState::Sending => &mut self.sending,
            MessageState::Sent => &mut self.sent,
            MessageState::Delivered => &mut self.delivered,
            MessageState::Failed => &mut self.failed,
            MessageState::Cancelled => &mut self.cancelled,
        };
        *slot += count;
    }

    /// All messages counted.
    #[must_use]
    pub fn total(&self) -> u64 {
        MessageState::ALL.iter().map(|state| self.of(*state)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Region;

    fn message() -> NewMessage {
        NewMessage {
            batch_id: None,
            customer_id: None,
            user_id: None,
            to: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
            from_key: " +8215881234 ".to_owned(),
            kind: MessageKind::Sms,
            subject: String::new(),
            body: "안녕하세요".to_owned(),
            advertising: false,
            image: None,
        }
    }

    #[test]
    fn checks_name_the_field() {
        assert_eq!(message().check().unwrap().from_key, "+8215881234");
        let mut bad = message();
        bad.body = "\n".to_owned();
        assert_eq!(bad.check().unwrap_err().field, "body");
        let mut bad = message();
        bad.from_key = String::new();
        assert_eq!(bad.check().unwrap_err().field, "from");
        let mut bad = message();
        bad.subject = "a".repeat(SUBJECT_MAX_CHARS + 1);
        assert_eq!(bad.check().unwrap_err().field, "subject");
    }

    #[test]
    fn a_picture_and_the_mms_kind_go_together() {
        let picture = Picture::new(vec![0xFF, 0xD8, 0xFF]);
        let mut mms = message();
        mms.kind = MessageKind::Mms;
        assert_eq!(mms.check().unwrap_err().field, "image");
        mms.image = Some(picture.clone());
        assert!(mms.check().unwrap().image.unwrap().is_same_copy(&picture));
        let mut sms = message();
        sms.image = Some(picture);
        assert_eq!(sms.check().unwrap_err().field, "image");
    }

    #[test]
    fn final_states_stay() {
        for next in MessageState::ALL {
            assert!(!MessageState::Delivered.can_become(*next));
            assert!(!MessageState::Cancelled.can_become(*next));
        }
        let err = MessageState::Delivered
            .move_to(MessageState::Queued)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "state: 'queued' is not valid: a delivered message cannot become queued"
        );
        assert_eq!(
            MessageState::Sending.move_to(MessageState::Sent),
            Ok(MessageState::Sent)
        );
    }

    #[test]
    fn reports_move_only_messages_on_their_way() {
        use MessageState::{Cancelled, Delivered, Failed, Queued, Sending, Sent};
        assert_eq!(Sending.after_report(true, true), Some(Delivered));
        assert_eq!(Sent.after_report(true, false), Some(Failed));
        // Back in the outbox after a hand-over that got no answer: the
        // report proves the gateway has it.
        assert_eq!(Queued.after_report(true, true), Some(Delivered));
        assert_eq!(Queued.after_taken_report(true), Some(Sent));
        assert_eq!(Sending.after_taken_report(true), Some(Sent));
        assert_eq!(Queued.after_report(false, true), None);
        assert_eq!(Queued.after_taken_report(false), None);
        for state in [Delivered, Failed, Cancelled] {
            assert_eq!(state.after_report(true, true), None);
            assert_eq!(state.after_report(true, false), None);
        }
        for state in [Sent, Delivered, Failed, Cancelled] {
            assert_eq!(state.after_taken_report(true), None);
        }
        assert!(Failed.is_final() && Delivered.is_final() && !Sent.is_final());
    }

    #[test]
    fn counts_add_up() {
        let mut counts = MessageCounts::default();
        counts.add(MessageState::Sent, 3);
        counts.add(MessageState::Failed, 1);
        assert_eq!(counts.of(MessageState::Sent), 3);
        assert_eq!(counts.total(), 4);
    }
}
