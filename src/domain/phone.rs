//! Phone numbers as ringdesk stores, shows and matches them.
//!
//! This module turns what a person typed (or what a spreadsheet cell or the
//! PBX's caller ID holds) into a [`PhoneNumber`] with one canonical key, so that
//! `010-1234-5678`, `+82 10 1234 5678` and `1012345678` (Excel ate the 0) all
//! find the same customer card. It decides three things and nothing else:
//!
//! * **Is it a phone number at all?** Only digits, separators and a leading `+`
//!   are; anything else is a [`PhoneError`] (the importer's `phone_invalid`
//!   when no other number of the row parses).
//! * **Is it verified?** libphonenumber's `is_valid` decides, for the number's
//!   own country when it carries a country code, otherwise for the default
//!   [`Region`]. A verified number is keyed by its E.164 form
//!   (`+821012345678`).
//! * **Otherwise it is flagged**, not rejected: extensions (`1001`), truncated
//!   or mistyped numbers are kept exactly as typed and keyed by their digits
//!   (`0103932`), so nothing a person entered is lost and a call from those
//!   digits still finds the card.
//!
//! A key that starts with `+` is always E.164 of a verified number; a key of
//! bare digits is always an unverified one, so the two kinds never collide.
//!
//! The module is pure: no I/O and no state of its own. The one global thing
//! it touches is libphonenumber's regex cache, which it enlarges once so that
//! numbers from many countries do not make every parse recompile patterns.

use std::fmt::{self, Write as _};
use std::str::FromStr;
use std::sync::Once;

use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;
use phonenumber::{Metadata, Mode, Type};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Fewer digits than this cannot be told apart from a typo or a stray number.
const MIN_DIGITS: usize = 3;
/// E.164 allows 15 digits in all; we count them without the country code so a
/// national number typed with `+cc` or `00cc` is not penalised for it.
const MAX_NATIONAL_DIGITS: usize = 15;
/// Errors quote the input; a 5 MB cell must not end up in a dialog or a log.
const MAX_QUOTED_CHARS: usize = 64;
/// libphonenumber compiles its patterns lazily into an LRU cache of only 100
/// regexes. Korean and Japanese numbers fit, but a mix of about ten countries
/// evicts patterns on every parse and recompiles them: ~5 ms per number
/// instead of ~5 µs. 512 holds the patterns of roughly 60 countries, at about
/// 100 KB per compiled pattern, and only for countries actually seen.
const REGEX_CACHE_CAPACITY: usize = 512;

/// Country whose national formats are assumed for numbers typed without a
/// country code.
///
/// Serialised as its two-letter code (`"KR"`); parsed from it in any case.
/// Only regions libphonenumber has metadata for can exist, so every `Region`
/// can be used for parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    id: Id,
    // Kept next to the id because `Id`'s string form borrows from the value,
    // and callers want a `&'static str` they can store and compare freely.
    code: &'static str,
}

impl Region {
    /// South Korea, ringdesk's home market and the default.
    pub const KOREA: Region = Region {
        id: Id::KR,
        code: "KR",
    };

    /// Japan.
    pub const JAPAN: Region = Region {
        id: Id::JP,
        code: "JP",
    };

    /// The ISO 3166 two-letter code, upper case (`"KR"`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The libphonenumber country id of this region.
    #[must_use]
    pub fn id(&self) -> Id {
        self.id
    }

    /// The international calling code (82 for Korea).
    #[must_use]
    pub fn calling_code(&self) -> Option<u16> {
        DATABASE.by_id(self.code).map(Metadata::country_code)
    }
}

impl Default for Region {
    /// Korea: ringdesk is Korean-first.
    fn default() -> Self {
        Region::KOREA
    }
}

impl From<Region> for Id {
    fn from(region: Region) -> Self {
        region.id
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

/// A text that does not name a region libphonenumber knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{input}' is not a country: expected an ISO 3166 two-letter country code such as KR, JP, VN or US"
)]
pub struct RegionError {
    /// What was given, trimmed (and shortened if very long).
    pub input: String,
}

impl FromStr for Region {
    type Err = RegionError;

    /// Parses `"KR"`, `"kr"`, `" jp "`: the two-letter code in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let error = || RegionError {
            input: quote(trimmed),
        };
        let upper = trimmed.to_ascii_uppercase();
        if upper.len() != 2 || !upper.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(error());
        }
        let id = Id::from_str(&upper).map_err(|_| error())?;
        // Requiring metadata here is what lets parsing trust every Region:
        // libphonenumber panics on a default region it has no metadata for.
        let metadata = DATABASE.by_id(upper.as_str()).ok_or_else(error)?;
        Ok(Region {
            id,
            code: metadata.id(),
        })
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

/// Why a text is not a phone number at all.
///
/// Only these are errors; a number that merely fails validation is returned
/// unverified (see [`PhoneNumber::is_verified`]). Messages are meant for the
/// person who typed the number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing but blanks (or a bare `tel:`).
    #[error("no phone number was given")]
    Empty,
    /// Holds a character that has no place in a phone number.
    #[error(
        "'{input}' is not a phone number: only digits, spaces, dashes, dots, slashes, parentheses and a leading + are allowed"
    )]
    NotANumber {
        /// The input, trimmed (and shortened if very long).
        input: String,
    },
    /// Fewer than 3 digits.
    #[error(
        "'{input}' is too short for a phone number: it has {digits} digit(s), a phone number has at least {min}",
        min = MIN_DIGITS
    )]
    TooFewDigits {
        /// The input, trimmed (and shortened if very long).
        input: String,
        /// How many digits it has.
        digits: usize,
    },
    /// More than 15 digits besides a country code.
    #[error(
        "'{input}' is too long for a phone number: it has {digits} digits besides the country code, a phone number has at most {max}",
        max = MAX_NATIONAL_DIGITS
    )]
    TooManyDigits {
        /// The input, trimmed (and shortened if very long).
        input: String,
        /// How many digits it has, not counting a `+cc` or `00cc` prefix.
        digits: usize,
    },
}

/// A phone number as typed, with its canonical key.
///
/// Two `PhoneNumber`s are the same line when their [`key`](Self::key)s are
/// equal; `==` also compares how they were typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PhoneNumber {
    raw: String,
    key: String,
    digits: String,
    verified: bool,
    mobile: bool,
    country_code: Option<u16>,
    display: String,
}

impl PhoneNumber {
    /// Reads a phone number typed by a person, found in a spreadsheet cell or
    /// given by the PBX as caller ID.
    ///
    /// Accepts digits (also full-width), spaces, dashes, dots, slashes and
    /// parentheses as separators, a `+` before the first digit, and an optional
    /// `tel:` / `callto:` prefix. A number without a country code is read with
    /// `default_region`'s national conventions.
    ///
    /// # Errors
    ///
    /// Only when the text is not a phone number at all: [`PhoneError::Empty`],
    /// [`PhoneError::NotANumber`], [`PhoneError::TooFewDigits`] (under 3) or
    /// [`PhoneError::TooManyDigits`] (over 15 besides the country code). A
    /// number that does not validate is returned unverified instead.
    pub fn parse(input: &str, default_region: Region) -> Result<PhoneNumber, PhoneError> {
        parse_number(input, default_region, true)
    }

