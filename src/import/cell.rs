//! One cell as a spreadsheet stored it.

use jiff::civil::{Date, DateTime};

/// A cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in it.
    Empty,
    /// Text (every cell of a delimited text file).
    Text(String),
    /// A number. Excel keeps a phone number typed without quotes as one,
    /// and drops its leading 0.
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A day, formatted as a date in the sheet.
    Date(Date),
    /// A moment, formatted as a date and time in the sheet.
    DateTime(DateTime),
    /// A formula's error (`#N/A`, `#DIV/0!`), as the sheet shows it.
    Error(String),
}

impl Cell {
    /// Whether it holds nothing but spaces (U+3000 included).
    #[must_use]
    pub fn is_blank(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a person reads it in the sheet: text trimmed, a whole
    /// number without a fraction (`1012345678`, not `1012345678.0`), a date
    /// as `2024-06-30`, a date and time as `2024-06-30 14:05`.
    #[must_use]
    pub fn text(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Text(text) => text.trim().to_owned(),
            Self::Number(number) => number_text(*number),
            Self::Bool(true) => "TRUE".to_owned(),
            Self::Bool(false) => "FALSE".to_owned(),
            Self::Date(date) => date.strftime("%Y-%m-%d").to_string(),
            Self::DateTime(at) if at.second() == 0 && at.subsec_nanosecond() == 0 => {
                at.strftime("%Y-%m-%d %H:%M").to_string()
            }
            Self::DateTime(at) => at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            Self::Error(error) => error.clone(),
        }
    }
}

/// A number as a sheet shows it in a General cell: whole numbers without a
/// fraction, up to the 15 significant digits a spreadsheet keeps.
fn number_text(number: f64) -> String {
    // 2^53: every whole number below it is exact in an f64.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if number.fract() == 0.0 && number.abs() < EXACT {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a whole number below 2^53 fits an i64 exactly"
        )]
        return (number as i64).to_string();
    }
    number.to_string()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn cells_read_as_the_sheet_shows_them() {
        assert_eq!(Cell::Number(1_012_345_678.0).text(), "1012345678");
        assert_eq!(Cell::Number(-3.0).text(), "-3");
        assert_eq!(Cell::Number(1234.5).text(), "1234.5");
        assert_eq!(Cell::Text("\u{3000} 홍길동 ".to_owned()).text(), "홍길동");
        assert_eq!(Cell::Date(date(2024, 6, 30)).text(), "2024-06-30");
        assert_eq!(
            Cell::DateTime(date(2024, 6, 30).at(14, 5, 0, 0)).text(),
            "2024-06-30 14:05"
        );
        assert!(Cell::Text("\u{3000}".to_owned()).is_blank());
        assert!(!Cell::Number(0.0).is_blank());
    }
}
