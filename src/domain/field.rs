//! User-defined fields: the company's own customer fields, their types, and
//! how a typed value is checked against its field.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::email::Email;
use super::ids::FieldId;
use super::invalid::{Invalid, Problem};
use super::phone::{PhoneNumber, Region};

/// The type of a user-defined field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text.
    Text,
    /// A number (integer or decimal).
    Number,
    /// A calendar date.
    Date,
    /// Yes or no.
    YesNo,
    /// One of a fixed list of choices.
    Choice,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
}

impl FieldKind {
    /// Every kind, in the order a dialog offers them.
    pub const ALL: [FieldKind; 7] = [
        Self::Text,
        Self::Number,
        Self::Date,
        Self::YesNo,
        Self::Choice,
        Self::Email,
        Self::Phone,
    ];

    /// The name stored in the database and used on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
            Self::YesNo => "yes_no",
            Self::Choice => "choice",
            Self::Email => "email",
            Self::Phone => "phone",
        }
    }
}

impl fmt::Display for FieldKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FieldKind {
    type Err = Problem;

    fn from_str(text: &str) -> Result<Self, Problem> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| Problem::WrongType {
                value: text.to_owned(),
                expected: "one of: text, number, date, yes_no, choice, email, phone".to_owned(),
            })
    }
}

/// A user-defined field as the store holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDef {
    /// Row id.
    pub id: FieldId,
    /// Stable key used on the command line and in templates.
    pub key: String,
    /// What the column header and the card show.
    pub label: String,
    /// The field's type.
    pub kind: FieldKind,
    /// Allowed values for [`FieldKind::Choice`].
    pub choices: Vec<String>,
    /// Order in lists and dialogs.
    pub position: i64,
    /// A customer cannot be saved without a value.
    pub required: bool,
    /// Shown as a column of the customer list by default.
    pub show_in_list: bool,
    /// Shown on the incoming-call pop-up.
    pub show_in_popup: bool,
}

/// A field definition to be created, checked by [`NewFieldDef::new`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewFieldDef {
    /// Stable key: letters (any script), digits, `_` or `-`, at most 40 characters.
    pub key: String,
    /// Display label.
    pub label: String,
    /// Type.
    pub kind: FieldKind,
    /// Allowed values for a choice field.
    pub choices: Vec<String>,
    /// Required on every customer.
    pub required: bool,
    /// Shown in the customer list.
    pub show_in_list: bool,
    /// Shown on the pop-up.
    pub show_in_popup: bool,
}

impl NewFieldDef {
    /// A field with the given key, label and kind, optional and shown in the list.
    ///
    /// # Errors
    /// When the key or label is empty or the key has characters a template
    /// placeholder cannot carry.
    pub fn new(key: &str, label: &str, kind: FieldKind) -> Result<Self, Invalid> {
        let key = key.trim();
        if key.is_empty() {
            return Err(Invalid::new("key", Problem::Empty));
        }
        if key.chars().count() > 40
            || !key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(Invalid::new(
                "key",
                Problem::Malformed {
                    value: key.to_owned(),
                    reason: "use letters, digits, '_' or '-' (at most 40)".to_owned(),
                },
            ));
        }
        let label = label.trim();
        if label.is_empty() {
            return Err(Invalid::new("label", Problem::Empty));
        }
        Ok(Self {
            key: key.to_owned(),
            label: label.to_owned(),
            kind,
            choices: Vec::new(),
            required: false,
            show_in_list: true,
            show_in_popup: false,
        })
    }

    /// The allowed values of a choice field (trimmed, empty ones dropped).
    ///
    /// # Errors
    /// When a choice field ends up with no choices.
    pub fn with_choices<S: AsRef<str>>(mut self, choices: &[S]) -> Result<Self, Invalid> {
        self.choices = choices
            .iter()
            .map(|choice| choice.as_ref().trim().to_owned())
            .filter(|choice| !choice.is_empty())
            .collect();
        if self.kind == FieldKind::Choice && self.choices.is_empty() {
            return Err(Invalid::new("choices", Problem::Empty));
        }
        Ok(self)
    }
}

/// A checked value of a user-defined field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// Text, or the chosen value of a choice field.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A number with a fraction.
    Decimal(f64),
    /// A date, kept as `YYYY-MM-DD`.
    Date(String),
    /// Yes or no.
    YesNo(bool),
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) | Self::Date(text) => f.write_str(text),
            Self::Integer(n) => n.fmt(f),
            Self::Decimal(x) => x.fmt(f),
            Self::YesNo(yes) => f.write_str(if *yes { "yes" } else { "no" }),
        }
    }
}

