//! The one error type for input that breaks a rule: it names the field and says what is wrong.

use super::phone::PhoneError;

/// Input refused before it reaches the store. `field` is what the person typed
/// into (`name`, `memo`, `phone[2]`, a user-defined field's key…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct Invalid {
    /// The field the problem is in.
    pub field: String,
    /// What is wrong with it.
    pub problem: Problem,
}

impl Invalid {
    /// A problem in `field`.
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self {
            field: field.into(),
            problem,
        }
    }
}

/// What is wrong with a field's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Required and empty (or only spaces).
    #[error("must not be empty")]
    Empty,
    /// A value typed twice to confirm it (a new password) that differs.
    #[error("the two entries differ; type the same twice")]
    Mismatch,
    /// Shorter than the rule allows (a password under the minimum).
    #[error("is {chars} characters long; at least {min} are needed")]
    TooShort {
        /// Length of the value in characters.
        chars: usize,
        /// The minimum.
        min: usize,
    },
    /// Longer than the store keeps.
    #[error("is {bytes} bytes long; at most {max} bytes (UTF-8) are allowed")]
    TooLong {
        /// Length of the value in UTF-8 bytes.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// Not an e-mail address.
    #[error(
        "'{0}' is not an e-mail address (expected one '@' and a domain with a dot, like name@example.com)"
    )]
    Email(String),
    /// Not a phone number.
    #[error(transparent)]
    Phone(#[from] PhoneError),
    /// A link that names no number to dial.
    #[error(transparent)]
    Link(#[from] super::dial_link::LinkError),
    /// A user-defined field key that is not defined.
    #[error("no user-defined field has this key (defined: {known})")]
    UnknownField {
        /// The keys that are defined, comma separated.
        known: String,
    },
    /// A value that does not fit the field's type.
    #[error("'{value}' is not {expected}")]
    WrongType {
        /// The value as given.
        value: String,
        /// What the field takes, e.g. "a number" or "one of: VIP, 일반".
        expected: String,
    },
    /// Not a valid code or identifier.
    #[error("'{value}' is not valid: {reason}")]
    Malformed {
        /// The value as given.
        value: String,
        /// Why.
        reason: String,
    },
}
