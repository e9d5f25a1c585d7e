//! The other party's number as a PBX gives it, made into a [`PhoneNumber`].
//!
//! PBXs hand over what the trunk sent: `anonymous`, `Unknown`, nothing at
//! all, or the number with the outbound prefix still in front (`9010…`).
//! None of these may stop a call from being logged; a prefixed number must
//! still find its customer.

use crate::domain::{PhoneNumber, Region};

/// `raw` as a number: parsed when it is one, with `prefix` removed when only
/// the rest is a valid number, and [`PhoneNumber::withheld`] otherwise.
#[must_use]
pub fn caller_number(raw: &str, prefix: &str, region: Region) -> PhoneNumber {
    let raw = raw.trim();
    let Ok(number) = PhoneNumber::parse(raw, region) else {
        return PhoneNumber::withheld(raw);
    };
    if number.is_verified() || prefix.is_empty() {
        return number;
    }
    raw.strip_prefix(prefix)
        .and_then(|rest| PhoneNumber::parse(rest, region).ok())
        .filter(PhoneNumber::is_verified)
        .unwrap_or(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_and_empty_are_withheld() {
        for raw in ["anonymous", "Unknown", "", "  "] {
            let number = caller_number(raw, "9", Region::KOREA);
            assert!(number.is_withheld(), "{raw}");
            assert_eq!(number.raw(), raw.trim());
        }
    }

    #[test]
    fn a_trunk_prefix_is_removed_only_when_that_makes_a_valid_number() {
        let number = caller_number("901012345678", "9", Region::KOREA);
        assert_eq!(number.key(), "+821012345678");
        assert_eq!(
            caller_number("01012345678", "9", Region::KOREA).key(),
            "+821012345678"
        );
        // An extension stays as it is.
        assert_eq!(caller_number("1002", "9", Region::KOREA).key(), "1002");
    }
}
