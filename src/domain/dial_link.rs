//! The phone number in a link that a browser or another program hands to
//! `ringdesk dial`: `tel:+82-10-1234-5678` (RFC 3966), `callto:` (Skype's
//! scheme, also written `callto://`), the same percent-encoded
//! (`tel:%2B82-10-…`), or a plain number.
//!
//! Pure: this only finds the number's text; [`super::PhoneNumber::parse`]
//! reads it.

use percent_encoding::percent_decode_str;

/// Why a link names no number to dial.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Nothing given at all.
    #[error("no phone number given")]
    Empty,
    /// A link of another kind (`mailto:`, `https:`).
    #[error("'{link}' is a {scheme}: link; only tel: and callto: links name a number to dial")]
    OtherScheme {
        /// The link as given.
        link: String,
        /// Its scheme, lowercase.
        scheme: String,
    },
    /// No digit in it (`tel:`, `callto:abc`).
    #[error("'{0}' has no phone number in it")]
    NoNumber(String),
}

/// The schemes whose links carry a number to dial.
const SCHEMES: [&str; 2] = ["tel", "callto"];

/// The number's text in `link`: the scheme, `//`, parameters (`;ext=…`,
/// `;phone-context=…`), query and fragment taken off, percent-encoding
/// decoded. The separators are kept (`+82-10-1234-5678`).
///
/// # Errors
/// [`LinkError`] when there is no number to dial in it.
pub fn number_in_link(link: &str) -> Result<String, LinkError> {
    let given = link.trim();
    if given.is_empty() {
        return Err(LinkError::Empty);
    }
    let decoded = percent_decode_str(given).decode_utf8_lossy();
    let mut rest = decoded.trim();
    if let Some((scheme, after)) = split_scheme(rest) {
        if !SCHEMES.contains(&scheme.as_str()) {
            return Err(LinkError::OtherScheme {
                link: given.to_owned(),
                scheme,
            });
        }
        rest = after.trim_start_matches('/');
    }
    let end = rest.find([';', '?', '#']).unwrap_or(rest.len());
    let number = rest
        .get(..end)
        .unwrap_or_default()
        .trim()
        .trim_end_matches('/')
        .trim();
    if !number.chars().any(char::is_numeric) {
        return Err(LinkError::NoNumber(given.to_owned()));
    }
    Ok(number.to_owned())
}

/// `tel:…` → `("tel", "…")`: a scheme is a letter, then letters, digits,
/// `+`, `-` or `.`, then a colon (RFC 3986 §3.1).
fn split_scheme(text: &str) -> Option<(String, &str)> {
    let (scheme, rest) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let is_scheme = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| (scheme.to_ascii_lowercase(), rest))
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::domain::{PhoneNumber, Region};

    #[rstest]
    #[case("tel:+82-10-1234-5678", "+82-10-1234-5678")]
    #[case("TEL:+82-10-1234-5678", "+82-10-1234-5678")]
    #[case("tel:%2B82-10-1234-5678", "+82-10-1234-5678")]
    #[case("tel%3A%2B821012345678", "+821012345678")]
    #[case("callto:+82 2 2299 7123", "+82 2 2299 7123")]
    #[case("callto://+82-2-2299-7123/", "+82-2-2299-7123")]
    #[case("callto:%2B82%2010%201234%205678", "+82 10 1234 5678")]
    #[case("tel:+1-201-555-0123;ext=1234", "+1-201-555-0123")]
    #[case("tel:7042;phone-context=example.com", "7042")]
    #[case("tel:010-1234-5678?call=1#x", "010-1234-5678")]
    #[case("  010-1234-5678  ", "010-1234-5678")]
    #[case("01012345678", "01012345678")]
    #[case("tel:０１０-１２３４-５６７８", "０１０-１２３４-５６７８")]
    fn finds_the_number(#[case] link: &str, #[case] number: &str) {
        assert_eq!(number_in_link(link).unwrap(), number);
    }

    #[rstest]
    #[case("", LinkError::Empty)]
    #[case("   ", LinkError::Empty)]
    #[case("tel:", LinkError::NoNumber("tel:".to_owned()))]
    #[case("callto://", LinkError::NoNumber("callto://".to_owned()))]
    #[case("tel:;ext=12", LinkError::NoNumber("tel:;ext=12".to_owned()))]
    #[case("callto:echo", LinkError::NoNumber("callto:echo".to_owned()))]
    #[case("mailto:a@b.kr", LinkError::OtherScheme { link: "mailto:a@b.kr".to_owned(), scheme: "mailto".to_owned() })]
    #[case("HTTPS://x.kr/1", LinkError::OtherScheme { link: "HTTPS://x.kr/1".to_owned(), scheme: "https".to_owned() })]
    fn refuses_links_without_a_number(#[case] link: &str, #[case] error: LinkError) {
        assert_eq!(number_in_link(link), Err(error));
    }

    #[test]
    fn callto_with_letters_and_digits_is_not_a_number_link() {
        // A Skype name with digits is still read as digits; the phone
        // parser then refuses the letters.
        let number = number_in_link("callto:kim1234").unwrap();
        assert!(PhoneNumber::parse(&number, Region::KOREA).is_err());
    }

    #[test]
    fn the_number_reads_to_its_canonical_form() {
        for link in [
            "tel:+82-10-1234-5678",
            "tel:%2B82-10-1234-5678",
            "callto:010.1234.5678",
            "010 1234 5678",
        ] {
            let number = PhoneNumber::parse(&number_in_link(link).unwrap(), Region::KOREA).unwrap();
            assert_eq!(number.key(), "+821012345678", "{link}");
            assert_eq!(number.display(), "010-1234-5678", "{link}");
        }
    }
}
