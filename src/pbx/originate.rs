//! What click-to-call dials: the customer's number as the PBX expects it.
//!
//! A number of the desk's own country is dialled as at home
//! (`01012345678`); a foreign one in E.164 with its `+`, which Asterisk
//! dialplans route as international. The outbound prefix (`9`) goes first.

use crate::domain::{PhoneNumber, Region};

/// Why a number cannot be dialled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialError {
    /// The PBX gave no number for this party.
    #[error("there is no number to dial")]
    NoNumber,
}

/// The digits to dial for `number` from a desk in `region`, after `prefix`.
///
/// # Errors
/// [`DialError::NoNumber`] for a withheld number.
pub fn dial_string(
    number: &PhoneNumber,
    prefix: &str,
    region: Region,
) -> Result<String, DialError> {
    if number.is_withheld() {
        return Err(DialError::NoNumber);
    }
    let domestic =
        number.country_code().is_none() || number.country_code() == region.calling_code();
    let body = if domestic || !number.is_verified() {
        number.digits()
    } else {
        number.key()
    };
    Ok(format!("{prefix}{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dial(number: &str, prefix: &str) -> Result<String, DialError> {
        dial_string(
            &PhoneNumber::parse(number, Region::KOREA).unwrap(),
            prefix,
            Region::KOREA,
        )
    }

    #[test]
    fn domestic_numbers_are_dialled_as_at_home_after_the_prefix() {
        assert_eq!(dial("+82 10-1234-5678", "9").unwrap(), "901012345678");
        assert_eq!(dial("02-2299-7123", "").unwrap(), "0222997123");
        assert_eq!(dial("1001", "").unwrap(), "1001");
    }

    #[test]
    fn foreign_numbers_keep_their_country_code() {
        assert_eq!(dial("+81 90-1234-5678", "9").unwrap(), "9+819012345678");
    }

    #[test]
    fn a_withheld_number_cannot_be_dialled() {
        assert_eq!(
            dial_string(&PhoneNumber::withheld("anonymous"), "", Region::KOREA),
            Err(DialError::NoNumber)
        );
    }
}
