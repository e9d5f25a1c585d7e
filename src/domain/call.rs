//! The call log: a call as the PBX reports it when it starts ringing, and as
//! it reads back once it has been answered and has ended.
//!
//! A call is written when it starts and updated as it goes, so a crash
//! mid-call loses nothing; it ends once, with an [`Outcome`]. The PBX
//! tracker hands the store a whole [`CallRecord`] each time it learns
//! something, and the store keeps what it already knew.

use serde::Serialize;

use super::ids::{CallId, CustomerId, UserId};
use super::input::{self, stored_enum};
use super::invalid::{Invalid, Problem};
use super::phone::{PhoneNumber, Region};
use super::time::Timestamp;

/// Most characters in the PBX's id for a call (Asterisk's Linkedid is about 20).
pub const PBX_CALL_ID_MAX_CHARS: usize = 100;
/// Most characters in an extension or line name.
pub const CHANNEL_MAX_CHARS: usize = 80;
/// Longest call memo kept, in UTF-8 bytes.
pub const CALL_MEMO_MAX_BYTES: usize = 8000;
/// Most characters of the PBX's words for a hang-up cause ("Normal Clearing").
pub const CAUSE_TEXT_MAX_CHARS: usize = 200;

stored_enum! {
    /// Which way a call went.
    pub enum Direction {
        /// The customer called.
        In => "in",
        /// The agent called.
        Out => "out",
        /// Between two extensions of the same PBX (a colleague, a transfer).
        Internal => "internal",
    }
}

stored_enum! {
    /// How a call ended.
    pub enum Outcome {
        /// Someone picked up.
        Answered => "answered",
        /// An incoming call that ended before anyone picked up (the caller
        /// hung up while it rang).
        Missed => "missed",
        /// The other side was busy.
        Busy => "busy",
        /// Nobody picked up before the ringing timed out.
        NoAnswer => "no_answer",
        /// The call could not be made (bad number, trunk down…).
        Failed => "failed",
        /// The extension rang with others (a ring group or queue) and a
        /// colleague picked up: not this agent's call, and not missed.
        AnsweredElsewhere => "answered_elsewhere",
    }
}

impl Outcome {
    /// The outcomes of a call nobody picked up: for an incoming call, the
    /// caller never reached the desk and is waiting to be called back.
    pub const UNREACHED: &[Outcome] = &[Self::Missed, Self::Busy, Self::NoAnswer, Self::Failed];

    /// Whether someone (this agent or a colleague) picked up.
    #[must_use]
    pub fn picked_up(self) -> bool {
        matches!(self, Self::Answered | Self::AnsweredElsewhere)
    }
}

/// The PBX tracker's whole picture of one call on one extension, as it
/// stands now. [`crate::store::Store::record_call`] writes it as often as
/// the tracker likes: the first time it makes the row, later times fill in
/// what the row lacks (the answer, the end), and a replay changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    /// In, out or internal.
    pub direction: Direction,
    /// The PBX's id for the call (Asterisk `Linkedid`); with `extension`, the
    /// row's key. Required: without it a replay could not be recognised.
    pub pbx_call_id: String,
    /// The other party's number (the caller ID of an incoming call, the
    /// other extension of an internal one).
    pub number: PhoneNumber,
    /// The customer the number belongs to, if one was recognised.
    pub customer_id: Option<CustomerId>,
    /// The ringdesk user whose extension took or made the call.
    pub user_id: Option<UserId>,
    /// The extension that rang or dialled.
    pub extension: String,
    /// The line (DID) the call came in on or went out of; may be empty.
    pub line: String,
    /// When it started ringing.
    pub started_at: Timestamp,
    /// When it was picked up, once it was.
    pub answered_at: Option<Timestamp>,
    /// When it ended, once it has; comes with `outcome`.
    pub ended_at: Option<Timestamp>,
    /// How it ended, once it has; comes with `ended_at`.
    pub outcome: Option<Outcome>,
    /// The Q.850 hang-up cause code the PBX gave (16 normal clearing,
    /// 17 user busy, 19 no answer…), once it has ended.
    pub cause: Option<u16>,
    /// The PBX's words for the cause; may be empty.
    pub cause_text: String,
}

