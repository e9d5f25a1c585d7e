//! 임의문자발송's recipients: numbers typed or pasted in, one per line or
//! separated by commas, semicolons, tabs or spaces, each checked with the
//! composer's own recipient rule (`compose::recipient`: a real number, a
//! mobile one in Korea) and kept once.
//!
//! Spaces are ambiguous: agents write "010 1234 5678" as often as they
//! paste "010-1234-5678 010-2222-3333". A piece between the other
//! separators is first read whole; only when that is not one number is it
//! split at its spaces. Every piece that is left out is reported with its
//! line and the reason, so the manager can correct the list.
//!
//! Pure: the caller passes the text and the region.

use std::collections::HashMap;

use super::compose::{self, Issue};
use crate::domain::{PhoneNumber, Region};

/// The pasted text, sorted out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FreeNumbers {
    /// The numbers to send to, each once, in the order first met.
    pub numbers: Vec<PhoneNumber>,
    /// What could not be sent to, with why.
    pub rejected: Vec<Rejected>,
    /// Repeats of a number already in [`FreeNumbers::numbers`].
    pub duplicates: Vec<Duplicate>,
}

/// A piece of the text that is no number to send to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The line it is on, from 1.
    pub line: usize,
    /// The piece as typed.
    pub text: String,
    /// Why it is left out.
    pub issue: Issue,
}

/// A number met again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The line it is on, from 1.
    pub line: usize,
    /// The piece as typed.
    pub text: String,
    /// The line it was first met on.
    pub first_line: usize,
}

/// Sorts `text` into numbers to send to, pieces left out and repeats.
#[must_use]
pub fn parse(text: &str, region: Region) -> FreeNumbers {
    let mut out = FreeNumbers::default();
    // Each kept number's key and the line it came from.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        for piece in line.split([',', ';', '\t']) {
            let piece = piece.trim();
            if piece.is_empty() {
                continue;
            }
            for (text, result) in read_piece(piece, region) {
                match result {
                    Ok(number) => {
                        if let Some(&first_line) = seen.get(number.key()) {
                            out.duplicates.push(Duplicate {
                                line: line_no,
                                text: text.to_owned(),
                                first_line,
                            });
                        } else {
                            seen.insert(number.key().to_owned(), line_no);
                            out.numbers.push(number);
                        }
                    }
                    Err(issue) => out.rejected.push(Rejected {
                        line: line_no,
                        text: text.to_owned(),
                        issue,
                    }),
                }
            }
        }
    }
    out
}

/// One piece read whole, or else word by word.
fn read_piece(piece: &str, region: Region) -> Vec<(&str, Result<PhoneNumber, Issue>)> {
    let whole = compose::recipient(piece, region);
    if whole.is_ok() || !piece.contains(' ') {
        return vec![(piece, whole)];
    }
    let words: Vec<(&str, Result<PhoneNumber, Issue>)> = piece
        .split(' ')
        .filter(|word| !word.is_empty())
        .map(|word| (word, compose::recipient(word, region)))
        .collect();
    // Split only when that finds numbers; "02 2299 7000" is one landline,
    // refused as a whole rather than as three stray pieces.
    if words.iter().any(|(_, result)| result.is_ok()) {
        words
    } else {
        vec![(piece, whole)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(free: &FreeNumbers) -> Vec<&str> {
        free.numbers.iter().map(PhoneNumber::key).collect()
    }

    #[test]
    fn lines_commas_tabs_and_spaces_separate_numbers() {
        let free = parse(
            "010-1234-5678\n01022223333, 010-4444-5555\t+82 10 6666 7777;010 8888 9999\n\n",
            Region::KOREA,
        );
        assert_eq!(
            keys(&free),
            [
                "+821012345678",
                "+821022223333",
                "+821044445555",
                "+821066667777",
                "+821088889999"
            ]
        );
        assert!(free.rejected.is_empty() && free.duplicates.is_empty());
    }

    #[test]
    fn numbers_pasted_with_spaces_between_them_are_split() {
        let free = parse("010-1234-5678 010-2222-3333  01044445555", Region::KOREA);
        assert_eq!(
            keys(&free),
            ["+821012345678", "+821022223333", "+821044445555"]
        );
    }

    #[test]
    fn repeats_in_any_layout_are_kept_once_and_reported() {
        let free = parse(
            "010-1234-5678\n01012345678\n+82 10-1234-5678",
            Region::KOREA,
        );
        assert_eq!(keys(&free), ["+821012345678"]);
        assert_eq!(
            free.duplicates,
            [
                Duplicate {
                    line: 2,
                    text: "01012345678".to_owned(),
                    first_line: 1
                },
                Duplicate {
                    line: 3,
                    text: "+82 10-1234-5678".to_owned(),
                    first_line: 1
                }
            ]
        );
    }

    #[test]
    fn what_cannot_be_sent_to_is_reported_with_its_line_and_reason() {
        let free = parse("010-1234-5678\n02 2299 7000\n홍길동\n010-12", Region::KOREA);
        assert_eq!(keys(&free), ["+821012345678"]);
        let rejected: Vec<(usize, &str)> = free
            .rejected
            .iter()
            .map(|rejected| (rejected.line, rejected.text.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [(2, "02 2299 7000"), (3, "홍길동"), (4, "010-12")]
        );
        assert!(matches!(free.rejected[0].issue, Issue::NotMobile { .. }));
    }

    #[test]
    fn numbers_abroad_are_kept_in_their_own_format() {
        let free = parse("+81 90-1234-5678", Region::KOREA);
        assert_eq!(keys(&free), ["+819012345678"]);
    }
}
