//! Advertising consent (정보통신망법 §50): when and how a customer agreed to
//! receive advertisements, as the card, the import and the export carry it.
//!
//! The SMS rules read only the opt-out and the night-time consent: an
//! opted-out customer gets no advertisement, and night sending (21:00–08:00)
//! needs night consent. A customer without recorded consent is sent to as
//! before; the date and channel are the record a business keeps of consent.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::time::Timestamp;

/// How the customer gave their advertising consent (동의경로).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentChannel {
    /// By telephone (전화).
    Phone,
    /// By text message (문자).
    Sms,
    /// On a web page or app (웹).
    Web,
    /// On paper, signed (서면).
    Paper,
    /// Anything else (기타).
    Other,
}

impl ConsentChannel {
    /// Every channel, in the order the form offers them.
    pub const ALL: [Self; 5] = [Self::Phone, Self::Sms, Self::Web, Self::Paper, Self::Other];

    /// The code stored in the database and printed by `--json`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Sms => "sms",
            Self::Web => "web",
            Self::Paper => "paper",
            Self::Other => "other",
        }
    }

    /// The Korean name the export writes and the import reads back.
    #[must_use]
    pub fn korean(self) -> &'static str {
        match self {
            Self::Phone => "전화",
            Self::Sms => "문자",
            Self::Web => "웹",
            Self::Paper => "서면",
            Self::Other => "기타",
        }
    }

    /// Reads a channel written in Korean, Japanese or English (or its code);
    /// `None` for anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let plain: String = text
            .trim()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        Some(match plain.as_str() {
            "phone" | "tel" | "telephone" | "call" | "전화" | "통화" | "電話" => Self::Phone,
            "sms" | "text" | "mms" | "문자" | "문자메시지" | "메시지" | "ショートメール" => {
                Self::Sms
            }
            "web" | "online" | "internet" | "app" | "웹" | "온라인" | "홈페이지" | "인터넷"
            | "앱" | "ウェブ" | "web申込" | "オンライン" => Self::Web,
            "paper" | "written" | "form" | "서면" | "서류" | "종이" | "書面" | "紙" => {
                Self::Paper
            }
            "other" | "기타" | "その他" => Self::Other,
            _ => return None,
        })
    }
}

/// Reads a yes/no cell: Y/N, 예/아니오, 동의/거부, はい/いいえ, true/false,
/// 1/0 and the like; `None` when it is neither (or empty).
#[must_use]
pub fn parse_yes_no(text: &str) -> Option<bool> {
    let plain: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    match plain.as_str() {
        "y" | "yes" | "true" | "1" | "o" | "○" | "예" | "네" | "동의" | "수신" | "수신동의"
        | "허용" | "はい" | "同意" | "有" | "可" | "agree" | "agreed" | "on" => Some(true),
        "n" | "no" | "false" | "0" | "x" | "×" | "아니오" | "아니요" | "거부" | "미동의"
        | "수신거부" | "비동의" | "いいえ" | "拒否" | "不同意" | "無" | "不可" | "disagree"
        | "off" => Some(false),
        _ => None,
    }
}

/// Reads an opt-out cell (수신거부): yes/no as [`parse_yes_no`], except that
/// a refusal written out (거부, 수신거부, 拒否, 配信停止, opted out) is a yes
/// here, and any date (the export writes when) is a yes too.
#[must_use]
pub fn parse_opt_out(text: &str) -> bool {
    let plain: String = text
        .trim()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        plain.as_str(),
        "거부"
            | "수신거부"
            | "광고거부"
            | "拒否"
            | "受信拒否"
            | "配信停止"
            | "optedout"
            | "optout"
            | "refused"
            | "unsubscribed"
    ) || parse_yes_no(text) == Some(true)
        || parse_date(text).is_some()
}

