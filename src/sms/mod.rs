//! Text messages before they reach a gateway: what the composer checks while
//! the agent types.
//!
//! * [`text`]: how long a message is in the units the carrier bills (EUC-KR
//!   bytes for a Korean number, GSM-7 or UCS-2 segments abroad), which kind
//!   (SMS, LMS, MMS) that makes it, and what cannot be sent as typed.
//! * [`rules`]: the advertising law (정보통신망법 §50): the "(광고)" mark,
//!   the sender's name and contact, the free opt-out line, quiet hours and
//!   opted-out recipients.
//! * [`template`]: the `#{이름}` placeholders of saved texts, checked and
//!   filled in for a customer.
//!
//! * [`compose`]: the composer's whole check (recipient, sender, text,
//!   placeholders, advertising) shared by the window and the command line.
//! * [`free_numbers`]: numbers typed or pasted for 임의문자발송, checked
//!   with the composer's recipient rule and kept once.
//! * [`sheet_targets`]: the rows of a sheet for 엑셀문자발송 — the phone
//!   column (Excel's lost 0 put back), the other columns as variables, and
//!   every row left out with its row number and reason.
//!
//! * [`gateway`]: the way out — the [`gateway::SmsGateway`] trait and its
//!   gateways.
//!
//! * [`batch_runner`]: a running bulk send turned into messages a chunk at
//!   a time, each recipient checked when its turn comes.
//! * [`outbox`]: the worker that hands queued messages to the gateway,
//!   retries, applies delivery reports and keeps its crash policy.
//! * [`queue`]: a draft into the outbox — its customer, senders and fields
//!   read from the store, the composer's check, the write.
//! * [`picture_file`]: an MMS picture read from its file, refused by its
//!   size and first bytes before it is read whole.
//!
//! Everything but [`gateway`], [`outbox`], [`queue`], [`batch_runner`] and
//! [`picture_file`]
//! is pure: no I/O, no clock. The caller passes the local
//! time and the settings, so the same input always gives the same answer and
//! the composer can run these checks on every keystroke.

pub mod batch_runner;
pub mod compose;
pub mod free_numbers;
pub mod gateway;
pub mod outbox;
pub mod picture_file;
pub mod queue;
pub mod recipient_list;
pub mod rules;
pub mod sheet_columns;
pub mod sheet_targets;
pub mod template;
pub mod text;

pub use rules::{
    AdProblem, AdRules, ad_allowed_at, check_ad, check_ad_recipient, check_advertising, fix_ad,
    has_ad_mark,
};
pub use text::{
    Alphabet, Attachment, CharAt, Count, Destination, ImageProblem, Limits, Measure, MessageText,
    Segments, TextProblem,
};

/// The part of the composer a problem is about, so the window can point at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The message text.
    Body,
    /// The LMS/MMS subject.
    Subject,
    /// The attached picture.
    Image,
    /// The sender number the message goes out from.
    From,
    /// The recipient.
    To,
    /// When the message would go out.
    SendAt,
}

impl Field {
    /// The field's name as [`crate::domain::Invalid`] names fields.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Body => "body",
            Self::Subject => "subject",
            Self::Image => "image",
            Self::From => "from",
            Self::To => "to",
            Self::SendAt => "send_at",
        }
    }
}

impl Field {
    /// The field [`crate::domain::Invalid`] names (`to`, `from`, `body`…),
    /// or the body for a name that is none of the composer's.
    #[must_use]
    pub fn from_name(name: &str) -> Self {
        [
            Self::Body,
            Self::Subject,
            Self::Image,
            Self::From,
            Self::To,
            Self::SendAt,
        ]
        .into_iter()
        .find(|field| name.starts_with(field.as_str()))
        .unwrap_or(Self::Body)
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