    /// A caller the PBX gave no usable number for (`anonymous`, `Unknown`,
    /// empty, letters): kept as given so the call is still logged, with an
    /// empty key that matches no customer.
    #[must_use]
    pub fn withheld(raw: &str) -> PhoneNumber {
        let raw: String = raw.trim().chars().take(MAX_QUOTED_CHARS).collect();
        PhoneNumber {
            display: raw.clone(),
            raw,
            key: String::new(),
            digits: String::new(),
            verified: false,
            mobile: false,
            country_code: None,
        }
    }

    /// True for a number from [`PhoneNumber::withheld`].
    #[must_use]
    pub fn is_withheld(&self) -> bool {
        self.key.is_empty()
    }

    /// What was typed, trimmed.
    #[must_use]
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The canonical key to store and match on: E.164 (`+821012345678`) for a
    /// verified number, the bare digits as typed (`1001`, `0103932`) for an
    /// unverified one.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The digits as dialled inside the number's own country, trunk prefix
    /// included (`01012345678`, `0222997123`, `15881234`, `09012345678`); for
    /// an unverified number, the digits as typed.
    #[must_use]
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// Whether libphonenumber accepts the number as valid. `false` means
    /// flagged: kept as typed and matched by its digits only.
    #[must_use]
    pub fn is_verified(&self) -> bool {
        self.verified
    }

    /// Whether the number is a mobile line (KR 01x, JP 070/080/090…), by
    /// libphonenumber's number type; `false` when unverified.
    ///
    /// Numbers whose type cannot be told from the number (NANP: US, Canada)
    /// count as mobile, because refusing an SMS to every American customer is
    /// worse than an SMS that bounces off a landline.
    #[must_use]
    pub fn is_mobile(&self) -> bool {
        self.mobile
    }

    /// The international calling code (82, 81, 84…); `None` when unverified.
    #[must_use]
    pub fn country_code(&self) -> Option<u16> {
        self.country_code
    }

    /// How to show the number to a person: national format for a number of
    /// the default region (`010-1234-5678`, `02-2299-7123`, `1588-1234`),
    /// international format for a foreign one (`+81 90-1234-5678`), and as
    /// typed for an unverified one.
    #[must_use]
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The keys a stored number matching this caller ID can have: the key
    /// itself and, for a verified number, its [`digits`](Self::digits) —
    /// because a number typed without its country code under another default
    /// region (090-1234-5678 in a Korean file) is stored unverified under
    /// exactly those digits. At most two keys, never the same twice (a verified
    /// key starts with `+`, digits never do).
    pub fn lookup_keys(&self) -> impl Iterator<Item = &str> + Clone {
        std::iter::once(self.key.as_str()).chain(self.verified.then_some(self.digits.as_str()))
    }
}

/// What a verified number is, however it was found.
struct Verified {
    key: String,
    digits: String,
    mobile: bool,
    country_code: u16,
    display: String,
}

/// `parse`, with the fast path switchable so tests can hold it against
/// libphonenumber.
fn parse_number(input: &str, region: Region, fast: bool) -> Result<PhoneNumber, PhoneError> {
    let raw = input.trim();
    let (plus, digits) = normalize(raw)?;
    if digits.len() < MIN_DIGITS {
        return Err(PhoneError::TooFewDigits {
            input: quote(raw),
            digits: digits.len(),
        });
    }
    let national = national_digit_count(plus, &digits);
    if national > MAX_NATIONAL_DIGITS {
        return Err(PhoneError::TooManyDigits {
            input: quote(raw),
            digits: national,
        });
    }
    let verified = if fast {
        fast_korean_mobile(plus, &digits, region)
            .or_else(|| fast_korean_landline(plus, &digits, region))
    } else {
        None
    }
    .or_else(|| verify(plus, &digits, region));
    Ok(match verified {
        Some(found) => PhoneNumber {
            raw: raw.to_owned(),
            key: found.key,
            digits: found.digits,
            verified: true,
            mobile: found.mobile,
            country_code: Some(found.country_code),
            display: found.display,
        },
        None => PhoneNumber {
            raw: raw.to_owned(),
            key: digits.clone(),
            digits,
            verified: false,
            mobile: false,
            country_code: None,
            display: raw.to_owned(),
        },
    })
}

/// One character of a phone number, once full-width and look-alike forms are
/// folded into ASCII.
enum Symbol {
    Digit(char),
    Plus,
    Separator,
}

fn classify(c: char) -> Option<Symbol> {
    match c {
        '0'..='9' => Some(Symbol::Digit(c)),
        // Japanese and Korean IMEs type full-width digits (０９０).
        '\u{FF10}'..='\u{FF19}' => char::from_digit(u32::from(c) - 0xFF10, 10).map(Symbol::Digit),
        '+' | '\u{FF0B}' => Some(Symbol::Plus),
        // Dashes people and word processors really use: hyphen, non-breaking
        // hyphen, figure dash, en/em dash, horizontal bar, minus sign,
        // full-width hyphen-minus, and the katakana long-vowel mark (ー, ｰ)
        // that Japanese IMEs produce for "-" in phone numbers. Zero-width
        // characters and the BOM come along when cells are pasted.
        '-'
        | '.'
        | '/'
        | '('
        | ')'
        | '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{30FC}'
        | '\u{FF70}'
        | '\u{FF08}'
        | '\u{FF09}'
        | '\u{FF0D}'
        | '\u{FF0E}'
        | '\u{FF0F}'
        | '\u{00AD}'
        | '\u{200B}'
        | '\u{2060}'
        | '\u{FEFF}' => Some(Symbol::Separator),
        // Includes the ideographic space U+3000 and the no-break space.
        c if c.is_whitespace() => Some(Symbol::Separator),
        _ => None,
    }
}

/// Reduces a trimmed input to "had a leading plus" and its ASCII digits.
fn normalize(raw: &str) -> Result<(bool, String), PhoneError> {
    let number = strip_scheme(raw).trim();
    if number.is_empty() {
        return Err(PhoneError::Empty);
    }
    let mut plus = false;
    let mut digits = String::with_capacity(number.len());
    for c in number.chars() {
        match classify(c) {
            Some(Symbol::Digit(d)) => digits.push(d),
            // "Before the first digit" rather than "first character" so that
            // "(+82) 10-…", as written on many business cards, is accepted.
            Some(Symbol::Plus) if !plus && digits.is_empty() => plus = true,
            Some(Symbol::Separator) => {}
            Some(Symbol::Plus) | None => {
                return Err(PhoneError::NotANumber { input: quote(raw) });
            }
        }
    }
    Ok((plus, digits))
}

/// Drops a `tel:` or `callto:` (also `callto://`) prefix, in any case, as PBX
/// caller IDs and copied links carry them.
fn strip_scheme(s: &str) -> &str {
    for scheme in ["tel:", "callto:"] {
        if let Some(head) = s.get(..scheme.len())
            && head.eq_ignore_ascii_case(scheme)
        {
            let rest = s.get(scheme.len()..).unwrap_or_default();
            return rest.strip_prefix("//").unwrap_or(rest);
        }
    }
    s
}

/// Digits not counting a `+cc` / `00cc` country prefix, for the length limit.
fn national_digit_count(plus: bool, digits: &str) -> usize {
    // Short numbers cannot exceed the limit whatever their prefix; skip the
    // metadata look-ups for them.
    if digits.len() <= MAX_NATIONAL_DIGITS {
        return digits.len();
    }
    let international = if plus {
        Some(digits)
    } else {
        digits.strip_prefix("00")
    };
    international
        .and_then(strip_calling_code)
        .map_or(digits.len(), str::len)
}

