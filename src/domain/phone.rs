//! Phone numbers: whatever a person types or a PBX sends, read once into a
//! canonical key so that any format of a number finds the same customers.
//!
//! libphonenumber's metadata (the `phonenumber` crate) decides which numbers
//! are valid, their type and their display form. By hand, only what it does
//! not do: `00` as an exit code (Korea dials abroad with 001/002/00700…, and
//! Korean data is full of `0082-10-…`), a country code written without its
//! `+` (`82-10-…`), full-width digits from Japanese data, and the verdict on
//! numbers that do not validate — kept as typed and flagged, not refused.

use std::fmt;
use std::str::FromStr;

use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, Type};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Fewest digits a phone number (or an internal extension) has.
const MIN_DIGITS: usize = 3;
/// Most digits: E.164 allows 15, plus two for a `00` exit code.
const MAX_DIGITS: usize = 17;

/// A country whose national formats are assumed for numbers typed without a
/// country code. Written as its ISO 3166 two-letter code ("KR").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region(Id);

impl Region {
    /// South Korea, the default.
    pub const KOREA: Region = Region(Id::KR);
    /// Japan.
    pub const JAPAN: Region = Region(Id::JP);

    /// The ISO 3166 two-letter code.
    #[must_use]
    pub fn code(&self) -> &str {
        self.0.as_ref()
    }
}

/// A region code that is not an ISO 3166 two-letter code libphonenumber knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a country code; use an ISO 3166 two-letter code such as KR, JP, VN or US")]
pub struct UnknownRegion(String);

impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(text: &str) -> Result<Self, UnknownRegion> {
        let code = text.trim().to_ascii_uppercase();
        Id::from_str(&code)
            .ok()
            .filter(|id| DATABASE.by_id(id.as_ref()).is_some())
            .map(Region)
            .ok_or_else(|| UnknownRegion(text.to_owned()))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Text that is not a phone number at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing typed.
    #[error("no phone number given")]
    Empty,
    /// Characters no phone number has.
    #[error(
        "'{input}' is not a phone number: only digits, spaces, dashes, dots, parentheses and a leading + are allowed"
    )]
    NotANumber {
        /// The input.
        input: String,
    },
    /// Too few digits even for an extension.
    #[error("'{input}' is not a phone number: {digits} digits are too few")]
    TooFewDigits {
        /// The input.
        input: String,
        /// How many digits it has.
        digits: usize,
    },
    /// More digits than any phone number has.
    #[error("'{input}' is not a phone number: {digits} digits are too many")]
    TooManyDigits {
        /// The input.
        input: String,
        /// How many digits it has.
        digits: usize,
    },
}

/// A phone number read from text. Either verified (libphonenumber says it is
/// valid; keyed by E.164) or unverified (plausible but unknown in this form:
/// an extension, a foreign number without its country code; keyed by its
/// digits, flagged, never dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhoneNumber {
    raw: String,
    key: String,
    digits: String,
    display: String,
    verified: bool,
    mobile: bool,
    country_code: Option<u16>,
}

impl PhoneNumber {
    /// Reads `input`; numbers without a country code are read in `default_region`.
    ///
    /// # Errors
    /// Only when the input is no phone number at all (letters, too few or too
    /// many digits). A plausible number that does not validate is returned
    /// unverified.
    pub fn parse(input: &str, default_region: Region) -> Result<Self, PhoneError> {
        let raw = input.trim();
        let typed = normalise(raw)?;
        let verified = if typed.plus {
            valid(&format!("+{}", typed.digits), default_region)
        } else {
            // 0082…: 00 used as the exit code.
            let exit_code = typed
                .digits
                .strip_prefix("00")
                .filter(|rest| !rest.starts_with('0'))
                .and_then(|rest| valid(&format!("+{rest}"), default_region));
            exit_code
                .or_else(|| valid(&typed.digits, default_region))
                // 8210…: a country code without its +.
                .or_else(|| valid(&format!("+{}", typed.digits), default_region))
        };
        Ok(match verified {
            Some(number) => Self::from_valid(raw, &number, default_region),
            None => Self {
                raw: raw.to_owned(),
                key: typed.digits.clone(),
                digits: typed.digits,
                display: raw.to_owned(),
                verified: false,
                mobile: false,
                country_code: None,
            },
        })
    }

    fn from_valid(raw: &str, number: &Valid, region: Region) -> Self {
        let Valid { number, kind } = number;
        let national = number.format().mode(Mode::National).to_string();
        let display = if number.country().id() == Some(region.0) {
            national.clone()
        } else {
            number.format().mode(Mode::International).to_string()
        };
        Self {
            raw: raw.to_owned(),
            // E.164 is the country code and the national number; writing it
            // directly saves the formatter's pattern matching (this runs for
            // every number of a bulk import).
            key: format!("+{}{}", number.code().value(), number.national()),
            digits: national.chars().filter(char::is_ascii_digit).collect(),
            display,
            verified: true,
            mobile: matches!(kind, Type::Mobile | Type::FixedLineOrMobile),
            country_code: Some(number.code().value()),
        }
    }