/// Reads a consent date: `2024-03-05`, `2024.3.5`, `2024/03/05`,
/// `20240305`, or an RFC 3339 time (the export's); the day is kept as noon
/// UTC, the same calendar day from UTC−11 to UTC+11. `None` when no date.
#[must_use]
pub fn parse_date(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    let head = text.get(..10).unwrap_or(text);
    let digits: Vec<&str> = head
        .split(['-', '.', '/', ' '])
        .filter(|part| !part.is_empty())
        .collect();
    let (year, month, day): (i32, u8, u8) = match digits.as_slice() {
        [year, month, day] => (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?),
        [compact] if compact.len() == 8 && text.len() == 8 => (
            compact.get(..4)?.parse().ok()?,
            compact.get(4..6)?.parse().ok()?,
            compact.get(6..)?.parse().ok()?,
        ),
        _ => return None,
    };
    if !(1900..=9999).contains(&year) {
        return None;
    }
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let noon = date.midnight().assume_utc().unix_timestamp() * 1000 + 12 * 3_600_000;
    Some(Timestamp(noon))
}

/// A consent date as `parse_date` reads it back: `YYYY-MM-DD` (UTC day).
#[must_use]
pub fn format_date(at: Timestamp) -> String {
    time::OffsetDateTime::from_unix_timestamp(at.as_millis().div_euclid(1000)).map_or_else(
        |_| String::new(),
        |moment| {
            format!(
                "{:04}-{:02}-{:02}",
                moment.year(),
                u8::from(moment.month()),
                moment.day()
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("Y", Some(true))]
    #[case(" 예 ", Some(true))]
    #[case("동의", Some(true))]
    #[case("TRUE", Some(true))]
    #[case("1", Some(true))]
    #[case("はい", Some(true))]
    #[case("N", Some(false))]
    #[case("아니오", Some(false))]
    #[case("거부", Some(false))]
    #[case("false", Some(false))]
    #[case("0", Some(false))]
    #[case("いいえ", Some(false))]
    #[case("", None)]
    #[case("글쎄", None)]
    fn yes_no_cells(#[case] text: &str, #[case] expected: Option<bool>) {
        assert_eq!(parse_yes_no(text), expected, "{text}");
    }

    #[rstest]
    #[case("2024-03-05")]
    #[case("2024.3.5")]
    #[case("2024/03/05")]
    #[case("20240305")]
    #[case("2024-03-05T09:30:00+09:00")]
    fn dates_read_as_that_day(#[case] text: &str) {
        let at = parse_date(text).unwrap();
        assert_eq!(format_date(at), "2024-03-05", "{text}");
    }

    #[rstest]
    #[case("")]
    #[case("2024-02-30")]
    #[case("어제")]
    #[case("05/03")]
    #[case("123")]
    fn not_dates(#[case] text: &str) {
        assert_eq!(parse_date(text), None, "{text}");
    }

    #[test]
    fn an_opt_out_cell_reads_a_refusal_as_yes() {
        for yes in [
            "Y",
            "수신거부",
            "거부",
            "配信停止",
            "2024-01-02 10:00",
            "opted out",
        ] {
            assert!(parse_opt_out(yes), "{yes}");
        }
        for no in ["N", "", "0", "아니오"] {
            assert!(!parse_opt_out(no), "{no}");
        }
    }

    #[test]
    fn channels_read_in_three_languages_and_round_trip() {
        assert_eq!(ConsentChannel::parse("전화"), Some(ConsentChannel::Phone));
        assert_eq!(ConsentChannel::parse("문자"), Some(ConsentChannel::Sms));
        assert_eq!(ConsentChannel::parse("웹"), Some(ConsentChannel::Web));
        assert_eq!(ConsentChannel::parse("書面"), Some(ConsentChannel::Paper));
        assert_eq!(ConsentChannel::parse("Other"), Some(ConsentChannel::Other));
        assert_eq!(ConsentChannel::parse("팩스"), None);
        for channel in ConsentChannel::ALL {
            assert_eq!(ConsentChannel::parse(channel.korean()), Some(channel));
            assert_eq!(ConsentChannel::parse(channel.as_str()), Some(channel));
        }
    }
}