/// The digits after a leading country calling code, if they start with one.
fn strip_calling_code(digits: &str) -> Option<&str> {
    if digits.starts_with('0') {
        return None;
    }
    // Calling codes are prefix-free, so the first length that names one wins.
    (1..=3).find_map(|len| {
        let code: u16 = digits.get(..len)?.parse().ok()?;
        DATABASE.by_code(&code)?;
        digits.get(len..)
    })
}

/// The common case, answered without libphonenumber's regex machinery: a
/// Korean 010 mobile, as `010xxxxxxxx` / `10xxxxxxxx` / `8210xxxxxxxx` with
/// default region KR, or as `+8210xxxxxxxx` with any default region.
///
/// The result must be exactly what [`verify`] gives; a test checks every
/// 010-xxxx prefix against it. Anything else returns `None` and takes the
/// slow path.
fn fast_korean_mobile(plus: bool, digits: &str, region: Region) -> Option<Verified> {
    let national = if plus {
        digits.strip_prefix("82")?
    } else if region.id == Id::KR {
        match digits.len() {
            11 => digits.strip_prefix('0')?,
            // libphonenumber strips the 82 of a KR number typed without "+"
            // because no Korean national number starts with 82.
            12 => digits.strip_prefix("82")?,
            // 010 whose leading 0 Excel dropped.
            10 => digits,
            _ => return None,
        }
    } else {
        return None;
    };
    let subscriber = national.strip_prefix("10")?;
    if subscriber.len() != 8 {
        return None;
    }
    // libphonenumber's KR mobile pattern leaves out 010-597x…599x; let it say
    // so itself rather than copy its exceptions.
    if let [b'5', b'9', b'7'..=b'9', ..] = subscriber.as_bytes() {
        return None;
    }
    let (middle, last) = subscriber.split_at(4);
    Some(korean(national, ["10", middle, last], true, region))
}

/// What libphonenumber gives a Korean number whose national number (no
/// trunk 0) is `national`, in the blocks `area-middle-last`, written out.
fn korean(
    national: &str,
    [area, middle, last]: [&str; 3],
    mobile: bool,
    region: Region,
) -> Verified {
    let display = if region.calling_code() == Some(82) {
        format!("0{area}-{middle}-{last}")
    } else {
        format!("+82 {area}-{middle}-{last}")
    };
    Verified {
        key: format!("+82{national}"),
        digits: format!("0{national}"),
        mobile,
        country_code: 82,
        display,
    }
}

/// Korea's two-digit area codes (after the trunk 0), as libphonenumber's
/// fixed-line pattern has them.
const KOREAN_AREA_CODES: [&str; 16] = [
    "31", "32", "33", "41", "42", "43", "44", "51", "52", "53", "54", "55", "61", "62", "63", "64",
];

/// The next most common case, also answered without the regexes: a Korean
/// area-code landline (02, 031–064) or 070 internet phone, as
/// `0…` with default region KR or as `+82…` with any.
///
/// The result must be exactly what [`verify`] gives; a test checks every
/// area code with every first three digits of the subscriber number
/// against it. Anything else returns `None` and takes the slow path.
fn fast_korean_landline(plus: bool, digits: &str, region: Region) -> Option<Verified> {
    let national = if plus {
        digits.strip_prefix("82")?
    } else if region.id == Id::KR && !digits.starts_with("00") {
        digits.strip_prefix('0')?
    } else {
        return None;
    };
    // libphonenumber's KR fixed-line ranges: the area code, then a
    // subscriber number of 7 or 8 digits that does not start with 0; VoIP
    // is 70 and 8 digits.
    let (area, subscriber) = if let Some(subscriber) = national.strip_prefix('2') {
        ("2", subscriber)
    } else {
        let (area, subscriber) = national.split_at_checked(2)?;
        (area, subscriber)
    };
    let voip = area == "70";
    let fits = if voip {
        subscriber.len() == 8
    } else {
        (area == "2" || KOREAN_AREA_CODES.contains(&area))
            && matches!(subscriber.len(), 7 | 8)
            && !subscriber.starts_with('0')
    };
    if !fits {
        return None;
    }
    let (middle, last) = subscriber.split_at(subscriber.len() - 4);
    Some(korean(national, [area, middle, last], false, region))
}

/// Enlarges libphonenumber's regex cache once per process (see
/// [`REGEX_CACHE_CAPACITY`]); a tuning of the library, not of any result.
fn enlarge_regex_cache() {
    static ENLARGED: Once = Once::new();
    ENLARGED.call_once(|| {
        // A poisoned lock only means a smaller cache: slower, still correct.
        if let Ok(mut cache) = DATABASE.cache().lock()
            && cache.capacity() < REGEX_CACHE_CAPACITY
        {
            cache.set_capacity(REGEX_CACHE_CAPACITY);
        }
    });
}

/// Asks libphonenumber whether the digits are a valid number and, if so, for
/// its canonical forms.
fn verify(plus: bool, digits: &str, region: Region) -> Option<Verified> {
    enlarge_regex_cache();
    let (number, kind) = if plus {
        valid_number(None, &format!("+{digits}"))
    } else if let Some(international) = digits.strip_prefix("00") {
        // libphonenumber's KR metadata knows only Korea's carrier exit codes
        // (001, 002, 008…) as international prefixes, not the bare 00 most of
        // the world uses, so "0082 10…" fails and "0081 90…" even reads as a
        // US number behind exit code 008. Read 00 + country code as "+" first;
        // only if that is no valid number is the carrier reading used
        // ("001 1 201 555 0123").
        valid_number(None, &format!("+{international}"))
            .or_else(|| valid_number(Some(region.id), digits))
    } else {
        valid_number(Some(region.id), digits)
    }?;
    Some(describe(&number, kind, region))
}

/// libphonenumber's parse, kept only if `is_valid` accepts the result, with
/// the number's type.
///
/// Numbers with a country code are parsed without a default region: the Rust
/// port strips national prefixes with the *default* region's rules even from
/// a foreign number, unlike libphonenumber proper.
fn valid_number(region: Option<Id>, text: &str) -> Option<(phonenumber::PhoneNumber, Type)> {
    let number = phonenumber::parse(region, text).ok()?;
    let kind = number.number_type(&DATABASE);
    // `is_valid` is "number type is not Unknown", computed again; asking once
    // saves a fifth of the slow path. The two differ only in that `is_valid`
    // keeps a national number's leading zeros (Italy's 06…) where
    // `number_type` drops them, so only such numbers ask `is_valid` itself.
    let valid = if number.national().zeros() == 0 {
        kind != Type::Unknown
    } else {
        number.is_valid()
    };
    valid.then_some((number, kind))
}

fn describe(number: &phonenumber::PhoneNumber, kind: Type, region: Region) -> Verified {
    let country_code = number.code().value();
    // E.164 by hand: the crate's E164 mode runs the format-selection regexes
    // only to ignore their result.
    let key = format!("+{country_code}{}", number.national());
    let mobile = matches!(kind, Type::Mobile | Type::FixedLineOrMobile);
    // A carrier-selection code (KR "081-010-…") chooses the route of one call
    // and is not part of the number, but the formats would print it; format
    // the number as read back from its E.164 key instead.
    let reparsed = number
        .carrier()
        .and_then(|_| phonenumber::parse(None, &key).ok());
    let plain = reparsed.as_ref().unwrap_or(number);
    // The national format knows whether the trunk prefix is dialled (`010…`,
    // `02…`) or not (`1588…`, NANP); its digits are `digits`.
    let national = format_number(plain, Mode::National);
    let digits: String = national.chars().filter(char::is_ascii_digit).collect();
    let display = if region.calling_code() == Some(country_code) {
        national
    } else {
        format_number(plain, Mode::International)
    };
    Verified {
        key,
        digits,
        mobile,
        country_code,
        display,
    }
}

