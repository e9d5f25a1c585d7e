//! What a search-box text means, and the pieces of text the search indexes
//! hold. Pure: the SQL that uses these lives in `store/search.rs`.
//!
//! A query is split on whitespace into terms; a customer matches when every
//! term does. A term of three or more characters is a substring search
//! (trigram index); one or two characters search names and companies through
//! their one- and two-character pieces ([`grams`]); a term of three or more
//! digits (with dashes, dots or a leading `+`) matches the start of a block
//! of one of the customer's numbers ([`number_blocks`]): `5678`, `1234`,
//! `1234-5678` and `010-1234` all find 010-1234-5678.

use super::phone::{PhoneNumber, Region};

/// Fewest characters the trigram index can find.
pub const TRIGRAM_MIN_CHARS: usize = 3;

/// One whitespace-separated part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// Text of at least [`TRIGRAM_MIN_CHARS`] characters, lower-cased.
    Text(String),
    /// One or two characters, lower-cased: found through [`grams`] of names and companies.
    Short(String),
    /// At least three digits: the start of a number block, as digits ("5678", "01012345678").
    Digits(String),
}

/// A parsed search-box text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// The whole text, trimmed (for the exact-name match).
    pub whole: String,
    /// The terms; empty for a blank query.
    pub terms: Vec<Term>,
    /// When the whole text is a phone number: the keys its customers' numbers may have.
    pub phone_keys: Vec<String>,
}

impl SearchQuery {
    /// Reads a search-box text; numbers are read in `region`.
    #[must_use]
    pub fn parse(text: &str, region: Region) -> Self {
        let whole = text.trim().to_owned();
        let phone = (looks_like_digits(&whole) && digit_count(&whole) >= 7)
            .then(|| PhoneNumber::parse(&whole, region).ok())
            .flatten();
        let terms = match &phone {
            // A whole number typed with spaces ("+82 10 1234 5678") is one term.
            Some(number) => vec![Term::Digits(number.digits().to_owned())],
            None => whole.split_whitespace().map(term).collect(),
        };
        let phone_keys = phone
            .map(|number| number.lookup_keys().map(str::to_owned).collect())
            .unwrap_or_default();
        Self {
            whole,
            terms,
            phone_keys,
        }
    }

    /// True when there is nothing to search for.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

fn term(word: &str) -> Term {
    if looks_like_digits(word) && digit_count(word) >= TRIGRAM_MIN_CHARS {
        return Term::Digits(word.chars().filter(char::is_ascii_digit).collect());
    }
    let lower = word.to_lowercase();
    if lower.chars().count() >= TRIGRAM_MIN_CHARS {
        Term::Text(lower)
    } else {
        Term::Short(lower)
    }
}

fn looks_like_digits(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | '+' | '(' | ')' | ' '))
}

fn digit_count(text: &str) -> usize {
    text.chars().filter(char::is_ascii_digit).count()
}

/// An FTS5 phrase that matches `text` literally: quoted, inner quotes doubled.
#[must_use]
pub fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Every distinct one- and two-character piece of `text`, lower-cased, never
/// spanning whitespace. "홍길동" gives 홍, 길, 동, 홍길, 길동.
#[must_use]
pub fn grams(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut grams: Vec<String> = Vec::new();
    for word in lower.split_whitespace() {
        let chars: Vec<char> = word.chars().collect();
        for (index, &first) in chars.iter().enumerate() {
            push_distinct(&mut grams, first.to_string());
            if let Some(&second) = chars.get(index + 1) {
                push_distinct(&mut grams, [first, second].iter().collect());
            }
        }
    }
    grams
}

/// The tokens a number is found by: its digits from each block on. For
/// 010-1234-5678: `01012345678`, `12345678`, `5678`. `display` gives the
/// blocks; `digits` (the national form, trunk prefix included) is always a token.
#[must_use]
pub fn number_blocks(display: &str, digits: &str) -> Vec<String> {
    let blocks: Vec<&str> = display
        .split(|c: char| !c.is_ascii_digit())
        .filter(|block| !block.is_empty())
        .collect();
    let mut tokens = vec![digits.to_owned()];
    for start in 0..blocks.len() {
        let token: String = blocks.get(start..).unwrap_or_default().concat();
        if token.len() >= TRIGRAM_MIN_CHARS {
            push_distinct(&mut tokens, token);
        }
    }
    tokens
}

fn push_distinct(grams: &mut Vec<String>, gram: String) {
    if !grams.contains(&gram) {
        grams.push(gram);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<Term> {
        SearchQuery::parse(text, Region::KOREA).terms
    }

    #[test]
    fn splits_terms_by_kind() {
        assert_eq!(terms("김"), vec![Term::Short("김".into())]);
        assert_eq!(terms("민준"), vec![Term::Short("민준".into())]);
        assert_eq!(terms("홍길동"), vec![Term::Text("홍길동".into())]);
        assert_eq!(terms("5678"), vec![Term::Digits("5678".into())]);
        assert_eq!(terms("1234-5678"), vec![Term::Digits("12345678".into())]);
        assert_eq!(
            terms(" 김  5678 "),
            vec![Term::Short("김".into()), Term::Digits("5678".into())]
        );
        assert_eq!(terms("NAVER.com"), vec![Term::Text("naver.com".into())]);
        assert!(SearchQuery::parse("   ", Region::KOREA).is_empty());
    }

    #[test]
    fn a_whole_number_is_one_term_with_its_keys() {
        let query = SearchQuery::parse("+82 10 1234 5678", Region::KOREA);
        assert_eq!(query.terms, vec![Term::Digits("01012345678".into())]);
        assert!(query.phone_keys.contains(&"+821012345678".to_owned()));
    }

    #[test]
    fn grams_of_a_name() {
        assert_eq!(grams("홍길동"), ["홍", "홍길", "길", "길동", "동"]);
        assert_eq!(grams("Kim Ab"), ["k", "ki", "i", "im", "m", "a", "ab", "b"]);
        assert_eq!(grams("aaa"), ["a", "aa"]);
    }

    #[test]
    fn numbers_are_found_from_each_block() {
        assert_eq!(
            number_blocks("010-1234-5678", "01012345678"),
            ["01012345678", "12345678", "5678"]
        );
        assert_eq!(
            number_blocks("+81 90-1234-5678", "09012345678"),
            [
                "09012345678",
                "819012345678",
                "9012345678",
                "12345678",
                "5678"
            ]
        );
        assert_eq!(number_blocks("1001", "1001"), ["1001"]);
    }

    #[test]
    fn phrases_are_quoted() {
        assert_eq!(fts_phrase("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