impl FieldDef {
    /// Checks `input` against this field. Empty input is `Ok(None)`; whether
    /// that is allowed is the caller's concern ([`FieldDef::required`]).
    ///
    /// # Errors
    /// [`Problem::WrongType`] (or the e-mail / phone problem) when the value
    /// does not fit the field.
    pub fn parse_value(&self, input: &str, region: Region) -> Result<Option<FieldValue>, Problem> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let wrong = |expected: &str| Problem::WrongType {
            value: text.to_owned(),
            expected: expected.to_owned(),
        };
        let value = match self.kind {
            FieldKind::Text => FieldValue::Text(text.to_owned()),
            FieldKind::Number => parse_number(text).ok_or_else(|| wrong("a number"))?,
            FieldKind::Date => {
                FieldValue::Date(parse_date(text).ok_or_else(|| wrong("a date (YYYY-MM-DD)"))?)
            }
            FieldKind::YesNo => {
                FieldValue::YesNo(parse_yes_no(text).ok_or_else(|| wrong("yes or no"))?)
            }
            FieldKind::Choice => {
                let choice = self
                    .choices
                    .iter()
                    .find(|choice| choice.as_str() == text)
                    .ok_or_else(|| wrong(&format!("one of: {}", self.choices.join(", "))))?;
                FieldValue::Text(choice.clone())
            }
            FieldKind::Email => FieldValue::Text(Email::parse(text)?.to_string()),
            FieldKind::Phone => {
                FieldValue::Text(PhoneNumber::parse(text, region)?.display().to_owned())
            }
        };
        Ok(Some(value))
    }
}

fn parse_number(text: &str) -> Option<FieldValue> {
    // People paste numbers with thousands separators ("1,200,000").
    let plain: String = text.chars().filter(|&c| c != ',' && c != '_').collect();
    if let Ok(n) = plain.parse::<i64>() {
        return Some(FieldValue::Integer(n));
    }
    plain
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(FieldValue::Decimal)
}

/// Accepts `2024-06-30`, `2024.06.30`, `2024/6/30` and `20240630`.
fn parse_date(text: &str) -> Option<String> {
    let parts: Vec<&str> = if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        vec![text.get(0..4)?, text.get(4..6)?, text.get(6..8)?]
    } else {
        text.trim_end_matches('.')
            .split(['-', '.', '/'])
            .map(str::trim)
            .collect()
    };
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let year: i32 = year.parse().ok()?;
    let month: u8 = month.parse().ok()?;
    let day: u8 = day.parse().ok()?;
    let date =
        time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

fn parse_yes_no(text: &str) -> Option<bool> {
    match text.to_lowercase().as_str() {
        "y" | "yes" | "true" | "1" | "o" | "예" | "네" | "はい" | "有" => Some(true),
        "n" | "no" | "false" | "0" | "x" | "아니오" | "아니요" | "いいえ" | "無" => {
            Some(false)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn def(kind: FieldKind) -> FieldDef {
        FieldDef {
            id: FieldId(1),
            key: "k".to_owned(),
            label: "K".to_owned(),
            kind,
            choices: vec!["VIP".to_owned(), "일반".to_owned()],
            position: 0,
            required: false,
            show_in_list: true,
            show_in_popup: false,
        }
    }

    #[rstest]
    #[case(FieldKind::Text, " 지인 소개 ", FieldValue::Text("지인 소개".into()))]
    #[case(FieldKind::Number, "1,200,000", FieldValue::Integer(1_200_000))]
    #[case(FieldKind::Number, "3.5", FieldValue::Decimal(3.5))]
    #[case(FieldKind::Date, "2024.6.30", FieldValue::Date("2024-06-30".into()))]
    #[case(FieldKind::Date, "20240229", FieldValue::Date("2024-02-29".into()))]
    #[case(FieldKind::YesNo, "예", FieldValue::YesNo(true))]
    #[case(FieldKind::YesNo, "No", FieldValue::YesNo(false))]
    #[case(FieldKind::Choice, "일반", FieldValue::Text("일반".into()))]
    #[case(FieldKind::Email, "a@b.kr", FieldValue::Text("a@b.kr".into()))]
    #[case(FieldKind::Phone, "01012345678", FieldValue::Text("010-1234-5678".into()))]
    fn accepts(#[case] kind: FieldKind, #[case] input: &str, #[case] expected: FieldValue) {
        assert_eq!(
            def(kind).parse_value(input, Region::KOREA),
            Ok(Some(expected))
        );
    }

    #[rstest]
    #[case(FieldKind::Number, "열둘")]
    #[case(FieldKind::Number, "NaN")]
    #[case(FieldKind::Date, "2023-02-29")]
    #[case(FieldKind::Date, "어제")]
    #[case(FieldKind::YesNo, "maybe")]
    #[case(FieldKind::Choice, "골드")]
    #[case(FieldKind::Email, "kim@@naver.com")]
    #[case(FieldKind::Phone, "전화없음")]
    fn refuses(#[case] kind: FieldKind, #[case] input: &str) {
        assert!(
            def(kind).parse_value(input, Region::KOREA).is_err(),
            "{input}"
        );
    }

    #[test]
    fn empty_is_no_value() {
        assert_eq!(
            def(FieldKind::Number).parse_value("  ", Region::KOREA),
            Ok(None)
        );
    }

    #[test]
    fn field_keys_take_any_script_but_no_spaces() {
        assert!(NewFieldDef::new("인지경로", "인지경로", FieldKind::Text).is_ok());
        assert!(NewFieldDef::new("referral_source", "Referral", FieldKind::Text).is_ok());
        assert!(NewFieldDef::new("two words", "x", FieldKind::Text).is_err());
        assert!(NewFieldDef::new(" ", "x", FieldKind::Text).is_err());
        assert!(
            NewFieldDef::new("tier", "등급", FieldKind::Choice)
                .and_then(|d| d.with_choices::<&str>(&[]))
                .is_err()
        );
    }
}