    /// The number as typed (trimmed).
    #[must_use]
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The canonical key: E.164 (`+821012345678`) when verified, the typed
    /// digits (`1001`) when not.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The digits as dialled inside the number's own country, trunk prefix
    /// included (`01012345678`, `15881234`); the typed digits when unverified.
    #[must_use]
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// False when the number did not validate and is kept as typed.
    #[must_use]
    pub fn is_verified(&self) -> bool {
        self.verified
    }

    /// A mobile line (can receive SMS). False when unverified.
    #[must_use]
    pub fn is_mobile(&self) -> bool {
        self.mobile
    }

    /// The country calling code (82, 81…) when verified.
    #[must_use]
    pub fn country_code(&self) -> Option<u16> {
        self.country_code
    }

    /// For showing: the national format for a number of the region it was
    /// read in (`010-1234-5678`), the international format for a foreign one
    /// (`+81 90-1234-5678`), as typed when unverified.
    #[must_use]
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The keys a stored number that this caller ID belongs to may have: the
    /// canonical key, and for a verified number also its national digits,
    /// under which a foreign number typed without its country code was
    /// stored unverified.
    #[must_use]
    pub fn lookup_keys(&self) -> Vec<String> {
        let mut keys = vec![self.key.clone()];
        if self.verified {
            keys.push(self.digits.clone());
        }
        keys
    }
}

/// A number libphonenumber says is valid, with its type.
struct Valid {
    number: phonenumber::PhoneNumber,
    kind: Type,
}

/// `text` read in `region`, if libphonenumber says it is valid.
fn valid(text: &str, region: Region) -> Option<Valid> {
    let number = phonenumber::parse(Some(region.0), text).ok()?;
    // A number is valid when it has a type; asking for the type once serves
    // both (`is_valid` would work the type out again), except for numbers
    // with leading zeros, whose type lookup drops them.
    let kind = number.number_type(&DATABASE);
    let is_valid = if number.national().zeros() == 0 {
        kind != Type::Unknown
    } else {
        number.is_valid()
    };
    is_valid.then_some(Valid { number, kind })
}

/// Digits of a typed number, and whether it began with `+`.
struct Typed {
    plus: bool,
    digits: String,
}

