//! Bulk sends (대량, 임의, 엑셀 발송): one text sent to many customers, and the
//! states a send goes through.
//!
//! The states form a small machine; [`BatchState::can_become`] is its only
//! definition and the store refuses any other move:
//!
//! - draft → queued
//! - queued → running or cancelled
//! - running → paused, done or cancelled
//! - paused → running or cancelled
//!
//! Done and cancelled are final.

use std::sync::Arc;

use serde::Serialize;

use super::ids::{BatchId, CustomerId, MessageId, SenderNumberId, UserId};
use super::input::{self, stored_enum};
use super::invalid::{Invalid, Problem};
use super::message::{MessageCounts, MessageState, NewMessage};
use super::phone::PhoneNumber;
use super::picture::{MessageImage, Picture};
use super::template::{BODY_MAX_BYTES, SUBJECT_MAX_CHARS};
use super::time::Timestamp;

/// Most characters in a batch's title.
pub const BATCH_TITLE_MAX_CHARS: usize = 100;

stored_enum! {
    /// Where a batch's recipients came from.
    pub enum BatchKind {
        /// Customers picked from the customer book (대량).
        Bulk => "bulk",
        /// Numbers typed or pasted in (임의).
        Free => "free",
        /// Rows of a spreadsheet (엑셀).
        Excel => "excel",
    }
}

stored_enum! {
    /// Where a batch is in its life.
    pub enum BatchState {
        /// Being put together; nothing will be sent.
        Draft => "draft",
        /// Ready; waits for its scheduled time or for the outbox.
        Queued => "queued",
        /// Being sent.
        Running => "running",
        /// Stopped for now; can be resumed.
        Paused => "paused",
        /// Every message handed over.
        Done => "done",
        /// Stopped for good.
        Cancelled => "cancelled",
    }
}

impl BatchState {
    /// Whether a batch in this state may move to `next`.
    #[must_use]
    pub fn can_become(self, next: Self) -> bool {
        use BatchState::{Cancelled, Done, Draft, Paused, Queued, Running};
        matches!(
            (self, next),
            (Draft, Queued)
                | (Queued | Paused, Running | Cancelled)
                | (Running, Paused | Done | Cancelled)
        )
    }

    /// `next`, if a batch in this state may move there.
    ///
    /// # Errors
    /// Any other move, with a message naming both states (field `state`).
    pub fn move_to(self, next: Self) -> Result<Self, Invalid> {
        if self.can_become(next) {
            return Ok(next);
        }
        let allowed: Vec<&str> = Self::ALL
            .iter()
            .filter(|state| self.can_become(**state))
            .map(|state| state.as_str())
            .collect();
        Err(Invalid::new(
            "state",
            Problem::Malformed {
                value: next.as_str().to_owned(),
                reason: format!(
                    "a {self} batch cannot become {next}; it can become {}",
                    if allowed.is_empty() {
                        "nothing else".to_owned()
                    } else {
                        allowed.join(" or ")
                    }
                ),
            },
        ))
    }
}

/// A batch to be created (as a draft). The store calls [`NewBatch::check`] before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    /// Where the recipients come from.
    pub kind: BatchKind,
    /// What the batch list shows; may be empty, at most 100 characters.
    pub title: String,
    /// The user who made it.
    pub created_by: Option<UserId>,
    /// The registered number to send from.
    pub sender_number_id: Option<SenderNumberId>,
    /// Subject for LMS/MMS; may be empty.
    pub subject: String,
    /// The text with its placeholders; required, at most [`BODY_MAX_BYTES`].
    pub body_template: String,
    /// An advertisement (광고).
    pub advertising: bool,
    /// When to start; `None` for as soon as it is queued.
    pub scheduled_at: Option<Timestamp>,
    /// The JPEG every message carries, which makes each an MMS; stored once
    /// with the batch. Whether it is a JPEG small enough and the gateway
    /// carries pictures is the composer's check, made before it is stored.
    pub image: Option<Picture>,
}

