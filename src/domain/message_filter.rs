//! Which messages the message log (문자 전송 내역) shows: a period, and
//! optionally the direction (sent or received), a piece of the number, a
//! customer, states, a kind and a bulk send.
//!
//! The period is half-open, `[from, to)`, as in the call log. A sent
//! message is placed in time by when it was queued, a received one by when
//! the gateway received it. States, kind and batch describe sent messages
//! only, so a filter naming any of them lists no received ones.

use serde::Serialize;

use super::call_filter::NumberFragment;
use super::ids::{BatchId, CustomerId};
use super::log_owner::LogOwner;
use super::message::{Message, MessageKind, MessageState};
use super::received::ReceivedMessage;
use super::time::Timestamp;

/// Sent by ringdesk or received from a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageDirection {
    /// Sent (queued, on its way, or done).
    Sent,
    /// Received from a customer.
    Received,
}

/// Which messages the message log lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFilter {
    /// The first instant of the period.
    pub from: Timestamp,
    /// The first instant after the period.
    pub to: Timestamp,
    /// Only sent or only received messages.
    pub direction: Option<MessageDirection>,
    /// Only messages to or from a number with these digits.
    pub number: Option<NumberFragment>,
    /// Only messages to or from this customer.
    pub customer: Option<CustomerId>,
    /// Only sent messages in one of these states; empty means any.
    pub states: Vec<MessageState>,
    /// Only sent messages of this kind.
    pub kind: Option<MessageKind>,
    /// Only the messages of this bulk send.
    pub batch: Option<BatchId>,
    /// Only the messages this user sent (and those received); `None`
    /// lists everyone's.
    pub owner: Option<LogOwner>,
}

impl MessageFilter {
    /// Every message, sent or received, in `[from, to)`.
    #[must_use]
    pub fn period(from: Timestamp, to: Timestamp) -> Self {
        Self {
            from,
            to,
            direction: None,
            number: None,
            customer: None,
            states: Vec::new(),
            kind: None,
            batch: None,
            owner: None,
        }
    }

    /// Whether the filter names something only sent messages have.
    #[must_use]
    pub fn only_sent(&self) -> bool {
        !self.states.is_empty() || self.kind.is_some() || self.batch.is_some()
    }

    /// Whether sent messages can match.
    #[must_use]
    pub fn lists_sent(&self) -> bool {
        self.direction != Some(MessageDirection::Received)
    }

    /// Whether received messages can match.
    #[must_use]
    pub fn lists_received(&self) -> bool {
        self.direction != Some(MessageDirection::Sent) && !self.only_sent()
    }
}

/// One line of the message log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "direction", rename_all = "lowercase")]
pub enum LoggedMessage {
    /// A message ringdesk sent (or is sending).
    Sent(Message),
    /// A message a customer sent in.
    Received(ReceivedMessage),
}

impl LoggedMessage {
    /// Where it sits in the log: queued, or received.
    #[must_use]
    pub fn at(&self) -> Timestamp {
        match self {
            Self::Sent(message) => message.created_at,
            Self::Received(message) => message.received_at,
        }
    }

    /// Sent or received.
    #[must_use]
    pub fn direction(&self) -> MessageDirection {
        match self {
            Self::Sent(_) => MessageDirection::Sent,
            Self::Received(_) => MessageDirection::Received,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_only_terms_leave_received_messages_out() {
        let mut filter = MessageFilter::period(Timestamp(0), Timestamp(10));
        assert!(filter.lists_sent() && filter.lists_received());
        filter.states = vec![MessageState::Failed];
        assert!(filter.lists_sent() && !filter.lists_received());
        let mut filter = MessageFilter::period(Timestamp(0), Timestamp(10));
        filter.direction = Some(MessageDirection::Received);
        assert!(!filter.lists_sent() && filter.lists_received());
        filter.kind = Some(MessageKind::Sms);
        assert!(!filter.lists_sent() && !filter.lists_received());
    }
}
