//! Masking phone numbers in text that leaves the desk's screen — the log
//! file above debug level — so a log handed to support shows 010-****-5678,
//! never a customer's whole number.
//!
//! Written by hand: a log line is free text (an error from a gateway, a
//! caller ID in a sentence), so the numbers are found by their shape, not
//! parsed; `regex` lacks the look-around the boundaries need.

use std::borrow::Cow;

/// The digits kept at the start and at the end of a masked number.
const KEEP_FRONT: usize = 3;
const KEEP_BACK: usize = 4;

/// `text` with every phone-number-shaped run masked: its digits but the first
/// three and the last four become `*`, separators stay (010-1234-5678 →
/// 010-****-5678, +821012345678 → +821*****5678).
///
/// A run is phone-shaped when it stands alone (no letter, digit or `_`
/// around it), its groups are joined by single `-`, `.` or spaces, and it
/// has 8–15 digits and starts with `+` or `0`: Korean and Japanese numbers
/// as dialled at home, and every international one. Dates, times, ids and
/// counts do not have that shape; nor do the companies' own representative
/// numbers (1588-1234), which are public.
#[must_use]
pub fn mask_phone_numbers(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut masked: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let starts = (bytes[at] == b'+' || bytes[at].is_ascii_digit())
            && (at == 0 || !is_word(bytes[at - 1]) && bytes[at - 1] != b'+');
        if !starts {
            at += 1;
            continue;
        }
        let end = run_end(bytes, at);
        let run = &text[at..end];
        if is_phone_shaped(run) && (end == bytes.len() || !is_word(bytes[end])) {
            let out = masked.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..at]);
            out.push_str(&mask_run(run));
            copied = end;
        }
        at = end.max(at + 1);
    }
    match masked {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

/// Letters, digits and `_` of ASCII: Korean or Japanese right beside a
/// number ("번호010-…") still leaves it standing alone.
fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The end of the digit groups starting at `start` (after an optional `+`):
/// digits, and single separators between digits.
fn run_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + usize::from(bytes[start] == b'+');
    let mut end = at;
    while at < bytes.len() {
        if bytes[at].is_ascii_digit() {
            at += 1;
            end = at;
        } else if matches!(bytes[at], b'-' | b'.' | b' ')
            && at + 1 < bytes.len()
            && bytes[at + 1].is_ascii_digit()
            && end == at
        {
            at += 1;
        } else {
            break;
        }
    }
    end
}

fn is_phone_shaped(run: &str) -> bool {
    let digits = run.bytes().filter(u8::is_ascii_digit).count();
    let first = run.bytes().find(u8::is_ascii_digit);
    (run.starts_with('+') || first == Some(b'0')) && (8..=15).contains(&digits)
}

fn mask_run(run: &str) -> String {
    let total = run.bytes().filter(u8::is_ascii_digit).count();
    let mut seen = 0;
    run.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= KEEP_FRONT || seen > total - KEEP_BACK {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(
        "looking up caller 010-1234-5678: no",
        "looking up caller 010-****-5678: no"
    )]
    #[case("01012345678", "010****5678")]
    #[case("to +821012345678.", "to +821*****5678.")]
    #[case("+82 10-1234-5678", "+82 1*-****-5678")]
    #[case("(02-2299-7123)", "(02-2***-7123)")]
    #[case("090-1234-5678 と 03-1234-5678", "090-****-5678 と 03-1***-5678")]
    #[case("번호010-1234-5678번", "번호010-****-5678번")]
    #[case("010.1234.5678", "010.****.5678")]
    fn numbers_are_masked(#[case] text: &str, #[case] masked: &str) {
        assert_eq!(mask_phone_numbers(text), masked);
    }

    #[rstest]
    #[case("2026-11-24T19:40:12.123456Z  INFO ringdesk: daily backup made")]
    #[case("bulk send 12 started, 100000 customers, 1000000 rows")]
    #[case("call 1795432197.0 ended after 1234 ms")]
    #[case("uid=0a1b2c3d01234567e8f9 id 01234")]
    #[case("at_ms=1795432197000 retry_in_ms=60000")]
    #[case("version 0.1.0, port 5038")]
    #[case("대표번호 1588-1234 로")]
    fn other_numbers_are_left_alone(#[case] text: &str) {
        assert!(
            matches!(mask_phone_numbers(text), Cow::Borrowed(_)),
            "{text}"
        );
    }
}