impl NewBatch {
    /// The batch with its title and subject trimmed.
    ///
    /// # Errors
    /// The first of `title`, `subject` or `body_template` that breaks its rule.
    pub fn check(&self) -> Result<Self, Invalid> {
        let title = input::optional("title", &self.title, BATCH_TITLE_MAX_CHARS)?;
        let subject = input::optional("subject", &self.subject, SUBJECT_MAX_CHARS)?;
        input::body("body_template", &self.body_template, BODY_MAX_BYTES)?;
        Ok(Self {
            title,
            subject,
            ..self.clone()
        })
    }
}

/// A batch as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    /// Row id.
    pub id: BatchId,
    /// Where the recipients came from.
    pub kind: BatchKind,
    /// Title.
    pub title: String,
    /// Who made it.
    pub created_by: Option<UserId>,
    /// The number it sends from.
    pub sender_number_id: Option<SenderNumberId>,
    /// Subject.
    pub subject: String,
    /// The text with its placeholders.
    pub body_template: String,
    /// An advertisement.
    pub advertising: bool,
    /// Where it is in its life.
    pub state: BatchState,
    /// How many messages it has.
    pub total: u32,
    /// When it is to start.
    pub scheduled_at: Option<Timestamp>,
    /// The stored picture every message carries (an MMS batch), without its
    /// bytes: a page of batches costs no picture; a runner reads the bytes
    /// once a chunk.
    pub image: Option<MessageImage>,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// Where a batch's recipients and messages stand, for its progress bar and
/// the results window (문자발송결과).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BatchTotals {
    /// Recipients in its list.
    pub recipients: u32,
    /// Recipients whose turn has not come yet.
    pub pending: u32,
    /// Recipients left out when their turn came (opted out since, cancelled…).
    pub skipped: u32,
    /// Of `skipped`, those a cancel left out before their turn came.
    pub skipped_by_cancel: u32,
    /// Its messages by state.
    pub messages: MessageCounts,
}

impl BatchTotals {
    /// Recipients the batch is finished with: their message was handed
    /// over (sent, delivered or failed), or they were left out or cancelled.
    #[must_use]
    pub fn finished(&self) -> u64 {
        u64::from(self.skipped)
            + self.messages.sent
            + self.messages.delivered
            + self.messages.failed
            + self.messages.cancelled
    }

    /// Recipients the batch actually dealt with: their message was handed
    /// over (sent, delivered or failed), or they were left out when their
    /// turn came. Unlike [`Self::finished`], not those a cancel stopped,
    /// whose turn never came: a batch cancelled half-way has handled half.
    #[must_use]
    pub fn handled(&self) -> u64 {
        u64::from(self.skipped.saturating_sub(self.skipped_by_cancel))
            + self.messages.sent
            + self.messages.delivered
            + self.messages.failed
    }
}

/// A batch with its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchSummary {
    /// The batch.
    pub batch: Batch,
    /// Where it stands.
    pub totals: BatchTotals,
}

/// A recipient of a stored bulk send with what became of it, for the
/// results window's drill-down and export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientResult {
    /// The recipient as stored.
    pub recipient: BatchRecipient,
    /// The customer's name, when it belongs to one.
    pub customer_name: Option<String>,
    /// Its message's state, once it has one.
    pub state: Option<MessageState>,
    /// Why the gateway or the network refused it.
    pub error: Option<String>,
    /// When the gateway took it.
    pub sent_at: Option<Timestamp>,
    /// When the phone got it.
    pub delivered_at: Option<Timestamp>,
}

/// A customer who may receive a bulk send (대량문자발송), as the recipient
/// list shows them before the manager sends: every number, so the list can
/// say why a customer is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The customer.
    pub customer_id: CustomerId,
    /// Their name.
    pub name: String,
    /// They opted out of advertising.
    pub ad_opted_out: bool,
    /// Their numbers in the card's order.
    pub numbers: Vec<CandidateNumber>,
}

/// One number of a [`Candidate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateNumber {
    /// Its label (휴대폰, 회사…).
    pub label: String,
    /// As shown (010-1234-5678).
    pub display: String,
    /// Its canonical key; shared, not copied, by the recipient list that
    /// tells numbers apart.
    pub key: Arc<str>,
    /// A mobile number, which can take a text.
    pub mobile: bool,
    /// It parsed as a real number of its region.
    pub verified: bool,
}

