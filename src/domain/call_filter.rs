//! Which calls the call log (전화목록) shows: a period, and optionally a
//! direction, a set of outcomes and a piece of the number.
//!
//! The period is half-open, `[from, to)`, so "yesterday" and "today" never
//! share a call. The number piece is digits only: agents type the last four
//! digits, or a number with its dashes, and both find the call.

use super::call::{Direction, Outcome};
use super::invalid::{Invalid, Problem};
use super::log_owner::LogOwner;
use super::time::Timestamp;

/// Most digits in a number piece: an international number has at most 15,
/// with an international prefix (00, 001) a few more.
pub const NUMBER_FRAGMENT_MAX_DIGITS: usize = 20;

/// Which calls the call log lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFilter {
    /// The first instant of the period (calls that started then or later).
    pub from: Timestamp,
    /// The first instant after the period (calls that started before it).
    pub to: Timestamp,
    /// Only calls that went this way.
    pub direction: Option<Direction>,
    /// Only calls that ended with one of these; empty means any, calls still
    /// going on included.
    pub outcomes: Vec<Outcome>,
    /// Only calls with these digits in their number.
    pub number: Option<NumberFragment>,
    /// Only this user's calls; `None` lists everyone's.
    pub owner: Option<LogOwner>,
}

impl CallFilter {
    /// Every call that started in `[from, to)`.
    #[must_use]
    pub fn period(from: Timestamp, to: Timestamp) -> Self {
        Self {
            from,
            to,
            direction: None,
            outcomes: Vec::new(),
            number: None,
            owner: None,
        }
    }

    /// Only missed calls: incoming, and nobody picked up (what
    /// [`crate::domain::Call::is_missed`] marks).
    #[must_use]
    pub fn missed(mut self) -> Self {
        self.direction = Some(Direction::In);
        self.outcomes = Outcome::UNREACHED.to_vec();
        self
    }
}

/// A piece of a phone number to look for: one or more digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFragment(String);

impl NumberFragment {
    /// The digits of `text`, which may be written with the separators of a
    /// phone number (`010-1234`, `(02) 2299`, `+82 10`) and in full-width
    /// digits as a Japanese input method types them. Blank text is no
    /// filter (`None`).
    ///
    /// # Errors
    /// [`Invalid`] on field `number` for anything else (letters, a name
    /// typed into the number box), for separators without a digit, and for
    /// more than [`NUMBER_FRAGMENT_MAX_DIGITS`] digits.
    pub fn parse(text: &str) -> Result<Option<Self>, Invalid> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let refuse = |reason: &str| {
            Invalid::new(
                "number",
                Problem::Malformed {
                    value: text.to_owned(),
                    reason: reason.to_owned(),
                },
            )
        };
        let mut digits = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '0'..='9' => digits.push(c),
                // Full-width digits (U+FF10..U+FF19) as their ASCII twins.
                '０'..='９' => {
                    let offset = u32::from(c) - u32::from('０');
                    digits.extend(char::from_digit(offset, 10));
                }
                ' ' | '-' | '(' | ')' | '.' | '+' | '/' | '　' | '－' | 'ー' | '‐' | '＋' => {
                }
                _ => return Err(refuse("only digits and - ( ) + . can be in a number")),
            }
        }
        if digits.is_empty() {
            return Err(refuse("type at least one digit"));
        }
        if digits.len() > NUMBER_FRAGMENT_MAX_DIGITS {
            return Err(refuse(&format!(
                "at most {NUMBER_FRAGMENT_MAX_DIGITS} digits are allowed"
            )));
        }
        Ok(Some(Self(digits)))
    }

    /// The digits.
    #[must_use]
    pub fn digits(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("5678", "5678")]
    #[case(" 010-1234-5678 ", "01012345678")]
    #[case("(02) 2299.7123", "0222997123")]
    #[case("+82 10 1234", "82101234")]
    #[case("０９０－１２３４", "0901234")]
    fn digits_are_kept_and_separators_dropped(#[case] text: &str, #[case] digits: &str) {
        assert_eq!(
            NumberFragment::parse(text).unwrap().unwrap().digits(),
            digits
        );
    }

    #[rstest]
    #[case("홍길동")]
    #[case("010-abcd")]
    #[case("--")]
    #[case("123456789012345678901")]
    fn anything_else_is_refused_on_the_number_field(#[case] text: &str) {
        assert_eq!(NumberFragment::parse(text).unwrap_err().field, "number");
    }

    #[test]
    fn blank_is_no_filter() {
        assert_eq!(NumberFragment::parse("  ").unwrap(), None);
    }

    #[test]
    fn missed_is_incoming_and_unreached() {
        let filter = CallFilter::period(Timestamp(0), Timestamp(10)).missed();
        assert_eq!(filter.direction, Some(Direction::In));
        assert!(filter.outcomes.contains(&Outcome::Missed));
        assert!(!filter.outcomes.contains(&Outcome::Answered));
        assert!(!filter.outcomes.contains(&Outcome::AnsweredElsewhere));
    }
}