fn normalise(raw: &str) -> Result<Typed, PhoneError> {
    let lower = raw.to_ascii_lowercase();
    let text = ["tel:", "callto:"]
        .iter()
        .find_map(|scheme| lower.starts_with(scheme).then(|| raw.get(scheme.len()..)))
        .flatten()
        .unwrap_or(raw)
        .trim();
    if text.is_empty() {
        return Err(PhoneError::Empty);
    }
    let not_a_number = || PhoneError::NotANumber {
        input: raw.to_owned(),
    };
    let mut typed = Typed {
        plus: false,
        digits: String::with_capacity(text.len()),
    };
    for c in text.chars() {
        match c {
            '0'..='9' => typed.digits.push(c),
            // Full-width digits (Japanese input).
            '０'..='９' => typed.digits.push(
                char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).ok_or_else(not_a_number)?,
            ),
            '+' | '＋' if typed.digits.is_empty() && !typed.plus => typed.plus = true,
            ' '
            | '\u{3000}'
            | '\t'
            | '-'
            | '‐'..='―'
            | '－'
            | 'ー'
            | '.'
            | '．'
            | '/'
            | '('
            | ')'
            | '（'
            | '）' => {}
            _ => return Err(not_a_number()),
        }
    }
    let count = typed.digits.len();
    if count < MIN_DIGITS {
        return Err(PhoneError::TooFewDigits {
            input: raw.to_owned(),
            digits: count,
        });
    }
    if count > MAX_DIGITS {
        return Err(PhoneError::TooManyDigits {
            input: raw.to_owned(),
            digits: count,
        });
    }
    Ok(typed)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn kr(text: &str) -> PhoneNumber {
        PhoneNumber::parse(text, Region::KOREA).unwrap()
    }

    fn jp(text: &str) -> PhoneNumber {
        PhoneNumber::parse(text, Region::JAPAN).unwrap()
    }

    #[rstest]
    #[case("010-1234-5678")]
    #[case("01012345678")]
    #[case("010.1234.5678")]
    #[case("(010) 1234-5678")]
    #[case("010 1234 5678")]
    #[case("+82 10-1234-5678")]
    #[case("+82-10-1234-5678")]
    #[case("+821012345678")]
    #[case("82-10-1234-5678")]
    #[case("821012345678")]
    #[case("0082-10-1234-5678")]
    #[case("0082 10 1234 5678")]
    #[case("1012345678")]
    #[case("tel:+82-10-1234-5678")]
    #[case("callto:010-1234-5678")]
    #[case("０１０－１２３４－５６７８")]
    fn every_form_of_a_korean_mobile_has_one_key(#[case] text: &str) {
        let number = kr(text);
        assert!(number.is_verified(), "{text}");
        assert_eq!(number.key(), "+821012345678", "{text}");
        assert_eq!(number.digits(), "01012345678", "{text}");
        assert_eq!(number.display(), "010-1234-5678", "{text}");
        assert!(number.is_mobile(), "{text}");
        assert_eq!(number.country_code(), Some(82));
    }

    #[rstest]
    #[case("02-2299-7123", "+82222997123", "02-2299-7123")]
    #[case("031-123-4567", "+82311234567", "031-123-4567")]
    #[case("051-987-6543", "+82519876543", "051-987-6543")]
    #[case("064-712-3456", "+82647123456", "064-712-3456")]
    #[case("070-1234-5678", "+827012345678", "070-1234-5678")]
    #[case("1588-1234", "+8215881234", "1588-1234")]
    #[case("1599-4690", "+8215994690", "1599-4690")]
    #[case("1644-0001", "+8216440001", "1644-0001")]
    #[case("011-234-5678", "+82112345678", "011-234-5678")]
    #[case("+84 91 234 5678", "+84912345678", "+84 912 345 678")]
    #[case("+81 90-1234-5678", "+819012345678", "+81 90-1234-5678")]
    fn korean_landlines_representative_and_foreign_numbers(
        #[case] text: &str,
        #[case] key: &str,
        #[case] display: &str,
    ) {
        let number = kr(text);
        assert!(number.is_verified(), "{text}");
        assert_eq!(number.key(), key, "{text}");
        assert_eq!(number.display(), display, "{text}");
    }

    #[rstest]
    #[case("090-1234-5678", "+819012345678")]
    #[case("080-1234-5678", "+818012345678")]
    #[case("070-1234-5678", "+817012345678")]
    #[case("03-1234-5678", "+81312345678")]
    #[case("03(1234)5678", "+81312345678")]
    #[case("045-123-4567", "+81451234567")]
    #[case("0466-12-3456", "+81466123456")]
    #[case("0120-123-456", "+81120123456")]
    #[case("050-1234-5678", "+815012345678")]
    #[case("+81 90-1234-5678", "+819012345678")]
    #[case("０９０－１２３４－５６７８", "+819012345678")]
    #[case("+82 10-1234-5678", "+821012345678")]
    fn japanese_numbers_in_japan(#[case] text: &str, #[case] key: &str) {
        let number = jp(text);
        assert!(number.is_verified(), "{text}");
        assert_eq!(number.key(), key, "{text}");
    }

    #[rstest]
    #[case("090-1234-5678", "09012345678")]
    #[case("000-0000-0000", "00000000000")]
    #[case("49112", "49112")]
    #[case("96041", "96041")]
    #[case("010-3932", "0103932")]
    #[case("+82 10-9999", "82109999")]
    #[case("0101469372866", "0101469372866")]
    #[case("+82 10-3746", "82103746")]
    #[case("1001", "1001")]
    fn plausible_numbers_that_do_not_validate_are_kept_unverified(
        #[case] text: &str,
        #[case] key: &str,
    ) {
        let number = kr(text);
        assert!(!number.is_verified(), "{text}");
        assert_eq!(number.key(), key);
        assert_eq!(number.raw(), text);
        assert_eq!(number.display(), text);
        assert!(!number.is_mobile());
    }

    #[rstest]
    #[case("", PhoneError::Empty)]
    #[case("   ", PhoneError::Empty)]
    #[case("전화번호", PhoneError::NotANumber { input: "전화번호".into() })]
    #[case("010-1234-567O", PhoneError::NotANumber { input: "010-1234-567O".into() })]
    #[case("010+1234", PhoneError::NotANumber { input: "010+1234".into() })]
    #[case("*1234#", PhoneError::NotANumber { input: "*1234#".into() })]
    #[case("12", PhoneError::TooFewDigits { input: "12".into(), digits: 2 })]
    #[case("123456789012345678", PhoneError::TooManyDigits { input: "123456789012345678".into(), digits: 18 })]
    fn text_that_is_no_number_is_refused(#[case] text: &str, #[case] error: PhoneError) {
        assert_eq!(PhoneNumber::parse(text, Region::KOREA), Err(error));
    }

    #[test]
    fn a_foreign_number_stored_without_its_country_code_is_still_found() {
        let stored = kr("090-1234-5678");
        let caller = kr("+819012345678");
        assert!(caller.lookup_keys().contains(&stored.key().to_owned()));
        assert_eq!(jp("09012345678").key(), caller.key());
    }

    #[test]
    fn manifest_duplicates_share_keys() {
        assert_eq!(kr("01052836111").key(), kr("010.5283.6111").key());
        assert_eq!(kr("(010) 4495-0362").key(), kr("010-4495-0362").key());
        assert_eq!(kr("1027437885").key(), "+821027437885");
    }

    #[test]
    fn regions_read_and_refuse_codes() {
        assert_eq!("kr".parse::<Region>(), Ok(Region::KOREA));
        assert_eq!("JP".parse::<Region>(), Ok(Region::JAPAN));
        assert_eq!("VN".parse::<Region>().unwrap().code(), "VN");
        assert!("XX".parse::<Region>().is_err());
        assert!("Korea".parse::<Region>().is_err());
    }
}