/// One recipient of a bulk send, as the list was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecipient {
    /// The number to send to, as given (checked again when its turn comes).
    pub to_raw: String,
    /// Its canonical key, for removing repeats.
    pub to_key: String,
    /// The customer it belongs to (대량문자발송), if any.
    pub customer_id: Option<CustomerId>,
    /// The sheet row or pasted line it came from, for the results.
    pub source_row: Option<u32>,
    /// 엑셀문자발송: the row's values by column name, for `#{열이름}`.
    pub values: Vec<(String, String)>,
}

impl NewRecipient {
    /// A recipient at `number`, with no customer, row or values yet.
    #[must_use]
    pub fn to(number: &PhoneNumber) -> Self {
        Self {
            to_raw: number.raw().to_owned(),
            to_key: number.key().to_owned(),
            customer_id: None,
            source_row: None,
            values: Vec::new(),
        }
    }
}

/// A recipient of a stored bulk send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRecipient {
    /// The batch.
    pub batch_id: BatchId,
    /// Its place in the list, from 1.
    pub seq: u32,
    /// The number to send to, as it was given.
    pub to_raw: String,
    /// Its canonical key (E.164 for a verified number).
    pub to_key: String,
    /// The customer it belongs to, if any.
    pub customer_id: Option<CustomerId>,
    /// The sheet row or pasted line it came from.
    pub source_row: Option<u32>,
    /// Its values by column name.
    pub values: Vec<(String, String)>,
    /// The message made for it, once it was.
    pub message_id: Option<MessageId>,
    /// Why it was left out when its turn came, if it was, as stored
    /// (read it with [`SkipReason::read`]).
    pub skipped: Option<String>,
}

/// What became of a recipient when its turn came.
#[derive(Debug, Clone, PartialEq)]
pub enum RecipientOutcome {
    /// A message for it, to queue.
    Message(Box<NewMessage>),
    /// Left out, and why (opted out since the list was made…).
    Skipped(Skip),
}

/// Why a recipient was left out when its turn came, as a stable code that
/// the windows and the results file say in their own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SkipReason {
    /// The batch was cancelled before its turn.
    Cancelled,
    /// The customer opted out of advertising since the list was made.
    OptedOut,
    /// Advertising at night without the recipient's consent (with some
    /// other problem; the night alone only holds the batch till morning).
    Night,
    /// A Korean number that is not a mobile one.
    NotMobile,
    /// Not a real phone number.
    InvalidNumber,
    /// No number at all.
    NoNumber,
    /// The text, once filled in, is longer than can be sent.
    TextTooLong,
    /// The text, once filled in, is empty.
    EmptyText,
    /// Characters a Korean text message cannot carry.
    UnsupportedCharacters,
    /// A subject or picture on a message abroad.
    Abroad,
    /// A placeholder the recipient has no value for (#{회사} on a card
    /// without a company).
    EmptyPlaceholder,
    /// A placeholder nothing fills (no such field, or no customer).
    UnknownPlaceholder,
    /// The advertising rules (mark, sender, opt-out line).
    AdRules,
    /// The sender number cannot be used (switched off, not registered…).
    Sender,
    /// The picture cannot be sent.
    Picture,
    /// The store refused the message.
    Refused,
}

impl SkipReason {
    /// Every reason, in a fixed order (the results file's words follow it).
    pub const ALL: [Self; 16] = [
        Self::Cancelled,
        Self::OptedOut,
        Self::Night,
        Self::NotMobile,
        Self::InvalidNumber,
        Self::NoNumber,
        Self::TextTooLong,
        Self::EmptyText,
        Self::UnsupportedCharacters,
        Self::Abroad,
        Self::EmptyPlaceholder,
        Self::UnknownPlaceholder,
        Self::AdRules,
        Self::Sender,
        Self::Picture,
        Self::Refused,
    ];

