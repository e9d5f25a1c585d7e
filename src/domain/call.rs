//! The call log: a call as the PBX reports it when it starts ringing, and as
//! it reads back once it has been answered and has ended.
//!
//! A call is written when it starts and updated as it goes, so a crash
//! mid-call loses nothing; it ends once, with an [`Outcome`].

use serde::Serialize;

use super::ids::{CallId, CustomerId, UserId};
use super::input::{self, stored_enum};
use super::invalid::{Invalid, Problem};
use super::phone::PhoneNumber;
use super::time::Timestamp;

/// Most characters in the PBX's id for a call (Asterisk's Linkedid is about 20).
pub const PBX_CALL_ID_MAX_CHARS: usize = 100;
/// Most characters in an extension or line name.
pub const CHANNEL_MAX_CHARS: usize = 80;
/// Longest call memo kept, in UTF-8 bytes.
pub const CALL_MEMO_MAX_BYTES: usize = 8000;

stored_enum! {
    /// Which way a call went.
    pub enum Direction {
        /// The customer called.
        In => "in",
        /// The agent called.
        Out => "out",
        /// Between two extensions of the same PBX.
        Internal => "internal",
    }
}

stored_enum! {
    /// How a call ended.
    pub enum Outcome {
        /// Someone picked up.
        Answered => "answered",
        /// An incoming call nobody picked up.
        Missed => "missed",
        /// The other side was busy.
        Busy => "busy",
        /// An outgoing call nobody picked up.
        NoAnswer => "no_answer",
        /// The call could not be made (bad number, trunk down…).
        Failed => "failed",
        /// A ring group or queue rang this agent, and a colleague answered.
        AnsweredElsewhere => "answered_elsewhere",
    }
}

/// A call that has started ringing. The store calls [`NewCall::check`] before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCall {
    /// In or out.
    pub direction: Direction,
    /// The PBX's id for the call (Asterisk `Linkedid`); with `extension`, unique.
    pub pbx_call_id: Option<String>,
    /// The other party's number (the caller ID of an incoming call).
    pub number: PhoneNumber,
    /// The customer the number belongs to, if one was recognised.
    pub customer_id: Option<CustomerId>,
    /// The ringdesk user whose extension took or made the call.
    pub user_id: Option<UserId>,
    /// The extension that rang or dialled; may be empty.
    pub extension: String,
    /// The line (DID) the call came in on or went out of; may be empty.
    pub line: String,
    /// When it started ringing.
    pub started_at: Timestamp,
}

impl NewCall {
    /// The call with its text fields trimmed and an empty PBX id made `None`.
    ///
    /// # Errors
    /// A too long `pbx_call_id`, `extension` or `line`.
    pub fn check(&self) -> Result<Self, Invalid> {
        let pbx_call_id = match self.pbx_call_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => Some(input::optional("pbx_call_id", id, PBX_CALL_ID_MAX_CHARS)?),
        };
        Ok(Self {
            pbx_call_id,
            extension: input::optional("extension", &self.extension, CHANNEL_MAX_CHARS)?,
            line: input::optional("line", &self.line, CHANNEL_MAX_CHARS)?,
            ..self.clone()
        })
    }
}

/// Checks a call memo: any text (empty clears it) up to [`CALL_MEMO_MAX_BYTES`].
///
/// # Errors
/// A memo that is too long (field `memo`).
pub fn check_call_memo(memo: &str) -> Result<&str, Invalid> {
    if memo.len() > CALL_MEMO_MAX_BYTES {
        return Err(Invalid::new(
            "memo",
            Problem::TooLong {
                bytes: memo.len(),
                max: CALL_MEMO_MAX_BYTES,
            },
        ));
    }
    Ok(memo)
}

/// A call as the call log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    /// Row id.
    pub id: CallId,
    /// In or out.
    pub direction: Direction,
    /// The PBX's id for the call.
    pub pbx_call_id: Option<String>,
    /// The other party's number as the PBX gave it.
    pub number_raw: String,
    /// Its canonical key (see [`PhoneNumber::key`]).
    pub phone_key: String,
    /// The customer, if recognised.
    pub customer_id: Option<CustomerId>,
    /// The customer's name, while the customer is not in the recycle bin.
    pub customer_name: Option<String>,
    /// The user who took or made it.
    pub user_id: Option<UserId>,
    /// The extension.
    pub extension: String,
    /// The line.
    pub line: String,
    /// Started ringing.
    pub started_at: Timestamp,
    /// Picked up, if it was.
    pub answered_at: Option<Timestamp>,
    /// Ended, if it has.
    pub ended_at: Option<Timestamp>,
    /// How it ended, once it has.
    pub outcome: Option<Outcome>,
    /// The agent's memo.
    pub memo: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Region;

    fn call() -> NewCall {
        NewCall {
            direction: Direction::In,
            pbx_call_id: Some(" 1700000000.42 ".to_owned()),
            number: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
            customer_id: None,
            user_id: None,
            extension: " 1001 ".to_owned(),
            line: String::new(),
            started_at: Timestamp(1_700_000_000_000),
        }
    }

    #[test]
    fn text_is_trimmed_and_an_empty_pbx_id_is_none() {
        let checked = call().check().unwrap();
        assert_eq!(checked.pbx_call_id.as_deref(), Some("1700000000.42"));
        assert_eq!(checked.extension, "1001");
        let mut blank = call();
        blank.pbx_call_id = Some("  ".to_owned());
        assert_eq!(blank.check().unwrap().pbx_call_id, None);
    }

    #[test]
    fn too_long_fields_are_named() {
        let mut long = call();
        long.line = "9".repeat(CHANNEL_MAX_CHARS + 1);
        assert_eq!(long.check().unwrap_err().field, "line");
        let mut long = call();
        long.pbx_call_id = Some("9".repeat(PBX_CALL_ID_MAX_CHARS + 1));
        assert_eq!(long.check().unwrap_err().field, "pbx_call_id");
        assert_eq!(
            check_call_memo(&"가".repeat(2667)).unwrap_err().field,
            "memo"
        );
    }

    #[test]
    fn outcomes_are_stored_by_name() {
        assert_eq!(Outcome::NoAnswer.as_str(), "no_answer");
        assert_eq!("out".parse::<Direction>(), Ok(Direction::Out));
    }
}
