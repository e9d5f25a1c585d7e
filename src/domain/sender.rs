//! Registered sender numbers (발신번호): the only numbers messages may be sent
//! from. Korean law requires a sender number to be registered before use, so
//! only a number that validates can be registered.

use serde::Serialize;

use super::ids::SenderNumberId;
use super::input;
use super::invalid::{Invalid, Problem};
use super::phone::PhoneNumber;
use super::time::Timestamp;

/// Most characters in a sender number's label.
pub const SENDER_LABEL_MAX_CHARS: usize = 50;

/// A sender number to be registered. The store calls [`NewSenderNumber::check`] before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSenderNumber {
    /// The number; must be verified (see [`PhoneNumber::is_verified`]).
    pub number: PhoneNumber,
    /// What the number is for (대표번호, 고객센터…); may be empty.
    pub label: String,
}

impl NewSenderNumber {
    /// The sender number with its label trimmed.
    ///
    /// # Errors
    /// A `number` that did not validate, or a too long `label`.
    pub fn check(&self) -> Result<Self, Invalid> {
        if !self.number.is_verified() {
            return Err(Invalid::new(
                "number",
                Problem::Malformed {
                    value: self.number.raw().to_owned(),
                    reason: "only a complete, valid number (like 02-2299-7123 or 1588-1234) can be registered as a sender number".to_owned(),
                },
            ));
        }
        Ok(Self {
            number: self.number.clone(),
            label: check_sender_label(&self.label)?,
        })
    }
}

/// Trims and checks a sender number's label (may be empty).
///
/// # Errors
/// A label longer than [`SENDER_LABEL_MAX_CHARS`] (field `label`).
pub fn check_sender_label(label: &str) -> Result<String, Invalid> {
    input::optional("label", label, SENDER_LABEL_MAX_CHARS)
}

/// A registered sender number as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SenderNumber {
    /// Row id.
    pub id: SenderNumberId,
    /// Canonical key (E.164), what messages record as their `from_key`.
    pub key: String,
    /// The number as typed when it was registered.
    pub raw: String,
    /// What it is for.
    pub label: String,
    /// False when it may not be used for now.
    pub enabled: bool,
    /// Registered.
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Region;

    fn sender(number: &str, label: &str) -> NewSenderNumber {
        NewSenderNumber {
            number: PhoneNumber::parse(number, Region::KOREA).unwrap(),
            label: label.to_owned(),
        }
    }

    #[test]
    fn only_verified_numbers_are_registered() {
        let checked = sender("1588-1234", " 대표번호 ").check().unwrap();
        assert_eq!(checked.label, "대표번호");
        assert_eq!(sender("1001", "").check().unwrap_err().field, "number");
        assert_eq!(
            sender("02-2299-7123", &"가".repeat(51))
                .check()
                .unwrap_err()
                .field,
            "label"
        );
    }
}