    /// The code as stored.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cancelled => "cancelled",
            Self::OptedOut => "opted_out",
            Self::Night => "night",
            Self::NotMobile => "not_mobile",
            Self::InvalidNumber => "invalid_number",
            Self::NoNumber => "no_number",
            Self::TextTooLong => "text_too_long",
            Self::EmptyText => "empty_text",
            Self::UnsupportedCharacters => "unsupported_characters",
            Self::Abroad => "abroad",
            Self::EmptyPlaceholder => "empty_placeholder",
            Self::UnknownPlaceholder => "unknown_placeholder",
            Self::AdRules => "ad_rules",
            Self::Sender => "sender",
            Self::Picture => "picture",
            Self::Refused => "refused",
        }
    }

    /// The reason and the detail of a stored skip (`code` or `code: detail`);
    /// None for one stored before the codes (an English sentence), which is
    /// shown as it is.
    #[must_use]
    pub fn read(stored: &str) -> Option<(Self, &str)> {
        let (code, detail) = stored.split_once(": ").unwrap_or((stored, ""));
        Self::ALL
            .into_iter()
            .find(|reason| reason.as_str() == code)
            .map(|reason| (reason, detail))
    }
}

/// A recipient left out: the reason, and the refusal in English for the
/// record (which placeholder was empty, which number…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// Why, as a code.
    pub reason: SkipReason,
    /// The refusal in English; may be empty.
    pub detail: String,
}

impl Skip {
    /// As stored: `code`, or `code: detail` ([`SkipReason::read`] reads it).
    #[must_use]
    pub fn stored(&self) -> String {
        if self.detail.is_empty() {
            self.reason.as_str().to_owned()
        } else {
            format!("{}: {}", self.reason.as_str(), self.detail)
        }
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use BatchState::{Cancelled, Done, Draft, Paused, Queued, Running};

    #[rstest]
    #[case(Draft, Queued)]
    #[case(Queued, Running)]
    #[case(Queued, Cancelled)]
    #[case(Running, Paused)]
    #[case(Running, Done)]
    #[case(Running, Cancelled)]
    #[case(Paused, Running)]
    #[case(Paused, Cancelled)]
    fn allowed_moves(#[case] from: BatchState, #[case] to: BatchState) {
        assert_eq!(from.move_to(to), Ok(to));
    }

    #[test]
    fn every_other_move_is_refused_naming_both_states() {
        let allowed = 8;
        let refused: Vec<(BatchState, BatchState)> = BatchState::ALL
            .iter()
            .flat_map(|from| BatchState::ALL.iter().map(move |to| (*from, *to)))
            .filter(|(from, to)| !from.can_become(*to))
            .collect();
        assert_eq!(refused.len(), 36 - allowed);
        for (from, to) in refused {
            let message = from.move_to(to).unwrap_err().to_string();
            assert!(message.contains(from.as_str()), "{message}");
            assert!(message.contains(to.as_str()), "{message}");
        }
        assert_eq!(
            Done.move_to(Running).unwrap_err().to_string(),
            "state: 'running' is not valid: a done batch cannot become running; it can become nothing else"
        );
    }

    #[test]
    fn a_skip_is_stored_as_its_code_and_read_back() {
        for reason in SkipReason::ALL {
            let skip = Skip {
                reason,
                detail: "to: 02-555-1234 is not a mobile number".to_owned(),
            };
            assert_eq!(
                SkipReason::read(&skip.stored()),
                Some((reason, "to: 02-555-1234 is not a mobile number"))
            );
            let bare = Skip {
                reason,
                detail: String::new(),
            };
            assert_eq!(bare.stored(), reason.as_str());
            assert_eq!(SkipReason::read(reason.as_str()), Some((reason, "")));
        }
        // What the store wrote on a cancel before there were codes is one.
        assert_eq!(
            SkipReason::read("cancelled"),
            Some((SkipReason::Cancelled, ""))
        );
        // A sentence stored before the codes is none.
        assert_eq!(
            SkipReason::read("to: 02-555-1234 is not a mobile number"),
            None
        );
        assert_eq!(SkipReason::read("opted out"), None);
    }

    #[test]
    fn the_body_is_required() {
        let batch = NewBatch {
            kind: BatchKind::Bulk,
            title: " 3월 안내 ".to_owned(),
            created_by: None,
            sender_number_id: None,
            subject: String::new(),
            body_template: "{name}님, 안녕하세요".to_owned(),
            advertising: false,
            scheduled_at: None,
            image: None,
        };
        assert_eq!(batch.check().unwrap().title, "3월 안내");
        let empty = NewBatch {
            body_template: " ".to_owned(),
            ..batch
        };
        assert_eq!(empty.check().unwrap_err().field, "body_template");
    }
}