/// `number` in `mode`; its bare national number if the formatter fails.
fn format_number(number: &phonenumber::PhoneNumber, mode: Mode) -> String {
    let mut formatted = String::new();
    // `to_string` would panic if the formatter reported an error.
    if write!(formatted, "{}", number.format().mode(mode)).is_err() {
        formatted = number.national().to_string();
    }
    formatted
}

/// The input as an error message may quote it.
fn quote(input: &str) -> String {
    if input.chars().count() <= MAX_QUOTED_CHARS {
        input.to_owned()
    } else {
        let mut short: String = input.chars().take(MAX_QUOTED_CHARS - 1).collect();
        short.push('…');
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const KR: Region = Region::KOREA;
    const JP: Region = Region::JAPAN;

    fn region(code: &str) -> Region {
        code.parse().unwrap()
    }

    fn kr(input: &str) -> PhoneNumber {
        PhoneNumber::parse(input, KR).unwrap()
    }

    // --- Normalisation ---------------------------------------------------

    #[rstest]
    #[case::dashes("010-1234-5678")]
    #[case::bare("01012345678")]
    #[case::dots("010.1234.5678")]
    #[case::spaces("010 1234 5678")]
    #[case::parentheses("(010) 1234-5678")]
    #[case::slashes("010/1234/5678")]
    #[case::plus_space("+82 10-1234-5678")]
    #[case::plus_dash("+82-10-1234-5678")]
    #[case::plus_spaces("+82 10 1234 5678")]
    #[case::plus_bare("+821012345678")]
    #[case::plus_trunk_in_parentheses("+82 (0)10-1234-5678")]
    #[case::plus_in_parentheses("(+82) 10-1234-5678")]
    #[case::code_without_plus_dash("82-10-1234-5678")]
    #[case::code_without_plus_bare("821012345678")]
    #[case::exit_code_dash("0082-10-1234-5678")]
    #[case::exit_code_spaces("0082 10 1234 5678")]
    #[case::excel_dropped_zero("1012345678")]
    #[case::padded("  010-1234-5678\t")]
    #[case::ideographic_space("\u{3000}010 1234 5678\u{3000}")]
    #[case::no_break_space("010\u{a0}1234\u{a0}5678")]
    #[case::tel("tel:+82-10-1234-5678")]
    #[case::tel_upper("TEL:010-1234-5678")]
    #[case::callto("callto:+821012345678")]
    #[case::callto_slashes("callto://+821012345678")]
    #[case::full_width("０１０－１２３４－５６７８")]
    #[case::full_width_plus("＋８２ １０ １２３４ ５６７８")]
    #[case::full_width_parentheses("（０１０）１２３４－５６７８")]
    #[case::en_dash("010\u{2013}1234\u{2013}5678")]
    #[case::hyphen("010\u{2010}1234\u{2011}5678")]
    #[case::minus_sign("010\u{2212}1234\u{2212}5678")]
    #[case::long_vowel_mark("010ー1234ー5678")]
    #[case::zero_width("010\u{200b}1234\u{feff}5678")]
    fn every_form_of_one_mobile_has_one_key(#[case] input: &str) {
        let number = kr(input);
        assert!(number.is_verified(), "{input}");
        assert_eq!(number.key(), "+821012345678", "{input}");
        assert_eq!(number.digits(), "01012345678", "{input}");
        assert!(number.is_mobile(), "{input}");
        assert_eq!(number.country_code(), Some(82), "{input}");
        assert_eq!(number.display(), "010-1234-5678", "{input}");
        assert_eq!(number.raw(), input.trim(), "{input}");
    }

    #[rstest]
    #[case::empty("", PhoneError::Empty)]
    #[case::blank("   ", PhoneError::Empty)]
    #[case::ideographic_blank("\u{3000}", PhoneError::Empty)]
    #[case::bare_scheme("tel:", PhoneError::Empty)]
    #[case::letters("abc", PhoneError::NotANumber { input: "abc".into() })]
    #[case::extension_word("010-1234-5678 ext. 12", PhoneError::NotANumber { input: "010-1234-5678 ext. 12".into() })]
    #[case::korean_extension("02-2299-7123 내선 5", PhoneError::NotANumber { input: "02-2299-7123 내선 5".into() })]
    #[case::star("*123#", PhoneError::NotANumber { input: "*123#".into() })]
    #[case::hash("010-1234-5678#", PhoneError::NotANumber { input: "010-1234-5678#".into() })]
    #[case::emoji("📞 010-1234-5678", PhoneError::NotANumber { input: "📞 010-1234-5678".into() })]
    #[case::inner_plus("010+1234+5678", PhoneError::NotANumber { input: "010+1234+5678".into() })]
    #[case::double_plus("++82 10 1234 5678", PhoneError::NotANumber { input: "++82 10 1234 5678".into() })]
    #[case::comma("010,1234,5678", PhoneError::NotANumber { input: "010,1234,5678".into() })]
    #[case::email("kim@example.com", PhoneError::NotANumber { input: "kim@example.com".into() })]
    #[case::two_digits("12", PhoneError::TooFewDigits { input: "12".into(), digits: 2 })]
    #[case::dash_only("-", PhoneError::TooFewDigits { input: "-".into(), digits: 0 })]
    #[case::plus_only("+", PhoneError::TooFewDigits { input: "+".into(), digits: 0 })]
    #[case::country_code_only("+82", PhoneError::TooFewDigits { input: "+82".into(), digits: 2 })]
    #[case::sixteen_digits("0101234567890123", PhoneError::TooManyDigits { input: "0101234567890123".into(), digits: 16 })]
    #[case::plus_and_sixteen("+82 1012345678901234", PhoneError::TooManyDigits { input: "+82 1012345678901234".into(), digits: 16 })]
    #[case::exit_code_and_sixteen("0082 1012345678901234", PhoneError::TooManyDigits { input: "0082 1012345678901234".into(), digits: 16 })]
    fn not_a_phone_number(#[case] input: &str, #[case] expected: PhoneError) {
        assert_eq!(PhoneNumber::parse(input, KR), Err(expected));
    }

    #[rstest]
    // The country code does not count towards the 15.
    #[case::plus_and_fifteen("+82 101234567890123", "82101234567890123")]
    #[case::exit_code_and_fifteen("0082 101234567890123", "0082101234567890123")]
    #[case::fifteen("010123456789012", "010123456789012")]
    fn fifteen_national_digits_are_kept_unverified(#[case] input: &str, #[case] key: &str) {
        let number = kr(input);
        assert!(!number.is_verified());
        assert_eq!(number.key(), key);
    }

    #[test]
    fn error_messages_speak_to_a_person() {
        let message = |input: &str| PhoneNumber::parse(input, KR).unwrap_err().to_string();
        assert_eq!(
            message("abc"),
            "'abc' is not a phone number: only digits, spaces, dashes, dots, slashes, \
             parentheses and a leading + are allowed"
        );
        assert_eq!(message(""), "no phone number was given");
        assert_eq!(
            message("12"),
            "'12' is too short for a phone number: it has 2 digit(s), a phone number has at least 3"
        );
        assert_eq!(
            message("0101234567890123"),
            "'0101234567890123' is too long for a phone number: it has 16 digits besides the \
             country code, a phone number has at most 15"
        );
    }

    #[test]
    fn a_huge_cell_is_not_quoted_whole() {
        let cell = "x".repeat(5_000_000);
        let Err(PhoneError::NotANumber { input }) = PhoneNumber::parse(&cell, KR) else {
            panic!("a 5 MB cell is not a number");
        };
        assert_eq!(input.chars().count(), MAX_QUOTED_CHARS);
        assert!(input.ends_with('…'));
    }

    // --- Korea --------------------------------------------------------------

    #[rstest]
    #[case::mobile_011("011-234-5678", "+82112345678", "0112345678", "011-234-5678", true)]
    #[case::mobile_011_long("011-2345-6789", "+821123456789", "01123456789", "011-2345-6789", true)]
    #[case::mobile_016("016-234-5678", "+82162345678", "0162345678", "016-234-5678", true)]
    #[case::mobile_017("017-234-5678", "+82172345678", "0172345678", "017-234-5678", true)]
    #[case::mobile_018("018-234-5678", "+82182345678", "0182345678", "018-234-5678", true)]
    #[case::mobile_019("019-234-5678", "+82192345678", "0192345678", "019-234-5678", true)]
    #[case::seoul("02-2299-7123", "+82222997123", "0222997123", "02-2299-7123", false)]
    #[case::seoul_short("02-444-8756", "+8224448756", "024448756", "02-444-8756", false)]
    #[case::gyeonggi("031-123-4567", "+82311234567", "0311234567", "031-123-4567", false)]
    #[case::busan("051-616-6892", "+82516166892", "0516166892", "051-616-6892", false)]
    #[case::jeju("064-123-4567", "+82641234567", "0641234567", "064-123-4567", false)]
    #[case::gangwon("033-554-3409", "+82335543409", "0335543409", "033-554-3409", false)]
    #[case::sejong("044-439-5740", "+82444395740", "0444395740", "044-439-5740", false)]
    #[case::internet_phone(
        "070-1234-5678",
        "+827012345678",
        "07012345678",
        "070-1234-5678",
        false
    )]
    #[case::representative_1588("1588-1234", "+8215881234", "15881234", "1588-1234", false)]
    #[case::representative_1599("1599-4690", "+8215994690", "15994690", "1599-4690", false)]
    #[case::representative_1644("1644-1234", "+8216441234", "16441234", "1644-1234", false)]
    #[case::representative_1800("1800-1234", "+8218001234", "18001234", "1800-1234", false)]
    #[case::representative_bare("15881234", "+8215881234", "15881234", "1588-1234", false)]
    #[case::landline_lost_zero("612688954", "+82612688954", "0612688954", "061-268-8954", false)]
    #[case::seoul_lost_zero("246731999", "+82246731999", "0246731999", "02-4673-1999", false)]
    #[case::seoul_with_code("+82 2 2299 7123", "+82222997123", "0222997123", "02-2299-7123", false)]
    #[case::representative_with_code(
        "+82 1588 1234",
        "+8215881234",
        "15881234",
        "1588-1234",
        false
    )]
    // A carrier-selection prefix (081) routes the call; it is not the number.
    #[case::carrier_prefix(
        "081-010-1234-5678",
        "+821012345678",
        "01012345678",
        "010-1234-5678",
        true
    )]
    fn korean_numbers(
        #[case] input: &str,
        #[case] key: &str,
        #[case] digits: &str,
        #[case] display: &str,
        #[case] mobile: bool,
    ) {
        let number = kr(input);
        assert!(number.is_verified(), "{input}");
        assert_eq!(number.key(), key, "{input}");
        assert_eq!(number.digits(), digits, "{input}");
        assert_eq!(number.display(), display, "{input}");
        assert_eq!(number.is_mobile(), mobile, "{input}");
        assert_eq!(number.country_code(), Some(82), "{input}");
    }

    // --- Japan --------------------------------------------------------------

    #[rstest]
    #[case::mobile_090("090-1234-5678", "+819012345678", "09012345678", "090-1234-5678", true)]
    #[case::mobile_080("080-1234-5678", "+818012345678", "08012345678", "080-1234-5678", true)]
    #[case::mobile_070("070-1234-5678", "+817012345678", "07012345678", "070-1234-5678", true)]
    #[case::tokyo("03-1234-5678", "+81312345678", "0312345678", "03-1234-5678", false)]
    #[case::tokyo_parentheses("03(1234)5678", "+81312345678", "0312345678", "03-1234-5678", false)]
    #[case::yokohama("045-123-4567", "+81451234567", "0451234567", "045-123-4567", false)]
    #[case::fujisawa("0466-12-3456", "+81466123456", "0466123456", "0466-12-3456", false)]
    #[case::free_dial("0120-123-456", "+81120123456", "0120123456", "0120-123-456", false)]
    #[case::ip_phone(
        "050-1234-5678",
        "+815012345678",
        "05012345678",
        "050-1234-5678",
        false
    )]
    #[case::with_code(
        "+81 90-1234-5678",
        "+819012345678",
        "09012345678",
        "090-1234-5678",
        true
    )]
    #[case::exit_code(
        "0081 90 1234 5678",
        "+819012345678",
        "09012345678",
        "090-1234-5678",
        true
    )]
    #[case::full_width(
        "０９０－１２３４－５６７８",
        "+819012345678",
        "09012345678",
        "090-1234-5678",
        true
    )]
    #[case::full_width_long_vowel(
        "０９０ー１２３４ー５６７８",
        "+819012345678",
        "09012345678",
        "090-1234-5678",
        true
    )]
    #[case::full_width_space(
        "\u{3000}０３－５６９４－１９４０\u{3000}",
        "+81356941940",
        "0356941940",
        "03-5694-1940",
        false
    )]
    #[case::korean_in_japan(
        "+82 10-1234-5678",
        "+821012345678",
        "01012345678",
        "+82 10-1234-5678",
        true
    )]
    // Japan's own exit code 010, which libphonenumber knows.
    #[case::korean_via_010(
        "010-82-10-1234-5678",
        "+821012345678",
        "01012345678",
        "+82 10-1234-5678",
        true
    )]
    fn japanese_numbers(
        #[case] input: &str,
        #[case] key: &str,
        #[case] digits: &str,
        #[case] display: &str,
        #[case] mobile: bool,
    ) {
        let number = PhoneNumber::parse(input, JP).unwrap();
        assert!(number.is_verified(), "{input}");
        assert_eq!(number.key(), key, "{input}");
        assert_eq!(number.digits(), digits, "{input}");
        assert_eq!(number.display(), display, "{input}");
        assert_eq!(number.is_mobile(), mobile, "{input}");
    }

    // --- Other countries ----------------------------------------------------

    #[rstest]
    #[case::vietnam_from_korea(
        "+84 91 234 5678",
        "KR",
        "+84912345678",
        "0912345678",
        "+84 912 345 678"
    )]
    #[case::vietnam_from_japan(
        "+84 91 234 5678",
        "JP",
        "+84912345678",
        "0912345678",
        "+84 912 345 678"
    )]
    #[case::vietnam_from_us(
        "+84 91 234 5678",
        "US",
        "+84912345678",
        "0912345678",
        "+84 912 345 678"
    )]
    #[case::vietnam_at_home("+84 91 234 5678", "VN", "+84912345678", "0912345678", "0912 345 678")]
    #[case::vietnam_national("091 234 5678", "VN", "+84912345678", "0912345678", "0912 345 678")]
    #[case::vietnam_exit_code(
        "0084 91 234 5678",
        "KR",
        "+84912345678",
        "0912345678",
        "+84 912 345 678"
    )]
    #[case::japan_from_korea(
        "+81 90-1234-5678",
        "KR",
        "+819012345678",
        "09012345678",
        "+81 90-1234-5678"
    )]
    #[case::japan_exit_code_from_korea(
        "0081-90-1234-5678",
        "KR",
        "+819012345678",
        "09012345678",
        "+81 90-1234-5678"
    )]
    #[case::us_from_korea(
        "+1 201-555-0123",
        "KR",
        "+12015550123",
        "2015550123",
        "+1 201-555-0123"
    )]
    // 001 is a Korean carrier's exit code; "+1 1 201…" is no number, so it is.
    #[case::us_via_korean_carrier(
        "001-1-201-555-0123",
        "KR",
        "+12015550123",
        "2015550123",
        "+1 201-555-0123"
    )]
    #[case::us_at_home("(201) 555-0123", "US", "+12015550123", "2015550123", "(201) 555-0123")]
    fn foreign_numbers(
        #[case] input: &str,
        #[case] default_region: &str,
        #[case] key: &str,
        #[case] digits: &str,
        #[case] display: &str,
    ) {
        let number = PhoneNumber::parse(input, region(default_region)).unwrap();
        assert!(number.is_verified(), "{input}");
        assert_eq!(number.key(), key, "{input}");
        assert_eq!(number.digits(), digits, "{input}");
        assert_eq!(number.display(), display, "{input}");
    }

    #[test]
    fn vietnamese_mobile_is_mobile() {
        let number = kr("+84 91 234 5678");
        assert!(number.is_mobile());
        assert_eq!(number.country_code(), Some(84));
    }

    // --- Unverified ---------------------------------------------------------

    #[rstest]
    #[case::japanese_mobile_in_korea("090-1234-5678", "KR", "09012345678")]
    #[case::zeros("000-0000-0000", "KR", "00000000000")]
    #[case::zeros_in_japan("000-0000-0000", "JP", "00000000000")]
    #[case::five_digits("49112", "KR", "49112")]
    #[case::truncated("010-3932", "KR", "0103932")]
    #[case::truncated_international("+82 10-9999", "KR", "82109999")]
    #[case::truncated_japanese("+81 90-4382", "JP", "81904382")]
    #[case::one_digit_too_many("010-9870-89601", "KR", "010987089601")]
    #[case::two_numbers_run_together("0101469372866", "KR", "0101469372866")]
    #[case::extension("1001", "KR", "1001")]
    #[case::extension_in_japan("1001", "JP", "1001")]
    #[case::korean_mobile_in_japan("010-1234-5678", "JP", "01012345678")]
    #[case::truncated_exit_code("0082 10-9999", "KR", "0082109999")]
    // libphonenumber's KR mobile pattern leaves out 010-597x…599x.
    #[case::unassigned_mobile_block("010-5970-1234", "KR", "01059701234")]
    fn invalid_numbers_are_kept_unverified(
        #[case] input: &str,
        #[case] default_region: &str,
        #[case] key: &str,
    ) {
        let number = PhoneNumber::parse(input, region(default_region)).unwrap();
        assert!(!number.is_verified(), "{input}");
        assert_eq!(number.key(), key, "{input}");
        assert_eq!(number.digits(), key, "{input}");
        assert!(!number.is_mobile(), "{input}");
        assert_eq!(number.country_code(), None, "{input}");
        assert_eq!(number.display(), input, "{input}");
        assert_eq!(number.lookup_keys().collect::<Vec<_>>(), [key], "{input}");
    }

    // --- Lookup -------------------------------------------------------------

    #[rstest]
    #[case::japanese_caller_in_korea("+819012345678", "KR", &["+819012345678", "09012345678"])]
    #[case::korean_caller("+821012345678", "KR", &["+821012345678", "01012345678"])]
    #[case::korean_landline("02-2299-7123", "KR", &["+82222997123", "0222997123"])]
    #[case::representative("1588-1234", "KR", &["+8215881234", "15881234"])]
    #[case::extension("1001", "KR", &["1001"])]
    fn lookup_keys(#[case] caller: &str, #[case] default_region: &str, #[case] keys: &[&str]) {
        let number = PhoneNumber::parse(caller, region(default_region)).unwrap();
        assert_eq!(number.lookup_keys().collect::<Vec<_>>(), keys);
    }

    #[test]
    fn a_foreign_number_stored_without_its_code_is_found() {
        let stored = kr("090-1234-5678");
        let caller = kr("+819012345678");
        assert!(!stored.is_verified());
        assert!(caller.lookup_keys().any(|key| key == stored.key()));
    }

    #[test]
    fn the_same_number_read_in_either_country_has_one_key() {
        let in_japan = PhoneNumber::parse("09012345678", JP).unwrap();
        let from_korea = kr("+819012345678");
        assert_eq!(in_japan.key(), from_korea.key());
        assert_eq!(in_japan.key(), "+819012345678");
    }

    // --- Region -------------------------------------------------------------

    #[rstest]
    #[case::korea("KR", Region::KOREA)]
    #[case::lower("kr", Region::KOREA)]
    #[case::padded(" jp ", Region::JAPAN)]
    #[case::mixed("Jp", Region::JAPAN)]
    fn region_from_code(#[case] text: &str, #[case] expected: Region) {
        assert_eq!(text.parse::<Region>(), Ok(expected));
    }

    #[rstest]
    #[case::vietnam("vn", "VN", Some(84))]
    #[case::us("US", "US", Some(1))]
    #[case::korea("KR", "KR", Some(82))]
    #[case::japan("JP", "JP", Some(81))]
    fn region_code_and_calling_code(
        #[case] text: &str,
        #[case] code: &str,
        #[case] calling: Option<u16>,
    ) {
        let parsed = region(text);
        assert_eq!(parsed.code(), code);
        assert_eq!(parsed.to_string(), code);
        assert_eq!(parsed.calling_code(), calling);
    }

    #[rstest]
    #[case::empty("")]
    #[case::name("Korea")]
    #[case::three_letters("KOR")]
    #[case::numeric("82")]
    #[case::not_a_country("ZZ")]
    #[case::not_iso("UK")]
    #[case::hangul("한국")]
    fn region_rejects(#[case] text: &str) {
        let error = text.parse::<Region>().unwrap_err();
        assert!(error.to_string().contains("ISO 3166 two-letter"), "{error}");
    }

    #[test]
    fn region_defaults_to_korea_and_serde_uses_the_code() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};

        assert_eq!(Region::default(), Region::KOREA);
        assert_eq!(Id::from(Region::JAPAN), Id::JP);
        let read = |code: &str| {
            Region::deserialize::<StrDeserializer<'_, Error>>(code.into_deserializer())
        };
        assert_eq!(read("KR"), Ok(Region::KOREA));
        assert_eq!(read("jp"), Ok(Region::JAPAN));
        assert!(read("Korea").is_err());
    }

    // --- The import fixtures' verdicts (MANIFEST.md, rule 5) ----------------

    #[rstest]
    // Rejected as phone_invalid: must parse, but unverified.
    #[case("000-0000-0000", "KR")]
    #[case("010-3932", "KR")]
    #[case("49112", "KR")]
    #[case("96041", "KR")]
    #[case("+82 10-9999", "KR")]
    #[case("0101469372866", "KR")]
    #[case("010-6911", "KR")]
    #[case("+82 10-3746", "KR")]
    #[case("010-2640", "KR")]
    #[case("+81 90-4382", "JP")]
    #[case("000-0000-0000", "JP")]
    #[case("090-6974-69605", "JP")]
    #[case("90104", "KR")]
    #[case("010-576-164", "KR")]
    #[case("02-441", "KR")]
    #[case("0101598214157", "KR")]
    #[case("+82 10-6688", "KR")]
    #[case("32930", "KR")]
    #[case("010-9870-89601", "KR")]
    #[case("010-543-485", "KR")]
    #[case("87091", "KR")]
    #[case("02-745", "KR")]
    #[case("+82 10-6044", "KR")]
    #[case("010-868-558", "KR")]
    #[case("010-2551-98259", "KR")]
    #[case("010-2517-59749", "KR")]
    #[case("+82 10-6860", "KR")]
    #[case("53983", "KR")]
    #[case("010-4637", "KR")]
    #[case("0101387213342", "KR")]
    #[case("0101023407627", "KR")]
    #[case("+82 10-5524", "KR")]
    #[case("010-5704", "KR")]
    #[case("02-233", "KR")]
    #[case("010-5248-51249", "KR")]
    // Second numbers that do not parse, on otherwise valid rows.
    #[case("85307", "KR")]
    #[case("51678", "KR")]
    fn fixture_rejects_are_unverified(#[case] value: &str, #[case] default_region: &str) {
        let number = PhoneNumber::parse(value, region(default_region)).unwrap();
        assert!(!number.is_verified(), "{value} must be flagged");
    }

    #[rstest]
    #[case("01052836111", "010.5283.6111", "KR", "+821052836111")]
    #[case("01079099895", "010-7909-9895", "KR", "+821079099895")]
    #[case("010-2377-1461", "01023771461", "KR", "+821023771461")]
    #[case("(010) 4495-0362", "010-4495-0362", "KR", "+821044950362")]
    #[case("01071893271", "010-7189-3271", "KR", "+821071893271")]
    #[case("(010) 4946-4121", "010-4946-4121", "KR", "+821049464121")]
    #[case("01023261683", "010-2326-1683", "KR", "+821023261683")]
    #[case("０７０－９９６５－６７７６", "070-9965-6776", "JP", "+817099656776")]
    #[case("０３－５６９４－１９４０", "03-5694-1940", "JP", "+81356941940")]
    #[case("07049799461", "070-4979-9461", "JP", "+817049799461")]
    #[case("010 5443 9979", "010-5443-9979", "KR", "+821054439979")]
    #[case("1054439979", "010-5443-9979", "KR", "+821054439979")]
    #[case("1045380559", "010-4538-0559", "KR", "+821045380559")]
    #[case("051-616-6892", "0516166892", "KR", "+82516166892")]
    #[case("010-7248-0449", "01072480449", "KR", "+821072480449")]
    #[case("010-3958-1791", "+82 10 3958 1791", "KR", "+821039581791")]
    #[case("01096705831", "(010) 9670-5831", "KR", "+821096705831")]
    #[case("1075024266", "010-7502-4266", "KR", "+821075024266")]
    #[case("02-444-8756", "024448756", "KR", "+8224448756")]
    #[case("01087643756", "010-8764-3756", "KR", "+821087643756")]
    #[case("1022257502", "+82 10-2225-7502", "KR", "+821022257502")]
    #[case("246731999", "02-4673-1999", "KR", "+82246731999")]
    #[case("02-9084-6225", "0290846225", "KR", "+82290846225")]
    #[case("0612688954", "612688954", "KR", "+82612688954")]
    #[case("1058994310", "010-5899-4310", "KR", "+821058994310")]
    #[case("010 3557 1641", "+82 10-3557-1641", "KR", "+821035571641")]
    #[case("+82 10 2131 7344", "010-2131-7344", "KR", "+821021317344")]
    #[case("+82 10 3876 5631", "010-3876-5631", "KR", "+821038765631")]
    #[case("+82 10 8575 6252", "010-8575-6252", "KR", "+821085756252")]
    fn fixture_duplicates_share_the_canonical_key(
        #[case] written: &str,
        #[case] written_there: &str,
        #[case] default_region: &str,
        #[case] canonical: &str,
    ) {
        let default_region = region(default_region);
        let first = PhoneNumber::parse(written_there, default_region).unwrap();
        let again = PhoneNumber::parse(written, default_region).unwrap();
        assert!(first.is_verified() && again.is_verified(), "{written}");
        assert_eq!(first.key(), canonical);
        assert_eq!(again.key(), canonical);
    }

    #[rstest]
    #[case::lost_zero("1027437885", "01027437885")]
    #[case::lost_zero_2("1066566694", "01066566694")]
    #[case::lost_zero_3("1098276965", "01098276965")]
    #[case::lost_zero_4("1086347053", "01086347053")]
    #[case::sms_first_row("1093307910", "01093307910")]
    fn fixture_excel_numbers_get_their_zero_back(#[case] cell: &str, #[case] digits: &str) {
        let number = kr(cell);
        assert!(number.is_verified() && number.is_mobile());
        assert_eq!(number.digits(), digits);
    }

    #[rstest]
    #[case("033-554-3409")]
    #[case("044-439-5740")]
    #[case("02-7793-0339")]
    fn fixture_landlines_are_not_mobile(#[case] value: &str) {
        let number = kr(value);
        assert!(number.is_verified() && !number.is_mobile(), "{value}");
    }

    #[test]
    fn fixture_korean_number_in_the_japanese_file() {
        let number = PhoneNumber::parse("+82 10-1234-5678", JP).unwrap();
        assert!(number.is_verified() && number.is_mobile());
    }

    /// Reads the tables of the import fixtures' manifest (a copy in
    /// tests/data), so every number it lists gets the verdict it states.
    #[test]
    fn manifest_tables_agree() {
        let manifest = include_str!("../../tests/data/import-MANIFEST.md");
        let parse =
            |cell: &str, region| PhoneNumber::parse(cell.trim_matches('`'), region).unwrap();
        let mut region = KR;
        let mut header: Vec<String> = Vec::new();
        let mut checked = 0;
        for line in manifest.lines() {
            if line.starts_with("## ") {
                // Only customers_sjis.csv is read with default country JP.
                region = if line.contains("sjis") { JP } else { KR };
                header.clear();
                continue;
            }
            if !line.starts_with('|') {
                header.clear();
                continue;
            }
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if header.is_empty() {
                header = cells.iter().map(|cell| (*cell).to_owned()).collect();
                continue;
            }
            if line.starts_with("|---") {
                continue;
            }
            let cell = |name: &str| {
                header
                    .iter()
                    .position(|column| column == name)
                    .and_then(|at| cells.get(at).copied())
            };
            if let (Some(reason), Some(value)) = (cell("reason"), cell("value")) {
                match reason {
                    "phone_invalid" => {
                        assert!(
                            !parse(value, region).is_verified(),
                            "{value} must be flagged"
                        );
                        checked += 1;
                    }
                    "not_mobile" => {
                        let number = parse(value, region);
                        assert!(number.is_verified() && !number.is_mobile(), "{value}");
                        checked += 1;
                    }
                    _ => {}
                }
            }
            if let (Some(written), Some(canonical), Some(there)) = (
                cell("as written"),
                cell("canonical"),
                cell("written there as"),
            ) {
                assert_eq!(parse(written, region).key(), canonical, "{written}");
                assert_eq!(parse(there, region).key(), canonical, "{there}");
                checked += 1;
            }
            if let (Some(written), Some(send_to)) = (cell("number in file"), cell("send to")) {
                let number = parse(written, region);
                assert!(number.is_mobile(), "{written}");
                assert_eq!(number.key(), send_to, "{written}");
                checked += 1;
            }
        }
        assert!(checked >= 70, "only {checked} fixture rows found");
    }

    /// `valid_number` skips `is_valid` where it provably repeats
    /// `number_type`; hold it against `is_valid` itself.
    #[rstest]
    #[case("+39 06 1234 5678")]
    #[case("+39 06 12345")]
    #[case("+39 312 345 6789")]
    #[case("+44 20 7031 3000")]
    #[case("+1 201 555 0123")]
    #[case("+82 10 1234 5678")]
    #[case("+82 10 5970 1234")]
    #[case("+82 10 9999")]
    #[case("+81 90 1234 5678")]
    #[case("+84 91 234 5678")]
    #[case("+800 1234 5678")]
    #[case("0222997123")]
    #[case("000000000")]
    #[case("49112")]
    fn validity_matches_is_valid(#[case] text: &str) {
        for region in [None, Some(Id::KR), Some(Id::JP), Some(Id::IT)] {
            let Ok(number) = phonenumber::parse(region, text) else {
                assert!(valid_number(region, text).is_none());
                continue;
            };
            assert_eq!(
                valid_number(region, text).is_some(),
                number.is_valid(),
                "{text} in {region:?}"
            );
        }
    }

    #[test]
    fn italian_numbers_keep_their_leading_zero() {
        let number = kr("+39 06 1234 5678");
        assert!(number.is_verified());
        assert_eq!(number.key(), "+390612345678");
        assert_eq!(number.digits(), "0612345678");
    }

    #[test]
    fn many_countries_do_not_evict_each_others_patterns() {
        let _ = kr("+84 91 234 5678");
        let capacity = DATABASE.cache().lock().unwrap().capacity();
        assert!(capacity >= REGEX_CACHE_CAPACITY);
    }

    // --- The fast path ------------------------------------------------------

    /// Every field of both parses, `display` included.
    fn assert_same(input: &str, default_region: Region) {
        let fast = parse_number(input, default_region, true).unwrap();
        let slow = parse_number(input, default_region, false).unwrap();
        assert_eq!(fast, slow, "{input} in {default_region}");
        assert_eq!(fast.display(), slow.display(), "{input}");
    }

    #[test]
    fn fast_path_agrees_with_libphonenumber_on_every_010_block() {
        let forms: [fn(&str, &str) -> String; 8] = [
            |m, l| format!("010-{m}-{l}"),
            |m, l| format!("010{m}{l}"),
            |m, l| format!("010 {m} {l}"),
            |m, l| format!("(010) {m}-{l}"),
            |m, l| format!("010.{m}.{l}"),
            |m, l| format!("+82 10-{m}-{l}"),
            |m, l| format!("82-10-{m}-{l}"),
            |m, l| format!("10{m}{l}"),
        ];
        let mut seed: u32 = 20_240_630;
        let mut fast_taken = 0;
        // Every 4-digit block after 010 (0000–9999, so 2xxx–9xxx and more),
        // each with a pseudo-random last four and a different form.
        for (block, form) in (0..10_000).zip(forms.iter().cycle()) {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let middle = format!("{block:04}");
            let last = format!("{:04}", (seed >> 8) % 10_000);
            let input = form(&middle, &last);
            assert_same(&input, KR);
            let (plus, digits) = normalize(&input).unwrap();
            if fast_korean_mobile(plus, &digits, KR).is_some() {
                fast_taken += 1;
            }
        }
        // Only 0105 97x–99x must go the slow way.
        assert_eq!(fast_taken, 10_000 - 30);
    }

    #[test]
    fn landline_fast_path_agrees_with_libphonenumber_on_every_area_and_first_digits() {
        let areas = [
            "2", "31", "32", "33", "41", "42", "43", "44", "51", "52", "53", "54", "55", "61",
            "62", "63", "64", "70",
        ];
        let forms: [fn(&str, &str, &str) -> String; 5] = [
            |area, first, last| format!("0{area}-{first}-{last}"),
            |area, first, last| format!("0{area}{first}{last}"),
            |area, first, last| format!("(0{area}) {first}-{last}"),
            |area, first, last| format!("+82 {area}-{first}-{last}"),
            |area, first, last| format!("+82 0{area} {first} {last}"),
        ];
        let mut seed: u32 = 20_261_125;
        for area in areas {
            for first_length in [3, 4] {
                // Every first three digits of the subscriber number, the rest
                // pseudo-random, in turn in each form and with KR and JP as
                // the default region.
                for (head, (form_index, form)) in (0..1_000).zip(forms.iter().enumerate().cycle()) {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    let mut first = format!("{head:03}");
                    if first_length == 4 {
                        first.push(char::from(b'0' + u8::try_from((seed >> 4) % 10).unwrap()));
                    }
                    let last = format!("{:04}", (seed >> 8) % 10_000);
                    let input = form(area, &first, &last);
                    let default_region = if head % 7 == 0 { JP } else { KR };
                    assert_same(&input, default_region);
                    let (plus, digits) = normalize(&input).unwrap();
                    let taken = fast_korean_landline(plus, &digits, default_region).is_some();
                    // The slow way: a subscriber number starting with 0 or
                    // (after 070) not 8 digits long, a national form read in
                    // Japan, and "+82 0…" with the trunk 0 kept.
                    let slow = if area == "70" {
                        first_length == 3
                    } else {
                        head < 100
                    } || (form_index < 3 && default_region == JP)
                        || form_index == 4;
                    assert_eq!(taken, !slow, "{input} in {default_region}");
                }
            }
        }
    }

    #[rstest]
    #[case::seoul_short("02-123-4567", "KR")]
    #[case::seoul_long("02-1234-5678", "KR")]
    #[case::seoul_zero_subscriber("02-0123-4567", "KR")]
    #[case::seoul_too_short("02-12-3456", "KR")]
    #[case::gyeonggi_in_japan("+82 31-123-4567", "JP")]
    #[case::voip("070-1234-5678", "KR")]
    #[case::voip_short("070-123-4567", "KR")]
    #[case::no_such_area("035-123-4567", "KR")]
    #[case::carrier_prefix("081-02-123-4567", "KR")]
    #[case::national_in_japan("02-123-4567", "JP")]
    #[case::code_without_plus("82-2-123-4567", "KR")]
    fn landline_fast_path_edges_agree(#[case] input: &str, #[case] default_region: &str) {
        assert_same(input, region(default_region));
    }

    #[rstest]
    #[case::international_in_japan("+82 10-2345-6789", "JP")]
    #[case::international_in_us("+821023456789", "US")]
    #[case::national_in_japan("010-2345-6789", "JP")]
    #[case::lost_zero_in_japan("1023456789", "JP")]
    #[case::unassigned_block("010-5990-1234", "KR")]
    #[case::last_assigned_block("010-5969-1234", "KR")]
    #[case::old_short_mobile("010-234-5678", "KR")]
    #[case::too_long("010-2345-67890", "KR")]
    #[case::with_trunk("+82 010 2345 6789", "KR")]
    #[case::other_mobile("011-2345-6789", "KR")]
    #[case::code_without_plus_in_japan("821023456789", "JP")]
    fn fast_path_edges_agree(#[case] input: &str, #[case] default_region: &str) {
        assert_same(input, region(default_region));
    }
}