impl CallRecord {
    /// The record with its text fields trimmed.
    ///
    /// # Errors
    /// An empty or too long `pbx_call_id`; a too long `extension`, `line`
    /// or `cause_text`; an end without an outcome (field `outcome`) or an
    /// outcome without an end (field `ended_at`); a cause before the end
    /// (field `cause`).
    pub fn check(&self) -> Result<Self, Invalid> {
        let pbx_call_id = input::required("pbx_call_id", &self.pbx_call_id, PBX_CALL_ID_MAX_CHARS)?;
        match (self.ended_at, self.outcome) {
            (Some(_), None) => return Err(Invalid::new("outcome", Problem::Empty)),
            (None, Some(outcome)) => {
                return Err(Invalid::new(
                    "ended_at",
                    Problem::Malformed {
                        value: outcome.to_string(),
                        reason: "an outcome needs the time the call ended".to_owned(),
                    },
                ));
            }
            _ => {}
        }
        if self.ended_at.is_none() && (self.cause.is_some() || !self.cause_text.trim().is_empty()) {
            return Err(Invalid::new(
                "cause",
                Problem::Malformed {
                    value: self.cause.map(|code| code.to_string()).unwrap_or_default(),
                    reason: "a hang-up cause needs the time the call ended".to_owned(),
                },
            ));
        }
        Ok(Self {
            pbx_call_id,
            extension: input::optional("extension", &self.extension, CHANNEL_MAX_CHARS)?,
            line: input::optional("line", &self.line, CHANNEL_MAX_CHARS)?,
            cause_text: input::optional("cause_text", &self.cause_text, CAUSE_TEXT_MAX_CHARS)?,
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
    /// The Q.850 hang-up cause code, once it has ended (if the PBX gave one).
    pub cause: Option<u16>,
    /// The PBX's words for the cause; may be empty.
    pub cause_text: String,
    /// The agent's memo.
    pub memo: String,
}

impl Call {
    /// The other party's number as a person reads it (`010-1234-5678`),
    /// formatted for a desk in `region`; as the PBX gave it when it is no
    /// number ringdesk recognises.
    #[must_use]
    pub fn number_display(&self, region: Region) -> String {
        if !self.phone_key.starts_with('+') {
            return self.number_raw.clone();
        }
        PhoneNumber::parse(&self.phone_key, region).map_or_else(
            |_| self.number_raw.clone(),
            |number| number.display().to_owned(),
        )
    }

    /// A call to return: an incoming call that ended without anyone
    /// picking up (missed, busy, unanswered or failed on the way in).
    /// A ring-group call a colleague took is not missed.
    #[must_use]
    pub fn is_missed(&self) -> bool {
        self.direction == Direction::In
            && self
                .outcome
                .is_some_and(|outcome| Outcome::UNREACHED.contains(&outcome))
    }

    /// How long the parties talked: from the answer to the end. `None` while
    /// the call is going on or when nobody picked up.
    #[must_use]
    pub fn duration(&self) -> Option<std::time::Duration> {
        let (answered, ended) = (self.answered_at?, self.ended_at?);
        let millis = u64::try_from(ended.as_millis().checked_sub(answered.as_millis())?).ok()?;
        Some(std::time::Duration::from_millis(millis))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Region;

    #[test]
    fn too_long_fields_are_named() {
        let mut long = record();
        long.line = "9".repeat(CHANNEL_MAX_CHARS + 1);
        assert_eq!(long.check().unwrap_err().field, "line");
        let mut long = record();
        long.extension = "9".repeat(CHANNEL_MAX_CHARS + 1);
        assert_eq!(long.check().unwrap_err().field, "extension");
        let mut long = record();
        long.pbx_call_id = "9".repeat(PBX_CALL_ID_MAX_CHARS + 1);
        assert_eq!(long.check().unwrap_err().field, "pbx_call_id");
        assert_eq!(
            check_call_memo(&"가".repeat(2667)).unwrap_err().field,
            "memo"
        );
    }

    #[test]
    fn outcomes_are_stored_by_name() {
        assert_eq!(Outcome::NoAnswer.as_str(), "no_answer");
        assert_eq!(Outcome::AnsweredElsewhere.as_str(), "answered_elsewhere");
        assert_eq!("out".parse::<Direction>(), Ok(Direction::Out));
        assert_eq!("internal".parse::<Direction>(), Ok(Direction::Internal));
    }

    fn record() -> CallRecord {
        CallRecord {
            direction: Direction::In,
            pbx_call_id: " 1700000000.42 ".to_owned(),
            number: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
            customer_id: None,
            user_id: None,
            extension: " 1001 ".to_owned(),
            line: String::new(),
            started_at: Timestamp(T0),
            answered_at: None,
            ended_at: None,
            outcome: None,
            cause: None,
            cause_text: String::new(),
        }
    }

    const T0: i64 = 1_700_000_000_000;

    #[test]
    fn a_record_needs_its_pbx_id_and_ends_with_an_outcome() {
        let mut padded = record();
        padded.line = " 02-2299-7000 ".to_owned();
        let checked = padded.check().unwrap();
        assert_eq!(checked.pbx_call_id, "1700000000.42");
        assert_eq!(checked.extension, "1001");
        assert_eq!(checked.line, "02-2299-7000");

        let mut blank = record();
        blank.pbx_call_id = " ".to_owned();
        assert_eq!(blank.check().unwrap_err().field, "pbx_call_id");
        let mut no_outcome = record();
        no_outcome.ended_at = Some(Timestamp(T0 + 1));
        assert_eq!(no_outcome.check().unwrap_err().field, "outcome");
        let mut no_end = record();
        no_end.outcome = Some(Outcome::Missed);
        assert_eq!(no_end.check().unwrap_err().field, "ended_at");
        let mut early_cause = record();
        early_cause.cause = Some(16);
        assert_eq!(early_cause.check().unwrap_err().field, "cause");
        let mut long = record();
        long.ended_at = Some(Timestamp(T0 + 1));
        long.outcome = Some(Outcome::Failed);
        long.cause_text = "x".repeat(CAUSE_TEXT_MAX_CHARS + 1);
        assert_eq!(long.check().unwrap_err().field, "cause_text");
    }

    fn ended(direction: Direction, outcome: Outcome) -> Call {
        Call {
            id: CallId(1),
            direction,
            pbx_call_id: None,
            number_raw: "010-1234-5678".to_owned(),
            phone_key: "+821012345678".to_owned(),
            customer_id: None,
            customer_name: None,
            user_id: None,
            extension: "1001".to_owned(),
            line: String::new(),
            started_at: Timestamp(T0),
            answered_at: outcome.picked_up().then_some(Timestamp(T0 + 5_000)),
            ended_at: Some(Timestamp(T0 + 65_000)),
            outcome: Some(outcome),
            cause: None,
            cause_text: String::new(),
            memo: String::new(),
        }
    }

    #[test]
    fn numbers_read_as_a_person_writes_them() {
        let mut call = ended(Direction::In, Outcome::Answered);
        "01012345678".clone_into(&mut call.number_raw);
        assert_eq!(call.number_display(Region::KOREA), "010-1234-5678");
        // An extension or anything else unrecognised stays as the PBX gave it.
        "1002".clone_into(&mut call.number_raw);
        "1002".clone_into(&mut call.phone_key);
        assert_eq!(call.number_display(Region::KOREA), "1002");
    }

    #[test]
    fn missed_means_an_incoming_call_nobody_took() {
        for outcome in Outcome::ALL {
            let missed = ended(Direction::In, *outcome).is_missed();
            assert_eq!(missed, !outcome.picked_up(), "{outcome}");
            assert!(!ended(Direction::Out, *outcome).is_missed(), "{outcome}");
            assert!(
                !ended(Direction::Internal, *outcome).is_missed(),
                "{outcome}"
            );
        }
        let mut ringing = ended(Direction::In, Outcome::Missed);
        ringing.outcome = None;
        ringing.ended_at = None;
        assert!(!ringing.is_missed());
    }

    #[test]
    fn duration_runs_from_the_answer_to_the_end() {
        let answered = ended(Direction::In, Outcome::Answered);
        assert_eq!(answered.duration(), Some(std::time::Duration::from_mins(1)));
        assert_eq!(ended(Direction::In, Outcome::Missed).duration(), None);
        let mut going = answered.clone();
        going.ended_at = None;
        assert_eq!(going.duration(), None);
        let mut skewed = answered;
        skewed.ended_at = Some(Timestamp(T0));
        assert_eq!(skewed.duration(), None);
    }
}
